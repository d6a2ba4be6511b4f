from __future__ import annotations

import pytest

from tests.domain.factories import ensure_builtin_templates


@pytest.fixture(autouse=True)
def builtin_templates(clean_state: None) -> None:
    ensure_builtin_templates()
