"""tracker.study: parsing durations and days, logging study time and what it refuses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database

from course.errors import UsageError
from tracker.store import open_db
from tracker.study import (
    StudyEntry,
    hours_to_minutes,
    log_study,
    minutes_on,
    parse_day,
    parse_duration,
)

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 4, 49, tzinfo=timezone.utc)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


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


def test_log_study_stores_and_returns_the_entry(db: Database) -> None:
    entry = log_study(
        db, minutes=120, topic="  CNN ", day=date(2026, 11, 16), note=" ", today=TODAY, now=NOW
    )
    assert entry == StudyEntry(
        id=1,
        day=date(2026, 11, 16),
        minutes=120,
        topic="CNN",
        note=None,
        created_at="2026-11-21T04:49:00Z",
    )
    assert minutes_on(db, date(2026, 11, 16)) == 120
    assert minutes_on(db, date(2026, 11, 17)) == 0


def test_korean_topic_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "course.db"
    with closing(open_db(path)) as db:
        entry = log_study(
            db, minutes=50, topic="합성곱 신경망", day=TODAY, note="필터 크기", today=TODAY
        )
    assert (entry.id, entry.topic, entry.note) == (1, "합성곱 신경망", "필터 크기")
    with closing(open_db(path)) as db:
        row = db.table("study_log").get(1)
    assert (row["topic"], row["note"]) == ("합성곱 신경망", "필터 크기")


@pytest.mark.parametrize("minutes", [0, -30])
def test_log_study_refuses_no_time(db: Database, minutes: int) -> None:
    with pytest.raises(UsageError) as caught:
        log_study(db, minutes=minutes, topic="CNN", day=TODAY, today=TODAY)
    assert caught.value.message == (
        f"study time must be more than 0 minutes: {minutes} min. "
        "Pass e.g. --hours 1.5, --minutes 90 or --duration 1h30m"
    )
    assert db.table("study_log").count == 0


def test_log_study_refuses_a_blank_topic(db: Database) -> None:
    with pytest.raises(UsageError) as caught:
        log_study(db, minutes=30, topic=" \t", day=TODAY, today=TODAY)
    assert caught.value.message == "the topic is empty. Name what you studied, e.g. --topic CNN"
    assert db.table("study_log").count == 0


def test_log_study_refuses_the_future_but_takes_today(db: Database) -> None:
    with pytest.raises(UsageError) as caught:
        log_study(db, minutes=30, topic="CNN", day=date(2026, 11, 22), today=TODAY)
    assert caught.value.message == (
        "cannot log study time in the future: 2026-11-22. "
        "Today is 2026-11-21; pass --date today or an earlier date"
    )
    assert db.table("study_log").count == 0
    assert log_study(db, minutes=30, topic="CNN", day=TODAY, today=TODAY).id == 1


def test_log_study_refuses_more_than_24_hours_a_day(db: Database) -> None:
    day = date(2026, 11, 16)
    log_study(db, minutes=20 * 60, topic="CNN", day=day, today=TODAY)
    with pytest.raises(UsageError) as caught:
        log_study(db, minutes=5 * 60, topic="RNN", day=day, today=TODAY)
    assert caught.value.message == (
        "a day has only 24 hours: 2026-11-16 already has 1200 min logged, adding 300 min "
        "makes 1500 min. At most 240 more minutes fit on that day"
    )
    assert [row["topic"] for row in db.table("study_log").rows] == ["CNN"]

    # Exactly 24 h fits; not a minute more. Other days are not affected.
    log_study(db, minutes=240, topic="RNN", day=day, today=TODAY)
    with pytest.raises(UsageError, match="At most 0 more minutes fit on that day"):
        log_study(db, minutes=1, topic="RNN", day=day, today=TODAY)
    assert minutes_on(db, day) == 1440
    log_study(db, minutes=24 * 60, topic="ViT", day=date(2026, 11, 17), today=TODAY)
    assert db.table("study_log").count == 3
