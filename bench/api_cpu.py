"""API CPU per request, in one process: the two cached reads of bench/api_load.py sent straight
into the web process's /api/v1 app (`front.api_app`: security headers, CORS, body limit, FastAPI,
auth, rate limit) with real Redis, one request at a time on uvloop.

    python bench/api_cpu.py [--requests 20000] [--profile out.prof]

Much steadier than the live load on a shared machine: no client, no HTTP server, no scheduling;
only the Python work (and the Redis round trip's syscalls) a web worker does per request. Needs
the demo tenant's integration with its cache entries warm (`make run`, then one API read).
The tokens are signed for made-up users of the demo tenant, 500 requests each (the per-user
limit stays on). Last line: `cpu_us_per_request=<x> wall_us_per_request=<y>`.
"""

from __future__ import annotations

import argparse
import cProfile
import sys
import time
import uuid
from typing import Any

import uvloop

PATHS = ("/api/v1/allegro/settings/{id}", "/api/v1/allegro/status/{id}")
PER_USER = 500


def _integration() -> tuple[uuid.UUID, str]:
    from sqlmodel import select

    from invoicehub.auth.accounts import find_user_by_email
    from invoicehub.db import session_scope
    from invoicehub.models import AllegroIntegration

    with session_scope() as session:
        demo = find_user_by_email(session, "demo@invoicehub.local")
        if demo is None:
            raise SystemExit("no demo seller: start the app with `make run`")
        query = select(AllegroIntegration).where(AllegroIntegration.tenant_id == demo.tenant_id)
        integration = session.exec(query).first()
        if integration is None:
            raise SystemExit("the demo seller has no integration: run bench/api_load.py once")
        return demo.tenant_id, str(integration.id)


async def _run(app: Any, requests: list[dict[str, Any]]) -> list[int]:
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for scope in requests:
        await app(dict(scope), receive, send)
    return statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--profile", help="write a cProfile of the measured part here")
    args = parser.parse_args(argv)

    from invoicehub import ratelimit
    from invoicehub.auth.tokens import Principal, issue_access_token
    from invoicehub.front import api_app
    from invoicehub.models import Role

    tenant_id, integration_id = _integration()
    users = [uuid.uuid4() for _ in range(args.requests // PER_USER + 2)]
    tokens = [issue_access_token(Principal(u, tenant_id, Role.USER))[0] for u in users]
    app = api_app()

    def scope(n: int) -> dict[str, Any]:
        path = PATHS[n % len(PATHS)].format(id=integration_id)
        headers = [
            (b"host", b"127.0.0.1:8000"),
            (b"user-agent", b"bench"),
            (b"accept", b"*/*"),
            (b"authorization", b"Bearer " + tokens[n // PER_USER].encode()),
        ]
        return {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }

    warm = [scope(n) for n in range(min(2000, args.requests))]
    measured = [scope(n) for n in range(args.requests)]
    loop = uvloop.new_event_loop()
    try:
        loop.run_until_complete(_run(app, warm))
        for user in users:
            ratelimit.reset(ratelimit.API_PER_USER, str(user))
        profiler = cProfile.Profile() if args.profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        statuses = loop.run_until_complete(_run(app, measured))
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        loop.close()
        for user in users:
            ratelimit.reset(ratelimit.API_PER_USER, str(user))
    if profiler and args.profile:
        profiler.dump_stats(args.profile)
    bad = len(statuses) - statuses.count(200)
    print(f"{len(statuses)} requests, {bad} not 200")
    print(
        f"cpu_us_per_request={cpu / len(statuses) * 1e6:.0f} "
        f"wall_us_per_request={wall / len(statuses) * 1e6:.0f}"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
