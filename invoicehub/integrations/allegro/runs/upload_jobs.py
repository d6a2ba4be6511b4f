"""The upload job: `run_upload(upload_id)` attaches one invoice PDF to its Allegro order.

Transient failures (timeouts, 5xx, 429, a scan still running) return an RQ `Retry` on the sync's
schedule (RETRY_INTERVALS, stretched to Retry-After); when they are used up the upload is marked
failed with the reason, and the seller's Retry starts over. Exactly-once lives in
integrations/allegro/invoice_uploads.py (advisory lock, stored Allegro invoice id, read first).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from rq import Retry, get_current_job

from invoicehub.integrations.allegro.connection.refresh import (
    ReauthRequired,
    refresh_token_if_needed,
)
from invoicehub.integrations.allegro.errors import AllegroError, AuthError, BadRequest
from invoicehub.integrations.allegro.runs.jobs import TRANSIENT_ERRORS, retry_delay
from invoicehub.integrations.allegro.sync import invoice_uploads as uploads
from invoicehub.integrations.allegro.sync.pipeline import open_client
from invoicehub.jobs.queues import MAX_RETRIES, RETRY_INTERVALS
from invoicehub.models import UploadStatus

logger = logging.getLogger(__name__)
# A refusal the job keeps (BadRequest) reaches here only when Allegro asked to come back later.
RETRYABLE: tuple[type[BaseException], ...] = (*TRANSIENT_ERRORS, BadRequest)


def run_upload(upload_id: str) -> Retry | dict[str, Any]:
    uid = uuid.UUID(upload_id)
    with uploads.upload_lock(uid) as held:
        if not held:
            return {"status": "ignored", "reason": "another worker is uploading this invoice"}
        integration_id = uploads.integration_of(uid)
        if integration_id is None:
            return {"status": "ignored", "reason": "the upload is gone"}
        try:
            with open_client(refresh_token_if_needed(integration_id)) as client:
                return {"status": uploads.upload_invoice(client, uid)}
        except (ReauthRequired, AuthError) as exc:
            return _failed(uid, f"the Allegro account needs to be connected again: {exc}")
        except RETRYABLE as exc:
            return _retry_later(uid, exc)
        except AllegroError as exc:
            return _failed(uid, exc.message)


def _failed(upload_id: uuid.UUID, reason: str) -> dict[str, Any]:
    uploads.mark_failed(upload_id, reason)
    return {"status": UploadStatus.FAILED.value, "error": reason[:1000]}


def _retry_later(upload_id: uuid.UUID, exc: BaseException) -> Retry | dict[str, Any]:
    job = get_current_job()
    done = (job.number_of_retries or 0) if job is not None else MAX_RETRIES
    message = exc.message if isinstance(exc, AllegroError) else f"{type(exc).__name__}: {exc}"
    if done >= MAX_RETRIES:
        return _failed(upload_id, f"gave up after {MAX_RETRIES} retries: {message}")
    uploads.note_error(upload_id, f"{message} (retrying)")
    intervals = list(RETRY_INTERVALS)
    intervals[done] = retry_delay(done, exc)
    return Retry(max=MAX_RETRIES, interval=intervals)
