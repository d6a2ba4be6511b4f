"""A listed page read ahead: cleaned, keyed and validated in the prefetch thread.

What a page needs before its first statement depends on nothing in the database: the text
PostgreSQL would refuse cleaned out (sanitize.py), each form's key, and its checkout form
validated (the first step of decide_order, about 5 % of a first sync). The prefetch thread does
this for the next page while the page before waits for the database, which releases the GIL;
the page's transaction then starts from the prepared page. Nothing here writes, and a form
whose validation raises anything but a ValidationError is validated again at its decision,
where the error holds that order as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from invoicehub.integrations.allegro.schemas import CheckoutForm
from invoicehub.integrations.allegro.sync import order_guard, seen
from invoicehub.integrations.allegro.sync.context import ImportContext
from invoicehub.integrations.allegro.sync.mapping import OrderKey, order_key, read_form

logger = logging.getLogger(__name__)


@dataclass
class PreparedPage:
    listed: int  # forms as given, before cleaning and keying
    raws: list[Any]  # cleaned
    cleaned: dict[str, str]  # checkout form id -> why it must not be invoiced as is
    forms: dict[str, tuple[OrderKey, dict[str, Any]]]  # by checkout form id, the last copy
    unkeyed: int  # forms without a usable id
    read: dict[str, CheckoutForm | ValidationError] = field(default_factory=dict)

    def __len__(self) -> int:
        return self.listed


def prepare_page(raws: Sequence[Any], *, validate: bool = True) -> PreparedPage:
    cleaned_raws, cleaned = order_guard.clean_page(raws)
    forms: dict[str, tuple[OrderKey, dict[str, Any]]] = {}
    unkeyed = 0
    for raw in cleaned_raws:
        key = order_key(raw)
        if key is None:
            logger.warning("skipped a checkout form without a usable id")
            unkeyed += 1
            continue
        forms[key.checkout_form_id] = (key, raw)  # a repeated form: the last copy wins
    page = PreparedPage(len(raws), cleaned_raws, cleaned, forms, unkeyed)
    if validate:
        for form_id, (_, raw) in forms.items():
            try:
                page.read[form_id] = read_form(raw)
            except Exception:  # read again at its decision, on the page's thread, which holds it
                logger.debug("checkout form %s not read ahead", form_id, exc_info=True)
    return page


def listed_pages(
    ctx: ImportContext, pages: Iterable[list[dict[str, Any]]]
) -> Iterator[tuple[list[dict[str, Any]], PreparedPage]]:
    """(page as listed, its forms not yet decided at their revision, prepared)."""
    for page in pages:
        yield page, prepare_page(seen.fresh_forms(ctx, page))
