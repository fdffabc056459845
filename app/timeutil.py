"""Time is stored as naive UTC and shown in Europe/Stockholm.

`replayed_at` lets the demo seed write last year's history as it happened (submitted before
the deadline, not today); nothing else moves the clock.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
_replayed_now: ContextVar[datetime | None] = ContextVar("replayed_now", default=None)


def utcnow() -> datetime:
    return _replayed_now.get() or datetime.now(UTC).replace(tzinfo=None)


def today_in_stockholm() -> date:
    return stockholm_date(utcnow())


def stockholm_date(moment: datetime) -> date:
    """The day in Stockholm of a stored (naive UTC) time."""
    return moment.replace(tzinfo=UTC).astimezone(STOCKHOLM).date()


@contextmanager
def replayed_at(moment: datetime) -> Iterator[None]:
    """Within the block, 'now' is `moment` (naive UTC)."""
    token = _replayed_now.set(moment)
    try:
        yield
    finally:
        _replayed_now.reset(token)
