"""`python -m worker.main worker|scheduler` and `invoicehub sync <id> [--wait]` as processes."""

from __future__ import annotations

import os
import subprocess
import sys

from rq.job import Job
from sqlmodel import select

from invoicehub.cli import main as invoicehub_main
from invoicehub.integrations.allegro.runs.requests import request_sync
from invoicehub.jobs.queues import sync_job_id
from invoicehub.jobs.schedule import DISPATCHER_JOB_ID, KSEF_DEADLINES_JOB_ID, get_scheduler
from invoicehub.models import SyncRun
from invoicehub.redis_conn import get_redis
from tests.sync.helpers import ROOT, connect_seller, run_of, worker_processes


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_scheduler_command_registers_the_periodic_jobs_once():
    for _ in range(2):
        result = run_module("worker.main", "scheduler", "--burst")
        assert result.returncode == 0, result.stderr
    jobs = sorted(job.id for job in get_scheduler().get_jobs())
    assert jobs == sorted([DISPATCHER_JOB_ID, KSEF_DEADLINES_JOB_ID])


def test_the_worker_imports_every_job_function_before_it_forks_a_work_horse():
    # A horse inherits the worker's modules; one that imports the app itself waits seconds.
    check = (
        "import sys\n"
        "from rq.utils import import_attribute\n"
        "from invoicehub.jobs.worker import PRELOADED_JOB_FUNCS, preload_job_modules\n"
        "assert 'invoicehub.integrations.allegro.runs.jobs' not in sys.modules\n"
        "preload_job_modules()\n"
        "for func in PRELOADED_JOB_FUNCS:\n"
        "    assert func.rpartition('.')[0] in sys.modules, func\n"
        "    assert callable(import_attribute(func)), func\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_burst_worker_command_runs_a_queued_sync(session, control):
    seller = connect_seller(session, control, "burst", orders=10)
    run = request_sync(session, seller.principal, seller.integration_id)
    result = run_module("worker.main", "worker", "--burst")
    assert result.returncode == 0, result.stderr
    assert run_of(session, run.id).status == "succeeded"


def test_sync_queued_under_the_path_before_the_layout_move_still_runs(session, control):
    seller = connect_seller(session, control, "moved", orders=3)
    run = request_sync(session, seller.principal, seller.integration_id)
    job = Job.fetch(sync_job_id(seller.integration_id, run.id), connection=get_redis())
    assert list(job.args) == [str(run.id)]  # loaded, so saving the old name keeps them
    job.func_name = "invoicehub.jobs.sync_jobs.run_sync"
    job.save()
    result = run_module("worker.main", "worker", "--burst")
    assert result.returncode == 0, result.stderr
    assert run_of(session, run.id).status == "succeeded", result.stderr


def test_sync_command_with_wait_follows_the_run_and_prints_the_counts(session, control, capsys):
    seller = connect_seller(session, control, "cli", orders=15)
    with worker_processes(1):
        code = invoicehub_main(["sync", str(seller.integration_id), "--wait"])
    out = capsys.readouterr().out
    (run,) = session.exec(select(SyncRun)).all()
    assert code == 0 and f"queued: run {run.id}" in out and "status: succeeded" in out
    assert "ordersFetched=15" in out and run.trigger == "cli"


def test_sync_command_refuses_an_unknown_integration(capsys):
    assert invoicehub_main(["sync", "00000000-0000-4000-8000-000000000000"]) == 2
    assert invoicehub_main(["sync", "not-an-id"]) == 2
    assert "not found" in capsys.readouterr().err
