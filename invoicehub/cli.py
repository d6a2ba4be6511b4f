"""The `invoicehub` command: users, demo data, migrations, syncs, key rotation."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from invoicehub.models import Role

Handler = Callable[[argparse.Namespace], int]
_COMMANDS: dict[tuple[str, ...], Handler] = {}


def _user_create(args: argparse.Namespace) -> int:
    from invoicehub.auth.accounts import AccountError, create_user
    from invoicehub.db import session_scope

    try:
        with session_scope() as session:
            user = create_user(
                session,
                email=args.email,
                password=args.password,
                role=Role(args.role),
                tenant_name=args.tenant,
                nip=args.nip,
                address={
                    key: value
                    for key, value in (
                        ("street", args.street),
                        ("postal_code", args.postal_code),
                        ("city", args.city),
                    )
                    if value
                },
            )
            print(f"created {user.role} {user.email} (tenant {user.tenant_id})")
    except (AccountError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _demo_seed(args: argparse.Namespace) -> int:
    from invoicehub.demo import seed_demo

    for line in seed_demo(with_emulator=not args.no_emulator):
        print(line)
    return 0


def _db_upgrade(_: argparse.Namespace) -> int:
    from alembic.config import Config

    from alembic import command
    from invoicehub.settings import PROJECT_ROOT

    command.upgrade(Config(str(PROJECT_ROOT / "alembic.ini")), "head")
    return 0


def _sync(args: argparse.Namespace) -> int:
    from invoicehub.integrations.allegro.runs.cli import run_sync_command

    return int(run_sync_command(args.integration_id, wait=args.wait, reconcile=args.reconcile))


def _tokens_reencrypt(_: argparse.Namespace) -> int:
    from invoicehub.db import session_scope
    from invoicehub.integrations.allegro.connection.tokens import reencrypt_all
    from invoicehub.integrations.ksef.connection import reencrypt_tokens

    count = reencrypt_all()
    with session_scope() as session:
        ksef = reencrypt_tokens(session)
    done = f"{count} integrations and {ksef} KSeF tokens and keys"
    print(f"re-encrypted {done} with the current key")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="invoicehub", description=__doc__)
    groups = parser.add_subparsers(dest="group", required=True)

    user = groups.add_parser("user", help="manage users").add_subparsers(
        dest="action", required=True
    )
    create = user.add_parser("create", help="create a user (and its tenant when new)")
    create.add_argument("--email", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--role", choices=[r.value for r in Role], default=Role.USER.value)
    create.add_argument("--tenant", help="tenant name (created with a default company when new)")
    create.add_argument("--nip", help="NIP of the new tenant's company")
    create.add_argument("--street", help="street and number of the new tenant's company")
    create.add_argument("--postal-code", help="postal code (00-950) of the new tenant's company")
    create.add_argument("--city", help="city of the new tenant's company")
    create.set_defaults(handler=_user_create)

    demo = groups.add_parser("demo", help="demo data").add_subparsers(dest="action", required=True)
    seed = demo.add_parser("seed", help="create the demo tenant, users and company (idempotent)")
    seed.add_argument("--no-emulator", action="store_true", help="do not create emulator sellers")
    seed.set_defaults(handler=_demo_seed)

    db = groups.add_parser("db", help="database").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="apply Alembic migrations").set_defaults(handler=_db_upgrade)

    sync = groups.add_parser("sync", help="run one Allegro sync")
    sync.add_argument("integration_id")
    sync.add_argument("--wait", action="store_true", help="wait for the result and print it")
    sync.add_argument(
        "--reconcile",
        action="store_true",
        help="also list the last 7 days of orders and bring in any the ledger lacks",
    )
    sync.set_defaults(handler=_sync)

    tokens = groups.add_parser("tokens", help="token vault").add_subparsers(
        dest="action", required=True
    )
    tokens.add_parser(
        "reencrypt", help="re-encrypt every stored token with the current key"
    ).set_defaults(handler=_tokens_reencrypt)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
