"""Time is stored as naive UTC and shown in Europe/Stockholm."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today_in_stockholm() -> date:
    return datetime.now(STOCKHOLM).date()
