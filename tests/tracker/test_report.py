"""tracker.report: periods, the report of a period, and the study calendar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database

from core.errors import UsageError
from grader.results import GradeReport
from tracker.dates import current_streak, longest_streak
from tracker.goals import set_goals
from tracker.grades import record_attempt
from tracker.parsers import parse_week
from tracker.problems import NewAttempt, add_attempt
from tracker.questions import add_question
from tracker.report import (
    BestGrade,
    DayTopic,
    DayTotal,
    StudyNote,
    StudyReport,
    TopicResult,
    TopicTotal,
    build_report,
    day_period,
    last_days_period,
    month_period,
    study_calendar,
    week_period,
)
from tracker.retro import write_retro
from tracker.store import open_db
from tracker.study import log_study

TODAY = date(2026, 11, 21)  # a Saturday in 2026-W47 (Mon 16 to Sun 22 November)


@pytest.fixture(autouse=True)
def utc_local_time(local_tz: Callable[[str], None]) -> None:
    """Grade attempts get their day in local time: make that UTC for these tests."""
    local_tz("UTC0")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


def _study(db: Database, day: date, minutes: int, topic: str) -> None:
    log_study(db, minutes=minutes, topic=topic, day=day, today=date(2026, 12, 31))


def _grade(db: Database, assignment: str, score: float, max_score: float, day: str) -> None:
    started_at = f"{day}T12:00:00Z"
    record_attempt(
        db,
        GradeReport(
            assignment, score, max_score, "cpu", "quick", 3.0, started_at=started_at
        ).to_dict(),
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


def weekly_report(
    db: Database, week: str | None = None, today: date = TODAY, **kwargs: object
) -> StudyReport:
    return build_report(db, week_period(*parse_week(week, today)), today=today, **kwargs)  # type: ignore[arg-type]


def test_weekly_report_totals(week_db: Database) -> None:
    report = weekly_report(week_db, "2026-W47")
    assert (report.period.label, report.period.start, report.period.end) == (
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
        BestGrade("lstm", 3.0, 8.0, 1, date(2026, 11, 20), (3.0,)),
        BestGrade("resnet", 9.5, 10.0, 3, date(2026, 11, 20), (6.0, 9.5, 8.0)),
    ]
    assert report.study_days == 4


def test_weekly_report_json(week_db: Database) -> None:
    data = weekly_report(week_db, "2026-w47", assignment_topics={"resnet": "CNN"}).to_json()
    assert data == {
        "period": {
            "kind": "weekly",
            "label": "2026-W47",
            "start": "2026-11-16",
            "end": "2026-11-22",
            "days": 7,
        },
        "total_minutes": 285,
        "total_hours": 4.75,
        "study_days": 4,
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
                "topic": None,
                "best_score": 3.0,
                "max_score": 8.0,
                "attempts": 1,
                "last_day": "2026-11-20",
                "scores": [3.0],
            },
            {
                "assignment": "resnet",
                "topic": "CNN",
                "best_score": 9.5,
                "max_score": 10.0,
                "attempts": 3,
                "last_day": "2026-11-20",
                "scores": [6.0, 9.5, 8.0],
            },
        ],
        "topic_results": [
            {
                "topic": "CNN",
                "minutes": 180,
                "hours": 3.0,
                "attempts": 3,
                "assignments": {"resnet": {"best_score": 9.5, "max_score": 10.0}},
            },
            {"topic": "RNN", "minutes": 45, "hours": 0.75, "attempts": 0, "assignments": {}},
            {"topic": "Attention", "minutes": 30, "hours": 0.5, "attempts": 0, "assignments": {}},
            {
                "topic": "합성곱 신경망",
                "minutes": 30,
                "hours": 0.5,
                "attempts": 0,
                "assignments": {},
            },
        ],
        "notes": [],
        "problems": [],
        "problems_solved": 0,
        "retro": {
            "start": "2026-11-16",
            "end": "2026-11-22",
            "keeps": [],
            "problems": [],
            "tries": [],
            "kept": 0,
            "dropped": 0,
            "carried": 0,
            "open": 0,
            "completion_rate": None,
        },
        "goals": [],
        "open_questions": [],
        "entries": [],
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
    assert before.grades == [BestGrade("resnet", 10.0, 10.0, 1, date(2026, 11, 15), (10.0,))]
    assert (after.total_minutes, after.topics) == (90, [TopicTotal("ViT", 90)])
    assert after.grades == [BestGrade("vit", 4.0, 4.0, 1, date(2026, 11, 23), (4.0,))]


def test_tampered_attempts_are_counted_and_flagged(db: Database) -> None:
    _grade(db, "resnet", 6.0, 10.0, "2026-11-17")
    record_attempt(
        db,
        GradeReport(
            "resnet", 10.0, 10.0, "cpu", "quick", 3.0, started_at="2026-11-18T12:00:00Z"
        ).to_dict()
        | {"sandbox": "none", "tampered": True},
    )
    _grade(db, "resnet", 8.0, 10.0, "2026-11-19")
    _grade(db, "lstm", 3.0, 8.0, "2026-11-20")
    report = weekly_report(db, "2026-W47")
    assert report.grades == [
        BestGrade("lstm", 3.0, 8.0, 1, date(2026, 11, 20), (3.0,)),
        BestGrade(
            "resnet",
            10.0,
            10.0,
            3,
            date(2026, 11, 19),
            (6.0, 10.0, 8.0),
            tampered=1,
            best_tampered=True,
        ),
    ]
    assert [grade.to_json() for grade in report.grades] == [
        {
            "assignment": "lstm",
            "topic": None,
            "best_score": 3.0,
            "max_score": 8.0,
            "attempts": 1,
            "last_day": "2026-11-20",
            "scores": [3.0],
        },
        {
            "assignment": "resnet",
            "topic": None,
            "best_score": 10.0,
            "max_score": 10.0,
            "attempts": 3,
            "last_day": "2026-11-19",
            "scores": [6.0, 10.0, 8.0],
            "tampered": 1,
            "best_tampered": True,
        },
    ]


def test_a_tampered_attempt_that_is_not_the_best(db: Database) -> None:
    record_attempt(
        db,
        GradeReport(
            "resnet", 2.0, 10.0, "cpu", "quick", 3.0, started_at="2026-11-18T12:00:00Z"
        ).to_dict()
        | {"tampered": True},
    )
    _grade(db, "resnet", 8.0, 10.0, "2026-11-19")
    (grade,) = weekly_report(db, "2026-W47").grades
    assert (grade.best_score, grade.tampered, grade.best_tampered) == (8.0, 1, False)


def test_empty_week(db: Database) -> None:
    report = weekly_report(db, "2026-W47")
    assert [day.minutes for day in report.days] == [0] * 7
    assert [day.day.weekday() for day in report.days] == list(range(7))
    assert (report.topics, report.grades, report.total_minutes) == ([], [], 0)


def test_week_defaults_to_the_one_holding_today(week_db: Database) -> None:
    assert weekly_report(week_db, today=TODAY).period.label == "2026-W47"
    assert weekly_report(week_db, "last", today=TODAY).period.label == "2026-W46"


def test_year_boundary(db: Database) -> None:
    _study(db, date(2025, 12, 29), 60, "CNN")
    _study(db, date(2025, 12, 28), 30, "RNN")
    report = weekly_report(db, "2026-W01")
    assert (report.period.start, report.period.end) == (date(2025, 12, 29), date(2026, 1, 4))
    assert (report.total_minutes, report.topics) == (60, [TopicTotal("CNN", 60)])


# --- other periods ----------------------------------------------------------------------------

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


def test_periods() -> None:
    assert day_period(TODAY).label == "2026-11-21"
    assert (day_period(TODAY).start, day_period(TODAY).end, day_period(TODAY).days) == (
        TODAY,
        TODAY,
        1,
    )
    feb = month_period(2028, 2)
    assert (feb.label, feb.start, feb.end, feb.days) == (
        "2028-02",
        date(2028, 2, 1),
        date(2028, 2, 29),
        29,
    )
    last = last_days_period(14, TODAY)
    assert (last.kind, last.label, last.start, last.end, last.days) == (
        "last",
        "last 14 days",
        date(2026, 11, 8),
        TODAY,
        14,
    )


@pytest.mark.parametrize("count", [0, -3, 3661])
def test_last_days_refuses_out_of_range(count: int) -> None:
    with pytest.raises(UsageError) as caught:
        last_days_period(count, TODAY)
    assert caught.value.message == (
        f"--last takes a number of days from 1 to 3660: {count}. Pass e.g. --last 14"
    )


def test_monthly_report_counts_the_whole_month(week_db: Database) -> None:
    report = build_report(week_db, month_period(2026, 11), today=TODAY)
    assert len(report.days) == 30
    assert report.total_minutes == 600 + 285 + 90
    assert [grade.assignment for grade in report.grades] == ["lstm", "resnet", "vit"]
    resnet = report.grades[1]
    assert (resnet.best_score, resnet.attempts, resnet.scores) == (10.0, 4, (10.0, 6.0, 9.5, 8.0))


def test_daily_report_and_last_days(week_db: Database) -> None:
    day = build_report(week_db, day_period(date(2026, 11, 16)), today=TODAY)
    assert day.days == [DayTotal(date(2026, 11, 16), 150)]
    assert [(e.id, e.minutes, e.topic) for e in day.entries] == [
        (2, 120, "CNN"),
        (3, 30, "합성곱 신경망"),
    ]
    assert day.to_json()["entries"][0] == {
        "id": 2,
        "day": "2026-11-16",
        "minutes": 120,
        "topic": "CNN",
        "note": None,
        "started_at": None,
        "ended_at": None,
    }
    assert day.topics == [TopicTotal("CNN", 120), TopicTotal("합성곱 신경망", 30)]
    last = build_report(week_db, last_days_period(3, date(2026, 11, 17)), today=TODAY)
    assert [d.minutes for d in last.days] == [600, 150, 30]
    assert last.day_topics == [
        DayTopic(date(2026, 11, 15), "CNN", 600),
        DayTopic(date(2026, 11, 16), "CNN", 120),
        DayTopic(date(2026, 11, 16), "합성곱 신경망", 30),
        DayTopic(date(2026, 11, 17), "Attention", 30),
    ]


def test_best_of_equal_scores_is_the_latest(db: Database) -> None:
    _grade(db, "vit", 4.0, 4.0, "2026-11-16")
    _grade(db, "vit", 4.0, 5.0, "2026-11-18")
    (grade,) = weekly_report(db, "2026-W47").grades
    assert (grade.best_score, grade.max_score, grade.last_day) == (4.0, 5.0, date(2026, 11, 18))


def test_topic_results_meet_hours_and_grades_ignoring_case(week_db: Database) -> None:
    _study(week_db, date(2026, 11, 20), 15, "cnn")
    report = weekly_report(
        week_db, "2026-W47", assignment_topics={"resnet": "CNN", "lstm": "RNN", "vit": "ViT"}
    )
    resnet = report.grades[1]
    lstm = report.grades[0]
    assert report.topic_results == [
        TopicResult("CNN", 195, (resnet,)),
        TopicResult("RNN", 45, (lstm,)),
        TopicResult("Attention", 30, ()),
        TopicResult("합성곱 신경망", 30, ()),
    ]
    assert report.topic_results[0].attempts == 3


def test_topic_with_attempts_but_no_study_time_is_listed(db: Database) -> None:
    _grade(db, "aae", 50.0, 100.0, "2026-11-17")
    report = weekly_report(db, "2026-W47", assignment_topics={"aae": "Generative"})
    assert [(r.topic, r.minutes, r.attempts) for r in report.topic_results] == [
        ("Generative", 0, 1)
    ]


def test_report_gathers_notes_problems_retro_goals_and_questions(db: Database) -> None:
    log_study(
        db, minutes=90, topic="CNN", day=date(2026, 11, 17), note=" skip connections ", today=TODAY
    )
    log_study(db, minutes=60, topic="CNN", day=date(2026, 11, 18), today=TODAY)
    for new in (
        NewAttempt("boj", "5525", title="IOIOI", status="solved", day=date(2026, 11, 17)),
        NewAttempt("boj", "5525", status="solved", day=date(2026, 11, 18)),
        NewAttempt("boj", "1000", status="failed", day=date(2026, 11, 18)),
        NewAttempt("boj", "2000", status="solved", day=date(2026, 11, 9)),
    ):
        add_attempt(db, new, today=TODAY, now=NOW)
    first = write_retro(
        db, date(2026, 11, 17), keep=["TIL"], try_=["sleep", "read"], today=TODAY, now=NOW
    )
    sleep, read = (item.id for item in first.tries)
    write_retro(db, date(2026, 11, 18), kept=[sleep], carried=[read], today=TODAY, now=NOW)
    set_goals(db, "2026-W47", hours=5, problems=4, now=NOW)
    set_goals(db, "2026-W48", hours=40, now=NOW)
    asked = add_question(db, "Why tanh?", topic="RNN", day=TODAY, today=TODAY, now=NOW)

    report = weekly_report(db, "2026-W47")
    assert report.notes == [StudyNote(date(2026, 11, 17), "CNN", 90, "skip connections")]
    assert [(p.number, p.status) for p in report.problems] == [
        ("5525", "solved"),
        ("5525", "solved"),
        ("1000", "failed"),
    ]
    assert report.problems_solved == 1
    assert report.retro is not None
    assert [item.text for item in report.retro.tries] == ["sleep", "read", "read"]
    assert (report.retro.kept, report.retro.carried, report.retro.open) == (1, 1, 1)
    assert report.retro.completion_rate == 0.5
    assert [(g.label, g.actual, g.percent) for g in report.goals] == [
        ("Study time", 2.5, 50.0),
        ("Problems solved", 1, 25.0),
    ]
    assert report.questions == [asked]


def test_goals_of_every_week_a_month_touches_up_to_today(db: Database) -> None:
    set_goals(db, "2026-W44", hours=10, now=NOW)  # 26 Oct to 1 Nov: touches November
    set_goals(db, "2026-W48", hours=10, now=NOW)  # 23 to 29 Nov: after TODAY
    log_study(db, minutes=60, topic="CNN", day=date(2026, 10, 30), today=TODAY)
    report = build_report(db, month_period(2026, 11), today=TODAY)
    assert [(g.goal.week, g.actual, g.until) for g in report.goals] == [
        ("2026-W44", 1.0, date(2026, 11, 1)),  # its Sunday
        ("2026-W48", 0.0, TODAY),
    ]


# --- streaks and the calendar ---------------------------------------------------------------


def test_streaks() -> None:
    days = [date(2026, 11, d) for d in (1, 2, 3, 10, 11, 19, 20)]
    assert longest_streak(days) == 3
    assert longest_streak([]) == 0
    assert current_streak(days, date(2026, 11, 20)) == 2
    assert current_streak(days, date(2026, 11, 21)) == 2  # nothing yet today: still alive
    assert current_streak(days, date(2026, 11, 22)) == 0
    assert current_streak([*days, date(2026, 11, 21)], date(2026, 11, 21)) == 3


def test_study_calendar(db: Database) -> None:
    for day in (date(2025, 11, 20), date(2025, 11, 21), date(2026, 11, 19), date(2026, 11, 20)):
        _study(db, day, 30, "CNN")
    _study(db, date(2026, 11, 20), 40, "RNN")
    cal = study_calendar(db, TODAY, today=TODAY, days=365)
    assert (cal.start, cal.end) == (date(2025, 11, 22), TODAY)
    assert cal.minutes == {date(2026, 11, 19): 30, date(2026, 11, 20): 70}
    assert (cal.study_days, cal.total_minutes) == (2, 100)
    assert (cal.current_streak, cal.longest_streak) == (2, 2)
    assert cal.to_json()["minutes"] == {"2026-11-19": 30, "2026-11-20": 70}
