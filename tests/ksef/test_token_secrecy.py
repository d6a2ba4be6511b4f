"""The KSeF token (and the bearer tokens it buys) never reach the emulator's or client's logs."""

from __future__ import annotations

import logging

import httpx
import pytest

from invoicehub.integrations.ksef.client import KsefClient
from tests.support.ksef_emulator import SELLER_NIP, fa3_invoice, log_path


def test_token_never_in_client_or_emulator_logs(
    ksef: KsefClient,
    ksef_url: str,
    ksef_token: str,
    ksef_control: httpx.Client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    auth = ksef.authenticate(SELLER_NIP, ksef_token)
    session = ksef.open_online_session(auth)
    ksef.wait_for_invoice(
        auth, session.reference_number, ksef.send_invoice(auth, session, fa3_invoice())
    )
    batch = ksef.send_batch(auth, [("a.xml", fa3_invoice("FV/S/1"))])
    ksef.wait_for_session(auth, batch.reference_number)

    secrets = [ksef_token, ksef_token.rsplit("|", 1)[-1], auth.access_token, auth.refresh_token]
    secrets += [part.url.split("sig=")[-1] for part in batch.parts]
    client_log = "\n".join(r.getMessage() for r in caplog.records)
    assert "KSeF POST" in client_log  # the client does log its calls ...
    port = int(ksef_url.rsplit(":", 1)[-1])
    emulator_log = log_path(port).read_text(errors="replace")
    for secret in secrets:
        assert secret not in client_log  # ... but never a secret
        assert secret not in emulator_log
        assert secret not in repr(auth)
