"""invoicehub.ids: version-4 UUIDs from a pooled urandom draw, never shared across a fork."""

from __future__ import annotations

import os
import uuid

from invoicehub.ids import new_id


def test_ids_are_random_version_4_uuids_and_never_repeat():
    ids = [new_id() for _ in range(5000)]  # several pool refills
    assert len(set(ids)) == len(ids)
    assert all(i.version == 4 and i.variant == uuid.RFC_4122 for i in ids)
    # 122 random bits: every hex digit outside the fixed ones takes many values.
    assert len({str(i)[0] for i in ids}) == 16


def test_a_forked_child_draws_its_own_ids():
    new_id()  # the parent's pool holds the rest of its draw
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next id and leave at once
        os.write(write, new_id().bytes)
        os._exit(0)
    os.waitpid(pid, 0)
    child = uuid.UUID(bytes=os.read(read, 16))
    parent_next = [new_id() for _ in range(256)]
    assert child not in parent_next
