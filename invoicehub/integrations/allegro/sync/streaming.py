"""Streaming helpers of the sync: the next page fetched while this one is written, and fewer
cyclic-GC pauses while millions of short-lived objects come and go."""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Iterator
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
