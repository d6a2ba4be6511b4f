"""Invoice list: search, filters and paging over one seller's 100,000 invoices.

    python bench/invoice_list.py [--invoices 100000] [--repeat 15]

A scratch database (as bench/sync_throughput.py makes it, migrated to head) gets one seller
with `--invoices` invoices over two years (numbers FV/YYYY/MM/N, a few thousand buyers with
names and NIPs, statuses, sources) and another seller with a quarter as many, so that every
query also has to leave a neighbour's rows out. Each query below runs `list_invoices` (what the
API's GET /invoices and the Invoices page call: count + one page) `--repeat` times after one
warm-up run. Last line: `p95_ms=<all queries> p50_ms=<...> worst=<query>:<its p95> invoices=<n>`.
Target: p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sync_throughput import scratch_environment  # noqa: E402

_FILL = sa.text(
    """
    INSERT INTO invoices (id, tenant_id, company_id, number, status, issue_date, sale_date,
                          due_date, currency, payment_method, seller, buyer, total_net,
                          total_vat, total_gross, source, integration_id, external_order_id,
                          created_at, kind)
    SELECT gen_random_uuid(), :tenant, :company,
           'FV/' || to_char(d, 'YYYY/MM') || '/' || n, s.status, d, d, d + 14, 'PLN',
           'przelew', '{}'::jsonb,
           jsonb_build_object('name', 'Klient ' || b || ' ' || (ARRAY['Sp. z o.o.', 'S.A.',
                              'Jan Kowalski', 'Anna Nowak'])[1 + b % 4],
                              'nip', lpad((5250000000 + b * 7919)::text, 10, '0')),
           100, 23, 123, s.source, NULL, NULL, d + make_interval(secs => n), 'invoice'
      FROM generate_series(1, :count) AS n,
           LATERAL (SELECT DATE '2025-01-01' + (n * 730 / :count) AS d,
                           (n * 2654435761 % 4000) AS b) AS x,
           LATERAL (SELECT (ARRAY['issued', 'issued', 'issued', 'paid', 'cancelled'])[1 + n % 5]
                           AS status,
                           (ARRAY['allegro', 'allegro', 'manual'])[1 + n % 3] AS source) AS s
    """
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    with scratch_environment(args.keep):
        tenant_id = fill(args.invoices)
        timings = measure(tenant_id, args.repeat)
    every = sorted(t for values in timings.values() for t in values)
    worst = max(timings, key=lambda name: percentile(timings[name], 0.95))
    print(
        f"p95_ms={percentile(every, 0.95):.1f} p50_ms={percentile(every, 0.5):.1f} "
        f"worst={worst}:{percentile(timings[worst], 0.95):.1f} invoices={args.invoices}"
    )
    return 0


def fill(count: int) -> uuid.UUID:
    """The measured seller with `count` invoices and a neighbour with count / 4; its tenant."""
    from invoicehub.auth.accounts import create_user
    from invoicehub.db import session_scope
    from invoicehub.models import Company

    started = time.perf_counter()
    tenants = []
    for name, share in (("measured", count), ("neighbour", count // 4)):
        with session_scope() as session:
            user = create_user(
                session,
                email=f"{name}-{uuid.uuid4().hex[:8]}@bench.invalid",
                password=uuid.uuid4().hex,
                tenant_name=f"Bench {name}",
            )
            company = session.exec(
                sa.select(Company).where(Company.tenant_id == user.tenant_id)  # type: ignore[call-overload]
            ).scalar_one()
            params = {"tenant": user.tenant_id, "company": company.id, "count": share}
            session.execute(_FILL, params)
            tenants.append(user.tenant_id)
    # A table at rest has been vacuumed (visibility map set for index-only counts).
    with session_scope() as session:
        session.connection().connection.driver_connection.autocommit = True  # type: ignore[union-attr]
        session.execute(sa.text("VACUUM ANALYZE invoices"))
    print(f"{count} + {count // 4} invoices written in {time.perf_counter() - started:.1f} s")
    return tenants[0]


def queries() -> dict[str, dict[str, Any]]:
    return {
        "first_page": {},
        "page_200": {"page": 200},
        "status_paid": {"status": "paid"},
        "status_cancelled_p10": {"status": "cancelled", "page": 10},
        "month": {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)},
        "source_manual_month": {
            "source": "manual",
            "date_from": date(2025, 6, 1),
            "date_to": date(2025, 6, 30),
        },
        "search_number": {"search": "/2026/03/610"},
        "search_buyer_name": {"search": "Klient 1234 "},
        "search_nip": {"search": "52597720"},
        "search_nothing": {"search": "zzzz-no-such"},
        "search_and_status": {"search": "Kowalski", "status": "paid"},
    }


def measure(tenant_id: uuid.UUID, repeat: int) -> dict[str, list[float]]:
    from invoicehub.db import read_session
    from invoicehub.domain.invoice_queries import list_invoices

    timings: dict[str, list[float]] = {}
    for name, filters in queries().items():
        call: Callable[[], tuple[list[Any], int]]
        with read_session() as session:

            def call(filters: dict[str, Any] = filters) -> tuple[list[Any], int]:
                return list_invoices(session, tenant_id, **filters)

            items, total = call()  # warm-up: plans, caches
            values = []
            for _ in range(repeat):
                started = time.perf_counter()
                call()
                values.append((time.perf_counter() - started) * 1000)
        timings[name] = values
        print(
            f"{name:<22} total={total:>6} page={len(items):>3}  "
            f"p50={percentile(values, 0.5):6.1f} ms  p95={percentile(values, 0.95):6.1f} ms",
            flush=True,
        )
    return timings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


if __name__ == "__main__":
    sys.exit(main())
