"""New ledger rows go in by COPY; a row that appeared meanwhile refuses the page, never doubles."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from invoicehub.db import get_engine
from invoicehub.db_rounds import fetch_together
from invoicehub.integrations.allegro.sync import ledger
from invoicehub.integrations.allegro.sync.mapping import order_key
from invoicehub.models import AllegroIntegration, AllegroOrder
from tests.sync.helpers import connect_seller, seller_forms


def _decided(forms, rows, state="skipped"):
    """The page's forms with a final state, as the sync would decide them."""
    by_id = {form["id"]: form for form in forms}
    return [
        (
            order_key(by_id[form_id]),
            by_id[form_id],
            ledger.LedgerUpdate(row.id, state, "test", None, False),
        )
        for form_id, row in rows.items()
    ]


def test_new_rows_are_copied_with_their_final_state_and_known_rows_updated(session, control):
    seller = connect_seller(session, control, "copier", orders=6, seed=5)
    integration = session.get(AllegroIntegration, seller.integration_id)
    forms = seller_forms(session, seller.integration_id)
    # What COPY's text format must escape, in the JSON text of a form: a backslash, and
    # JSON's own escapes of a tab, a newline and a quote; and text beyond ASCII.
    forms[0]["buyer"]["login"] = 'ko\\t "Łódź"\tzażółć\n\u00a0'
    keyed = [(order_key(form), form) for form in forms]

    rows = ledger.rows_to_decide([], keyed)
    assert all(row.is_new for row in rows.values())
    new_ids = {row.id for row in rows.values()}
    with Session(get_engine()) as writer:
        ledger.write_orders(
            writer, integration.tenant_id, integration.id, _decided(forms, rows, "pending"), new_ids
        )
        writer.commit()
    stored = session.exec(
        select(AllegroOrder).where(AllegroOrder.integration_id == integration.id)
    ).all()
    assert {row.checkout_form_id: row.id for row in stored} == {
        form_id: row.id for form_id, row in rows.items()
    }
    assert {row.state for row in stored} == {"pending"}
    assert all(
        row.raw == next(f for f in forms if f["id"] == row.checkout_form_id) for row in stored
    )

    # The same page again: the rows exist (pending: decided again), so they are updated in
    # place, never copied.
    query = ledger.page_rows_query(integration.tenant_id, integration.id, keyed)
    with Session(get_engine()) as reader:
        again = ledger.rows_to_decide(fetch_together(reader, [query])[0], keyed)
    assert {row.id for row in again.values()} == new_ids
    assert not any(row.is_new for row in again.values())


def test_a_row_that_appeared_before_the_copy_refuses_the_write(session, control):
    seller = connect_seller(session, control, "racer", orders=3, seed=6)
    integration = session.get(AllegroIntegration, seller.integration_id)
    forms = seller_forms(session, seller.integration_id)
    keyed = [(order_key(form), form) for form in forms]
    rows = ledger.rows_to_decide([], keyed)  # read before the other writer inserted one

    with Session(get_engine()) as other:
        first = forms[0]
        other_rows = ledger.rows_to_decide([], [(order_key(first), first)])
        ledger.write_orders(
            other,
            integration.tenant_id,
            integration.id,
            _decided([first], other_rows),
            {row.id for row in other_rows.values()},
        )
        other.commit()

    with Session(get_engine()) as writer, pytest.raises(sa.exc.IntegrityError):
        ledger.write_orders(
            writer,
            integration.tenant_id,
            integration.id,
            _decided(forms, rows),
            {row.id for row in rows.values()},
        )
    stored = session.exec(
        select(AllegroOrder.checkout_form_id).where(AllegroOrder.integration_id == integration.id)
    ).all()
    assert stored == [first["id"]]  # the refused page left nothing behind
