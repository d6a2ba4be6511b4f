"""The upload job: `run_upload(upload_id)` attaches one invoice PDF to its Allegro order.

Transient failures (timeouts, 5xx, 429, a scan still running) return an RQ `Retry` on the sync's
schedule (RETRY_INTERVALS, stretched to Retry-After); when they are used up the upload is marked
failed with the reason, and the seller's Retry starts over. Exactly-once lives in
integrations/allegro/invoice_uploads.py (advisory lock, stored Allegro invoice id, read first).

`run_uploads(upload_ids)` is the first attempt of a batch (a sync's invoices): one Allegro client
per integration, each upload under its own lock as above; an upload that meets a transient error
is handed to its single-upload job, scheduled on the same backoff as its first retry; after a
429 the rest of the batch is scheduled as a new batch once Allegro's Retry-After has passed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

from rq import Retry, get_current_job

from invoicehub.integrations.allegro.client import AllegroApiClient
from invoicehub.integrations.allegro.connection.refresh import (
    ReauthRequired,
    refresh_token_if_needed,
)
from invoicehub.integrations.allegro.errors import AllegroError, AuthError, BadRequest, RateLimited
from invoicehub.integrations.allegro.runs.jobs import TRANSIENT_ERRORS, retry_delay
from invoicehub.integrations.allegro.sync import invoice_uploads as uploads
from invoicehub.integrations.allegro.sync.pipeline import open_client
from invoicehub.jobs.queues import MAX_RETRIES, RETRY_INTERVALS
from invoicehub.jobs.upload_queue import schedule_batch, schedule_upload_retry
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
            return _failed(uid, _reauth(exc))
        except RETRYABLE as exc:
            return _retry_later(uid, exc)
        except AllegroError as exc:
            return _failed(uid, exc.message)


def run_uploads(upload_ids: list[str]) -> dict[str, int]:
    statuses: dict[str, int] = {}
    ids = [uuid.UUID(upload_id) for upload_id in upload_ids]
    for integration_id, batch in uploads.integrations_of(ids).items():
        for status in _upload_batch(integration_id, batch):
            statuses[status] = statuses.get(status, 0) + 1
    return statuses


def _upload_batch(integration_id: uuid.UUID, batch: list[uuid.UUID]) -> Iterator[str]:
    try:
        client = open_client(refresh_token_if_needed(integration_id))
    except (ReauthRequired, AuthError) as exc:
        for uid in batch:
            yield str(_failed(uid, _reauth(exc))["status"])
        return
    with client:
        for position, uid in enumerate(batch):
            try:
                yield _attempt_one(client, uid)
            except _Paused as paused:  # Allegro asked to wait: the rest waits too
                yield "retrying"
                schedule_batch(batch[position + 1 :], paused.delay)
                return


class _Paused(Exception):
    def __init__(self, delay: int) -> None:
        super().__init__(delay)
        self.delay = delay


def _attempt_one(client: AllegroApiClient, upload_id: uuid.UUID) -> str:
    with uploads.upload_lock(upload_id) as held:
        if not held:
            return "ignored"
        try:
            return uploads.upload_invoice(client, upload_id)
        except (ReauthRequired, AuthError) as exc:
            return str(_failed(upload_id, _reauth(exc))["status"])
        except RETRYABLE as exc:
            delay = retry_delay(0, exc)
            uploads.note_error(upload_id, f"{_message(exc)} (retrying)")
            schedule_upload_retry(upload_id, delay)
            if isinstance(exc, RateLimited):
                raise _Paused(delay) from exc
            return "retrying"
        except AllegroError as exc:
            return str(_failed(upload_id, exc.message)["status"])


def _reauth(exc: BaseException) -> str:
    return f"the Allegro account needs to be connected again: {exc}"


def _message(exc: BaseException) -> str:
    return exc.message if isinstance(exc, AllegroError) else f"{type(exc).__name__}: {exc}"


def _failed(upload_id: uuid.UUID, reason: str) -> dict[str, Any]:
    uploads.mark_failed(upload_id, reason)
    return {"status": UploadStatus.FAILED.value, "error": reason[:1000]}


def _retry_later(upload_id: uuid.UUID, exc: BaseException) -> Retry | dict[str, Any]:
    job = get_current_job()
    done = (job.number_of_retries or 0) if job is not None else MAX_RETRIES
    message = _message(exc)
    if done >= MAX_RETRIES:
        return _failed(upload_id, f"gave up after {MAX_RETRIES} retries: {message}")
    uploads.note_error(upload_id, f"{message} (retrying)")
    intervals = list(RETRY_INTERVALS)
    intervals[done] = retry_delay(done, exc)
    return Retry(max=MAX_RETRIES, interval=intervals)
