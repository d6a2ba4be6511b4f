"""Admin dashboard over 10,000 integrations: what one page load and its filters cost the server.

    python bench/admin_dashboard.py [--integrations 10000] [--tenants 20] [--repeat 10]

A scratch database (as bench/sync_throughput.py makes it) gets `--tenants` sellers sharing
`--integrations` integrations (statuses, errors, last syncs spread out). One dashboard load is
what the /admin/allegro page's on_load handlers run: the summary cards, the first page of the
table, the notifications panel and the queue overview. The filters, search and sorts the table
offers are timed as reloads of the table. Last line:
`load_p95_ms=<x> load_p50_ms=<y> reload_p95_ms=<z> integrations=<n>`. Target: a load < 1 s.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sync_throughput import scratch_environment  # noqa: E402

_FILL = sa.text(
    """
    INSERT INTO allegro_integrations (id, tenant_id, user_id, allegro_user_id, allegro_login,
                                      status, sync_error_count, last_sync_error,
                                      last_sync_at, next_sync_at, token_version, created_at,
                                      updated_at)
    SELECT gen_random_uuid(), x.tenant_id, x.user_id, 'bench-' || n, 'seller_' || n,
           s.status, CASE WHEN n % 17 = 0 THEN 2 ELSE 0 END,
           CASE WHEN n % 17 = 0 THEN 'TransientError: 503 from Allegro' END,
           now() - make_interval(mins => n % 1440), now() + make_interval(mins => n % 60), 0,
           now() - make_interval(days => n % 365), now()
      FROM generate_series(1, :count) AS n,
           LATERAL (SELECT (ARRAY['active', 'active', 'active', 'active', 'needs_reauth',
                                  'disabled', 'disconnected'])[1 + n % 7] AS status) AS s,
           LATERAL (SELECT u.id AS user_id, u.tenant_id FROM users AS u
                     WHERE u.email LIKE 'admin-bench-%'
                     ORDER BY u.email OFFSET (n % :tenants) LIMIT 1) AS x
    """
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--integrations", type=int, default=10_000)
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    with scratch_environment(args.keep):
        admin = fill(args.integrations, args.tenants)
        loads = timed("page load", lambda: load_dashboard(admin), args.repeat)
        reloads = [
            t for name, reload in table_reloads().items() for t in timed(name, reload, args.repeat)
        ]
    print(
        f"load_p95_ms={percentile(loads, 0.95):.0f} load_p50_ms={percentile(loads, 0.5):.0f} "
        f"reload_p95_ms={percentile(reloads, 0.95):.0f} integrations={args.integrations}"
    )
    return 0


def fill(integrations: int, tenants: int) -> Any:
    from invoicehub.auth.accounts import create_user, principal_of
    from invoicehub.db import session_scope
    from invoicehub.models import Role

    started = time.perf_counter()
    with session_scope() as session:
        for n in range(tenants):
            create_user(
                session,
                email=f"admin-bench-{n:03d}@bench.invalid",
                password=uuid.uuid4().hex,
                tenant_name=f"Sklep {n} Sp. z o.o.",
            )
        admin = create_user(
            session, email="platform@bench.invalid", password=uuid.uuid4().hex, role=Role.ADMIN
        )
        principal = principal_of(admin)
        session.flush()
        session.execute(_FILL, {"count": integrations, "tenants": tenants})
        session.execute(sa.text("ANALYZE"))
    elapsed = time.perf_counter() - started
    print(f"{tenants} sellers, {integrations} integrations in {elapsed:.1f} s")
    return principal


def load_dashboard(admin: Any) -> None:
    """The on_load of /admin/allegro: AdminAllegroState.load and AdminPanelsState.load."""
    from invoicehub.admin.feed import list_notifications
    from invoicehub.admin.overview import integration_summary, list_all_integrations
    from invoicehub.db import session_scope
    from invoicehub.jobs.overview import queue_overview
    from invoicehub.redis_conn import get_redis

    with session_scope() as session:
        integration_summary(session)
        list_all_integrations(session, page=1, page_size=25)
    with session_scope() as session:
        list_notifications(session, admin, page=1, page_size=5)
    queue_overview(get_redis())


def table_reloads() -> dict[str, Callable[[], object]]:
    from invoicehub.admin.overview import list_all_integrations
    from invoicehub.db import session_scope

    variants: list[dict[str, Any]] = [
        {"status": "errors"},
        {"status": "needs_reauth", "page": 20},
        {"search": "seller_123"},
        {"search": "sklep 7"},
        {"sort": "sync_error_count"},
        {"sort": "-last_sync_at", "page": 300},
    ]

    def reload(filters: dict[str, Any]) -> Callable[[], object]:
        def run() -> object:
            with session_scope() as session:
                return list_all_integrations(session, page_size=25, **filters)

        return run

    return {str(filters): reload(filters) for filters in variants}


def timed(name: str, call: Callable[[], object], repeat: int) -> list[float]:
    call()  # warm-up
    values = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        values.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
    print(f"{name:<40} p50={p50:6.1f} ms  p95={p95:6.1f} ms")
    return values


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


if __name__ == "__main__":
    sys.exit(main())
