"""The last writes of a sync page, as psycopg SQL: sent with the page's COMMIT in one round trip
(db_rounds.commit_together) instead of one round trip each before it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from psycopg import sql

from invoicehub.integrations.allegro.sync.context import SyncCounts


def run_counts(run_id: uuid.UUID, counts: SyncCounts) -> tuple[sql.Composable, Mapping[str, Any]]:
    """Add a page's counts to its sync run row."""
    values = counts.as_dict()
    assignments = sql.SQL(", ").join(
        sql.SQL("{0} = {0} + {1}").format(sql.Identifier(name), sql.Placeholder(name))
        for name in values
    )
    query = sql.SQL("UPDATE sync_runs SET {} WHERE id = %(run_id)s").format(assignments)
    return query, {**values, "run_id": run_id}


def event_cursor(
    integration_id: uuid.UUID, cursor: str
) -> tuple[sql.Composable, Mapping[str, Any]]:
    """Move the integration's journal cursor past the page's events."""
    query = sql.SQL("UPDATE allegro_integrations SET event_cursor = %(cursor)s WHERE id = %(id)s")
    return query, {"cursor": cursor, "id": integration_id}
