"""Run the KSeF emulator as a real process for tests (`python -m invoicehub.emulator.ksef`)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.emulator import wait_ready

ROOT = Path(__file__).resolve().parents[2]
SELLER_NIP = "5252674798"  # the Podmiot1 NIP of tests/ksef/fixtures/fa3_vat_b2b.xml
FIXTURE = ROOT / "tests" / "ksef" / "fixtures" / "fa3_vat_b2b.xml"


def log_path(port: int) -> Path:
    path = ROOT / ".data" / "test" / "logs" / f"ksef-emulator-{port}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def ksef_emulator_process(port: int, *extra_args: str) -> Iterator[str]:
    """Start the emulator on `port` (stderr to a log file), yield its base URL, stop it on exit."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    args = ["--host", "127.0.0.1", "--port", str(port), "--log-level", "info", *extra_args]
    with log_path(port).open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "invoicehub.emulator.ksef", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
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


def fa3_invoice(number: str = "FV/1/02/2026", seller_nip: str = SELLER_NIP) -> bytes:
    """The hand-written FA(3) fixture (valid against the XSD) with another P_2 and seller NIP."""
    xml = FIXTURE.read_bytes()
    xml = xml.replace(b"<P_2>FV/1/02/2026</P_2>", f"<P_2>{number}</P_2>".encode())
    return xml.replace(b"<NIP>5252674798</NIP>", f"<NIP>{seller_nip}</NIP>".encode())


def new_token(control: httpx.Client, nip: str = SELLER_NIP) -> str:
    response = control.post("/__emulator/tokens", json={"nip": nip})
    response.raise_for_status()
    return str(response.json()["token"])
