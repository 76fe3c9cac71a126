"""tracker.study: logging, editing and deleting study time, and what it refuses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database

from core.errors import UsageError
from tracker.store import insert, open_db
from tracker.study import (
    EditedEntry,
    StudyEntry,
    delete_entry,
    edit_entry,
    ensure_day_fits,
    get_entry,
    list_entries,
    log_study,
    minutes_on,
    overlapping_entries,
    span_minutes,
)

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 4, 49, tzinfo=timezone.utc)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


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


# --- entries: finding, overlaps, editing, deleting -----------------------------------------
# Local time is KST (UTC+9, no daylight saving) in these tests, so a mix-up of UTC and local
# time shows as a 9-hour difference whatever the machine's zone is.

KST = timezone(timedelta(hours=9))
EDIT_NOW = datetime(2026, 11, 21, 14, 30, tzinfo=KST)
EDIT_OPTIONS = "--hours, --minutes, --duration, --topic, --date, --note, --start or --end"


@pytest.fixture
def korean_time(local_tz: Callable[[str], None]) -> None:
    local_tz("KST-9")


def _kst(hour: int, minute: int, day: int = 21, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=KST)


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _timed(db: Database, topic: str, start: datetime, end: datetime) -> int:
    """A timer entry as ``course stop`` makes it."""
    return insert(
        db,
        "study_log",
        {
            "day": start.date().isoformat(),
            "minutes": span_minutes(start, end),
            "topic": topic,
            "note": None,
            "created_at": _utc(end),
            "started_at": _utc(start),
            "ended_at": _utc(end),
        },
    )


def _table(db: Database) -> list[dict[str, object]]:
    return list(db.query("SELECT * FROM study_log ORDER BY id"))


def test_timed_entry_fields_and_span(db: Database, korean_time: None) -> None:
    entry_id = _timed(db, "CNN", _kst(13, 5), _kst(14, 30))
    entry = get_entry(db, entry_id)
    assert entry == StudyEntry(
        id=1,
        day=TODAY,
        minutes=85,
        topic="CNN",
        note=None,
        created_at="2026-11-21T05:30:00Z",
        started_at="2026-11-21T04:05:00Z",
        ended_at="2026-11-21T05:30:00Z",
        updated_at=None,
    )
    assert entry.span == (_kst(13, 5), _kst(14, 30))


def test_entries_logged_by_amount_have_no_times(db: Database) -> None:
    log_study(db, minutes=30, topic="CNN", day=TODAY, today=TODAY, now=NOW)
    entry = get_entry(db, 1)
    assert (entry.started_at, entry.ended_at, entry.updated_at, entry.span) == (
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("seconds", "minutes"), [(0, 0), (29, 0), (30, 1), (5129, 85), (5130, 86), (-89, -1)]
)
def test_span_minutes(seconds: int, minutes: int) -> None:
    start = datetime(2026, 11, 21, 4, 0, tzinfo=timezone.utc)
    assert span_minutes(start, start + timedelta(seconds=seconds)) == minutes
    # Aware datetimes in different offsets are compared as instants.
    assert span_minutes(start.astimezone(KST), start + timedelta(seconds=seconds)) == minutes


def test_get_entry_unknown_id(db: Database) -> None:
    with pytest.raises(UsageError) as caught:
        get_entry(db, 42)
    assert caught.value.message == (
        "no study entry with that id: 42. "
        "See a day's entries and their numbers with course report daily --date DAY"
    )


def test_list_entries(db: Database, korean_time: None) -> None:
    log_study(db, minutes=30, topic="late log", day=TODAY, today=TODAY, now=_kst(23, 0))  # 1
    _timed(db, "morning", _kst(9, 0), _kst(10, 0))  # 2
    log_study(db, minutes=45, topic="monday", day=date(2026, 11, 16), today=TODAY)  # 3
    _timed(db, "friday", _kst(20, 0, day=20), _kst(21, 0, day=20))  # 4
    assert [entry.id for entry in list_entries(db)] == [3, 4, 2, 1]
    assert [entry.id for entry in list_entries(db, first_day=date(2026, 11, 20))] == [4, 2, 1]
    assert [entry.id for entry in list_entries(db, last_day=date(2026, 11, 20))] == [3, 4]
    assert list_entries(db, first_day=date(2026, 11, 17), last_day=date(2026, 11, 19)) == []


def test_overlapping_entries(db: Database, korean_time: None) -> None:
    _timed(db, "A", _kst(9, 0), _kst(10, 0))  # 1
    _timed(db, "B", _kst(10, 0), _kst(11, 0))  # 2
    log_study(db, minutes=600, topic="no times", day=TODAY, today=TODAY)  # 3
    _timed(db, "C", _kst(9, 15, day=20), _kst(9, 45, day=20))  # 4: the day before
    assert [entry.id for entry in overlapping_entries(db, _kst(9, 30), _kst(10, 30))] == [1, 2]
    assert [entry.topic for entry in overlapping_entries(db, _kst(9, 59), _kst(10, 1))] == [
        "A",
        "B",
    ]
    assert [
        entry.id for entry in overlapping_entries(db, _kst(9, 30), _kst(10, 30), exclude_id=1)
    ] == [2]
    assert overlapping_entries(db, _kst(8, 0), _kst(9, 0)) == ()  # touching is fine
    assert overlapping_entries(db, _kst(11, 0), _kst(12, 0)) == ()
    inside = overlapping_entries(db, _kst(9, 20, day=20), _kst(9, 25, day=20))
    assert [entry.id for entry in inside] == [4]


def test_ensure_day_fits(db: Database) -> None:
    log_study(db, minutes=1000, topic="A", day=TODAY, today=TODAY)
    log_study(db, minutes=400, topic="B", day=TODAY, today=TODAY)
    ensure_day_fits(db, TODAY, 40)
    ensure_day_fits(db, date(2026, 11, 20), 1440)
    with pytest.raises(UsageError) as caught:
        ensure_day_fits(db, TODAY, 41)
    assert caught.value.message == (
        "a day has only 24 hours: 2026-11-21 already has 1400 min logged, adding 41 min "
        "makes 1441 min. At most 40 more minutes fit on that day"
    )
    ensure_day_fits(db, TODAY, 440, exclude_id=2)  # entry 2 is the one being replaced
    with pytest.raises(UsageError, match="At most 440 more minutes fit on that day"):
        ensure_day_fits(db, TODAY, 441, exclude_id=2)


def test_edit_entry_changes_only_what_is_given(db: Database, korean_time: None) -> None:
    log_study(
        db, minutes=120, topic="CNN", day=date(2026, 11, 16), note="ch. 5", today=TODAY, now=NOW
    )
    before = get_entry(db, 1)
    edited = edit_entry(db, 1, now=EDIT_NOW, minutes=90)
    after = StudyEntry(
        1,
        date(2026, 11, 16),
        90,
        "CNN",
        "ch. 5",
        "2026-11-21T04:49:00Z",
        updated_at="2026-11-21T05:30:00Z",
    )
    assert edited == EditedEntry(before, after, ())
    assert get_entry(db, 1) == after

    entry = edit_entry(db, 1, now=EDIT_NOW, topic="  합성곱 신경망 ").entry
    assert (entry.minutes, entry.topic, entry.note) == (90, "합성곱 신경망", "ch. 5")
    entry = edit_entry(db, 1, now=EDIT_NOW, day=date(2026, 11, 20), note=" new note ").entry
    assert (entry.day, entry.note, entry.span) == (date(2026, 11, 20), "new note", None)
    assert edit_entry(db, 1, now=EDIT_NOW, day=TODAY).entry.day == TODAY  # today is fine


@pytest.mark.parametrize("note", ["", "   "])
def test_edit_entry_empty_note_clears_it(db: Database, note: str) -> None:
    log_study(db, minutes=30, topic="CNN", day=TODAY, note="old", today=TODAY)
    assert edit_entry(db, 1, now=EDIT_NOW, note=note).entry.note is None
    assert _table(db)[0]["note"] is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, f"nothing to change: entry #1. Pass at least one of {EDIT_OPTIONS}"),
        (
            {"minutes": 0},
            "study time must be more than 0 minutes: 0 min. "
            "Pass e.g. --hours 1.5, --minutes 90 or --duration 1h30m",
        ),
        ({"minutes": -30}, "study time must be more than 0 minutes: -30 min. "),
        ({"topic": " \t"}, "the topic is empty. Name what you studied, e.g. --topic CNN"),
        (
            {"day": date(2026, 11, 22)},
            "cannot log study time in the future: 2026-11-22. "
            "Today is 2026-11-21; pass --date today or an earlier date",
        ),
        (
            {"started_at": _kst(9, 0)},
            "the entry has no start and end times: entry #1 was logged as an amount of time. "
            "Pass both --start and --end to give it times, or change its study time with "
            "--duration",
        ),
        (
            {"ended_at": _kst(9, 0)},
            "the entry has no start and end times: entry #1 was logged as an amount of time. ",
        ),
        (
            {"started_at": _kst(9, 0), "ended_at": _kst(10, 0), "minutes": 30},
            "give either the study time or the times, not both: entry #1. "
            "The times set the study time: pass only --start and --end",
        ),
    ],
)
def test_edit_entry_refuses(
    db: Database, korean_time: None, changes: dict[str, object], message: str
) -> None:
    log_study(db, minutes=30, topic="CNN", day=TODAY, note="n", today=TODAY)
    rows = _table(db)
    with pytest.raises(UsageError) as caught:
        edit_entry(db, 1, now=EDIT_NOW, **changes)  # type: ignore[arg-type]
    assert caught.value.message.startswith(message)
    assert _table(db) == rows


def test_edit_entry_unknown_id(db: Database) -> None:
    with pytest.raises(UsageError, match=r"^no study entry with that id: 7\. "):
        edit_entry(db, 7, now=EDIT_NOW, minutes=30)


def test_edit_entry_respects_24_hours_per_day(db: Database) -> None:
    log_study(db, minutes=1000, topic="A", day=TODAY, today=TODAY)
    log_study(db, minutes=400, topic="B", day=TODAY, today=TODAY)
    log_study(db, minutes=600, topic="C", day=date(2026, 11, 20), today=TODAY)
    assert edit_entry(db, 2, now=EDIT_NOW, minutes=440).entry.minutes == 440
    with pytest.raises(UsageError) as caught:
        edit_entry(db, 2, now=EDIT_NOW, minutes=441)
    assert caught.value.message == (
        "a day has only 24 hours: 2026-11-21 already has 1000 min logged, adding 441 min "
        "makes 1441 min. At most 440 more minutes fit on that day"
    )
    with pytest.raises(UsageError, match="2026-11-21 already has 1440 min logged, adding 600"):
        edit_entry(db, 3, now=EDIT_NOW, day=TODAY)  # moving C onto a full day
    assert [row["minutes"] for row in _table(db)] == [1000, 440, 600]


def test_edit_timed_entry_times_set_the_minutes(db: Database, korean_time: None) -> None:
    _timed(db, "CNN", _kst(13, 5), _kst(14, 30))
    before = get_entry(db, 1)
    edited = edit_entry(db, 1, now=EDIT_NOW, started_at=_kst(13, 30))
    assert edited.before == before
    assert (edited.entry.minutes, edited.entry.span) == (60, (_kst(13, 30), _kst(14, 30)))
    assert (edited.entry.started_at, edited.entry.ended_at) == (
        "2026-11-21T04:30:00Z",
        "2026-11-21T05:30:00Z",
    )
    entry = edit_entry(db, 1, now=EDIT_NOW, ended_at=_kst(14, 0)).entry
    assert (entry.minutes, entry.span) == (30, (_kst(13, 30), _kst(14, 0)))
    entry = edit_entry(db, 1, now=EDIT_NOW, started_at=_kst(9, 0), ended_at=_kst(11, 15)).entry
    assert (entry.minutes, entry.day) == (135, TODAY)


def test_edit_timed_entry_minutes_move_the_end(db: Database, korean_time: None) -> None:
    _timed(db, "CNN", _kst(13, 5), _kst(14, 30))
    entry = edit_entry(db, 1, now=EDIT_NOW, minutes=30).entry
    assert (entry.minutes, entry.span) == (30, (_kst(13, 5), _kst(13, 35)))
    with pytest.raises(UsageError) as caught:
        edit_entry(db, 1, now=EDIT_NOW, minutes=120)
    assert caught.value.message == (
        "the entry cannot end in the future: 2026-11-21 15:05. It is 2026-11-21 14:30 now; "
        "pass an earlier --end or a shorter study time"
    )


def test_edit_timed_entry_date_keeps_the_clock_times(db: Database, korean_time: None) -> None:
    _timed(db, "CNN", _kst(0, 30), _kst(1, 15))  # 15:30 UTC on the 20th
    entry = edit_entry(db, 1, now=EDIT_NOW, day=date(2026, 11, 16)).entry
    assert (entry.day, entry.minutes, entry.span) == (
        date(2026, 11, 16),
        45,
        (_kst(0, 30, day=16), _kst(1, 15, day=16)),
    )
    assert entry.started_at == "2026-11-15T15:30:00Z"
    # With a new end as well, the start moves to that day and the end is the one given.
    entry = edit_entry(db, 1, now=EDIT_NOW, day=date(2026, 11, 18), ended_at=_kst(2, 0, 18)).entry
    assert (entry.day, entry.minutes) == (date(2026, 11, 18), 90)


def test_edit_timed_entry_date_must_match_the_start(db: Database, korean_time: None) -> None:
    _timed(db, "CNN", _kst(13, 5), _kst(14, 30))
    with pytest.raises(UsageError) as caught:
        edit_entry(
            db,
            1,
            now=EDIT_NOW,
            day=date(2026, 11, 20),
            started_at=_kst(13, 0, day=19),
            ended_at=_kst(14, 0, day=19),
        )
    assert caught.value.message == (
        "--date and --start name different days: 2026-11-20 and 2026-11-19. "
        "Leave out --date: an entry with times is on the day it started"
    )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (
            _kst(14, 30),
            _kst(13, 0),
            "the end is not after the start: 2026-11-21 14:30 to 2026-11-21 13:00. "
            "Pass an --end later than the --start",
        ),
        (_kst(13, 0), _kst(13, 0), "the end is not after the start: "),
        (
            _kst(14, 0),
            _kst(14, 31),
            "the entry cannot end in the future: 2026-11-21 14:31. ",
        ),
        (
            _kst(13, 0, day=20),
            _kst(14, 0),
            "an entry with times cannot be longer than 24 hours: 2026-11-20 13:00 to "
            "2026-11-21 14:00 is 1500 min. Check the days of --start and --end",
        ),
        (
            _kst(14, 0, second=45),
            _kst(14, 1),
            "study time must be more than 0 minutes: 0 min. ",
        ),
    ],
)
def test_edit_timed_entry_refuses_bad_times(
    db: Database, korean_time: None, start: datetime, end: datetime, message: str
) -> None:
    _timed(db, "CNN", _kst(10, 0), _kst(11, 0))
    rows = _table(db)
    with pytest.raises(UsageError) as caught:
        edit_entry(db, 1, now=EDIT_NOW, started_at=start, ended_at=end)
    assert caught.value.message.startswith(message)
    assert _table(db) == rows


def test_edit_gives_an_untimed_entry_times(db: Database, korean_time: None) -> None:
    _timed(db, "RNN", _kst(9, 0), _kst(10, 0))
    log_study(db, minutes=30, topic="CNN", day=date(2026, 11, 16), today=TODAY)
    edited = edit_entry(db, 2, now=EDIT_NOW, started_at=_kst(9, 30), ended_at=_kst(10, 45))
    assert (edited.entry.day, edited.entry.minutes) == (TODAY, 75)
    assert edited.entry.span == (_kst(9, 30), _kst(10, 45))
    assert [entry.id for entry in edited.overlaps] == [1]


def test_edit_reports_overlaps_only_when_times_change(db: Database, korean_time: None) -> None:
    _timed(db, "A", _kst(9, 0), _kst(10, 0))
    _timed(db, "B", _kst(13, 5), _kst(14, 30))
    _timed(db, "C", _kst(13, 50), _kst(14, 10))
    edited = edit_entry(db, 1, now=EDIT_NOW, started_at=_kst(13, 0), ended_at=_kst(14, 0))
    assert [entry.topic for entry in edited.overlaps] == ["B", "C"]
    assert edit_entry(db, 1, now=EDIT_NOW, topic="A2").overlaps == ()
    assert [entry.id for entry in edit_entry(db, 3, now=EDIT_NOW, minutes=5).overlaps] == [1, 2]


def test_delete_entry(db: Database) -> None:
    log_study(db, minutes=30, topic="CNN", day=TODAY, today=TODAY, now=NOW)
    log_study(db, minutes=40, topic="RNN", day=TODAY, today=TODAY, now=NOW)
    assert delete_entry(db, 1) == StudyEntry(1, TODAY, 30, "CNN", None, "2026-11-21T04:49:00Z")
    assert [row["id"] for row in _table(db)] == [2]
    with pytest.raises(UsageError, match=r"^no study entry with that id: 1\. "):
        delete_entry(db, 1)
    assert [row["id"] for row in _table(db)] == [2]
