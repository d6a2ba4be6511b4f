"""The sync job: `run_sync(run_id)` takes an id only and re-reads everything from the database.

Transient failures (timeouts, connection errors, 5xx, 429, a lost database connection) return an
RQ `Retry` whose delay follows RETRY_INTERVALS, stretched to Allegro's Retry-After when that is
longer; RQ's scheduler (workers run `--with-scheduler`) brings the job back. Once the retries are
used up the run counts one failure. Auth failures set `needs_reauth` at once and a request
Allegro refuses (400) fails the run: no retry could change either.
"""

from __future__ import annotations

import logging
import math
import uuid
from typing import Any

import redis
import sqlalchemy as sa
from rq import Retry, get_current_job

from invoicehub.integrations.allegro.connection.refresh import ReauthRequired
from invoicehub.integrations.allegro.errors import AllegroError, AuthError, RateLimited
from invoicehub.integrations.allegro.errors import TransientError as AllegroTransient
from invoicehub.integrations.allegro.runs import outcomes
from invoicehub.integrations.allegro.runs.review import ORDER_RETRY_TRIGGER
from invoicehub.integrations.allegro.sync.pipeline import IntegrationInactive, sync_integration
from invoicehub.integrations.allegro.sync.reconcile import RECONCILE_TRIGGER
from invoicehub.jobs.locks import integration_lock
from invoicehub.jobs.queues import MAX_RETRIES, RETRY_INTERVALS
from invoicehub.models.allegro import SCHEDULED_TRIGGER

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    AllegroTransient,
    RateLimited,
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    redis.ConnectionError,
    redis.TimeoutError,
)


def run_sync(run_id: str) -> Retry | dict[str, Any]:
    """RQ entry point: one attempt at the run; a `Retry` result asks RQ to come back later."""
    rid = uuid.UUID(run_id)
    integration_id = outcomes.active_run_integration(rid)
    if integration_id is None:
        return {"status": "ignored", "reason": "the run is finished or gone"}
    with integration_lock(integration_id) as held:
        if not held:  # the same run, delivered twice, is executing elsewhere
            return {"status": "ignored", "reason": "another worker is syncing this integration"}
        claimed = outcomes.claim_run(rid)
        if claimed is None:
            return {"status": "ignored", "reason": "the run is finished"}
        # A sync a person asked for also retries the orders set aside for review; a retry of
        # one order only fetches that one (its fetch was made due: fetch_retry.due_form_ids).
        return _attempt(
            rid,
            integration_id,
            retry_held=claimed.trigger not in (SCHEDULED_TRIGGER, ORDER_RETRY_TRIGGER),
            reconcile=claimed.trigger == RECONCILE_TRIGGER,
        )


def _attempt(
    run_id: uuid.UUID,
    integration_id: uuid.UUID,
    *,
    retry_held: bool = False,
    reconcile: bool = False,
) -> Retry | dict[str, Any]:
    try:
        counts = sync_integration(
            integration_id, run_id, retry_held=retry_held, reconcile=reconcile
        )
    except (ReauthRequired, AuthError) as exc:
        outcomes.record_needs_reauth(run_id, describe(exc))
        return {"status": "needs_reauth"}
    except TRANSIENT_ERRORS as exc:
        return _retry_later(run_id, exc)
    except IntegrationInactive as exc:
        outcomes.record_failure(run_id, str(exc), counts=False)
        return {"status": "failed", "error": str(exc)}
    except Exception as exc:  # a refused request (400) or a bug: retrying repeats it
        logger.exception("sync run %s failed", run_id)
        outcomes.record_failure(run_id, describe(exc))
        return {"status": "failed", "error": describe(exc)}
    outcomes.record_success(run_id)
    return {"status": "succeeded", **counts.as_dict()}


def _retry_later(run_id: uuid.UUID, exc: BaseException) -> Retry | dict[str, Any]:
    job = get_current_job()
    retries_done = (job.number_of_retries or 0) if job is not None else MAX_RETRIES
    message = describe(exc)
    if retries_done >= MAX_RETRIES:
        outcomes.record_failure(run_id, f"gave up after {MAX_RETRIES} retries: {message}")
        if job is None:
            return {"status": "failed", "error": message}
        return Retry(max=MAX_RETRIES, interval=list(RETRY_INTERVALS))  # RQ marks the job failed
    delay = retry_delay(retries_done, exc)
    outcomes.record_retrying(run_id, f"{message} (retry {retries_done + 1} in {delay} s)")
    intervals = list(RETRY_INTERVALS)
    intervals[retries_done] = delay
    logger.info("sync run %s: %s; retrying in %d s", run_id, message, delay)
    return Retry(max=MAX_RETRIES, interval=intervals)


def retry_delay(retries_done: int, exc: BaseException) -> int:
    """The scheduled delay, or Allegro's Retry-After when that asks for longer."""
    delay = RETRY_INTERVALS[min(retries_done, MAX_RETRIES - 1)]
    if isinstance(exc, RateLimited) and exc.retry_after:
        delay = max(delay, math.ceil(exc.retry_after))
    return delay


def describe(exc: BaseException) -> str:
    """A message for the run row and the admin: typed Allegro errors are already token-free."""
    if isinstance(exc, AllegroError):
        return f"{type(exc).__name__}: {exc.message}"
    if isinstance(exc, sa.exc.DBAPIError):
        return f"database error: {type(exc.orig).__name__}"
    return f"{type(exc).__name__}: {exc}"[:500]
