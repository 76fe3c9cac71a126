"""tracker.report: ISO weeks and the weekly aggregation of study time and grades."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from course.errors import UsageError
from grader.results import GradeReport
from tracker.grades import record_attempt
from tracker.report import BestGrade, DayTotal, TopicTotal, parse_week, weekly_report
from tracker.store import open_db
from tracker.study import log_study

TODAY = date(2026, 11, 21)  # a Saturday in 2026-W47 (Mon 16 to Sun 22 November)


@pytest.fixture(autouse=True)
def utc_local_time() -> Iterator[None]:
    """Grade attempts get their day in local time: make that UTC for these tests."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC0"
    time.tzset()
    yield
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


def _study(db: Database, day: date, minutes: int, topic: str) -> None:
    log_study(db, minutes=minutes, topic=topic, day=day, today=date(2026, 12, 31))


def _grade(db: Database, assignment: str, score: float, max_score: float, day: str) -> None:
    started_at = f"{day}T12:00:00Z"
    record_attempt(
        db, GradeReport(assignment, score, max_score, "cpu", "quick", 3.0, started_at=started_at)
    )


@pytest.fixture
def week_db(db: Database) -> Database:
    """Study time and grade attempts in 2026-W47, and around it."""
    _study(db, date(2026, 11, 15), 600, "CNN")  # Sunday of W46: not counted
    _study(db, date(2026, 11, 16), 120, "CNN")
    _study(db, date(2026, 11, 16), 30, "합성곱 신경망")
    _study(db, date(2026, 11, 17), 30, "Attention")
    _study(db, date(2026, 11, 18), 45, "RNN")
    _study(db, date(2026, 11, 22), 60, "CNN")
    _study(db, date(2026, 11, 23), 90, "ViT")  # Monday of W48: not counted
    _grade(db, "resnet", 10.0, 10.0, "2026-11-15")  # W46
    _grade(db, "resnet", 6.0, 10.0, "2026-11-17")
    _grade(db, "resnet", 9.5, 10.0, "2026-11-19")
    _grade(db, "resnet", 8.0, 10.0, "2026-11-20")
    _grade(db, "lstm", 3.0, 8.0, "2026-11-20")
    _grade(db, "vit", 4.0, 4.0, "2026-11-23")  # W48
    return db


def test_weekly_report_totals(week_db: Database) -> None:
    report = weekly_report(week_db, "2026-W47")
    assert (report.week, report.start, report.end) == (
        "2026-W47",
        date(2026, 11, 16),
        date(2026, 11, 22),
    )
    assert report.days == [
        DayTotal(date(2026, 11, 16), 150),
        DayTotal(date(2026, 11, 17), 30),
        DayTotal(date(2026, 11, 18), 45),
        DayTotal(date(2026, 11, 19), 0),
        DayTotal(date(2026, 11, 20), 0),
        DayTotal(date(2026, 11, 21), 0),
        DayTotal(date(2026, 11, 22), 60),
    ]
    assert report.topics == [
        TopicTotal("CNN", 180),
        TopicTotal("RNN", 45),
        TopicTotal("Attention", 30),
        TopicTotal("합성곱 신경망", 30),
    ]
    assert report.total_minutes == 285
    assert report.total_hours == 4.75
    assert report.grades == [
        BestGrade("lstm", 3.0, 8.0, 1, date(2026, 11, 20)),
        BestGrade("resnet", 9.5, 10.0, 3, date(2026, 11, 20)),
    ]


def test_weekly_report_json(week_db: Database) -> None:
    data = weekly_report(week_db, "2026-w47").to_json()
    assert data == {
        "week": "2026-W47",
        "start": "2026-11-16",
        "end": "2026-11-22",
        "total_minutes": 285,
        "total_hours": 4.75,
        "days": [
            {"day": "2026-11-16", "minutes": 150, "hours": 2.5},
            {"day": "2026-11-17", "minutes": 30, "hours": 0.5},
            {"day": "2026-11-18", "minutes": 45, "hours": 0.75},
            {"day": "2026-11-19", "minutes": 0, "hours": 0.0},
            {"day": "2026-11-20", "minutes": 0, "hours": 0.0},
            {"day": "2026-11-21", "minutes": 0, "hours": 0.0},
            {"day": "2026-11-22", "minutes": 60, "hours": 1.0},
        ],
        "topics": [
            {"topic": "CNN", "minutes": 180, "hours": 3.0},
            {"topic": "RNN", "minutes": 45, "hours": 0.75},
            {"topic": "Attention", "minutes": 30, "hours": 0.5},
            {"topic": "합성곱 신경망", "minutes": 30, "hours": 0.5},
        ],
        "grades": [
            {
                "assignment": "lstm",
                "best_score": 3.0,
                "max_score": 8.0,
                "attempts": 1,
                "last_day": "2026-11-20",
            },
            {
                "assignment": "resnet",
                "best_score": 9.5,
                "max_score": 10.0,
                "attempts": 3,
                "last_day": "2026-11-20",
            },
        ],
    }


def test_hours_round_to_two_decimals(db: Database) -> None:
    _study(db, date(2026, 11, 16), 100, "CNN")
    report = weekly_report(db, "2026-W47")
    assert report.to_json()["days"][0] == {"day": "2026-11-16", "minutes": 100, "hours": 1.67}
    assert report.total_hours == 1.67


def test_neighbouring_weeks_see_only_their_own_days(week_db: Database) -> None:
    before = weekly_report(week_db, "2026-W46")
    after = weekly_report(week_db, "2026-W48")
    assert (before.total_minutes, before.days[-1]) == (600, DayTotal(date(2026, 11, 15), 600))
    assert before.grades == [BestGrade("resnet", 10.0, 10.0, 1, date(2026, 11, 15))]
    assert (after.total_minutes, after.topics) == (90, [TopicTotal("ViT", 90)])
    assert after.grades == [BestGrade("vit", 4.0, 4.0, 1, date(2026, 11, 23))]


def test_empty_week(db: Database) -> None:
    report = weekly_report(db, "2026-W47")
    assert [day.minutes for day in report.days] == [0] * 7
    assert [day.day.weekday() for day in report.days] == list(range(7))
    assert (report.topics, report.grades, report.total_minutes) == ([], [], 0)


def test_week_defaults_to_the_one_holding_today(week_db: Database) -> None:
    assert weekly_report(week_db, today=TODAY).week == "2026-W47"
    assert weekly_report(week_db, "last", today=TODAY).week == "2026-W46"


def test_year_boundary(db: Database) -> None:
    _study(db, date(2025, 12, 29), 60, "CNN")
    _study(db, date(2025, 12, 28), 30, "RNN")
    report = weekly_report(db, "2026-W01")
    assert (report.start, report.end) == (date(2025, 12, 29), date(2026, 1, 4))
    assert (report.total_minutes, report.topics) == (60, [TopicTotal("CNN", 60)])


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
