"""`python -m invoicehub.emulator --host 127.0.0.1 --port 8300`: serve the emulator with uvicorn."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from invoicehub.emulator.app import create_app
from invoicehub.emulator.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_PREFIXES,
)
from invoicehub.emulator.generator import generate_orders
from invoicehub.emulator.state import ClientApp, EmulatorState

DEMO_LOGIN = "sklep-demo"
DEMO_ORDERS = 25


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m invoicehub.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8300)
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument(
        "--redirect-prefix",
        action="append",
        default=None,
        help="allowed redirect_uri prefix (repeatable; default http://127.0.0.1 and http://localhost)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"start with a seller {DEMO_LOGIN!r} holding {DEMO_ORDERS} generated orders",
    )
    parser.add_argument("--log-level", default="warning")
    return parser.parse_args(argv)


def build_state(args: argparse.Namespace) -> EmulatorState:
    prefixes = tuple(args.redirect_prefix or DEFAULT_REDIRECT_PREFIXES)
    state = EmulatorState(ClientApp(args.client_id, args.client_secret, prefixes))
    if args.demo:
        seller = state.upsert_seller(
            DEMO_LOGIN, company_name="Sklep Demo Sp. z o.o.", nip="5252674798"
        )
        batch = generate_orders(seller.login, DEMO_ORDERS, 1, float(int(state.now())))
        seller.book.offers.update(batch.offers)
        state.store_orders(seller, batch.forms, batch.lifecycle)
    return state


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper())
    uvicorn.run(
        create_app(build_state(args)),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=False,
    )


if __name__ == "__main__":
    main()
