"""Drive the real connect flow against the emulator: the way a browser would, minus the clicks."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi.testclient import TestClient

from invoicehub.models import User
from tests.factories import bearer


def emulator_control(emulator_url: str) -> httpx.Client:
    client = httpx.Client(base_url=emulator_url, timeout=30)
    client.post("/__emulator/reset").raise_for_status()
    return client


def create_seller(control: httpx.Client, login: str, orders: int = 0, seed: int = 1) -> dict:
    seller = control.post("/__emulator/sellers", json={"login": login}).raise_for_status().json()
    if orders:
        control.post(
            f"/__emulator/sellers/{login}/orders/generate", json={"count": orders, "seed": seed}
        ).raise_for_status()
    return seller


def approve(control: httpx.Client, auth_url: str, login: str) -> dict[str, str]:
    """Approve the authorize request as the seller; return the callback's query (code, state)."""
    redirect = (
        control.post("/__emulator/oauth/approve", json={"authUrl": auth_url, "login": login})
        .raise_for_status()
        .json()["redirectUrl"]
    )
    return {k: v[0] for k, v in parse_qs(urlsplit(redirect).query).items()}


def connect(api: TestClient, control: httpx.Client, user: User, login: str) -> uuid.UUID:
    auth_url = api.get("/allegro/auth/authorize", headers=bearer(user)).json()["authUrl"]
    params = approve(control, auth_url, login)
    response = api.post("/allegro/auth/callback", json=params, headers=bearer(user))
    assert response.status_code == 200, response.text
    return uuid.UUID(response.json()["integration"]["id"])
