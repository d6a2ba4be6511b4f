"""The pure rules of a correction: lines after, the spread of a price reduction to the grosz,
never below zero, differences per VAT rate."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicehub.domain.corrections import (
    CorrectionChange,
    CorrectionKind,
    CorrectionLine,
    differences,
    lines_after,
    matching_line,
    spread,
)
from invoicehub.domain.taxes import line_amounts

D = Decimal


def _line(position: int, quantity: str, unit_gross: str, rate: str) -> CorrectionLine:
    amounts = line_amounts(D(unit_gross), D(quantity), rate)
    return CorrectionLine(
        position, f"Towar {position}", D(quantity), "szt.", D(unit_gross), rate,
        amounts.net, amounts.vat, amounts.gross,
    )  # fmt: skip


BEFORE = [_line(1, "2", "29.99", "23"), _line(2, "1", "100.00", "8"), _line(3, "1", "14.99", "23")]


@pytest.mark.parametrize(
    ("amount", "grosses"),
    [
        ("10.00", ["33.33", "33.33", "33.34"]),
        ("0.01", ["1.00", "1.00", "1.00"]),
        ("7.77", ["59.98", "100.00", "14.99"]),
        ("174.97", ["59.98", "100.00", "14.99"]),
    ],
)
def test_a_spread_amount_sums_exactly_to_the_grosz(amount, grosses):
    shares = spread(D(amount), [D(g) for g in grosses])
    assert sum(shares) == D(amount)
    assert all(share == share.quantize(D("0.01")) and share >= 0 for share in shares)
    total = sum(D(g) for g in grosses)
    for share, gross in zip(shares, grosses, strict=True):  # in proportion, to within a grosz
        assert abs(share - D(amount) * D(gross) / total) < D("0.01")


def test_a_price_reduction_lowers_every_line_in_proportion_and_exactly():
    after = lines_after(BEFORE, CorrectionChange(CorrectionKind.PRICE_REDUCTION, amount=D("20.00")))
    assert sum(b.gross - a.gross for b, a in zip(BEFORE, after, strict=True)) == D("20.00")
    assert [a.quantity for a in after] == [b.quantity for b in BEFORE]
    diffs = {d.rate: d for d in differences(BEFORE, after)}
    assert diffs["23"].gross + diffs["8"].gross == D("-20.00")
    assert all(d.net + d.vat == d.gross for d in diffs.values())


def test_refunded_quantities_correct_only_their_line_and_never_below_zero():
    after = lines_after(BEFORE, CorrectionChange(CorrectionKind.REFUND, {1: D("1")}))
    assert after[0].quantity == 1 and after[0].gross == D("29.99") and after[1:] == BEFORE[1:]
    again = lines_after(after, CorrectionChange(CorrectionKind.REFUND, {1: D("5")}))
    assert again[0].quantity == 0 and again[0].gross == 0


def test_a_cancellation_takes_every_line_to_zero_and_differences_are_the_negated_totals():
    after = lines_after(BEFORE, CorrectionChange(CorrectionKind.CANCELLATION))
    assert all(a.quantity == 0 and a.gross == 0 for a in after)
    diffs = {d.rate: d.gross for d in differences(BEFORE, after)}
    assert diffs == {"23": D("-74.97"), "8": D("-100.00")}


def test_an_amount_equal_to_one_lines_gross_names_that_line():
    assert matching_line(BEFORE, D("100.00")) == 2
    assert matching_line(BEFORE, D("50.00")) is None


def test_a_reduction_never_exceeds_what_is_left():
    after = lines_after(BEFORE, CorrectionChange(CorrectionKind.PRICE_REDUCTION, amount=D("999")))
    assert all(a.gross == 0 for a in after)
