"""The layout's rules, read from the source with `ast`: no import cycles, layers that only point
down, integrations that never reach into each other, and modules small enough to read."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from rq.utils import import_attribute

from invoicehub.jobs.queues import KSEF_AFTER_SYNC_FUNC, MOVED_JOB_FUNCS, SYNC_JOB_FUNC
from invoicehub.jobs.schedule import DISPATCHER_FUNC
from invoicehub.jobs.upload_queue import UPLOAD_JOB_FUNC

ROOT = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 350

# Layer -> packages it must never import (prefixes of dotted module names).
FORBIDDEN = {
    "invoicehub.models": (
        "invoicehub.services",
        "invoicehub.domain",
        "invoicehub.integrations",
        "invoicehub.jobs",
        "invoicehub.api",
        "invoicehub.pages",
        "invoicehub.state",
        "invoicehub.components",
        "invoicehub.admin",
    ),
    "invoicehub.domain": (
        "invoicehub.services",
        "invoicehub.integrations",
        "invoicehub.jobs",
        "invoicehub.api",
        "invoicehub.pages",
        "invoicehub.state",
        "invoicehub.components",
        "invoicehub.admin",
    ),
    "invoicehub.documents": (
        "invoicehub.integrations",
        "invoicehub.api",
        "invoicehub.pages",
        "invoicehub.state",
        "invoicehub.components",
    ),
    # Generic job plumbing (queues, enqueue-after-commit, locks, worker): job functions live
    # with the integration that owns them and are named to RQ by path.
    "invoicehub.jobs": (
        "invoicehub.services",
        "invoicehub.integrations",
        "invoicehub.api",
        "invoicehub.pages",
        "invoicehub.state",
        "invoicehub.admin",
    ),
    "invoicehub.integrations": (
        "invoicehub.services",
        "invoicehub.api",
        "invoicehub.pages",
        "invoicehub.state",
        "invoicehub.components",
        "invoicehub.admin",
    ),
    "invoicehub.integrations.allegro": ("invoicehub.integrations.ksef",),
    "invoicehub.integrations.ksef": ("invoicehub.integrations.allegro",),
    "invoicehub.admin": ("invoicehub.api", "invoicehub.pages", "invoicehub.state"),
    # Units of work over the domain: called by the web layers, never calling them.
    "invoicehub.services": (
        "invoicehub.api",
        "invoicehub.pages",
        "invoicehub.state",
        "invoicehub.components",
    ),
}
# What the web layers may not reach: job entry points run in workers, never in a request.
JOB_ENTRY_POINTS = (
    "invoicehub.integrations.allegro.runs.jobs",
    "invoicehub.integrations.allegro.runs.upload_jobs",
    "invoicehub.integrations.allegro.runs.dispatcher",
)
WEB_LAYERS = ("invoicehub.api", "invoicehub.pages", "invoicehub.state", "invoicehub.components")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in ("invoicehub", "worker"):
        for path in (ROOT / package).rglob("*.py"):
            if ".web" not in path.parts:
                found[_module_name(path)] = path
    return found


def _owner(name: str) -> str | None:
    """The module `name` lives in (`a.b.func` -> `a.b` when `a.b` is a module)."""
    known = modules()
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _imported_names(module: str, path: Path) -> Iterator[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                yield f"{source}.{alias.name}"


@cache
def import_graph() -> dict[str, frozenset[str]]:
    """Every import (top-level, deferred or TYPE_CHECKING alike) between our own modules."""
    graph = {}
    for module, path in modules().items():
        targets = {_owner(name) for name in _imported_names(module, path)}
        graph[module] = frozenset(t for t in targets if t is not None and t != module)
    return graph


def import_cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset()}
    assert import_cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycles_among_our_modules():
    assert import_cycles(import_graph()) == []


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer):
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        if _within(module, layer)
        for target in targets
        for forbidden in FORBIDDEN[layer]
        if _within(target, forbidden)
    )
    assert wrong == []


def test_production_code_never_imports_the_emulators():
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        if not _within(module, "invoicehub.emulator")
        for target in targets
        if _within(target, "invoicehub.emulator")
    )
    assert wrong == []


def test_web_layers_never_import_job_entry_points():
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        if any(_within(module, layer) for layer in WEB_LAYERS)
        for target in targets
        if target in JOB_ENTRY_POINTS
    )
    assert wrong == []


def test_no_module_is_longer_than_the_limit():
    long = {
        module: lines
        for module, path in modules().items()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


@pytest.mark.parametrize(
    "func_name",
    [
        SYNC_JOB_FUNC,
        UPLOAD_JOB_FUNC,
        DISPATCHER_FUNC,
        KSEF_AFTER_SYNC_FUNC,
        *MOVED_JOB_FUNCS.values(),
    ],
)
def test_job_functions_named_to_rq_exist(func_name):
    assert callable(import_attribute(func_name))


def test_every_job_function_that_moved_points_at_a_current_name():
    assert set(MOVED_JOB_FUNCS.values()) == {SYNC_JOB_FUNC, UPLOAD_JOB_FUNC, DISPATCHER_FUNC}
