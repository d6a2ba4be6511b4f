"""`python -m invoicehub.emulator.ksef --host 127.0.0.1 --port 8310`: serve the KSeF emulator."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from invoicehub.emulator.ksef.app import create_app
from invoicehub.emulator.ksef.state import KsefState


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m invoicehub.emulator.ksef", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8310)
    parser.add_argument(
        "--processing-ms",
        type=int,
        default=200,
        help="how long authentication and invoices stay 'in progress' (status 100/150)",
    )
    parser.add_argument(
        "--rate-limit-scale",
        type=float,
        default=1.0,
        help="multiply the documented production limits (10 = the TEST environment)",
    )
    parser.add_argument("--log-level", default="warning")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper())
    state = KsefState(
        processing_delay=args.processing_ms / 1000, rate_limit_scale=args.rate_limit_scale
    )
    # No access log: request lines are enough to leak nothing today, but bodies and headers
    # (KSeF tokens, bearer tokens) must never reach a log, so the emulator logs no requests.
    uvicorn.run(
        create_app(state),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=False,
    )


if __name__ == "__main__":
    main()
