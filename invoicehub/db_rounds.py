"""Several read statements in one round trip: psycopg's pipeline mode.

On a loaded machine each round trip costs about a millisecond of scheduling, whatever the
statement. A session whose transaction has not started yet also sends its BEGIN in the same
round trip (psycopg queues it in the pipeline instead of waiting for it).

The statements are psycopg SQL (`%(name)s` parameters) run on the session's own connection, in
its transaction. An error comes back as SQLAlchemy's exception for it (DBAPIError, or its
subclass OperationalError for a lost connection), as from Session.execute.

`copy_rows` is the other bulk path on the session's connection: COPY for rows known to be new.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import psycopg
import sqlalchemy as sa
from psycopg import sql
from psycopg.rows import namedtuple_row
from sqlmodel import Session


def fetch_together(
    session: Session, queries: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[list[Any]]:
    """The rows of each query (named tuples), all sent before the first answer is read."""
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    cursors = []
    try:
        with driver.pipeline():
            for query, params in queries:
                cursor = driver.cursor(row_factory=namedtuple_row)
                cursor.execute(query, params)
                cursors.append(cursor)
        return [cursor.fetchall() for cursor in cursors]
    except psycopg.Error as exc:
        statement = "; ".join(query for query, _ in queries)
        raise sa.exc.DBAPIError.instance(statement, None, exc, psycopg.Error) from exc
    finally:
        for cursor in cursors:
            cursor.close()


def commit_together(session: Session, statements: Sequence[tuple[Any, Mapping[str, Any]]]) -> None:
    """Run write statements (psycopg SQL, their rows unread) and commit the session's
    transaction, all in one round trip; an error comes back as from fetch_together."""
    if not statements:
        session.commit()
        return
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    cursors = []
    try:
        with driver.pipeline():
            for query, params in statements:
                cursors.append(driver.execute(query, params))
            session.commit()  # psycopg queues the COMMIT and syncs the pipeline
    except psycopg.Error as exc:
        raise sa.exc.DBAPIError.instance(str(statements[0][0]), None, exc, psycopg.Error) from exc
    finally:
        for cursor in cursors:
            cursor.close()


def copy_rows(
    session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[str | None]]
) -> None:
    """Insert rows with COPY on the session's connection, in its transaction; each value is
    PostgreSQL's text for it (None: NULL).

    For rows known to be new: COPY has no ON CONFLICT, so a row a unique index already holds
    fails the statement (and the transaction) like any refused INSERT. Triggers, foreign keys
    and checks apply as for INSERT; what COPY saves is the statement's parse, plan and per-row
    executor work (a page of ledger rows took about a third less time than INSERT ... SELECT
    jsonb_to_recordset, measured page by page). The page goes as one block of text, so the
    client's share is a join and a few replaces per value.
    """
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    data = "".join("\t".join(map(_copy_value, row)) + "\n" for row in rows)
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(data)
    except psycopg.Error as exc:
        raise sa.exc.DBAPIError.instance(
            statement.as_string(driver), None, exc, psycopg.Error
        ) from exc


def _copy_value(value: str | None) -> str:
    """COPY's text format: NULL is \\N; backslash, newline, carriage return and tab escaped."""
    if value is None:
        return "\\N"
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if not value.isprintable():  # the rare control character (JSON text never has one raw)
        value = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return value
