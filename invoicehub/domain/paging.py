"""Paging and text search of list queries: one home for page sizes, bounds and LIKE escapes."""

from __future__ import annotations

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class InvalidQuery(ValueError):
    """A filter, sort key or page the caller cannot ask for (the API answers 422)."""


def page_bounds(page: int, page_size: int) -> tuple[int, int]:
    """(limit, offset) of a 1-based page, the size clamped to 1..MAX_PAGE_SIZE."""
    size = min(max(page_size, 1), MAX_PAGE_SIZE)
    return size, (max(page, 1) - 1) * size


def checked_page_bounds(page: int, page_size: int) -> tuple[int, int]:
    """(limit, offset) of a 1-based page; a page or size out of range is refused, not clamped."""
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidQuery(f"page must be >= 1 and page size between 1 and {MAX_PAGE_SIZE}")
    return page_size, (page - 1) * page_size


def page_count(total: int, page_size: int) -> int:
    """Pages needed for `total` rows; an empty list still shows one (empty) page."""
    return max(1, -(-total // page_size))


def escape_like(term: str) -> str:
    """`term` for a LIKE pattern with `escape="\\"`: %, _ and \\ match themselves. A NUL is
    dropped: PostgreSQL text never holds one (and refuses it as a parameter)."""
    return term.replace("\x00", "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_pattern(search: str) -> str:
    """An ILIKE pattern matching `search` literally anywhere."""
    return f"%{escape_like(search)}%"
