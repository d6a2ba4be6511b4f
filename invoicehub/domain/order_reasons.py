"""Why an order was not invoiced, grouped the way a seller thinks about it (issue 13, item 5).

The ledger stores the importer's reason text per order ("cancelled by the buyer", "awaiting
payment (BOUGHT)", ...). A sync's "N skipped" is explained by grouping those reasons; orders the
run met again unchanged (already decided earlier) are the rest of the count. Pure: the labels are
catalogue msgids, the description is written in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from invoicehub.i18n import DEFAULT_LANGUAGE, N_, gettext


class SkipGroup(StrEnum):
    CANCELLED = "cancelled"
    UNPAID = "unpaid"
    NOT_REQUESTED = "not_requested"
    AUTO_OFF = "auto_off"
    ALREADY_HANDLED = "already_handled"
    OTHER = "other"


SKIP_LABELS: dict[SkipGroup, str] = {
    SkipGroup.CANCELLED: N_("cancelled by the buyer"),
    SkipGroup.UNPAID: N_("not paid yet"),
    SkipGroup.NOT_REQUESTED: N_("the buyer did not ask for an invoice"),
    SkipGroup.AUTO_OFF: N_("automatic invoicing is off"),
    SkipGroup.ALREADY_HANDLED: N_("already handled earlier (unchanged)"),
    SkipGroup.OTHER: N_("other reasons"),
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


def describe_skips(groups: Mapping[SkipGroup, int], language: str = DEFAULT_LANGUAGE) -> str:
    """`Pominięte: 2 anulowane przez kupującego, 1 jeszcze nieopłacone.` (Polish) or empty."""
    if not groups:
        return ""
    parts = [
        f"{count} {gettext(language, SKIP_LABELS[group])}"
        for group, count in groups.items()
        if count
    ]
    return gettext(language, "Skipped: {reasons}.", reasons=", ".join(parts))
