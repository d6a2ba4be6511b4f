"""A sync writes a product again only when its offer's draft changed since a committed page."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.db import get_engine
from invoicehub.integrations.allegro.preferences import AllegroSettings
from invoicehub.integrations.allegro.sync.context import ImportContext, SyncCounts
from invoicehub.integrations.allegro.sync.mapping import decide_order
from invoicehub.integrations.allegro.sync.order_products import ensure_products
from tests.factories import make_user

FORM = Path(__file__).parents[1] / "fixtures/allegro/checkout_form__natural_person.json"


def _decision(suffix: str):
    raw = json.loads(FORM.read_text())
    for item in raw["lineItems"]:
        item["offer"]["name"] += suffix
    return decide_order(raw, AllegroSettings(), today=date(2026, 3, 10))


def _versions(session: Session, ids: dict[str, uuid.UUID]) -> dict[str, str]:
    """Each product's row version (xmin): it changes with every write of the row."""
    rows = session.connection().execute(
        sa.text("SELECT external_id, xmin::text FROM products WHERE id = ANY(:ids)"),
        {"ids": list(ids.values())},
    )
    return {external_id: version for external_id, version in rows}


def _page(ctx: ImportContext, suffix: str) -> dict[str, uuid.UUID]:
    """One page's products in its own committed transaction, remembered as _commit_page does."""
    written: dict = {}
    with Session(get_engine()) as page:
        ids = ensure_products(
            page, ctx, [_decision(suffix)], SyncCounts(), guarded=False, written=written
        )
        page.commit()
    ctx.products.update(written)
    return ids


def test_a_product_is_written_again_only_when_its_draft_changed(session):
    user = make_user(session)
    session.commit()
    ctx = ImportContext(
        tenant_id=user.tenant_id,
        integration_id=uuid.uuid4(),
        settings=AllegroSettings(),
        company_id=None,
        template_id=None,
        today=date(2026, 3, 10),
    )
    first = _page(ctx, "")
    assert first and set(ctx.products) == set(first)
    written = _versions(session, first)

    assert _page(ctx, "") == first  # the same drafts: the same ids, nothing written
    session.rollback()
    assert _versions(session, first) == written

    assert _page(ctx, " (nowa nazwa)") == first  # the offer renamed: refreshed in place
    session.rollback()
    changed = _versions(session, first)
    assert all(changed[offer] != written[offer] for offer in first)
