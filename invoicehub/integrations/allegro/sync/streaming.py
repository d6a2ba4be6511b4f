"""Streaming helpers of the sync: the next page fetched while this one is written, pages joined
into larger batches, and fewer cyclic-GC pauses while millions of short-lived objects come and
go."""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

GC_THRESHOLDS = (50_000, 50, 100)
T = TypeVar("T")


@contextmanager
def fewer_gc_pauses() -> Iterator[None]:
    """A sync allocates millions of short-lived objects (rows, dicts, Decimals) that reference
    counting frees at once; the cyclic collector's default gen-0 threshold (700) would run it
    thousands of times for nothing (about 15 % of a 10 000-order sync in runs here)."""
    previous = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def joined(pages: Iterable[Sequence[T]], at_least: int) -> Iterator[list[T]]:
    """The pages' items in lists of whole pages, each list ending with the page that brings it
    to `at_least` items (the last one may be shorter).

    A backlog written in larger transactions: a statement, a round trip and a commit cost about
    the same for 500 orders as for 100 (a first sync of 5 000 orders: ~18 % less wall time, the
    page thread's CPU -25 %, PostgreSQL's -15 %, in alternating runs).
    """
    batch: list[T] = []
    for page in pages:
        batch.extend(page)
        if len(batch) >= at_least:
            yield batch
            batch = []
    if batch:
        yield batch


def prefetched(pages: Iterator[T]) -> Iterator[T]:
    """The same pages, the next one fetched by a thread while the caller works on this one.

    At most one page waits in the queue, so memory stays at about two pages. An error of the
    fetching thread is raised here, at the page it would have produced.
    """
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def pump() -> None:
        try:
            for page in pages:
                if not put(("page", page)):
                    return
            put(("end", None))
        except BaseException as exc:
            put(("error", exc))

    thread = threading.Thread(target=pump, name="allegro-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            kind, item = handoff.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)
