"""The admin table pages through 10,000 integrations without gaps or repeats (issue 13, item 9)."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from invoicehub.models import Role
from invoicehub.pages.admin.state import PAGE_SIZE, AdminAllegroState
from tests.browser.test_admin_journey import BULK_SQL
from tests.factories import make_user
from tests.state.conftest import call, session_token, state_for

ROWS = 10_000


def test_paging_10000_integrations_has_no_gaps_or_repeats(session: Session):
    admin = make_user(session, role=Role.ADMIN)
    sellers = [make_user(session) for _ in range(3)]
    session.execute(text(BULK_SQL), {"n": ROWS, "users": len(sellers)})
    session.commit()
    table = state_for(AdminAllegroState, session_token(session, admin), "/admin/allegro")
    call(table, "set_sort", "allegro_login")
    assert table.total == ROWS and table.page_count == ROWS // PAGE_SIZE
    seen = [row["login"] for row in table.rows]
    for _ in range(3):
        call(table, "next_page")
        seen += [row["login"] for row in table.rows]
    expected = [f"bulk_seller_{n:05d}" for n in range(1, 4 * PAGE_SIZE + 1)]
    assert seen == expected  # A-Z, four pages, nothing lost or shown twice

    table.page = table.page_count - 1
    call(table, "next_page")
    assert table.page == table.page_count and table.rows[-1]["login"] == "bulk_seller_10000"
    call(table, "next_page")  # past the end: stays on the last page
    assert table.page == table.page_count and len(table.rows) == PAGE_SIZE
    call(table, "previous_page")
    assert table.rows[0]["login"] == f"bulk_seller_{ROWS - 2 * PAGE_SIZE + 1:05d}"
