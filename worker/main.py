"""`python -m worker.main worker` runs an RQ worker (with RQ's scheduler, so retries and delayed
jobs run) on the `sync` and `default` queues; `python -m worker.main scheduler` registers the
dispatcher idempotently and runs rq-scheduler's loop. Both read Redis from the settings."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from invoicehub.jobs.queues import WORKER_QUEUES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="worker.main", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    worker = commands.add_parser("worker", help="run an RQ worker with its scheduler")
    worker.add_argument("--queues", nargs="+", default=list(WORKER_QUEUES))
    worker.add_argument("--burst", action="store_true", help="quit when the queues are empty")
    worker.add_argument("--name", help="worker name (default: RQ's random name)")
    worker.add_argument("--maintenance-interval", type=int, help="seconds between cleanups")
    worker.add_argument("--job-monitoring-interval", type=int, help="horse check, seconds")
    worker.add_argument("--heartbeat-margin", type=int, help="seconds added to job heartbeats")
    worker.add_argument("--worker-ttl", type=int, help="seconds a silent worker counts as alive")
    scheduler = commands.add_parser("scheduler", help="register the dispatcher, run rq-scheduler")
    scheduler.add_argument("--burst", action="store_true", help="enqueue due jobs once and quit")
    scheduler.add_argument("--interval", type=float, help="seconds between checks")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from invoicehub.jobs.worker import run_scheduler, run_worker
    from invoicehub.redis_conn import use_worker_timeouts

    use_worker_timeouts()

    if args.command == "worker":
        return run_worker(
            args.queues,
            burst=args.burst,
            name=args.name,
            maintenance_interval=args.maintenance_interval,
            job_monitoring_interval=args.job_monitoring_interval,
            heartbeat_margin=args.heartbeat_margin,
            worker_ttl=args.worker_ttl,
        )
    return run_scheduler(burst=args.burst, interval=args.interval)


if __name__ == "__main__":
    sys.exit(main())
