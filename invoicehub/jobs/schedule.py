"""The periodic jobs in rq-scheduler, registered in one place under stable ids: the Allegro sync
dispatcher (every minute) and the KSeF offline deadline check (hourly)."""

from __future__ import annotations

from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq_scheduler import Scheduler

from invoicehub.jobs.queues import DEFAULT_QUEUE, KSEF_QUEUE
from invoicehub.redis_conn import get_redis

DISPATCHER_JOB_ID = "allegro_dispatch_due_syncs"
DISPATCHER_FUNC = "invoicehub.integrations.allegro.runs.dispatcher.dispatch_due_syncs"
DISPATCH_CRON = "* * * * *"  # every minute
DISPATCH_TIMEOUT = 300
KSEF_DEADLINES_JOB_ID = "ksef_check_offline_deadlines"
KSEF_DEADLINES_FUNC = "invoicehub.integrations.ksef.offline.check_deadlines"
KSEF_DEADLINES_CRON = "17 * * * *"  # hourly: a deadline is a day, told a day ahead
SCHEDULER_INTERVAL = 5.0  # seconds between rq-scheduler's checks for due jobs


def get_scheduler(interval: float = SCHEDULER_INTERVAL) -> Scheduler:
    return Scheduler(queue_name=DEFAULT_QUEUE, connection=get_redis(), interval=interval)


def register_dispatcher(scheduler: Scheduler) -> Job:
    """Schedule the dispatcher unless it already is, unchanged: registering twice leaves one."""
    return _register_cron(
        scheduler,
        DISPATCHER_JOB_ID,
        DISPATCH_CRON,
        DISPATCHER_FUNC,
        queue_name=DEFAULT_QUEUE,
        timeout=DISPATCH_TIMEOUT,
        description="Queue the Allegro syncs that are due",
    )


def register_ksef_deadline_check(scheduler: Scheduler) -> Job:
    """Schedule the KSeF offline deadline check (integrations/ksef/offline.py) the same way."""
    return _register_cron(
        scheduler,
        KSEF_DEADLINES_JOB_ID,
        KSEF_DEADLINES_CRON,
        KSEF_DEADLINES_FUNC,
        queue_name=KSEF_QUEUE,
        timeout=DISPATCH_TIMEOUT,
        description="Tell sellers of offline invoices near their KSeF deadline; send them",
    )


def _register_cron(
    scheduler: Scheduler,
    job_id: str,
    cron: str,
    func: str,
    *,
    queue_name: str,
    timeout: int,
    description: str,
) -> Job:
    """A schedule entry whose job hash has expired (the scheduler was down longer than the job's
    result_ttl) is replaced, not fetched: Job.fetch would raise NoSuchJobError."""
    if job_id in scheduler:
        try:
            existing: Job | None = Job.fetch(job_id, connection=scheduler.connection)
        except NoSuchJobError:
            existing = None
        if (
            existing is not None
            and existing.meta.get("cron_string") == cron
            and existing.func_name == func
        ):
            return existing
        scheduler.cancel(job_id)
    job: Job = scheduler.cron(
        cron,
        func=func,
        id=job_id,
        queue_name=queue_name,
        timeout=timeout,
        result_ttl=600,
        description=description,
    )
    return job
