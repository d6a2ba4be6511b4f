"""Paging and query errors shared by the admin queries."""

from __future__ import annotations

MAX_PAGE_SIZE = 100


class InvalidQuery(ValueError):
    """A filter, sort key or page the caller cannot ask for (the API answers 422)."""


def page_bounds(page: int, page_size: int) -> tuple[int, int]:
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidQuery(f"page must be >= 1 and page size between 1 and {MAX_PAGE_SIZE}")
    return (page - 1) * page_size, page_size


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
