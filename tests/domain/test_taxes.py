"""VAT from gross prices: per line and per rate, rounded half-up to the grosz."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicehub.domain.taxes import (
    UnknownVatRate,
    compute_totals,
    line_amounts,
    split_gross,
    to_grosz,
)
from invoicehub.models import VAT_RATES

D = Decimal

money = st.decimals(min_value=D("0.00"), max_value=D("99999.99"), places=2)
quantities = st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3)
rates = st.sampled_from(VAT_RATES)
lines = st.lists(st.tuples(money, quantities, rates), min_size=1, max_size=30)
# No example database in the work tree, and no deadline (shared CI machines are noisy).
property_test = settings(database=None, deadline=None, max_examples=200)


@property_test
@given(lines)
def test_gross_per_rate_is_the_sum_of_line_grosses(drafts: list[tuple[Decimal, Decimal, str]]):
    priced = [(rate, line_amounts(unit, qty, rate).gross) for unit, qty, rate in drafts]
    totals = compute_totals(priced)
    for rate_total in totals.by_rate:
        assert rate_total.gross == sum(g for r, g in priced if r == rate_total.rate)
    assert totals.gross == sum(g for _, g in priced)


@property_test
@given(lines)
def test_net_plus_vat_is_gross_per_rate_and_in_total(drafts: list[tuple[Decimal, Decimal, str]]):
    totals = compute_totals((rate, line_amounts(u, q, rate).gross) for u, q, rate in drafts)
    for rate_total in totals.by_rate:
        assert rate_total.net + rate_total.vat == rate_total.gross
    assert totals.net + totals.vat == totals.gross
    assert totals.net == sum(r.net for r in totals.by_rate)
    assert totals.vat == sum(r.vat for r in totals.by_rate)


@property_test
@given(money, quantities, rates)
def test_every_line_splits_exactly_into_net_and_vat(unit: Decimal, qty: Decimal, rate: str):
    amounts = line_amounts(unit, qty, rate)
    assert amounts.net + amounts.vat == amounts.gross
    assert amounts.gross == to_grosz(unit * qty)
    for value in (amounts.net, amounts.vat, amounts.gross):
        assert value == value.quantize(D("0.01"))


@property_test
@given(lines)
def test_rates_are_listed_once_each_in_fixed_order(drafts: list[tuple[Decimal, Decimal, str]]):
    totals = compute_totals((rate, line_amounts(u, q, rate).gross) for u, q, rate in drafts)
    listed = [r.rate for r in totals.by_rate]
    assert listed == [rate for rate in VAT_RATES if rate in {d[2] for d in drafts}]


@pytest.mark.parametrize(
    ("gross", "rate", "net", "vat"),
    [
        ("123.00", "23", "100.00", "23.00"),
        ("49.99", "23", "40.64", "9.35"),  # 40.642... rounds down
        ("1.00", "23", "0.81", "0.19"),  # 0.8130 rounds down
        ("0.99", "8", "0.92", "0.07"),  # 0.91666... rounds up
        ("10.50", "5", "10.00", "0.50"),
        ("0.21", "5", "0.20", "0.01"),
        ("0.63", "5", "0.60", "0.03"),
        ("99.99", "0", "99.99", "0.00"),
        ("99.99", "zw", "99.99", "0.00"),
    ],
)
def test_net_is_gross_over_one_plus_rate_rounded_half_up(gross, rate, net, vat):
    amounts = split_gross(D(gross), rate)
    assert (amounts.net, amounts.vat) == (D(net), D(vat))


def test_half_grosz_rounds_up_not_to_even():
    assert to_grosz(D("0.125")) == D("0.13")
    assert to_grosz(D("0.135")) == D("0.14")
    assert to_grosz(D("-0.125")) == D("-0.13")
    # A tie happens on a line's gross (quantity has 3 decimals): 3.33 x 0.5 = 1.665 -> 1.67.
    assert line_amounts(D("3.33"), D("0.5"), "23").gross == D("1.67")
    assert line_amounts(D("0.25"), D("0.5"), "23").gross == D("0.13")


def test_per_rate_totals_come_from_summed_gross_not_summed_line_nets():
    # Three lines of 0.99 at 23%: each net 0.80 (sum 2.40), but 2.97 / 1.23 = 2.4146 -> 2.41.
    line = line_amounts(D("0.99"), D("1"), "23")
    assert line.net == D("0.80")
    totals = compute_totals([("23", line.gross)] * 3)
    assert (totals.net, totals.vat, totals.gross) == (D("2.41"), D("0.56"), D("2.97"))


def test_line_gross_is_unit_gross_times_quantity_to_the_grosz():
    assert line_amounts(D("19.99"), D("3"), "8").gross == D("59.97")
    assert line_amounts(D("10.00"), D("0.333"), "23").gross == D("3.33")


def test_unknown_rate_is_refused():
    with pytest.raises(UnknownVatRate, match="22"):
        split_gross(D("1.00"), "22")
    with pytest.raises(UnknownVatRate):
        compute_totals([("7", D("1.00"))])
