"""No order is ever lost (issue 16): every order Allegro reports reaches the ledger, a per-order
failure of any kind sets that order aside and the run goes on, and the cursor never passes an
order the ledger does not know. Real PostgreSQL, Redis, RQ and the emulator over HTTP."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from invoicehub.db import get_engine
from invoicehub.integrations.allegro.runs.requests import request_sync
from invoicehub.integrations.allegro.sync import fetch_retry
from invoicehub.integrations.allegro.sync import pipeline as sync
from invoicehub.integrations.allegro.sync.pipeline import sync_integration
from invoicehub.models import AllegroIntegration, AllegroOrder, Product
from tests.sync.helpers import (
    connect_seller,
    drain,
    invoiced_orders,
    ledger_states,
    run_of,
    seller_forms,
)

READY = "READY_FOR_PROCESSING"


def _ready_order() -> dict:
    path = Path(__file__).parents[1] / "fixtures/allegro/checkout_form__natural_person.json"
    order = json.loads(path.read_text())
    order.update(id=str(uuid.uuid4()), revision=None, updatedAt=None)
    return order


def _post(control: httpx.Client, login: str, *forms: dict) -> None:
    control.post(
        f"/__emulator/sellers/{login}/orders", json={"checkoutForms": list(forms)}
    ).raise_for_status()


def _fail_next_gets(control: httpx.Client, form_id: str, status: int, count: int = 1) -> None:
    control.post(
        f"/__emulator/orders/{form_id}/faults", json={"status": status, "count": count}
    ).raise_for_status()


def _row(session: Session, form_id: str) -> AllegroOrder:
    session.expire_all()
    return session.exec(select(AllegroOrder).where(AllegroOrder.checkout_form_id == form_id)).one()


def _ready_ids(session: Session, integration_id: uuid.UUID) -> set[str]:
    return {f["id"] for f in seller_forms(session, integration_id) if f["status"] == READY}


def _requested_run(session: Session, seller, **kwargs: object):
    run = request_sync(
        session, seller.principal, seller.integration_id, enforce_rate_limit=False, **kwargs
    )
    drain()
    return run_of(session, run.id)


def _cursor(session: Session, integration_id: uuid.UUID) -> str | None:
    session.expire_all()
    integration = session.get(AllegroIntegration, integration_id)
    assert integration is not None
    return integration.event_cursor


def _event_form_ids(session: Session, integration_id: uuid.UUID, upto: str) -> set[str]:
    """The orders named by the emulator's events up to and including event `upto`."""
    from invoicehub.integrations.allegro.client import AllegroApiClient
    from invoicehub.integrations.allegro.connection.tokens import decrypt_token
    from invoicehub.settings import get_settings

    integration = session.get(AllegroIntegration, integration_id)
    assert integration is not None and integration.access_token
    token = decrypt_token(integration.access_token, integration.id)
    found: set[str] = set()
    with AllegroApiClient(token, base_url=get_settings().allegro_api_url) as client:
        for events in client.iter_order_events(from_id="0"):
            for event in events:
                if int(event["id"]) > int(upto):
                    return found
                found.add(event["order"]["checkoutForm"]["id"])
    return found


def test_a_nul_byte_in_an_offer_name_holds_that_order_and_its_neighbours_are_invoiced_in_the_same_run(  # noqa: E501
    session, control
):
    seller = connect_seller(session, control, "nul_offer", orders=20, seed=31)
    sync_integration(seller.integration_id)  # the offers are known products from here on
    poisoned = _ready_order()
    poisoned["lineItems"][0]["offer"]["name"] = "Kubek\u0000"
    neighbours = [_ready_order() for _ in range(3)]
    _post(control, "nul_offer", *neighbours[:2], poisoned, neighbours[2])

    run = _requested_run(session, seller)

    row = _row(session, poisoned["id"])
    assert run.status == "succeeded" and run.error is None and run.needs_review == 1
    assert row.state == "needs_review" and "lineItems[0].offer.name" in row.reason
    assert row.raw["lineItems"][0]["offer"]["name"] == "Kubek"  # stored cleaned, never refused
    assert set(invoiced_orders(seller.integration_id)) == _ready_ids(
        session, seller.integration_id
    ) - {poisoned["id"]}
    names = session.exec(select(Product.name)).all()
    assert not any("\x00" in name for name in names)


def test_a_nul_byte_in_a_known_offer_refreshed_by_the_product_upsert_fails_nothing(
    session, control
):
    """The upsert's one-by-one fallback (`_refresh_known`) used to raise outside the guard."""
    seller = connect_seller(session, control, "nul_known", orders=0)
    first = _ready_order()
    _post(control, "nul_known", first)
    sync_integration(seller.integration_id)
    again = _ready_order()
    again["lineItems"][0]["offer"]["name"] = "Kubek\u0000 2"  # the same offer id, now poisoned
    again["messageToSeller"] = "bez\u0000 folii"
    clean = _ready_order()
    _post(control, "nul_known", again, clean)
    counts = sync_integration(seller.integration_id)
    assert counts.needs_review == 1 and counts.invoices_created == 1
    assert _row(session, again["id"]).state == "needs_review"
    assert _row(session, clean["id"]).state == "invoiced"


def test_a_nul_byte_only_in_the_buyers_message_is_removed_and_the_order_invoiced(session, control):
    seller = connect_seller(session, control, "nul_message", orders=0)
    sync_integration(seller.integration_id)
    order = _ready_order()
    order["messageToSeller"] = "Proszę\u0000 o fakturę"
    _post(control, "nul_message", order)
    counts = sync_integration(seller.integration_id)
    row = _row(session, order["id"])
    assert counts.invoices_created == 1 and row.state == "invoiced"
    assert row.raw["messageToSeller"] == "Proszę o fakturę"


def test_an_order_allegro_answers_404_once_is_recorded_pending_and_invoiced_by_a_later_sync(
    session, control
):
    seller = connect_seller(session, control, "fresh_404", orders=10, seed=32)
    sync_integration(seller.integration_id)
    fresh, other = _ready_order(), _ready_order()
    _post(control, "fresh_404", fresh, other)
    _fail_next_gets(control, fresh["id"], 404)

    first = _requested_run(session, seller)
    row = _row(session, fresh["id"])
    assert first.status == "succeeded" and first.needs_review == 0
    assert row.state == "pending" and row.invoice_id is None and "404" in row.reason
    assert row.fetch_attempts == 1 and row.fetch_retry_at is not None
    assert _row(session, other["id"]).state == "invoiced"
    assert fresh["id"] in _event_form_ids(
        session, seller.integration_id, _cursor(session, seller.integration_id) or "0"
    )  # the cursor moved past its event, with the order in the ledger

    counts = sync_integration(seller.integration_id)  # a later (scheduled) sync, no new event
    row = _row(session, fresh["id"])
    assert counts.invoices_created == 1 and row.state == "invoiced"
    assert row.fetch_attempts == 0 and row.fetch_retry_at is None and row.reason is None
    assert set(invoiced_orders(seller.integration_id)) == _ready_ids(session, seller.integration_id)


def test_an_order_answered_404_on_every_retry_is_held_after_five_attempts_then_a_manual_sync_invoices_it(  # noqa: E501
    session, control, monkeypatch
):
    monkeypatch.setattr(fetch_retry, "FETCH_RETRY_DELAYS", (fetch_retry.timedelta(0),))
    seller = connect_seller(session, control, "gone_404", orders=0)
    sync_integration(seller.integration_id)
    order = _ready_order()
    _post(control, "gone_404", order)
    _fail_next_gets(control, order["id"], 404, count=fetch_retry.MAX_FETCH_ATTEMPTS)
    for attempt in range(1, fetch_retry.MAX_FETCH_ATTEMPTS + 1):
        sync_integration(seller.integration_id)
        assert _row(session, order["id"]).fetch_attempts == attempt
    row = _row(session, order["id"])
    assert row.state == "needs_review" and row.fetch_retry_at is None
    assert "404" in row.reason and "5 times" in row.reason
    sync_integration(seller.integration_id)  # bounded: a scheduled sync leaves it held
    assert _row(session, order["id"]).fetch_attempts == fetch_retry.MAX_FETCH_ATTEMPTS
    calls = control.get("/__emulator/stats").json()["apiCalls"]
    assert calls["GET /order/checkout-forms/{id}"] == fetch_retry.MAX_FETCH_ATTEMPTS

    run = _requested_run(session, seller)  # a person asks: it is fetched and decided anew
    assert run.status == "succeeded" and _row(session, order["id"]).state == "invoiced"


def test_a_400_for_one_order_holds_it_for_review_and_the_run_succeeds(session, control):
    seller = connect_seller(session, control, "refused_400", orders=10, seed=33)
    sync_integration(seller.integration_id)
    refused, others = _ready_order(), [_ready_order(), _ready_order()]
    _post(control, "refused_400", others[0], refused, others[1])
    _fail_next_gets(control, refused["id"], 400)
    run = _requested_run(session, seller)
    row = _row(session, refused["id"])
    assert run.status == "succeeded" and run.error is None and run.needs_review == 1
    assert row.state == "needs_review" and "400" in row.reason and row.fetch_retry_at is None
    assert {_row(session, o["id"]).state for o in others} == {"invoiced"}


def test_the_cursor_never_passes_an_order_missing_from_the_ledger(session, control, monkeypatch):
    seller = connect_seller(session, control, "cursor_guard", orders=0)
    sync_integration(seller.integration_id)
    before = _cursor(session, seller.integration_id)
    orders = [_ready_order() for _ in range(5)]
    _post(control, "cursor_guard", *orders)
    _fail_next_gets(control, orders[1]["id"], 404)
    _fail_next_gets(control, orders[3]["id"], 400)

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("the ledger could not record the failed orders")

    monkeypatch.setattr(sync.fetch_retry, "record_failures", broken)
    with pytest.raises(RuntimeError):
        sync_integration(seller.integration_id)
    assert _cursor(session, seller.integration_id) == before  # nothing recorded, nothing passed
    assert not {o["id"] for o in orders} & set(ledger_states(seller.integration_id))

    monkeypatch.undo()
    _fail_next_gets(control, orders[1]["id"], 404)
    _fail_next_gets(control, orders[3]["id"], 400)
    sync_integration(seller.integration_id)
    cursor = _cursor(session, seller.integration_id)
    assert cursor != before
    passed = _event_form_ids(session, seller.integration_id, cursor or "0")
    assert passed <= set(ledger_states(seller.integration_id))  # every passed order is known
    assert {o["id"] for o in orders} <= passed


def test_a_5xx_for_one_order_sets_it_aside_while_allegro_answers_else_the_run_is_retried(
    session, control
):
    """Allegro fails single broken orders with a 500: that must not fail run after run (and
    disable the integration). When a cheap probe fails too, Allegro is down: the run retries."""
    seller = connect_seller(session, control, "one_500", orders=0)
    sync_integration(seller.integration_id)
    before = _cursor(session, seller.integration_id)
    down = _ready_order()
    _post(control, "one_500", down)
    pattern = f"re:^/order/(checkout-forms/{down['id']}|event-stats)$"
    control.post(
        "/__emulator/faults", json={"pathPattern": pattern, "status": 503, "count": 2}
    ).raise_for_status()
    with pytest.raises(sync.TransientError):
        sync_integration(seller.integration_id)
    assert _cursor(session, seller.integration_id) == before  # nothing passed, nothing recorded
    assert down["id"] not in ledger_states(seller.integration_id)

    _fail_next_gets(control, down["id"], 500)  # this order alone, Allegro otherwise fine
    sync_integration(seller.integration_id)
    row = _row(session, down["id"])
    assert _cursor(session, seller.integration_id) != before
    assert row.state == "pending" and "500" in row.reason and row.fetch_retry_at is not None
    sync_integration(seller.integration_id)
    assert _row(session, down["id"]).state == "invoiced"


def test_reconciliation_brings_in_an_order_whose_event_was_lost(session, control):
    seller = connect_seller(session, control, "lost_event", orders=10, seed=34)
    sync_integration(seller.integration_id)
    lost = _ready_order()
    _post(control, "lost_event", lost)
    _skip_the_journal_to_its_end(session, seller.integration_id)  # the event is "lost"
    sync_integration(seller.integration_id)
    assert lost["id"] not in ledger_states(seller.integration_id)

    run = _requested_run(session, seller, reconcile=True)
    assert run.status == "succeeded" and run.trigger == "reconcile"
    assert run.invoices_created == 1 and _row(session, lost["id"]).state == "invoiced"
    assert set(invoiced_orders(seller.integration_id)) == _ready_ids(session, seller.integration_id)


def test_a_scheduled_sync_reconciles_once_a_day(session, control):
    seller = connect_seller(session, control, "daily", orders=5, seed=35)
    sync_integration(seller.integration_id)  # a first sync counts as reconciled
    lost = _ready_order()
    _post(control, "daily", lost)
    _skip_the_journal_to_its_end(session, seller.integration_id)
    sync_integration(seller.integration_id)
    assert lost["id"] not in ledger_states(seller.integration_id)  # reconciled less than a day ago
    with get_engine().begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE allegro_integrations SET reconciled_at = now() - interval '25 hours'"
                " WHERE id = :i"
            ),
            {"i": seller.integration_id},
        )
    counts = sync_integration(seller.integration_id)
    assert counts.invoices_created == 1 and _row(session, lost["id"]).state == "invoiced"
    session.expire_all()
    integration = session.get(AllegroIntegration, seller.integration_id)
    assert integration is not None and integration.reconciled_at is not None


def _skip_the_journal_to_its_end(session: Session, integration_id: uuid.UUID) -> None:
    from invoicehub.integrations.allegro.client import AllegroApiClient
    from invoicehub.integrations.allegro.connection.tokens import decrypt_token
    from invoicehub.settings import get_settings

    session.expire_all()
    integration = session.get(AllegroIntegration, integration_id)
    assert integration is not None and integration.access_token
    token = decrypt_token(integration.access_token, integration.id)
    with AllegroApiClient(token, base_url=get_settings().allegro_api_url) as client:
        latest = client.get_event_stats()["latestEvent"]["id"]
    integration.event_cursor = str(latest)
    session.add(integration)
    session.commit()


def test_a_product_draft_with_a_nul_byte_is_stored_without_it_new_or_known(session):
    """The domain's own guard: the products upsert (new offers and the refresh of known ones)
    never sends PostgreSQL a NUL, whoever calls it."""
    from invoicehub.domain.products import ProductDraft, upsert_products
    from tests.domain.factories import make_company

    tenant = make_company(session).tenant_id
    draft = ProductDraft(name="Kubek\x00", sku="K\x001", source="allegro", external_id="o-1")
    ((created, _),) = upsert_products(session, tenant, [draft])
    assert (created.name, created.sku) == ("Kubek", "K1")
    ((known, was_new),) = upsert_products(
        session, tenant, [ProductDraft(name="Kubek\x00 XL", source="allegro", external_id="o-1")]
    )
    assert known.id == created.id and not was_new and known.name == "Kubek XL"


def test_reconciliation_is_asked_over_the_api_and_the_cli_and_a_foreign_caller_gets_404(
    api, session, control, capsys
):
    from invoicehub.integrations.allegro.runs.cli import run_sync_command
    from invoicehub.models import AuditEvent, SyncRun
    from tests.factories import bearer, make_user

    seller = connect_seller(session, control, "reconcile_api", orders=5, seed=36)
    sync_integration(seller.integration_id)
    lost = _ready_order()
    _post(control, "reconcile_api", lost)
    _skip_the_journal_to_its_end(session, seller.integration_id)

    path = f"/allegro/sync/{seller.integration_id}/reconcile"
    assert api.post(path, headers=bearer(make_user(session))).status_code == 404
    response = api.post(path, headers=bearer(seller.user))
    assert response.status_code == 202, response.text
    run = session.get(SyncRun, uuid.UUID(response.json()["runId"]))
    assert run is not None and run.trigger == "reconcile"
    audit = session.exec(select(AuditEvent).where(AuditEvent.action == "allegro.sync.trigger"))
    assert audit.one().after["trigger"] == "reconcile"
    drain()
    assert _row(session, lost["id"]).state == "invoiced"

    again = _ready_order()
    _post(control, "reconcile_api", again)
    _skip_the_journal_to_its_end(session, seller.integration_id)
    assert run_sync_command(str(seller.integration_id), wait=False, reconcile=True) == 0
    drain()
    assert _row(session, again["id"]).state == "invoiced"
    assert "queued: run" in capsys.readouterr().out


def test_reconciliation_never_takes_an_order_back_to_an_older_revision(session, control):
    from invoicehub.integrations.allegro.sync.reconcile import missing_forms

    seller = connect_seller(session, control, "older_listing", orders=3, seed=37)
    sync_integration(seller.integration_id)
    form = seller_forms(session, seller.integration_id)[0]
    stored = _row(session, form["id"])
    older = {**form, "revision": "older", "updatedAt": "2020-01-01T00:00:00.000Z"}
    newer = {**form, "revision": "newer", "updatedAt": "2099-01-01T00:00:00.000Z"}
    unknown = {**form, "id": str(uuid.uuid4())}
    with Session(get_engine()) as own:
        found = missing_forms(own, seller.integration_id, [form, older, newer, unknown])
    assert stored.revision == form["revision"]
    assert found == [newer, unknown]


def test_a_mapping_error_on_one_order_holds_it_and_the_page_goes_on(session, control, monkeypatch):
    from invoicehub.integrations.allegro.sync import order_guard

    seller = connect_seller(session, control, "mapping_bug", orders=0)
    sync_integration(seller.integration_id)
    unlucky, fine = _ready_order(), _ready_order()
    _post(control, "mapping_bug", unlucky, fine)
    real = order_guard.decide_order

    def buggy(raw, *args, **kwargs):
        if raw["id"] == unlucky["id"]:
            raise KeyError("a field the mapping did not foresee")
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(order_guard, "decide_order", buggy)
    counts = sync_integration(seller.integration_id)
    row = _row(session, unlucky["id"])
    assert counts.needs_review == 1 and counts.invoices_created == 1
    assert row.state == "needs_review" and "KeyError" in row.reason
    assert _row(session, fine["id"]).state == "invoiced"


def test_a_404_for_a_new_revision_of_an_invoiced_order_keeps_it_invoiced_and_fetches_it_later(
    session, control
):
    seller = connect_seller(session, control, "revised_404", orders=0)
    sync_integration(seller.integration_id)
    order = _ready_order()
    _post(control, "revised_404", order)
    sync_integration(seller.integration_id)
    invoice_id = _row(session, order["id"]).invoice_id
    assert invoice_id is not None

    _post(control, "revised_404", order)  # a new revision (and its event)
    _fail_next_gets(control, order["id"], 404)
    sync_integration(seller.integration_id)
    row = _row(session, order["id"])
    assert row.state == "invoiced" and row.invoice_id == invoice_id
    assert row.fetch_retry_at is not None and row.fetch_attempts == 1

    sync_integration(seller.integration_id)
    row = _row(session, order["id"])
    newest = next(f for f in seller_forms(session, seller.integration_id) if f["id"] == order["id"])
    assert row.revision == newest["revision"] and row.fetch_retry_at is None
    assert row.state == "invoiced" and row.invoice_id == invoice_id
    assert list(invoiced_orders(seller.integration_id)) == [order["id"]]


def test_the_emulator_fails_the_next_gets_of_one_order_with_allegros_own_error_body(
    session, control
):
    seller = connect_seller(session, control, "fault_shape", orders=0)
    order = _ready_order()
    _post(control, "fault_shape", order)
    assert control.post("/__emulator/orders/x/faults", json={"status": "x"}).status_code == 400
    assert control.post("/__emulator/orders/x/faults", json={"count": 0}).status_code == 400
    _fail_next_gets(control, order["id"], 404, count=2)
    integration = session.get(AllegroIntegration, seller.integration_id)
    assert integration is not None and integration.access_token
    from invoicehub.integrations.allegro.connection.tokens import decrypt_token

    headers = {
        "Accept": "application/vnd.allegro.public.v1+json",
        "Authorization": f"Bearer {decrypt_token(integration.access_token, integration.id)}",
    }
    path = f"/order/checkout-forms/{order['id']}"
    answers = [control.get(path, headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [404, 404, 200]
    (error,) = answers[0].json()["errors"]
    assert error["code"] == "CheckoutFormNotFoundException" and error["path"] == path
    assert answers[0].headers["content-type"].startswith("application/vnd.allegro.public.v1+json")
