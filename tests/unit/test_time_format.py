"""The lists' fast time format writes exactly what flask_babel's format_datetime writes for
"d MMM y HH:mm" in Stockholm's time, in Swedish and English."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from hypothesis import given, settings
from hypothesis import strategies as st

from app.time_format import stockholm_time

LOCALES = ["sv", "sv_SE", "en"]
STOCKHOLM = ZoneInfo("Europe/Stockholm")
times = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31))


def babel(value: datetime, locale: str) -> str:
    # What flask_babel does: a naive time is UTC, shown in the configured zone.
    return format_datetime(
        value.replace(tzinfo=UTC), "d MMM y HH:mm", tzinfo=STOCKHOLM, locale=locale
    )


@settings(max_examples=2000, deadline=None)
@given(times, st.sampled_from(LOCALES))
def test_same_text_as_babel(value, locale):
    assert stockholm_time(value, locale) == babel(value, locale)


def test_every_minute_around_the_changes_to_and_from_summer_time():
    for start in (datetime(2026, 3, 29, 0, 0), datetime(2026, 10, 25, 0, 0)):
        for minute in range(0, 3 * 60, 7):
            value = start + timedelta(minutes=minute)
            for locale in LOCALES:
                assert stockholm_time(value, locale) == babel(value, locale)


def test_an_aware_time_is_shown_in_stockholm():
    moment = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    assert stockholm_time(moment, "sv") == "5 dec. 2026 00:30"
    assert stockholm_time(moment, "en") == "5 Dec 2026 00:30"
