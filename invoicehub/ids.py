"""Random (version 4) UUIDs drawn from one `os.urandom` call per few hundred ids.

`uuid.uuid4()` reads 16 bytes per id, and `os.urandom` releases the GIL for its system call: in
a sync, where the prefetch thread holds the GIL while it parses the next page, every id could
wait for the GIL again (about 5 % of a first sync's wall time in runs here). The ids are the same
kind: 122 random bits from the operating system's CSPRNG, version and variant bits set.

A forked child (an RQ work horse) starts with an empty pool, so no two processes share ids.
"""

from __future__ import annotations

import os
import threading
import uuid

_BATCH = 256
_VERSION_4 = ~(0xC000 << 48) & ~(0xF000 << 64)  # clear the variant and version bits
_SET_4 = (0x8000 << 48) | (4 << 76)  # RFC 4122 variant, version 4
_lock = threading.Lock()
_pool: list[uuid.UUID] = []


def new_id() -> uuid.UUID:
    """A fresh random UUID (version 4), as uuid.uuid4() gives."""
    try:
        return _pool.pop()
    except IndexError:
        pass
    with _lock:
        if not _pool:
            _pool.extend(_draw(_BATCH))
        return _pool.pop()


def _draw(count: int) -> list[uuid.UUID]:
    data = os.urandom(16 * count)
    return [
        uuid.UUID(int=(int.from_bytes(data[i : i + 16], "big") & _VERSION_4) | _SET_4)
        for i in range(0, 16 * count, 16)
    ]


def _forget() -> None:
    _pool.clear()


os.register_at_fork(after_in_child=_forget)
