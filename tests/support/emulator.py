"""Run the Allegro emulator as a real process for tests, and drive its OAuth flow from tests."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "invoicehub-demo"
CLIENT_SECRET = "invoicehub-demo-secret"
REDIRECT_URI = "http://127.0.0.1:8000/api/v1/allegro/auth/callback"
ALLEGRO_ACCEPT = "application/vnd.allegro.public.v1+json"
READY_TIMEOUT = 20.0


def _log_path(port: int) -> Path:
    path = ROOT / ".data" / "test" / "logs" / f"emulator-{port}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def start_emulator(port: int, *extra_args: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "invoicehub.emulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        # A file, not a pipe: an undrained pipe fills up during a long test and blocks the server.
        stderr=_log_path(port).open("wb"),
    )


def wait_ready(
    url: str, timeout: float = READY_TIMEOUT, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll GET {url}/__emulator/health until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            port = url.rsplit(":", 1)[-1]
            stderr = _log_path(int(port)).read_text(errors="replace") if port.isdigit() else ""
            raise RuntimeError(f"emulator exited with {process.returncode}: {stderr[-2000:]}")
        try:
            if httpx.get(f"{url}/__emulator/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"emulator at {url} not ready after {timeout:.0f} s")


@contextmanager
def emulator_process(port: int, *extra_args: str) -> Iterator[str]:
    """Start `python -m invoicehub.emulator --port PORT`, yield its base URL, stop it on exit."""
    process = start_emulator(port, *extra_args)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process=process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def control_client(emulator_url: str) -> httpx.Client:
    return httpx.Client(base_url=emulator_url, timeout=30.0)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    return verifier, challenge


def authorize_url(
    emulator_url: str,
    *,
    redirect_uri: str = REDIRECT_URI,
    state: str = "test-state",
    code_challenge: str | None = None,
    client_id: str = CLIENT_ID,
    **extra: str,
) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
    }
    if code_challenge:
        params |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
    return f"{emulator_url}/auth/oauth/authorize?{urlencode({**params, **extra})}"


def approve(control: httpx.Client, auth_url: str, login: str) -> str:
    """Approve `auth_url` as seller `login` through the control API; returns the code."""
    response = control.post("/__emulator/oauth/approve", json={"authUrl": auth_url, "login": login})
    response.raise_for_status()
    return parse_qs(urlsplit(response.json()["redirectUrl"]).query)["code"][0]


@dataclass(frozen=True)
class SellerTokens:
    login: str
    access_token: str
    refresh_token: str
    expires_in: int

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}", "Accept": ALLEGRO_ACCEPT}


def connect_seller(control: httpx.Client, login: str, **seller: str) -> SellerTokens:
    """Create (or reuse) seller `login` and run the authorization-code flow for it."""
    control.post("/__emulator/sellers", json={"login": login, **seller}).raise_for_status()
    code = approve(control, authorize_url(str(control.base_url).rstrip("/")), login)
    response = control.post(
        "/auth/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    response.raise_for_status()
    body = response.json()
    return SellerTokens(login, body["access_token"], body["refresh_token"], body["expires_in"])
