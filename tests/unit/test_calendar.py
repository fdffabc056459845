from datetime import date

from workflows.calendar import add_working_days, is_working_day


def test_weekends_public_holidays_and_the_eves_are_not_working_days():
    assert not is_working_day(date(2026, 12, 26))  # Saturday, and annandag jul
    assert not is_working_day(date(2026, 12, 24))  # julafton
    assert not is_working_day(date(2026, 12, 25))  # juldagen
    assert not is_working_day(date(2026, 12, 31))  # nyårsafton
    assert not is_working_day(date(2027, 1, 1))  # nyårsdagen
    assert not is_working_day(date(2027, 1, 6))  # trettondedag jul
    assert not is_working_day(date(2026, 6, 19))  # midsommarafton (a Friday)
    assert is_working_day(date(2026, 12, 23))


def test_ten_working_days_across_christmas():
    # From Friday 18 December 2026: 21, 22, 23, 28, 29, 30 December, 4, 5, 7, 8 January.
    assert add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 8)


def test_ten_working_days_in_an_ordinary_fortnight():
    assert add_working_days(date(2026, 11, 2), 10) == date(2026, 11, 16)
