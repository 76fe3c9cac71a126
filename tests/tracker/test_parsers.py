"""tracker.parsers: days, durations, clock times, weeks and months as people type them.

Local time is KST (UTC+9, no daylight saving) in every test, so a mix-up of UTC and local
time in :func:`parse_time` shows as a 9-hour difference whatever the machine's zone is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

import pytest

from core.errors import UsageError
from tracker.parsers import (
    hours_to_minutes,
    parse_day,
    parse_duration,
    parse_goal_week,
    parse_month,
    parse_time,
    parse_week,
)

KST = timezone(timedelta(hours=9))
TODAY = date(2026, 11, 21)  # a Saturday in 2026-W47 (Mon 16 to Sun 22 November)
NOW = datetime(2026, 11, 21, 14, 30, 15, 500000, tzinfo=KST)
WEEK_FORMS = "Use YYYY-Www (e.g. 2026-W47, weeks 01 to 52 or 53), this, last or next"


def kst(hour: int, minute: int, second: int = 0, day: int = 21) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=KST)


@pytest.fixture(autouse=True)
def korean_time(local_tz: Callable[[str], None]) -> None:
    local_tz("KST-9")


def _message(caught: pytest.ExceptionInfo[UsageError]) -> str:
    return caught.value.message


# --- durations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90m", 90),
        ("1.5h", 90),
        ("2h30m", 150),
        ("1h30m", 90),
        ("45", 45),
        ("2h", 120),
        (" 2h 30m ", 150),
        ("2 h 30 m", 150),
        ("2H30M", 150),
        ("0.25h", 15),
        ("1.5h15m", 105),
        ("10.4m", 10),
        ("10.5", 11),
        ("0", 0),
    ],
)
def test_parse_duration(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    "text", ["", "   ", "abc", "2x", "-1", "-1h", "1h30", "30m2h", "h", "m", "1,5h", "2 30", "1d"]
)
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_duration(text)
    assert caught.value.message == (
        f"cannot read the duration: {text!r}. Write it like 2h30m, 1.5h, 90m or 45 (minutes)"
    )


@pytest.mark.parametrize(
    ("hours", "minutes"), [(2, 120), (1.5, 90), (0.01, 1), (0.1, 6), (-1, -60)]
)
def test_hours_to_minutes(hours: float, minutes: int) -> None:
    assert hours_to_minutes(hours) == minutes


@pytest.mark.parametrize("hours", [float("nan"), float("inf")])
def test_hours_to_minutes_refuses_non_numbers(hours: float) -> None:
    with pytest.raises(UsageError, match="hours must be a number"):
        hours_to_minutes(hours)


# --- days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", TODAY),
        ("yesterday", date(2026, 11, 20)),
        (" Yesterday ", date(2026, 11, 20)),
        ("2026-11-16", date(2026, 11, 16)),
        ("3 days ago", date(2026, 11, 18)),
        ("1 day ago", date(2026, 11, 20)),
        ("0 days ago", TODAY),
        # TODAY is a Saturday: a weekday is the latest one on or before it ...
        ("monday", date(2026, 11, 16)),
        ("Mon", date(2026, 11, 16)),
        ("saturday", TODAY),
        ("sunday", date(2026, 11, 15)),
        # ... and "last" excludes today itself.
        ("last monday", date(2026, 11, 16)),
        ("last  Saturday", date(2026, 11, 14)),
        ("last fri", date(2026, 11, 20)),
    ],
)
def test_parse_day(text: str, day: date) -> None:
    assert parse_day(text, TODAY) == day


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tomorrow",
        "2026-02-30",
        "20261116",
        "2026-W47-1",
        "16/11/2026",
        "next monday",
        "last",
        "monday last",
        "-3 days ago",
        "3 weeks ago",
        "mond",
    ],
)
def test_parse_day_refuses(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_day(text, TODAY)
    assert caught.value.message == (
        f"cannot read the date: {text!r}. Use today, yesterday, 3 days ago, monday, last monday"
        " or YYYY-MM-DD (2026-11-21)"
    )


# --- clock times --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("now", NOW),
        ("NOW", NOW),
        ("14:05", kst(14, 5)),
        (" 14:05 ", kst(14, 5)),
        ("9:30", kst(9, 30)),
        ("09:30", kst(9, 30)),
        ("0:00", kst(0, 0)),
        ("23:59", kst(23, 59)),  # later today: parsed as given, callers refuse it
        ("today 8:15", kst(8, 15)),
        ("yesterday 23:30", kst(23, 30, day=20)),
        ("Yesterday   23:30", kst(23, 30, day=20)),
        ("2026-11-20 14:05", kst(14, 5, day=20)),
        ("2026-11-20T14:05", kst(14, 5, day=20)),
        ("last monday 9:00", kst(9, 0, day=16)),
        ("last saturday 10:00", kst(10, 0, day=14)),
        ("3 days ago 08:00", kst(8, 0, day=18)),
        ("15m ago", NOW - timedelta(minutes=15)),
        ("15M AGO", NOW - timedelta(minutes=15)),
        ("1h30m ago", NOW - timedelta(minutes=90)),
        ("1.5h ago", NOW - timedelta(minutes=90)),
        ("2h ago", NOW - timedelta(hours=2)),
        ("45 ago", NOW - timedelta(minutes=45)),  # a bare number is minutes
        ("90m ago", NOW - timedelta(minutes=90)),  # m is always minutes
    ],
)
def test_parse_time(text: str, moment: datetime) -> None:
    parsed = parse_time(text, NOW)
    assert parsed == moment
    assert parsed.utcoffset() == timedelta(hours=9)  # shown in local time


def test_parse_time_works_from_a_now_in_any_offset() -> None:
    # The same instant as NOW, given in UTC: local clock times are still KST.
    utc_now = NOW.astimezone(timezone.utc)
    assert parse_time("14:05", utc_now) == kst(14, 5)
    assert parse_time("15m ago", utc_now) == NOW - timedelta(minutes=15)


def test_parse_time_bare_clock_on_a_given_day() -> None:
    assert parse_time("14:05", NOW, day=date(2026, 11, 16)) == kst(14, 5, day=16)
    # A day in the text is relative to today, not to `day`.
    assert parse_time("yesterday 9:00", NOW, day=date(2026, 11, 16)) == kst(9, 0, day=20)
    assert parse_time("10m ago", NOW, day=date(2026, 11, 16)) == NOW - timedelta(minutes=10)


def test_parse_time_follows_daylight_saving_of_the_day_itself(
    local_tz: Callable[[str], None],
) -> None:
    # Central Europe: +01:00 in November, +02:00 in July.
    local_tz("CET-1CEST,M3.5.0,M10.5.0/3")
    november = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
    july = parse_time("2026-07-10 14:00", november)
    assert july == datetime(2026, 7, 10, 12, 0, tzinfo=timezone.utc)
    assert parse_time("14:00", november) == datetime(2026, 11, 21, 13, 0, tzinfo=timezone.utc)


_TIME_FIX = "Use HH:MM (14:05), yesterday 23:30, YYYY-MM-DD HH:MM, 15m ago or now"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "tomorrow",
        "yesterday",
        "14",
        "1405",
        "14:5",
        "14.05",
        "2pm",
        "14:05 yesterday",
        "2 days ago",
        "x ago",
        "-15m ago",
        "ago",
        "15m",
        "in 15m",
        "14:05:30",
    ],
)
def test_parse_time_refuses(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_time(text, NOW)
    assert _message(caught) == f"cannot read the time: {text!r}. {_TIME_FIX}"


@pytest.mark.parametrize("text", ["24:00", "14:60", "99:99", "yesterday 25:10"])
def test_parse_time_refuses_impossible_clock_times(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_time(text, NOW)
    assert _message(caught) == (
        f"not a time of day: {text!r}. Hours go from 0 to 23, minutes to 59"
    )


@pytest.mark.parametrize("text", ["2026-02-30 10:00", "someday 10:00", "next monday 9:00"])
def test_parse_time_refuses_a_bad_day(text: str) -> None:
    day = text.rsplit(" ", 1)[0]
    with pytest.raises(UsageError) as caught:
        parse_time(text, NOW)
    assert _message(caught).startswith(f"cannot read the date: {day!r}. ")


# --- weeks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "today", "week"),
    [
        ("2026-W47", TODAY, (2026, 47)),
        ("2026-w47", TODAY, (2026, 47)),
        (" 2026-W05 ", TODAY, (2026, 5)),
        ("2026-W5", TODAY, (2026, 5)),
        ("2026-W53", TODAY, (2026, 53)),  # 2026 starts on a Thursday: it has 53 weeks
        (None, TODAY, (2026, 47)),
        ("this", TODAY, (2026, 47)),
        ("LAST", TODAY, (2026, 46)),
        (None, date(2026, 1, 1), (2026, 1)),
        (None, date(2025, 12, 29), (2026, 1)),
        ("last", date(2026, 1, 1), (2025, 52)),
        (None, date(2027, 1, 1), (2026, 53)),
    ],
)
def test_parse_week(text: str | None, today: date, week: tuple[int, int]) -> None:
    assert parse_week(text, today) == week


@pytest.mark.parametrize(
    "text", ["", "2026", "2026-47", "W47", "2026-W00", "2025-W53", "2026-W54", "2026-W47-1", "next"]
)
def test_parse_week_refuses(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_week(text, TODAY)
    assert caught.value.message == (
        f"not an ISO week: {text!r}. Use YYYY-Www (e.g. 2026-W47, weeks 01 to 52 or 53), "
        "this or last"
    )


@pytest.mark.parametrize(
    ("text", "today", "week"),
    [
        (None, TODAY, "2026-W47"),
        ("this", TODAY, "2026-W47"),
        ("last", TODAY, "2026-W46"),
        ("next", TODAY, "2026-W48"),
        (" Next ", TODAY, "2026-W48"),
        ("NEXT", date(2026, 11, 22), "2026-W48"),
        ("next", date(2026, 12, 31), "2027-W01"),
        ("last", date(2027, 1, 4), "2026-W53"),
        ("2026-W48", TODAY, "2026-W48"),
        ("2026-w5", TODAY, "2026-W05"),
        ("2026-W53", TODAY, "2026-W53"),
    ],
)
def test_parse_goal_week(text: str | None, today: date, week: str) -> None:
    assert parse_goal_week(text, today) == week


@pytest.mark.parametrize("text", ["soon", "", "2026-W54", "2027-W53", "2026-W00", "W47"])
def test_parse_goal_week_refuses(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_goal_week(text, TODAY)
    assert caught.value.message == f"not an ISO week: {text!r}. {WEEK_FORMS}"


# --- months -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "month"),
    [
        (None, (2026, 11)),
        ("this", (2026, 11)),
        (" Last ", (2026, 10)),
        ("2026-02", (2026, 2)),
        ("2000-01", (2000, 1)),
    ],
)
def test_parse_month(text: str | None, month: tuple[int, int]) -> None:
    assert parse_month(text, TODAY) == month


def test_parse_month_last_in_january() -> None:
    assert parse_month("last", date(2027, 1, 15)) == (2026, 12)


@pytest.mark.parametrize("text", ["", "2026-13", "2026-00", "2026-1", "11", "next", "2026/11"])
def test_parse_month_refuses(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_month(text, TODAY)
    assert caught.value.message == (
        f"not a month: {text!r}. Use YYYY-MM (e.g. 2026-11), this or last"
    )
