"""Issued invoices immutable for the app's own role

- invoices.issued_in_xact: the transaction that inserted the invoice (set by a trigger, never
  by the caller; invoices_guard refuses changing it like any other column). An invoice_lines
  INSERT is refused unless its invoice was inserted by the same transaction: an issued invoice
  gets no line later. invoice_payments and allegro_invoice_uploads follow an issued invoice by
  design, so they stay open to inserts.
- TRUNCATE refused by statement triggers on the ledger: invoices, invoice_lines,
  invoice_payments, invoice_counters (numbering), allegro_orders (one row per order) and
  audit_events. Row triggers do not fire for TRUNCATE, and TRUNCATE ... CASCADE from companies
  or tenants would have emptied them all.
- The app's role (the user of INVOICEHUB_DATABASE_URL when it differs from the migrating one)
  gets SELECT, INSERT, UPDATE, DELETE on every table and USAGE, SELECT on every sequence, now and
  by default for the tables later migrations create. It owns nothing, so it cannot drop or
  disable a trigger, TRUNCATE, or ALTER a table.

Revision ID: 0010
Revises: 0016
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import make_url

from invoicehub.settings import get_settings

revision: str = "0010"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRUNCATE_GUARDED = (
    "invoices",
    "invoice_lines",
    "invoice_payments",
    "invoice_counters",
    "allegro_orders",
    "audit_events",
)

UPGRADE_SQL = [
    "ALTER TABLE invoices ADD COLUMN issued_in_xact xid8",
    # Whatever the INSERT names, the column is the inserting transaction (top level: an
    # invoice written inside a savepoint still belongs to the transaction that writes its lines).
    """
    CREATE FUNCTION invoices_stamp_xact() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.issued_in_xact := pg_current_xact_id();
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER invoices_stamp_xact BEFORE INSERT ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_stamp_xact()
    """,
    # One check per statement (issuing inserts a page of invoices and their lines in one), after
    # the statement, so the invoices a sibling CTE inserted are there to be read.
    """
    CREATE FUNCTION invoice_lines_of_new_invoices_only() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      issued text;
    BEGIN
      SELECT i.number INTO issued
        FROM new_lines AS l
        JOIN invoices AS i ON i.id = l.invoice_id
       WHERE i.issued_in_xact IS DISTINCT FROM pg_current_xact_id()
       LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'issued invoice % cannot get new lines', issued
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER invoice_lines_insert_guard AFTER INSERT ON invoice_lines
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_lines_of_new_invoices_only()
    """,
    """
    CREATE FUNCTION refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% cannot be truncated', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    *(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()"
        for table in TRUNCATE_GUARDED
    ),
]
DOWNGRADE_SQL = [
    *(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}" for table in TRUNCATE_GUARDED),
    "DROP FUNCTION IF EXISTS refuse_truncate()",
    "DROP TRIGGER IF EXISTS invoice_lines_insert_guard ON invoice_lines",
    "DROP FUNCTION IF EXISTS invoice_lines_of_new_invoices_only()",
    "DROP TRIGGER IF EXISTS invoices_stamp_xact ON invoices",
    "DROP FUNCTION IF EXISTS invoices_stamp_xact()",
    "ALTER TABLE invoices DROP COLUMN IF EXISTS issued_in_xact",
]


def app_role() -> str | None:
    """The role the web and workers log in as, when it is not the one running this migration."""
    name = make_url(get_settings().database_url).username
    current = op.get_bind().execute(sa.text("SELECT current_user")).scalar_one()
    if not name or name == current:
        return None
    exists = op.get_bind().execute(
        sa.text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name}
    )
    if exists.first() is None:
        raise RuntimeError(
            f"the app role {name!r} (INVOICEHUB_DATABASE_URL) does not exist: create it"
            " (LOGIN, no ownership) before migrating, as scripts/services.sh does"
        )
    return name


def grant_sql(role: str) -> list[str]:
    quoted = '"' + role.replace('"', '""') + '"'
    return [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {quoted}",
    ]


def revoke_sql(role: str) -> list[str]:
    quoted = '"' + role.replace('"', '""') + '"'
    return [
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
        f" REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {quoted}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM {quoted}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}",
    ]


def upgrade() -> None:
    for statement in UPGRADE_SQL:
        op.execute(statement)
    role = app_role()
    for statement in grant_sql(role) if role else []:
        op.execute(statement)


def downgrade() -> None:
    role = app_role()
    for statement in revoke_sql(role) if role else []:
        op.execute(statement)
    for statement in DOWNGRADE_SQL:
        op.execute(statement)
