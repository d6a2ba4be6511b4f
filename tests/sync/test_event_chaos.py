"""Scorecard 3: duplicated, reordered and cancelling events, property-based.

Orders move along Allegro's status paths while extra events (any type, any order, duplicates)
are appended and syncs (incremental, or replays of the whole journal without the Redis keys)
happen at random points. Whatever the interleaving: an order is invoiced exactly when some sync
saw it READY_FOR_PROCESSING, once; an order cancelled before that is never invoiced; an invoiced
order cancelled later is flagged for a correction; numbers run 1..N.
"""

from __future__ import annotations

import itertools
import json
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from invoicehub.integrations.allegro.sync.pipeline import sync_integration
from invoicehub.models import AllegroIntegration, AllegroOrder
from invoicehub.redis_conn import get_redis
from tests.sync.helpers import connect_seller, invoice_numbers, invoiced_orders, ledger_states

ORDERS = 4
READY = "READY_FOR_PROCESSING"
PATHS = (
    ("BOUGHT",),
    ("BOUGHT", "FILLED_IN"),
    ("BOUGHT", "FILLED_IN", READY),
    ("BOUGHT", "CANCELLED"),
    ("BOUGHT", "FILLED_IN", "CANCELLED"),
    ("BOUGHT", "FILLED_IN", READY, "CANCELLED"),
)
EVENT_TYPES = (
    "BOUGHT",
    "FILLED_IN",
    READY,
    "BUYER_CANCELLED",
    "AUTO_CANCELLED",
    "BUYER_MODIFIED",
    "FULFILLMENT_STATUS_CHANGED",
)
TEMPLATE = json.loads(
    (Path(__file__).parents[1] / "fixtures/allegro/checkout_form__natural_person.json").read_text()
)
_logins = itertools.count(1)

operation = st.one_of(
    st.tuples(st.just("advance"), st.integers(0, ORDERS - 1)),
    st.tuples(st.just("event"), st.integers(0, ORDERS - 1), st.sampled_from(EVENT_TYPES)),
    st.tuples(st.just("sync")),
    st.tuples(st.just("replay")),
)


@pytest.mark.slow
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    paths=st.lists(st.sampled_from(PATHS), min_size=ORDERS, max_size=ORDERS),
    operations=st.lists(operation, max_size=30),
)
def test_invoiced_orders_are_exactly_those_a_sync_saw_ready_whatever_the_events(
    session, control, paths, operations
):
    login = f"chaos_{next(_logins)}_{uuid.uuid4().hex[:6]}"
    seller = connect_seller(session, control, login)
    sync_integration(seller.integration_id)  # an empty journal: every later sync reads events
    ids = [str(uuid.uuid4()) for _ in range(ORDERS)]
    step = [-1] * ORDERS  # index into each order's path; -1: not bought yet
    seen_ready: set[str] = set()

    def status(i: int) -> str:
        return paths[i][step[i]]

    def sync() -> None:
        sync_integration(seller.integration_id)
        seen_ready.update(ids[i] for i in range(ORDERS) if step[i] >= 0 and status(i) == READY)

    for op in [*operations, ("sync",)]:
        if op[0] == "advance" and step[op[1]] + 1 < len(paths[op[1]]):
            step[op[1]] += 1
            form = {**TEMPLATE, "id": ids[op[1]], "status": status(op[1]), "revision": None}
            control.post(
                f"/__emulator/sellers/{login}/orders", json={"checkoutForms": [form]}
            ).raise_for_status()
        elif op[0] == "event" and step[op[1]] >= 0:
            control.post(
                f"/__emulator/sellers/{login}/events",
                json={"type": op[2], "checkoutFormId": ids[op[1]]},
            ).raise_for_status()
        elif op[0] == "sync":
            sync()
        elif op[0] == "replay":
            get_redis().flushdb()
            _rewind(session, seller.integration_id)
            sync()

    assert set(invoiced_orders(seller.integration_id)) == seen_ready
    assert invoice_numbers(seller.integration_id) == list(range(1, len(seen_ready) + 1))
    states = ledger_states(seller.integration_id)
    for i, order_id in enumerate(ids):
        if step[i] < 0:
            assert order_id not in states
        elif order_id in seen_ready:
            assert states[order_id] == "invoiced"
        else:
            assert states[order_id] == ("skipped" if status(i) == "CANCELLED" else "pending")
    flagged = {
        row.checkout_form_id
        for row in session.exec(
            select(AllegroOrder).where(AllegroOrder.integration_id == seller.integration_id)
        )
        if row.needs_correction
    }
    assert flagged == {
        ids[i] for i in range(ORDERS) if ids[i] in seen_ready and status(i) == "CANCELLED"
    }


def _rewind(session: Session, integration_id: uuid.UUID) -> None:
    integration = session.get(AllegroIntegration, integration_id)
    assert integration is not None
    session.refresh(integration)
    integration.event_cursor = "0"
    session.add(integration)
    session.commit()
