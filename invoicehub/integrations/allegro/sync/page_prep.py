"""A page's database-free work, done before the page's transaction (pure: no database, no HTTP).

Cleaning the forms, keying them, validating each against the CheckoutForm schema and writing
each as the JSON text of its ledger row need nothing the database knows, and were about a fifth
of a first sync's page time. A listed page is
prepared in the sync's prefetch thread (streaming.prefetched), while the page before it waits on
PostgreSQL, so that time overlaps the database's. Any other caller gets the same preparation at
the start of import_page.

Given the sync's context, the listed page is also decided ahead, as a first sync finds most
orders: not invoiced yet, and with the product rates the page before read (`known_rates`). The
page's transaction then reads the truth (its ledger rows and rates); a decision ahead stands
only where its order has no invoice and every rate it could have used is the one read
(`PreparedPage.decision`); any other order is decided again there.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from invoicehub import json_text
from invoicehub.integrations.allegro.schemas import CheckoutForm
from invoicehub.integrations.allegro.sync.context import ImportContext
from invoicehub.integrations.allegro.sync.mapping import OrderDecision, OrderKey, order_key
from invoicehub.integrations.allegro.sync.order_guard import clean_page, decide
from invoicehub.integrations.allegro.sync.order_products import offers_needing_rates

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
    # Each keyed form as JSON text, for its ledger row (ledger.write_orders).
    raw_json: dict[str, str] = field(default_factory=dict)
    # Decided ahead (with a context): as if not invoiced, with `guessed_rates`.
    decisions: dict[str, OrderDecision] = field(default_factory=dict)
    guessed_rates: dict[str, str] = field(default_factory=dict)
    rate_offers: frozenset[str] = frozenset()  # the offers whose product rate a decision reads

    def decision(
        self, form_id: str, already_invoiced: bool, rates: Mapping[str, str]
    ) -> OrderDecision | None:
        """The decision made ahead, if it is the one the page's transaction would make."""
        ahead = self.decisions.get(form_id)
        if ahead is None or already_invoiced:
            return None
        guessed = self.guessed_rates
        if any(guessed.get(offer) != rates.get(offer) for offer in self.rate_offers):
            return None
        return ahead


def prepare_page(raws: Sequence[Any], ctx: ImportContext | None = None) -> PreparedPage:
    """The page cleaned, keyed and validated; with `ctx`, decided ahead too."""
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
    raw_json = {form_id: json_text.dumps(raw) for form_id, (_, raw) in forms.items()}
    rate_offers = frozenset(offers_needing_rates(raw for _, raw in forms.values()))
    page = PreparedPage(len(raws), unkeyed, forms, held, parsed, raw_json, rate_offers=rate_offers)
    return page if ctx is None else _decided_ahead(page, ctx)


def _decided_ahead(page: PreparedPage, ctx: ImportContext) -> PreparedPage:
    known = dict(ctx.known_rates)  # a copy: the page thread updates it meanwhile
    guessed = {offer: known[offer] for offer in page.rate_offers if offer in known}
    decisions = {
        form_id: decide(
            raw,
            ctx,
            guessed,
            already_invoiced=False,
            held_reason=page.held.get(form_id),
            parsed=page.parsed.get(form_id),
        )
        for form_id, (_, raw) in page.forms.items()
    }
    return replace(page, decisions=decisions, guessed_rates=guessed)
