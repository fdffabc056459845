"""Results computed from many rows (peer statistics, a cycle's dataset), kept per process
until the rows they came from change.

Each result is stored with the version of its source, read in one small query on every use:
for a frozen cycle the snapshot's digest (it never changes, so the result is computed once
per process), for an open cycle a fingerprint of its submissions that every save, project
change and transition moves (they all step the submission's version counter). Each worker
process keeps its own copy and sees a change at its next read, so nothing assumes a single
web process. Callers treat a cached result as read-only."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db

MAX_ENTRIES = 64  # peer statistics are small; datasets (one per cycle) up to megabytes


class VersionedCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: Hashable, version: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] == version:
                self._entries.move_to_end(key)
                return hit[1]
        value = compute()
        with self._lock:
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def cache() -> VersionedCache:
    """The cache of this application in this process."""
    return current_app.extensions.setdefault("granska_cache", VersionedCache())


def cycle_version(cycle_id: int, statuses=None, peer_group_id: int | None = None) -> tuple:
    """A fingerprint of the cycle's submissions in the given states (and peer group), and of
    their agencies' names and groups: it moves with every saved value, project change and
    transition of those submissions (each steps the version counter), with every submission
    entering or leaving them, and with a renamed or moved agency. Drafts being saved leave
    the statistics of handed-in submissions alone."""
    from app.accounts.models import Agency
    from app.submissions.models import Submission

    statement = (
        select(
            func.count(Submission.id),
            func.coalesce(func.sum(Submission.version), 0),
            func.max(Submission.id),
            func.coalesce(func.sum(Agency.peer_group_id * Submission.id), 0),
            func.coalesce(func.sum(func.length(Agency.name)), 0),
            func.max(Agency.name),
        )
        .join(Agency, Agency.id == Submission.agency_id)
        .where(Submission.cycle_id == cycle_id)
    )
    if statuses is not None:
        statement = statement.where(Submission.status.in_([str(s) for s in statuses]))
    if peer_group_id is not None:
        statement = statement.where(Agency.peer_group_id == peer_group_id)
    return tuple(db.session.execute(statement).one())
