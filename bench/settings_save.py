"""Settings save round trip: PUT /api/v1/allegro/settings/{id}, then the GET the page reloads with.

    python bench/settings_save.py [--repeat 200]

In-process, through the web process's API stack (invoicehub.front.api_app: security headers,
CORS, body limit, FastAPI, JWT, rate limit, validation, audit row, commit, cache drop) on a
scratch database (as bench/sync_throughput.py makes it); no network, so the figure is the
server's work per save. Alternates two settings so every PUT changes something. Last line:
`save_p50_ms=<x> save_p95_ms=<y> roundtrip_p95_ms=<PUT+GET>`.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sync_throughput import scratch_environment  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    with scratch_environment(args.keep):
        token, integration_id = seller()
        saves, roundtrips = asyncio.run(measure(token, integration_id, args.repeat))
    print(
        f"save_p50_ms={percentile(saves, 0.5):.1f} save_p95_ms={percentile(saves, 0.95):.1f} "
        f"roundtrip_p95_ms={percentile(roundtrips, 0.95):.1f}"
    )
    return 0


def seller() -> tuple[str, str]:
    from invoicehub.auth.accounts import create_user, principal_of
    from invoicehub.auth.tokens import issue_access_token
    from invoicehub.db import session_scope
    from invoicehub.models import AllegroIntegration

    with session_scope() as session:
        user = create_user(
            session,
            email=f"settings-{uuid.uuid4().hex[:8]}@bench.invalid",
            password=uuid.uuid4().hex,
            tenant_name="Bench settings",
        )
        integration = AllegroIntegration(
            tenant_id=user.tenant_id, user_id=user.id, allegro_login="bench_settings"
        )
        session.add(integration)
        session.flush()
        token, _ = issue_access_token(principal_of(user))
        return token, str(integration.id)


async def measure(token: str, integration_id: str, repeat: int) -> tuple[list[float], list[float]]:
    from invoicehub import ratelimit
    from invoicehub.front import api_app

    ratelimit.API_PER_USER = ratelimit.Limit("api-user-bench", 10**9, 60)  # not what is measured
    transport = httpx.ASGITransport(app=api_app())  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/allegro/settings/{integration_id}"
    saves, roundtrips = [], []
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        for n in range(repeat + 5):
            body = {"settings": {"autoMarkAsPaid": n % 2 == 0, "syncFrequencyMinutes": 30}}
            started = time.perf_counter()
            saved = await client.put(url, json=body, headers=headers)
            middle = time.perf_counter()
            read = await client.get(url, headers=headers)
            ended = time.perf_counter()
            assert saved.status_code == 200 and read.status_code == 200, saved.text
            assert read.json()["settings"]["autoMarkAsPaid"] is (n % 2 == 0)
            if n >= 5:  # warm-up
                saves.append((middle - started) * 1000)
                roundtrips.append((ended - started) * 1000)
    return saves, roundtrips


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


if __name__ == "__main__":
    sys.exit(main())
