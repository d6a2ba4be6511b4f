"""Domain errors are answered in one place (api/errors.py DOMAIN_ERRORS): no route catches one
to build its own HTTP answer. The one exception is the browser's OAuth redirect, which answers a
refused connection with a page, not with JSON."""

from __future__ import annotations

import ast
from pathlib import Path

from invoicehub.api.errors import DOMAIN_ERRORS, domain_http_error
from invoicehub.domain.edits import RowNotFound
from invoicehub.domain.payments import PaymentRefused

ROUTES = Path(__file__).resolve().parents[2] / "invoicehub" / "api" / "routes"
PAGE_ANSWERS = {("allegro_auth.py", "ConnectError")}  # a redirect target, answered with HTML


def _caught_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            names |= {t.id if isinstance(t, ast.Name) else ast.unparse(t) for t in types}
    return names


def test_no_route_catches_a_mapped_domain_error():
    mapped = {cls.__name__ for cls in DOMAIN_ERRORS}
    caught = {
        (path.name, name)
        for path in ROUTES.glob("*.py")
        for name in _caught_names(ast.parse(path.read_text()))
        if name in mapped
    }
    assert caught == PAGE_ANSWERS


def test_the_most_specific_mapping_answers():
    assert domain_http_error(RowNotFound("customers")).detail == "customer not found"
    refusal = domain_http_error(PaymentRefused("too large", field="paid_at"))
    assert refusal.status_code == 422
    expected = [{"loc": ["body", "paidAt"], "msg": "too large", "type": "value_error"}]
    assert refusal.detail == expected
