"""Queue depth, failed jobs and workers at a glance (RQ's registries)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from redis import Redis
from rq import Queue, Worker
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from invoicehub.jobs.queues import WORKER_QUEUES


class QueueStats(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    queued: int
    started: int
    failed: int
    scheduled: int


class WorkerInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    state: str
    queues: list[str]
    last_heartbeat: datetime | None


class QueueOverview(BaseModel):
    model_config = ConfigDict(frozen=True)

    queues: list[QueueStats]
    workers: list[WorkerInfo]


def queue_overview(redis: Redis) -> QueueOverview:
    """Depth of each RQ queue and its started/failed/scheduled registries, and the live workers."""
    names = {*WORKER_QUEUES, *(q.name for q in Queue.all(connection=redis))}
    queues = []
    for name in sorted(names):
        queue = Queue(name, connection=redis)
        queues.append(
            QueueStats(
                name=name,
                queued=queue.count,
                started=StartedJobRegistry(queue=queue).count,
                failed=FailedJobRegistry(queue=queue).count,
                scheduled=ScheduledJobRegistry(queue=queue).count,
            )
        )
    workers = [
        WorkerInfo(
            name=w.name,
            state=str(w.get_state()),
            queues=w.queue_names(),
            last_heartbeat=w.last_heartbeat,
        )
        for w in Worker.all(connection=redis)
    ]
    return QueueOverview(queues=queues, workers=sorted(workers, key=lambda w: w.name))
