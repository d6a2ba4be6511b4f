"""A run's "N skipped" explained by reason (issue 13, item 5)."""

from __future__ import annotations

from invoicehub.domain.order_reasons import SkipGroup, describe_skips, group_skips, skip_group


def test_importer_reasons_fall_into_the_sellers_groups():
    assert skip_group("cancelled by the buyer") is SkipGroup.CANCELLED
    assert (
        skip_group("cancelled after invoicing: issue a correction invoice") is SkipGroup.CANCELLED
    )
    assert skip_group("awaiting payment (BOUGHT)") is SkipGroup.UNPAID
    assert skip_group("the buyer did not ask for an invoice") is SkipGroup.NOT_REQUESTED
    assert skip_group("automatic invoicing is off") is SkipGroup.AUTO_OFF
    assert skip_group(None) is SkipGroup.ALREADY_HANDLED
    assert skip_group("something new") is SkipGroup.OTHER


def test_the_rest_of_the_skipped_count_was_already_handled():
    groups = group_skips({"cancelled by the buyer": 2, "awaiting payment (BOUGHT)": 1}, 5)
    assert groups == {SkipGroup.CANCELLED: 2, SkipGroup.UNPAID: 1, SkipGroup.ALREADY_HANDLED: 2}


def test_description_lists_each_group_with_its_count():
    text = describe_skips({SkipGroup.CANCELLED: 2, SkipGroup.NOT_REQUESTED: 1})
    assert text == "Pominięte: 2 anulowane przez kupującego, 1 kupujący nie prosił o fakturę."
    assert describe_skips({}) == ""
