"""API load: concurrent clients on GET /allegro/settings/{id} and /allegro/status/{id}.

Run against the web process as `make run` starts it:

    python bench/api_load.py [--url http://127.0.0.1:8000] [--duration 20] [--max-requests 20000]

It uses the demo tenant's integration, creating one in the database (vault-encrypted dummy
tokens) when there is none.

The per-user API limit (ratelimit.API_PER_USER, 1200 a minute) stays on: one user cannot send
500 requests a second. The load is spread over enough `bench-N@` sellers of the demo tenant
(created in the database, signed in through POST /api/v1/auth/login, their budget windows reset
at the start of each run) that no user exceeds its budget; `--users 1` shows the limit at work
(429s are counted, never retried).

The floor: in the same run, the same client loads a bare ASGI app (bench/floor_app.py) that
answers the same two JSON bodies from memory, served by granian with the web process's
interface and worker count (GRANIAN_WORKERS, default 2 as `make run` starts the web). The last
line is `rps=<x> p50_ms=<y> p99_ms=<z> floor_rps=<f> floor_ratio=<x/f>` over the successful
requests. Targets on 2 cores at 8 in flight: floor_ratio >= 0.3, p99 < 20 ms.

`--concurrency` (default 8) is the number of requests in flight. On the 2-core machine 8 already
saturate the two web workers; more in flight raise latency by queueing (p50 is about
concurrency / rps), not throughput. Sweep it to see the curve: `--concurrency 16`, `32`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import secrets
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import httpx

DEMO_EMAIL = "demo@invoicehub.local"
BENCH_EMAIL = "bench-{n}@invoicehub.local"
USER_BUDGET = 1100  # requests per user and minute, under ratelimit.API_PER_USER (1200)
ENDPOINTS = ("/api/v1/allegro/settings/{id}", "/api/v1/allegro/status/{id}")
BENCH_DIR = Path(__file__).resolve().parent


@dataclass
class Results:
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    sent: int = 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_url = os.environ.get("INVOICEHUB_WEB_URL", "http://127.0.0.1:8000")
    parser.add_argument("--url", default=default_url, help="web process base URL")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    parser.add_argument("--max-requests", type=int, default=20_000, help="stop after this many")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load")
    parser.add_argument("--users", type=int, default=0, help="API users (0: enough for the load)")
    return parser.parse_args(argv)


def ensure_integration_and_users(extra_users: int) -> dict[str, str]:
    """The demo tenant's integration (created if missing) and `extra_users` bench sellers.

    Returns e-mail -> password for the bench sellers (fresh passwords every run).
    """
    from sqlmodel import select

    from invoicehub import ratelimit
    from invoicehub.auth.accounts import create_user, find_user_by_email
    from invoicehub.auth.passwords import hash_password
    from invoicehub.db import session_scope
    from invoicehub.integrations.allegro.connection.tokens import store_tokens
    from invoicehub.models import AllegroIntegration, Tenant, User
    from invoicehub.models.base import utcnow

    accounts: dict[str, str] = {}
    with session_scope() as session:
        demo = find_user_by_email(session, DEMO_EMAIL)
        if demo is None:
            raise SystemExit(f"no {DEMO_EMAIL}: start the app with `make run` (it seeds demo data)")
        query = select(AllegroIntegration).where(AllegroIntegration.tenant_id == demo.tenant_id)
        if session.exec(query).first() is None:
            integration = AllegroIntegration(
                tenant_id=demo.tenant_id,
                user_id=demo.id,
                allegro_user_id=f"bench-{secrets.token_hex(4)}",
                allegro_login="bench_seller",
                token_expires_at=utcnow(),
            )
            session.add(integration)
            session.flush()
            store_tokens(session, integration, secrets.token_urlsafe(32), secrets.token_urlsafe(32))
            print(f"created integration {integration.id} for the demo tenant")
        for n in range(1, extra_users + 1):
            email, password = BENCH_EMAIL.format(n=n), secrets.token_urlsafe(18)
            user: User | None = find_user_by_email(session, email)
            if user is None:
                tenant = session.get(Tenant, demo.tenant_id)
                assert tenant is not None
                user = create_user(session, email=email, password=password, tenant_name=tenant.name)
            user.password_hash = hash_password(password)
            session.add(user)
            # Each run is its own measurement: its bench sellers start with a fresh minute of
            # budget (a previous run in the same minute would otherwise show up as 429s).
            ratelimit.reset(ratelimit.API_PER_USER, str(user.id))
            accounts[email] = password
    return accounts


def sign_in(client: httpx.Client, email: str, password: str) -> str:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    if response.status_code != 200:
        raise SystemExit(f"login as {email} failed: {response.status_code} {response.text}")
    return str(response.json()["accessToken"])


async def load(
    base_url: str, tokens: list[str], integration_id: str, args: argparse.Namespace
) -> tuple[Results, float]:
    # aiohttp, not httpx, for the load: httpx spent about 3 ms of CPU per request here, close to
    # a whole core at 250 rps, taken from the server under test on this 2-core machine.
    results = Results(latencies_ms={path: [] for path in ENDPOINTS})
    headers = [{"Authorization": f"Bearer {token}"} for token in tokens]
    urls = [base_url + path.format(id=integration_id) for path in ENDPOINTS]
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    timeout = aiohttp.ClientTimeout(total=10)
    counter = 0
    warmup_requests = math.ceil(args.max_requests * args.warmup / max(args.duration, 1.0))
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:

        async def client_loop(until: float, measure: bool) -> None:
            nonlocal counter
            # The warm-up is bounded in requests too, in the measured part's proportion: the
            # bench sellers' budgets (`main`) count both, whatever rate the server reaches.
            cap = args.max_requests if measure else warmup_requests
            while time.perf_counter() < until and (results.sent if measure else counter) < cap:
                n = counter
                counter += 1
                endpoint = n % len(ENDPOINTS)
                if measure:
                    results.sent += 1
                start = time.perf_counter()
                try:
                    url, auth = urls[endpoint], headers[n % len(headers)]
                    async with client.get(url, headers=auth) as resp:
                        await resp.read()
                        status = resp.status
                except (aiohttp.ClientError, TimeoutError) as exc:
                    results.errors[type(exc).__name__] += measure
                    continue
                if not measure:
                    continue
                results.statuses[status] += 1
                if status == 200:
                    elapsed = (time.perf_counter() - start) * 1000
                    results.latencies_ms[ENDPOINTS[endpoint]].append(elapsed)

        warm_until = time.perf_counter() + args.warmup
        await asyncio.gather(*(client_loop(warm_until, False) for _ in range(args.concurrency)))
        started = time.perf_counter()
        until = started + args.duration
        await asyncio.gather(*(client_loop(until, True) for _ in range(args.concurrency)))
        elapsed = time.perf_counter() - started
    return results, elapsed


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def report(results: Results, elapsed: float) -> tuple[float, list[float], bool]:
    """Print the per-endpoint lines; (rps, latencies of the 200s, every request answered 200)."""
    every = [v for values in results.latencies_ms.values() for v in values]
    for path, values in results.latencies_ms.items():
        print(
            f"{path:<34} n={len(values):>6}  p50={percentile(values, 0.5):6.1f} ms  "
            f"p99={percentile(values, 0.99):6.1f} ms  max={max(values, default=0):6.1f} ms"
        )
    print(f"statuses {dict(results.statuses)}  transport errors {dict(results.errors)}")
    print(f"{results.sent} requests in {elapsed:.1f} s, {len(every)} answered 200")
    rps = len(every) / elapsed if elapsed else 0.0
    return rps, every, bool(every) and len(every) == results.sent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def floor_server(bodies: dict[str, str]) -> Iterator[str]:
    """bench/floor_app.py under granian, as many workers as the web process; yields its URL."""
    port = free_port()
    env = {**os.environ, "BENCH_FLOOR_BODIES": json.dumps(bodies), "PYTHONPATH": str(BENCH_DIR)}
    workers = os.environ.get("GRANIAN_WORKERS", "2")
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--workers", workers]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen([*command, "floor_app:app"], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the floor app did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    warmup_share = 1 + args.warmup / max(args.duration, 1.0)
    needed = args.users or math.ceil(args.max_requests * warmup_share / USER_BUDGET)
    accounts = ensure_integration_and_users(needed)
    with httpx.Client(base_url=args.url, timeout=30) as client:
        tokens = [sign_in(client, email, pw) for email, pw in accounts.items()]
        auth = {"Authorization": f"Bearer {tokens[0]}"}
        listing = client.get("/api/v1/allegro/integrations", headers=auth)
        if listing.status_code != 200:
            raise SystemExit(f"listing integrations failed: {listing.status_code} {listing.text}")
        items = listing.json()["items"]
    if not items:
        raise SystemExit("the demo seller sees no integration")
    integration_id = items[0]["id"]
    print(
        f"{args.url}: integration {integration_id}, {len(tokens)} users, "
        f"{args.concurrency} in flight, {args.duration:.0f} s or {args.max_requests} requests"
    )
    results, elapsed = asyncio.run(load(args.url, tokens, integration_id, args))
    rps, every, all_ok = report(results, elapsed)
    with httpx.Client(base_url=args.url, timeout=30) as client:
        auth = {"Authorization": f"Bearer {tokens[0]}"}
        paths = [path.format(id=integration_id) for path in ENDPOINTS]
        bodies = {path: client.get(path, headers=auth).text for path in paths}
    with floor_server(bodies) as floor_url:
        print(f"floor: bare ASGI app at {floor_url}, same client and load")
        floor_results, floor_elapsed = asyncio.run(load(floor_url, tokens, integration_id, args))
        floor_rps, _, _ = report(floor_results, floor_elapsed)
    ratio = rps / floor_rps if floor_rps else 0.0
    print(
        f"rps={rps:.0f} p50_ms={percentile(every, 0.5):.1f} p99_ms={percentile(every, 0.99):.1f} "
        f"floor_rps={floor_rps:.0f} floor_ratio={ratio:.2f}"
    )
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
