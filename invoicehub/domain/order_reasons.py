"""Why an order was not invoiced, grouped the way a seller thinks about it (issue 13, item 5).

The ledger stores the importer's reason text per order ("cancelled by the buyer", "awaiting
payment (BOUGHT)", ...). A sync's "N skipped" is explained by grouping those reasons; orders the
run met again unchanged (already decided earlier) are the rest of the count. Pure: texts in
Polish (the default language), kept here for the message catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class SkipGroup(StrEnum):
    CANCELLED = "cancelled"
    UNPAID = "unpaid"
    NOT_REQUESTED = "not_requested"
    AUTO_OFF = "auto_off"
    ALREADY_HANDLED = "already_handled"
    OTHER = "other"


SKIP_LABELS: dict[SkipGroup, str] = {
    SkipGroup.CANCELLED: "anulowane przez kupującego",
    SkipGroup.UNPAID: "jeszcze nieopłacone",
    SkipGroup.NOT_REQUESTED: "kupujący nie prosił o fakturę",
    SkipGroup.AUTO_OFF: "automatyczne fakturowanie wyłączone",
    SkipGroup.ALREADY_HANDLED: "już obsłużone wcześniej (bez zmian)",
    SkipGroup.OTHER: "inne powody",
}

_PREFIXES: tuple[tuple[str, SkipGroup], ...] = (
    ("cancelled", SkipGroup.CANCELLED),
    ("awaiting payment", SkipGroup.UNPAID),
    ("the buyer did not ask", SkipGroup.NOT_REQUESTED),
    ("automatic invoicing is off", SkipGroup.AUTO_OFF),
)


def skip_group(reason: str | None) -> SkipGroup:
    """The group of a skipped (or still pending) order's reason; no reason means decided before."""
    if not reason:
        return SkipGroup.ALREADY_HANDLED
    text = reason.strip().lower()
    for prefix, group in _PREFIXES:
        if text.startswith(prefix):
            return group
    return SkipGroup.OTHER


def group_skips(reasons: Mapping[str | None, int], skipped_total: int) -> dict[SkipGroup, int]:
    """Counts per group; what the run skipped beyond the listed reasons was already handled."""
    groups: dict[SkipGroup, int] = {}
    for reason, count in reasons.items():
        group = skip_group(reason)
        groups[group] = groups.get(group, 0) + count
    rest = skipped_total - sum(groups.values())
    if rest > 0:
        groups[SkipGroup.ALREADY_HANDLED] = groups.get(SkipGroup.ALREADY_HANDLED, 0) + rest
    return {group: groups[group] for group in SkipGroup if groups.get(group)}


def describe_skips(groups: Mapping[SkipGroup, int]) -> str:
    """`Pominięte: 2 anulowane przez kupującego, 1 jeszcze nieopłacone.` or empty."""
    if not groups:
        return ""
    parts = [f"{count} {SKIP_LABELS[group]}" for group, count in groups.items() if count]
    return "Pominięte: " + ", ".join(parts) + "."
