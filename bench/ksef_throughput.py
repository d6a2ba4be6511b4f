"""KSeF throughput: N issued invoices from FA(3) build + XSD validation to accepted in the KSeF
emulator.

    python bench/ksef_throughput.py [--invoices 1000]

1. A scratch database and Redis database (bench/sync_throughput.py's scratch_environment) and a
   KSeF emulator process of its own (documented production rate limits, 200 ms processing).
2. One company with a KSeF token from the emulator's control API; N invoices issued through the
   domain (not timed), all queued for KSeF.
3. fa3_per_s: the sender's preparation step over the N rows: each invoice's FA(3) built from its
   snapshot, validated against the official XSD and its bytes stored.
4. ksef_accept_s: one `send_company` run (authentication, a batch session: package, AES-256
   encryption, upload, close, then status polling within the documented limits) until every
   invoice is `accepted` with its KSeF number. UPO downloads (limited by KSeF to 120 a minute)
   are left out: the next run fetches them.

Last line: `fa3_per_s=<build+validate per second> ksef_accept_s=<seconds until all accepted>`.
Target on 2 cores: fa3_per_s >= 500, all accepted within the emulator's documented limits.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sync_throughput import scratch_environment  # noqa: E402
from tests.support.ksef_emulator import ksef_emulator_process, new_token  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=1000)
    args = parser.parse_args()
    with scratch_environment(keep=False), ksef_emulator_process(_free_port()) as ksef_url:
        fa3_s, accept_s, accepted = run(ksef_url, args.invoices)
    print(f"{accepted}/{args.invoices} accepted; FA(3) build+XSD {fa3_s:.2f} s")
    print(f"fa3_per_s={args.invoices / fa3_s:.0f} ksef_accept_s={accept_s:.2f}")
    return 0 if accepted == args.invoices else 1


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(ksef_url: str, count: int) -> tuple[float, float, int]:
    import os

    import httpx
    import sqlalchemy as sa

    os.environ["INVOICEHUB_KSEF_EMULATOR_URL"] = ksef_url
    from invoicehub.settings import get_settings

    get_settings.cache_clear()
    from invoicehub.db import session_scope
    from invoicehub.integrations.ksef import sender
    from invoicehub.integrations.ksef.connection import update_connection
    from invoicehub.integrations.ksef.environments import KsefEnvironment
    from invoicehub.integrations.ksef.submissions import queue_invoices
    from invoicehub.models import KsefStatus, KsefSubmission
    from tests.domain.factories import issue_invoice, make_company

    with httpx.Client(base_url=ksef_url, timeout=30) as control:
        with session_scope() as session:
            company = make_company(session)
            token = new_token(control, company.nip)
            update_connection(
                session,
                company.tenant_id,
                company.id,
                environment=KsefEnvironment.EMULATOR,
                auto_send=True,
                token=token,
            )
            ids = [issue_invoice(session, company, commit=False).id for _ in range(count)]
            queue_invoices(session, company.tenant_id, company.id, ids, environment="emulator")
        started, cpu = time.perf_counter(), time.process_time()
        prepared = sender._prepare(company.id, Counter())
        fa3_seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu  # this process only (PostgreSQL works beside it)
        print(f"FA(3) build+XSD: {count / cpu:.0f} per CPU-second of the sender's process")
        assert len(prepared) == count, f"prepared {len(prepared)} of {count}"
        started = time.perf_counter()
        report = sender.send_company(company.id, fetch_upos=False)
        accept_seconds = time.perf_counter() - started
        print(f"sender: {report}")
    with session_scope() as session:
        accepted = session.connection().execute(
            sa.select(sa.func.count()).where(
                KsefSubmission.status == KsefStatus.ACCEPTED.value  # type: ignore[arg-type]
            )
        )
        return fa3_seconds, accept_seconds, int(accepted.scalar_one())


if __name__ == "__main__":
    raise SystemExit(main())
