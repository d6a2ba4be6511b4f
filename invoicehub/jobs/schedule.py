"""The periodic dispatcher in rq-scheduler, registered in one place under a stable id."""

from __future__ import annotations

from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq_scheduler import Scheduler

from invoicehub.jobs.queues import DEFAULT_QUEUE
from invoicehub.redis_conn import get_redis

DISPATCHER_JOB_ID = "allegro_dispatch_due_syncs"
DISPATCHER_FUNC = "invoicehub.integrations.allegro.runs.dispatcher.dispatch_due_syncs"
DISPATCH_CRON = "* * * * *"  # every minute
DISPATCH_TIMEOUT = 300
SCHEDULER_INTERVAL = 5.0  # seconds between rq-scheduler's checks for due jobs


def get_scheduler(interval: float = SCHEDULER_INTERVAL) -> Scheduler:
    return Scheduler(queue_name=DEFAULT_QUEUE, connection=get_redis(), interval=interval)


def register_dispatcher(scheduler: Scheduler) -> Job:
    """Schedule the dispatcher unless it already is, unchanged: registering twice leaves one.

    A schedule entry whose job hash has expired (the scheduler was down longer than the job's
    result_ttl) is replaced, not fetched: Job.fetch would raise NoSuchJobError.
    """
    if DISPATCHER_JOB_ID in scheduler:
        try:
            existing: Job | None = Job.fetch(DISPATCHER_JOB_ID, connection=scheduler.connection)
        except NoSuchJobError:
            existing = None
        if (
            existing is not None
            and existing.meta.get("cron_string") == DISPATCH_CRON
            and existing.func_name == DISPATCHER_FUNC
        ):
            return existing
        scheduler.cancel(DISPATCHER_JOB_ID)
    job: Job = scheduler.cron(
        DISPATCH_CRON,
        func=DISPATCHER_FUNC,
        id=DISPATCHER_JOB_ID,
        queue_name=DEFAULT_QUEUE,
        timeout=DISPATCH_TIMEOUT,
        result_ttl=600,
        description="Queue the Allegro syncs that are due",
    )
    return job
