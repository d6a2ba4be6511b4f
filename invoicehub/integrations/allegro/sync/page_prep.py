"""A page's database-free work, done before the page's transaction (pure: no database, no HTTP).

Cleaning the forms, keying them and validating each against the CheckoutForm schema need
nothing the database knows, and were about a fifth of a first sync's page time. A listed page is
prepared in the sync's prefetch thread (streaming.prefetched), while the page before it waits on
PostgreSQL, so that time overlaps the database's; the page's own thread only decides and writes.
Any other caller gets the same preparation at the start of import_page.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from invoicehub.integrations.allegro.schemas import CheckoutForm
from invoicehub.integrations.allegro.sync.mapping import OrderKey, order_key
from invoicehub.integrations.allegro.sync.order_guard import clean_page

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedPage:
    """A page of checkout forms, cleaned, keyed and validated."""

    fetched: int  # forms received, with the ones no key can be made of
    unkeyed: int  # forms without a usable id: each is counted for review
    forms: dict[str, tuple[OrderKey, Any]]  # by checkout form id; a repeated form: the last copy
    held: dict[str, str]  # why a cleaned form must not be invoiced as it is
    # Each keyed form against the schema: the model or its error (absent: anything else was
    # raised, and decide_order meets it again, holding only that order).
    parsed: dict[str, CheckoutForm | ValidationError]


def prepare_page(raws: Sequence[Any]) -> PreparedPage:
    cleaned, held = clean_page(raws)  # nothing PostgreSQL refuses goes further
    forms: dict[str, tuple[OrderKey, Any]] = {}
    unkeyed = 0
    for raw in cleaned:
        key = order_key(raw)
        if key is None:
            logger.warning("skipped a checkout form without a usable id")
            unkeyed += 1
            continue
        forms[key.checkout_form_id] = (key, raw)
    parsed: dict[str, CheckoutForm | ValidationError] = {}
    for form_id, (_, raw) in forms.items():
        try:
            parsed[form_id] = CheckoutForm.model_validate(raw)
        except ValidationError as exc:
            parsed[form_id] = exc
        except Exception:  # noqa: S112 (decided again, and held, by order_guard.decide)
            continue
    return PreparedPage(len(raws), unkeyed, forms, held, parsed)
