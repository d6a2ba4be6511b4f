"""Rules about the repository's files: nothing kills processes by name, no package registry host is
named (the package managers' defaults need no setting), the tests' web app runs as `make run`'s."""

from __future__ import annotations

import re
import subprocess

from tests.support.webapp import _env, _run_web_workers
from tests.unit.test_architecture import ROOT

# A host name of a package registry: npm's, yarn's, PyPI's and its file host.
REGISTRY_HOST = re.compile(
    r"registry\.(npmjs|yarnpkg)\.(org|com)|\bpypi\.org|files\.pythonhosted\.org", re.IGNORECASE
)
# Spelled with character classes so that `git grep` for the commands finds nothing, this included.
KILL_BY_NAME = re.compile(r"\bp[k]ill\b|\bkill[a]ll\b")


def tracked_text_files() -> list[tuple[str, str]]:
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    files = []
    for name in filter(None, names):
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            files.append((name, path.read_text()))
        except UnicodeDecodeError:
            continue
    return files


def test_no_file_names_a_package_registry_host():
    assert [name for name, text in tracked_text_files() if REGISTRY_HOST.search(text)] == []


def test_no_script_kills_processes_by_name():
    scripts = [*ROOT.glob("scripts/*"), ROOT / "Makefile", *ROOT.glob(".ci/*")]
    assert [p.name for p in scripts if p.is_file() and KILL_BY_NAME.search(p.read_text())] == []


def test_the_tests_web_app_runs_as_many_workers_as_make_run(monkeypatch):
    monkeypatch.delenv("GRANIAN_WORKERS", raising=False)
    assert _env(8000)["GRANIAN_WORKERS"] == _run_web_workers() == "2"
    assert "GRANIAN_WORKERS" not in (ROOT / "scripts/run.sh").read_text()
