"""Scorecard 4 across processes: worker processes that hit one integration's token expiry at the
same moment share one refresh (Allegro rotates the pair: a second refresh with the first pair
would kill the winner's tokens). The thread version is tests/integrations/test_token_refresh."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from datetime import timedelta

from invoicehub.integrations.allegro.connection.tokens import decrypt_token
from invoicehub.models import AllegroIntegration
from invoicehub.models.base import utcnow
from tests.sync.helpers import ROOT, connect_seller

WORKERS = 4
# Each process imports the app, waits for the shared start moment, refreshes, prints a digest.
_SCRIPT = """
import hashlib, sys, time, uuid
from invoicehub.integrations.allegro.connection.refresh import refresh_token_if_needed
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
token = refresh_token_if_needed(uuid.UUID(sys.argv[1]))
print(hashlib.sha256(token.encode()).hexdigest())
"""


def test_worker_processes_hitting_token_expiry_together_refresh_once(session, control):
    seller = connect_seller(session, control, "refresh_race", orders=0)
    integration = session.get(AllegroIntegration, seller.integration_id)
    assert integration is not None
    version_before = integration.token_version
    integration.token_expires_at = utcnow() + timedelta(minutes=5)  # inside the refresh margin
    session.add(integration)
    session.commit()
    control.delete("/__emulator/stats").raise_for_status()

    start = time.time() + 8  # every process is imported and waiting by then
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _SCRIPT, str(seller.integration_id), str(start)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(WORKERS)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), [err.decode()[-500:] for _, err in outputs]

    calls = control.get("/__emulator/stats").json()["tokenCalls"].get("refresh_token", 0)
    digests = {out.decode().strip() for out, _ in outputs}
    session.expire_all()
    after = session.get(AllegroIntegration, seller.integration_id)
    assert after is not None and after.access_token
    stored = hashlib.sha256(decrypt_token(after.access_token, after.id).encode()).hexdigest()
    assert calls == 1  # one token call for the expiry
    assert after.status == "active"  # no needs_reauth
    assert after.token_version == version_before + 1 and digests == {stored}  # the newest pair
