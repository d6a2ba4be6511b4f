"""Start the real web process (Reflex prod mode, one port) against the test services."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 420
WEB_WORKDIR = ROOT / ".data" / "test-web"
BUILD_LOCK = ROOT / ".data" / "test-web.lock"


def _env(port: int) -> dict[str, str]:
    node_bin = ROOT / ".data/node/node_modules/.bin"
    env = dict(os.environ)
    env.update(
        {
            "PATH": f"{ROOT / '.venv/bin'}:{node_bin}:{env.get('PATH', '')}",
            "REFLEX_USE_SYSTEM_BUN": "1",
            "REFLEX_DIR": str(ROOT / ".data/reflex"),
            "REFLEX_TELEMETRY_ENABLED": "false",
            # The same number of web workers as `make run` (scripts/env.sh decides it).
            "GRANIAN_WORKERS": env.get("GRANIAN_WORKERS") or _run_web_workers(),
            "INVOICEHUB_WEB_URL": f"http://127.0.0.1:{port}",
            "PYTHONUNBUFFERED": "1",
            # Tests build into their own folder so a running `make run` keeps its .web.
            "REFLEX_WEB_WORKDIR": str(WEB_WORKDIR),
        }
    )
    return env


def _run_web_workers() -> str:
    """GRANIAN_WORKERS as scripts/env.sh sets it for `make run`."""
    script = f'source "{ROOT / "scripts/env.sh"}" && printf %s "$GRANIAN_WORKERS"'
    workers = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, check=True, env={}
    ).stdout
    if not workers.isdigit():
        raise RuntimeError(f"scripts/env.sh sets GRANIAN_WORKERS to {workers!r}")
    return workers


@contextmanager
def web_process(port: int, log_path: Path) -> Iterator[str]:
    url = f"http://127.0.0.1:{port}"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    BUILD_LOCK.parent.mkdir(parents=True, exist_ok=True)
    # One test web app at a time per checkout: overlapping runs would rebuild the same folder.
    with BUILD_LOCK.open("w") as lock, log_path.open("wb") as log:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/reflex"),
                "run",
                "--env",
                "prod",
                "--single-port",
                "--backend-port",
                str(port),
                "--backend-host",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=_env(port),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_ready(url, proc, log_path)
            yield url
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"web app exited early:\n{log_path.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/login/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(
        f"web app did not start in {START_TIMEOUT_S} s:\n{log_path.read_text()[-4000:]}"
    )
