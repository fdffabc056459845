"""Results computed from many rows (peer statistics, a cycle's dataset), kept per process
until the rows they came from change.

Each result is stored with the version of its source, read in one small query on every use:
for a frozen cycle the snapshot's digest (it never changes, so the result is computed once
per process), for an open cycle a fingerprint of its submissions that every save, project
change and transition moves (`app.submissions.versions.cycle_version`). Each worker
process keeps its own copy and sees a change at its next read, so nothing assumes a single
web process. Callers treat a cached result as read-only."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app

MAX_ENTRIES = 64  # peer statistics are small; datasets (one per cycle) up to megabytes


class VersionedCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._entries: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def kept(self, key: Hashable, version: Hashable, default: Any = None) -> Any:
        """The result kept under `key` for `version`, or `default`; computes nothing."""
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] == version:
                self._entries.move_to_end(key)
                return hit[1]
        return default

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
    cache: VersionedCache = current_app.extensions.setdefault("granska_cache", VersionedCache())
    return cache
