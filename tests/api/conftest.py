from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from invoicehub.web import mounted_apps, security_headers


@pytest.fixture
def api() -> TestClient:
    """The API mounted at /api/v1 exactly as the web process mounts it."""
    return TestClient(security_headers(mounted_apps()), base_url="http://127.0.0.1:8000/api/v1")  # type: ignore[arg-type]
