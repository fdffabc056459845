"""Working days as Swedish time limits count them, and the reminder plan's days: pure
functions of workflows/calendar.py, no app."""

from datetime import date, timedelta

import pytest

from workflows.calendar import (
    add_working_days,
    closed_day_name,
    is_working_day,
    parse_days,
    subtract_working_days,
)

MIDSUMMER_EVE_2027 = date(2027, 6, 25)  # a Friday; midsommardagen is Saturday 26 June
A_SUNDAY = date(2027, 1, 31)
WINTER = [date(2026, 12, 1) + timedelta(days=n) for n in range(70)]  # December to early February


def test_a_deadline_on_midsummer_eve_is_not_a_working_day_and_says_why():
    assert not is_working_day(MIDSUMMER_EVE_2027)
    assert closed_day_name(MIDSUMMER_EVE_2027, "sv") == "midsommarafton"
    assert closed_day_name(MIDSUMMER_EVE_2027, "en") == "Midsummer Eve"
    assert is_working_day(MIDSUMMER_EVE_2027 - timedelta(days=1))
    assert closed_day_name(MIDSUMMER_EVE_2027 - timedelta(days=1)) is None


def test_a_deadline_on_a_sunday_is_not_a_working_day_and_says_why():
    assert not is_working_day(A_SUNDAY)
    assert closed_day_name(A_SUNDAY, "sv") == closed_day_name(A_SUNDAY, "en") == "weekend"


def test_the_christmas_holidays_are_named_in_both_languages():
    assert closed_day_name(date(2026, 12, 24), "sv") == "julafton"
    assert closed_day_name(date(2026, 12, 31), "en") == "New Year's Eve"
    assert closed_day_name(date(2027, 1, 6), "sv") == "Trettondedag jul"
    assert closed_day_name(date(2027, 1, 6), "en") == "Epiphany"


def test_a_ten_working_day_clarification_window_skips_christmas_and_new_year():
    # Requested on Friday 18 December 2026. Counting the days after it:
    #   19–20 Dec weekend;          21, 22, 23 Dec (Mon–Wed)    →  1, 2, 3
    #   24 julafton, 25 juldagen, 26 annandag jul (and Saturday), 27 Sunday: none
    #   28, 29, 30 Dec (Mon–Wed)    →  4, 5, 6
    #   31 nyårsafton, 1 Jan nyårsdagen, 2–3 Jan weekend: none
    #   4, 5 Jan (Mon, Tue)         →  7, 8
    #   6 Jan trettondedag jul: none
    #   7, 8 Jan (Thu, Fri)         →  9, 10
    # so the answers are due on Friday 8 January 2027.
    assert add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 8)
    closed = [date(2026, 12, d) for d in (24, 25, 26, 31)] + [date(2027, 1, d) for d in (1, 6)]
    assert not any(is_working_day(day) for day in closed)


def test_subtracting_working_days_undoes_adding_them_on_working_days():
    working = [day for day in WINTER if is_working_day(day)]
    for day in working:
        for n in (1, 2, 5, 10):
            assert subtract_working_days(add_working_days(day, n), n) == day, (day, n)
            assert add_working_days(subtract_working_days(day, n), n) == day, (day, n)


def test_the_clarification_reminder_day_before_8_january_skips_epiphany():
    # Two working days before Friday 8 January 2027: Thursday 7, then Tuesday 5 (6 is closed).
    assert subtract_working_days(date(2027, 1, 8), 2) == date(2027, 1, 5)


def test_counting_zero_working_days_stays_put():
    assert add_working_days(A_SUNDAY, 0) == subtract_working_days(A_SUNDAY, 0) == A_SUNDAY


def test_a_reminder_plan_is_days_before_the_deadline_largest_first():
    assert parse_days("14, 7, 1") == [14, 7, 1]
    assert parse_days("1,14,7,7") == [14, 7, 1]
    assert parse_days("90") == [90]


@pytest.mark.parametrize("text", ["", "0", "x", "100", " , ", "7, -1"])
def test_a_reminder_plan_refuses_anything_but_days_from_1_to_90(text):
    with pytest.raises(ValueError):
        parse_days(text)
