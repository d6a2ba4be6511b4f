"""One owner of the unit of work: services commit, domain functions flush, and API routes and
Reflex handlers never commit. Read from the source with `ast` (a comment or a string that names
`commit(` is no call)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB_PACKAGES = ("api", "pages", "state", "components")
# A call of either commits: `x.commit()` directly, `session_scope()` when its block ends.
COMMITTING = frozenset({"commit", "session_scope"})


def committing_calls(source: str, filename: str = "<source>") -> list[str]:
    """`line: name` of every call in `source` that commits."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in COMMITTING:
            found.append(f"{node.lineno}: {name}")
    return found


def test_the_finder_sees_commits_and_not_their_mentions():
    source = (
        "# session.commit() in a comment\n"
        "text = 'session_scope() in a string'\n"
        "with db.session_scope() as session:\n"
        "    session.commit()\n"
        "with session_scope() as s:\n"
        "    pass\n"
    )
    assert committing_calls(source) == ["3: session_scope", "4: commit", "5: session_scope"]


def test_routes_and_reflex_handlers_never_commit():
    wrong = [
        f"{path.relative_to(ROOT)}:{call}"
        for package in WEB_PACKAGES
        for path in sorted((ROOT / "invoicehub" / package).rglob("*.py"))
        for call in committing_calls(path.read_text(), str(path))
    ]
    assert wrong == []
