"""The two long-running job processes: RQ workers (with RQ's scheduler) and rq-scheduler.

Workers restart their loop after a lost Redis connection instead of exiting: RQ quits its loop
on errors outside the dequeue call, and a worker that quietly disappears is worse than one that
logs and reconnects. A warm shutdown (SIGTERM/SIGINT) still ends the process.

The job modules are imported once in the worker before it forks: RQ imports a job's function
inside the work horse, so every forked horse imported the app again (SQLAlchemy, SQLModel, the
models, the Allegro client), 1-8 s on a loaded machine, before a sync's first Allegro call.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Sequence
from typing import Any

import redis
from rq import Queue, Worker
from rq.executions import Execution
from rq.job import Job

from invoicehub.jobs.queues import (
    KSEF_AFTER_SYNC_FUNC,
    MOVED_JOB_FUNCS,
    SYNC_JOB_FUNC,
    WORKER_QUEUES,
)
from invoicehub.jobs.schedule import (
    DISPATCHER_FUNC,
    KSEF_DEADLINES_FUNC,
    get_scheduler,
    register_dispatcher,
    register_ksef_deadline_check,
)
from invoicehub.jobs.upload_queue import UPLOAD_JOB_FUNC, UPLOADS_JOB_FUNC
from invoicehub.redis_conn import get_redis

logger = logging.getLogger(__name__)
RECONNECT_DELAY_SECONDS = 2.0
HEARTBEAT_MARGIN_SECONDS = 60  # RQ's own margin over the job monitoring interval
PRELOADED_JOB_FUNCS = (
    SYNC_JOB_FUNC,
    UPLOAD_JOB_FUNC,
    UPLOADS_JOB_FUNC,
    DISPATCHER_FUNC,  # and the claim jobs it sends
    KSEF_AFTER_SYNC_FUNC,  # the KSeF sending jobs' module (run_send lives there too)
    KSEF_DEADLINES_FUNC,
)


class SyncWorker(Worker):
    """RQ's forking worker with a configurable heartbeat margin.

    A killed work horse is noticed once its heartbeat (monitoring interval + margin) expires and
    another worker's maintenance pass runs; tests shorten both to see that happen in seconds.
    """

    heartbeat_margin = HEARTBEAT_MARGIN_SECONDS

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        interval = self.job_monitoring_interval
        if job.timeout and job.timeout > 0:
            interval = min(int(job.timeout - working_time), interval)
        return int(interval) + self.heartbeat_margin

    def perform_job(self, job: Job, queue: Queue, execution: Execution) -> bool:
        moved = MOVED_JOB_FUNCS.get(job.func_name or "")
        if moved is not None:
            job.func_name = moved
        return bool(super().perform_job(job, queue, execution))


def run_worker(
    queues: Sequence[str] = WORKER_QUEUES,
    *,
    burst: bool = False,
    name: str | None = None,
    maintenance_interval: int | None = None,
    job_monitoring_interval: int | None = None,
    heartbeat_margin: int | None = None,
    worker_ttl: int | None = None,
) -> int:
    """Work until stopped (or until the queues are empty with `burst`).

    The intervals default to RQ's; tests shorten them to see a killed worker's job resumed in
    seconds (an idle worker blocks for worker_ttl - 15 s between maintenance passes).
    """
    preload_job_modules()
    options: dict[str, Any] = {
        "name": name,
        "maintenance_interval": maintenance_interval,
        "job_monitoring_interval": job_monitoring_interval,
        "worker_ttl": worker_ttl,
    }
    while True:
        worker = _make_worker(queues, {k: v for k, v in options.items() if v is not None})
        if heartbeat_margin is not None:
            worker.heartbeat_margin = heartbeat_margin
        try:
            worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            logger.error("worker lost Redis (%s); reconnecting", exc)
        # An idle worker's warm shutdown ends work() via StopRequested without setting
        # _stop_requested; the shutdown date is set by every SIGTERM/SIGINT.
        if burst or worker._stop_requested or worker._shutdown_requested_date is not None:
            return 0
        logger.warning("worker loop ended without a stop request; restarting it")
        time.sleep(RECONNECT_DELAY_SECONDS)


def preload_job_modules() -> None:
    """Import the modules of the job functions, so that forked work horses inherit them."""
    for func in PRELOADED_JOB_FUNCS:
        importlib.import_module(func.rpartition(".")[0])


def _make_worker(queues: Sequence[str], options: dict[str, Any]) -> SyncWorker:
    while True:
        try:
            return SyncWorker(list(queues), connection=get_redis(), **options)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            logger.error("cannot reach Redis (%s); retrying", exc)
            time.sleep(RECONNECT_DELAY_SECONDS)


def run_scheduler(*, burst: bool = False, interval: float | None = None) -> int:
    """Register the periodic jobs (idempotently) and run rq-scheduler's loop."""
    while True:
        try:
            scheduler = get_scheduler(interval) if interval else get_scheduler()
            register_dispatcher(scheduler)
            register_ksef_deadline_check(scheduler)
            scheduler.run(burst=burst)
            return 0
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            logger.error("scheduler lost Redis (%s); reconnecting", exc)
            time.sleep(RECONNECT_DELAY_SECONDS)
