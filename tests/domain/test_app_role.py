"""Scorecard row 12 against the app's own role: the web and the workers log in as a role that
owns no table, and the database refuses it (and the owner) a line added to an issued invoice or
a TRUNCATE of the ledger. Every test here runs as that role unless it says otherwise."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, ProgrammingError
from sqlmodel import Session

from invoicehub.models import InvoiceLine
from tests.domain.factories import issue_invoice, make_company
from tests.support.services import owner_engine

LEDGER = [
    "invoices",
    "invoice_lines",
    "invoice_payments",
    "invoice_counters",
    "allegro_orders",
    "audit_events",
]
LINE_SQL = """
    INSERT INTO invoice_lines (id, invoice_id, position, name, quantity, unit, unit_gross,
                               vat_rate, net, vat, gross, annex15)
    VALUES (:line_id, :id, 99, 'added later', 1, 'szt.', 1.23, '23', 1.00, 0.23, 1.23, false)
"""


def _line_params(invoice_id: uuid.UUID) -> dict[str, uuid.UUID]:
    return {"line_id": uuid.uuid4(), "id": invoice_id}


def test_the_app_role_owns_no_table_and_is_not_the_migrating_role(session: Session):
    role = session.execute(sa.text("SELECT current_user")).scalar_one()
    owned = session.execute(
        sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = :r"),
        {"r": role},
    ).all()
    superuser = session.execute(
        sa.text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = :r"), {"r": role}
    ).scalar_one()
    with owner_engine().connect() as owner:
        owner_role = owner.execute(sa.text("SELECT current_user")).scalar_one()
    assert role == "invoicehub_app" and owner_role == "invoicehub"
    assert owned == [] and superuser is False


def test_a_line_inserted_into_an_issued_invoice_is_refused(session: Session):
    invoice = issue_invoice(session, make_company(session))
    with pytest.raises(IntegrityError, match=f"issued invoice {invoice.number} cannot get new"):
        session.execute(sa.text(LINE_SQL), _line_params(invoice.id))
    session.rollback()


def test_a_line_added_through_the_orm_to_an_issued_invoice_is_refused(session: Session):
    invoice = issue_invoice(session, make_company(session))
    line = InvoiceLine(
        invoice_id=invoice.id,
        position=99,
        name="added later",
        quantity=1,
        unit_gross=1,
        vat_rate="23",
        net=1,
        vat=0,
        gross=1,
    )
    session.add(line)
    with pytest.raises(IntegrityError, match="cannot get new lines"):
        session.commit()
    session.rollback()


def test_an_issued_invoice_refuses_a_line_even_to_the_tables_owner(session: Session):
    invoice = issue_invoice(session, make_company(session))
    with owner_engine().begin() as owner, pytest.raises(IntegrityError, match="new lines"):
        owner.execute(sa.text(LINE_SQL), _line_params(invoice.id))


def test_the_transaction_stamp_of_an_invoice_cannot_be_rewritten_to_open_it_again(
    session: Session,
):
    invoice = issue_invoice(session, make_company(session))
    with pytest.raises(IntegrityError, match="cannot be edited"):
        session.execute(
            sa.text("UPDATE invoices SET issued_in_xact = pg_current_xact_id() WHERE id = :id"),
            {"id": invoice.id},
        )
    session.rollback()


def test_the_stamp_an_insert_names_is_overwritten_by_the_inserting_transaction(session: Session):
    company = make_company(session)
    invoice = issue_invoice(session, company, commit=False)
    stamps = session.execute(
        sa.text("SELECT issued_in_xact = pg_current_xact_id() FROM invoices WHERE id = :id"),
        {"id": invoice.id},
    ).scalar_one()
    session.execute(sa.text(LINE_SQL), _line_params(invoice.id))  # its own transaction: allowed
    session.commit()
    assert stamps is True


@pytest.mark.parametrize("table", LEDGER)
def test_the_app_role_cannot_truncate_the_ledger(session: Session, table: str):
    issue_invoice(session, make_company(session))
    with pytest.raises(ProgrammingError, match="permission denied"):
        session.execute(sa.text(f"TRUNCATE {table} CASCADE"))
    session.rollback()


@pytest.mark.parametrize("table", [*LEDGER, "companies", "tenants"])
def test_truncating_the_ledger_is_refused_even_to_the_tables_owner(session: Session, table: str):
    issue_invoice(session, make_company(session))
    with owner_engine().begin() as owner, pytest.raises(IntegrityError, match="cannot be trunc"):
        owner.execute(sa.text(f"TRUNCATE {table} CASCADE"))
    assert session.execute(sa.text("SELECT count(*) FROM invoices")).scalar_one() == 1


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE invoices DISABLE TRIGGER invoices_immutable",
        "DROP TRIGGER invoice_lines_insert_guard ON invoice_lines",
        "ALTER TABLE invoice_lines DISABLE TRIGGER ALL",
        "CREATE TABLE scratch (id int)",
        "SET session_replication_role = replica",
    ],
)
def test_the_app_role_cannot_switch_the_guards_off(session: Session, statement: str):
    with pytest.raises(ProgrammingError, match=r"must be owner|permission denied"):
        session.execute(sa.text(statement))
    session.rollback()
