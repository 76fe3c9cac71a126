"""tracker.timer: parsing times, starting, stopping and cancelling the one running timer.

Local time is KST (UTC+9, no daylight saving) in every test, so a mix-up of UTC and local
time shows as a 9-hour difference whatever the machine's zone is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from core.errors import StoreError, UsageError
from tracker import timer as timer_module
from tracker.store import open_db
from tracker.study import StudyEntry, log_study
from tracker.timer import (
    RunningTimer,
    StoppedTimer,
    TimerStatus,
    cancel_timer,
    running_timer,
    start_timer,
    stop_timer,
    timer_status,
)

KST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 21, 14, 30, 15, 500000, tzinfo=KST)  # a Saturday
TODAY = date(2026, 11, 21)


def kst(hour: int, minute: int, second: int = 0, day: int = 21) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=KST)


@pytest.fixture(autouse=True)
def korean_time(local_tz: Callable[[str], None]) -> None:
    local_tz("KST-9")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


def _rows(db: Database, table: str) -> list[dict[str, Any]]:
    return list(db.query(f"SELECT * FROM {table} ORDER BY rowid"))


def _message(caught: pytest.ExceptionInfo[UsageError]) -> str:
    return caught.value.message


# --- start_timer / running_timer ------------------------------------------------------------


def test_start_timer_stores_the_one_timer(db: Database) -> None:
    assert running_timer(db) is None
    timer = start_timer(db, "  CNN ", at=NOW, now=NOW, note=" chapter 5 ")
    expected = RunningTimer(
        "CNN", datetime(2026, 11, 21, 5, 30, 15, tzinfo=timezone.utc), "chapter 5", 540
    )
    assert timer == expected
    assert running_timer(db) == expected
    assert _rows(db, "timer") == [
        {
            "id": 1,
            "topic": "CNN",
            "note": "chapter 5",
            "started_at": "2026-11-21T05:30:15Z",
            "utc_offset": 540,
        }
    ]
    assert _rows(db, "study_log") == []


def test_start_timer_in_the_past_and_without_note(db: Database) -> None:
    timer = start_timer(db, "합성곱 신경망", at=kst(14, 5), now=NOW, note="  ")
    assert timer == RunningTimer("합성곱 신경망", kst(14, 5), None, 540)
    assert _rows(db, "timer")[0]["started_at"] == "2026-11-21T05:05:00Z"


def test_start_timer_accepts_exactly_24_hours_ago(db: Database) -> None:
    at = NOW - timedelta(hours=24)
    assert start_timer(db, "CNN", at=at, now=NOW).started_at == at.replace(microsecond=0)


def test_second_start_is_refused_and_the_first_timer_kept(db: Database) -> None:
    start_timer(db, "CNN", at=kst(14, 5), now=NOW, note="first")
    with pytest.raises(UsageError) as caught:
        start_timer(db, "RNN", at=NOW, now=NOW)
    assert _message(caught) == (
        "a timer is already running: CNN since 14:05 (25 min). Stop it with course stop"
    )
    assert caught.value.exit_code == 2
    assert running_timer(db) == RunningTimer("CNN", kst(14, 5), "first", 540)


def test_second_start_names_the_day_and_hours_of_an_older_timer(db: Database) -> None:
    start_timer(db, "CNN", at=kst(23, 10, day=20), now=NOW)
    with pytest.raises(UsageError) as caught:
        start_timer(db, "RNN", at=NOW, now=NOW)
    assert _message(caught) == (
        "a timer is already running: CNN since 2026-11-20 23:10 (15h 20m). Stop it with course stop"
    )


def test_the_database_itself_allows_one_timer(db: Database) -> None:
    start_timer(db, "CNN", at=NOW, now=NOW)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO timer (id, topic, started_at) VALUES (2, 'x', 'y')")


def test_start_timer_refuses_a_blank_topic(db: Database) -> None:
    with pytest.raises(UsageError) as caught:
        start_timer(db, " \t", at=NOW, now=NOW)
    assert _message(caught) == "the topic is empty. Name what you study, e.g. course start CNN"
    assert _rows(db, "timer") == []


def test_start_timer_refuses_the_future(db: Database) -> None:
    with pytest.raises(UsageError) as caught:
        start_timer(db, "CNN", at=kst(14, 31), now=NOW)
    assert _message(caught) == (
        "cannot start a timer in the future: 14:31. It is 14:30 now; pass a time that has "
        "passed, with its day if that is not today (--at 'yesterday 14:31')"
    )
    with pytest.raises(UsageError, match=r"in the future: 2026-11-22 09:00\. "):
        start_timer(db, "CNN", at=kst(9, 0, day=22), now=NOW)
    assert _rows(db, "timer") == []


def test_start_timer_refuses_more_than_a_day_ago(db: Database) -> None:
    with pytest.raises(UsageError) as caught:
        start_timer(db, "CNN", at=kst(14, 0, day=20), now=NOW)
    assert _message(caught) == (
        "a timer cannot start more than 24 hours ago: 2026-11-20 14:00. "
        "Log earlier study with course log --duration 1h30m --date yesterday"
    )
    assert _rows(db, "timer") == []


# --- stop_timer -----------------------------------------------------------------------------


def test_stop_timer_logs_one_entry_and_clears_the_timer(db: Database) -> None:
    start_timer(db, "CNN", at=kst(13, 5), now=NOW, note="chapter 5")
    stopped = stop_timer(db, at=kst(14, 30), now=NOW)
    entry = StudyEntry(
        id=1,
        day=TODAY,
        minutes=85,
        topic="CNN",
        note="chapter 5",
        created_at="2026-11-21T05:30:15Z",
        started_at="2026-11-21T04:05:00Z",
        ended_at="2026-11-21T05:30:00Z",
        utc_offset=540,
    )
    assert stopped == StoppedTimer(entry, ())
    assert _rows(db, "timer") == []
    assert _rows(db, "study_log") == [
        {
            "id": 1,
            "day": "2026-11-21",
            "minutes": 85,
            "topic": "CNN",
            "note": "chapter 5",
            "created_at": "2026-11-21T05:30:15Z",
            "started_at": "2026-11-21T04:05:00Z",
            "ended_at": "2026-11-21T05:30:00Z",
            "updated_at": None,
            "utc_offset": 540,
        }
    ]
    with pytest.raises(UsageError, match="no timer is running"):
        stop_timer(db, at=NOW, now=NOW)
    assert len(_rows(db, "study_log")) == 1


@pytest.mark.parametrize(
    ("seconds", "minutes"), [(30, 1), (89, 1), (90, 2), (5129, 85), (5130, 86), (86400, 1440)]
)
def test_stop_timer_rounds_half_a_minute_up(db: Database, seconds: int, minutes: int) -> None:
    start = NOW - timedelta(seconds=seconds)
    start_timer(db, "CNN", at=start, now=NOW)
    assert stop_timer(db, at=NOW, now=NOW).entry.minutes == minutes


def test_stop_timer_logs_on_the_local_day_it_started(db: Database) -> None:
    # 23:30 to 00:40 KST is 14:30 to 15:40 UTC on the 20th: the day is the local start day.
    start_timer(db, "RNN", at=kst(23, 30, day=20), now=kst(23, 31, day=20))
    entry = stop_timer(db, at=kst(0, 40), now=kst(0, 45)).entry
    assert (entry.day, entry.minutes) == (date(2026, 11, 20), 70)
    start_timer(db, "ViT", at=kst(0, 10), now=NOW)  # 15:10 UTC on the 20th
    assert stop_timer(db, at=kst(1, 0), now=NOW).entry.day == TODAY


@pytest.mark.parametrize(
    ("start_note", "stop_note", "note"),
    [
        (None, None, None),
        ("chapter 5", None, "chapter 5"),
        (None, " done ", "done"),
        ("chapter 5", "done", "chapter 5; done"),
        ("chapter 5", "chapter 5", "chapter 5"),
        ("chapter 5", "  ", "chapter 5"),
    ],
)
def test_stop_timer_keeps_both_notes(
    db: Database, start_note: str | None, stop_note: str | None, note: str | None
) -> None:
    start_timer(db, "CNN", at=kst(14, 0), now=NOW, note=start_note)
    assert stop_timer(db, at=NOW, now=NOW, note=stop_note).entry.note == note
    assert _rows(db, "study_log")[0]["note"] == note


def test_stop_timer_without_a_timer(db: Database) -> None:
    with pytest.raises(UsageError) as caught:
        stop_timer(db, at=NOW, now=NOW)
    assert _message(caught) == "no timer is running. Start one with course start TOPIC"


def _refused_stop(db: Database, at: datetime, now: datetime = NOW) -> str:
    """Stop at ``at``, expect a refusal, check nothing changed; return the message."""
    timers = _rows(db, "timer")
    entries = _rows(db, "study_log")
    with pytest.raises(UsageError) as caught:
        stop_timer(db, at=at, now=now)
    assert _rows(db, "timer") == timers
    assert _rows(db, "study_log") == entries
    return caught.value.message


def test_stop_timer_refuses_the_future(db: Database) -> None:
    start_timer(db, "CNN", at=kst(14, 0), now=NOW)
    assert _refused_stop(db, kst(14, 45)) == (
        "cannot stop the timer in the future: 14:45. It is 14:30 now; pass a time that has "
        "passed, with its day if that is not today (--at 'yesterday 14:45')"
    )


def test_stop_timer_refuses_an_end_before_the_start(db: Database) -> None:
    start_timer(db, "CNN", at=kst(14, 5), now=NOW)
    assert _refused_stop(db, kst(13, 50)) == (
        "the timer cannot stop before it started: 13:50 is before CNN's start at 14:05. "
        "Pass a later --at, or discard the timer with course stop --cancel"
    )


def test_stop_timer_refuses_less_than_a_minute_and_keeps_running(db: Database) -> None:
    start_timer(db, "CNN", at=NOW - timedelta(seconds=29), now=NOW)
    assert _refused_stop(db, NOW) == (
        "the timer has run for less than a minute: CNN since 14:29 (0 min). Nothing was "
        "logged and it is still running: stop it later, or discard it with course stop --cancel"
    )
    with pytest.raises(UsageError, match="less than a minute"):
        stop_timer(db, at=NOW - timedelta(seconds=29), now=NOW)  # stop == start
    assert running_timer(db) is not None


def test_stop_timer_refuses_more_than_24_hours(db: Database) -> None:
    start_timer(db, "CNN", at=kst(14, 0, day=20), now=kst(14, 0, day=20))
    assert _refused_stop(db, kst(14, 1)) == (
        "the timer would log more than 24 hours: CNN since 2026-11-20 14:00 (24h 01m). If you "
        "forgot to stop it, pass when you stopped: course stop --at 'YYYY-MM-DD HH:MM'; "
        "or discard it with course stop --cancel"
    )
    assert stop_timer(db, at=kst(16, 0, day=20), now=NOW).entry.minutes == 120


def test_stop_timer_respects_24_hours_per_day(db: Database) -> None:
    log_study(db, minutes=23 * 60, topic="ViT", day=TODAY, today=TODAY)
    start_timer(db, "CNN", at=kst(12, 0), now=NOW)
    assert _refused_stop(db, kst(14, 0)) == (
        "a day has only 24 hours: 2026-11-21 already has 1380 min logged, adding 120 min "
        "makes 1500 min. At most 60 more minutes fit on that day"
    )
    assert stop_timer(db, at=kst(13, 0), now=NOW).entry.minutes == 60


def test_stop_timer_is_one_transaction(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    start_timer(db, "CNN", at=kst(14, 0), now=NOW)

    def failing_insert(*args: object) -> int:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(timer_module, "insert", failing_insert)
    with pytest.raises(StoreError) as caught:
        stop_timer(db, at=NOW, now=NOW)
    assert caught.value.message.startswith("the tracker database could not be written: ")
    assert running_timer(db) == RunningTimer("CNN", kst(14, 0), None, 540)  # the delete rolled back
    assert _rows(db, "study_log") == []


def test_stop_timer_reports_overlapping_timer_entries(db: Database) -> None:
    spans = [(kst(9, 0), kst(10, 0)), (kst(10, 0), kst(11, 0)), (kst(11, 30), kst(12, 0))]
    for start, end in spans:  # entries 1, 2, 3
        start_timer(db, "RNN", at=start, now=NOW)
        stop_timer(db, at=end, now=NOW)
    log_study(db, minutes=600, topic="by hand", day=TODAY, today=TODAY)  # entry 4, no times
    start_timer(db, "CNN", at=kst(10, 30), now=NOW)
    stopped = stop_timer(db, at=kst(11, 45), now=NOW)
    assert stopped.entry.id == 5
    assert [entry.id for entry in stopped.overlaps] == [2, 3]
    # Touching is not overlapping: 8:00-9:00 ends as entry 1 (9:00-10:00) starts.
    start_timer(db, "CNN", at=kst(8, 0), now=NOW)
    assert stop_timer(db, at=kst(9, 0), now=NOW).overlaps == ()


# --- cancel_timer / timer_status --------------------------------------------------------------


def test_cancel_timer_discards_without_logging(db: Database) -> None:
    start_timer(db, "CNN", at=kst(14, 5), now=NOW, note="n")
    assert cancel_timer(db) == RunningTimer("CNN", kst(14, 5), "n", 540)
    assert _rows(db, "timer") == []
    assert _rows(db, "study_log") == []
    with pytest.raises(UsageError) as caught:
        cancel_timer(db)
    assert _message(caught) == "no timer is running. Start one with course start TOPIC"
    start_timer(db, "RNN", at=NOW, now=NOW)  # a new timer can start


def test_timer_status(db: Database) -> None:
    assert timer_status(db, now=NOW) == TimerStatus(None, TODAY, 0)
    log_study(db, minutes=50, topic="CNN", day=TODAY, today=TODAY)
    log_study(db, minutes=70, topic="CNN", day=date(2026, 11, 20), today=TODAY)
    start_timer(db, "RNN", at=kst(14, 0), now=NOW)
    assert timer_status(db, now=NOW) == TimerStatus(
        RunningTimer("RNN", kst(14, 0), None, 540), TODAY, 50
    )
    # Just after local midnight it is a new day (15:05 UTC is already the 22nd in Korea).
    assert timer_status(db, now=kst(0, 5, day=22)).today == date(2026, 11, 22)


def test_running_timer_minutes() -> None:
    timer = RunningTimer("CNN", kst(14, 0))
    assert timer.minutes(kst(14, 25, 29)) == 25
    assert timer.minutes(kst(14, 25, 30)) == 26
    assert timer.minutes(kst(13, 0)) == 0  # a clock set back never shows negative time


def test_running_timer_with_a_damaged_start(db: Database) -> None:
    db.execute("INSERT INTO timer (id, topic, started_at) VALUES (1, 'CNN', '14:05')")
    with pytest.raises(StoreError) as caught:
        running_timer(db)
    assert caught.value.message == (
        "the tracker database holds a time it cannot read: '14:05'. Times are stored as "
        "YYYY-MM-DDTHH:MM:SSZ (UTC); fix that row with sqlite-utils"
    )
