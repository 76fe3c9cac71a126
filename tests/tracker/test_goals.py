"""tracker.goals: weeks, setting and replacing goals, measuring progress, clearing goals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from core.errors import UsageError
from tracker.goals import (
    Goal,
    GoalProgress,
    clear_goals,
    goal_progress,
    goals_for_week,
    set_goals,
    week_bounds,
)
from tracker.store import insert, open_db

TODAY = date(2026, 11, 21)  # a Saturday in 2026-W47 (Mon 16 to Sun 22 November)
NOW = datetime(2026, 11, 21, 4, 49, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 21, 9, 30, tzinfo=timezone.utc)
WEEK = "2026-W47"
WEEK_FORMS = "Use YYYY-Www (e.g. 2026-W47, weeks 01 to 52 or 53), this, last or next"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


def _study(db: Database, day: str, minutes: int, topic: str) -> None:
    insert(
        db,
        "study_log",
        {"day": day, "minutes": minutes, "topic": topic, "created_at": f"{day}T12:00:00Z"},
    )


def _problem(db: Database, site: str, number: str, status: str, day: str) -> None:
    insert(
        db,
        "problems",
        {
            "site": site,
            "number": number,
            "status": status,
            "day": day,
            "created_at": f"{day}T12:00:00Z",
        },
    )


def _rows(db: Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM goals ORDER BY id"))


@pytest.fixture
def week_db(db: Database) -> Database:
    """Study time and problems in 2026-W47 and in the weeks around it."""
    _study(db, "2026-11-15", 600, "CNN")  # Sunday of W46: not counted
    _study(db, "2026-11-16", 120, "CNN")
    _study(db, "2026-11-18", 90, "cnn")
    _study(db, "2026-11-20", 180, "RNN")
    _study(db, "2026-11-22", 60, "Math")
    _study(db, "2026-11-23", 300, "CNN")  # Monday of W48: not counted
    _problem(db, "boj", "1000", "failed", "2026-11-16")
    _problem(db, "boj", "1000", "solved", "2026-11-17")
    _problem(db, "leetcode", "1000", "solved", "2026-11-18")
    _problem(db, "boj", "1001", "solved", "2026-11-19")
    _problem(db, "boj", "1000", "solved", "2026-11-21")  # solved again: counted once
    _problem(db, "boj", "1002", "attempted", "2026-11-20")
    _problem(db, "boj", "1003", "failed", "2026-11-20")
    _problem(db, "boj", "1004", "solved", "2026-11-15")  # W46
    _problem(db, "boj", "1005", "solved", "2026-11-23")  # W48
    return db


# --- weeks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("week", "bounds"),
    [
        ("2026-W47", (date(2026, 11, 16), date(2026, 11, 22))),
        ("2026-w1", (date(2025, 12, 29), date(2026, 1, 4))),
        ("2026-W53", (date(2026, 12, 28), date(2027, 1, 3))),
    ],
)
def test_week_bounds(week: str, bounds: tuple[date, date]) -> None:
    assert week_bounds(week) == bounds


@pytest.mark.parametrize("week", ["this", "2027-W53", "2026-47", ""])
def test_week_bounds_refuses(week: str) -> None:
    with pytest.raises(UsageError) as caught:
        week_bounds(week)
    assert caught.value.message == f"not an ISO week: {week!r}. Use YYYY-Www, e.g. 2026-W47"


# --- set_goals ------------------------------------------------------------------------------


def test_set_hours_goal(db: Database) -> None:
    assert set_goals(db, WEEK, hours=40, now=NOW) == [Goal(1, WEEK, "hours", None, 40.0)]
    assert _rows(db) == [
        {
            "id": 1,
            "week": WEEK,
            "kind": "hours",
            "topic": "",
            "target": 40.0,
            "created_at": "2026-11-21T04:49:00Z",
            "updated_at": "2026-11-21T04:49:00Z",
        }
    ]


def test_set_hours_and_problems_in_one_call(db: Database) -> None:
    goals = set_goals(db, "2026-w47", hours=12.5, problems=5, now=NOW)
    assert goals == [
        Goal(1, WEEK, "hours", None, 12.5),
        Goal(2, WEEK, "problems", None, 5.0),
    ]
    assert goals_for_week(db, WEEK) == goals


def test_set_topic_goal_keeps_the_topic_as_typed(db: Database) -> None:
    goals = set_goals(db, WEEK, hours=10, topic="  합성곱 CNN ", now=NOW)
    assert goals == [Goal(1, WEEK, "topic_hours", "합성곱 CNN", 10.0)]
    assert [(row["kind"], row["topic"]) for row in _rows(db)] == [("topic_hours", "합성곱 CNN")]


def test_topic_with_problems_sets_both(db: Database) -> None:
    goals = set_goals(db, WEEK, hours=10, problems=3, topic="CNN", now=NOW)
    assert goals == [
        Goal(1, WEEK, "topic_hours", "CNN", 10.0),
        Goal(2, WEEK, "problems", None, 3.0),
    ]


def test_setting_again_replaces_the_target(db: Database) -> None:
    set_goals(db, WEEK, hours=40, problems=5, now=NOW)
    assert set_goals(db, WEEK, hours=30, now=LATER) == [Goal(1, WEEK, "hours", None, 30.0)]
    rows = _rows(db)
    assert [(row["id"], row["kind"], row["target"]) for row in rows] == [
        (1, "hours", 30.0),
        (2, "problems", 5.0),
    ]
    assert (rows[0]["created_at"], rows[0]["updated_at"]) == (
        "2026-11-21T04:49:00Z",
        "2026-11-21T09:30:00Z",
    )
    assert rows[1]["updated_at"] == "2026-11-21T04:49:00Z"


def test_topic_goals_match_ignoring_case(db: Database) -> None:
    set_goals(db, WEEK, hours=10, topic="CNN", now=NOW)
    assert set_goals(db, WEEK, hours=12, topic="cnn", now=LATER) == [
        Goal(1, WEEK, "topic_hours", "cnn", 12.0)
    ]
    assert [(row["topic"], row["target"]) for row in _rows(db)] == [("cnn", 12.0)]


def test_goals_of_other_weeks_are_separate(db: Database) -> None:
    set_goals(db, WEEK, hours=40, now=NOW)
    set_goals(db, "2026-W48", hours=20, now=NOW)
    assert goals_for_week(db, WEEK) == [Goal(1, WEEK, "hours", None, 40.0)]
    assert goals_for_week(db, "2026-W48") == [Goal(2, "2026-W48", "hours", None, 20.0)]
    assert goals_for_week(db, "2026-W49") == []


def test_a_whole_week_of_hours_is_allowed(db: Database) -> None:
    assert set_goals(db, WEEK, hours=168, now=NOW)[0].target == 168.0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "no goal given. Pass e.g. --hours 40, --problems 5 or --topic CNN --hours 10"),
        (
            {"hours": 0},
            "an hours goal must be more than 0 and at most 168 (a week's hours): 0. "
            "Pass e.g. --hours 40",
        ),
        (
            {"hours": -2.5},
            "an hours goal must be more than 0 and at most 168 (a week's hours): -2.5. "
            "Pass e.g. --hours 40",
        ),
        (
            {"hours": 168.5, "problems": 3},
            "an hours goal must be more than 0 and at most 168 (a week's hours): 168.5. "
            "Pass e.g. --hours 40",
        ),
        ({"hours": float("nan")}, "hours must be a number: nan. Pass e.g. --hours 40"),
        ({"hours": float("inf")}, "hours must be a number: inf. Pass e.g. --hours 40"),
        (
            {"problems": 0},
            "a problems goal must be more than 0 and at most 1000: 0. Pass e.g. --problems 5",
        ),
        (
            {"hours": 40, "problems": -1},
            "a problems goal must be more than 0 and at most 1000: -1. Pass e.g. --problems 5",
        ),
        (
            {"topic": "CNN"},
            "no goal given. Pass e.g. --hours 40, --problems 5 or --topic CNN --hours 10",
        ),
        (
            {"topic": "CNN", "problems": 3},
            "--topic needs --hours: CNN. Set that topic's hours goal with --topic CNN --hours 10",
        ),
        (
            {"topic": "  ", "hours": 10},
            "the topic is empty. Name a topic, e.g. --topic CNN --hours 10",
        ),
        (
            {"topic": "CNN", "hours": 200},
            "an hours goal must be more than 0 and at most 168 (a week's hours): 200. "
            "Pass e.g. --hours 40",
        ),
    ],
)
def test_set_goals_refuses(db: Database, options: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        set_goals(db, WEEK, now=NOW, **options)  # type: ignore[arg-type]
    assert caught.value.message == message
    assert _rows(db) == []


def test_set_goals_refuses_a_bad_week(db: Database) -> None:
    with pytest.raises(UsageError) as caught:
        set_goals(db, "next", hours=10, now=NOW)
    assert caught.value.message == "not an ISO week: 'next'. Use YYYY-Www, e.g. 2026-W47"
    assert _rows(db) == []


def test_goals_for_week_order(db: Database) -> None:
    set_goals(db, WEEK, problems=4, now=NOW)
    set_goals(db, WEEK, hours=5, topic="rnn", now=NOW)
    set_goals(db, WEEK, hours=8, topic="CNN", now=NOW)
    set_goals(db, WEEK, hours=40, now=NOW)
    assert goals_for_week(db, WEEK) == [
        Goal(4, WEEK, "hours", None, 40.0),
        Goal(3, WEEK, "topic_hours", "CNN", 8.0),
        Goal(2, WEEK, "topic_hours", "rnn", 5.0),
        Goal(1, WEEK, "problems", None, 4.0),
    ]


# --- goal_progress --------------------------------------------------------------------------


def test_progress_over_the_whole_week(week_db: Database) -> None:
    set_goals(week_db, WEEK, hours=10, problems=4, now=NOW)
    set_goals(week_db, WEEK, hours=5, topic="Cnn", now=NOW)
    sunday = date(2026, 11, 22)
    assert goal_progress(week_db, WEEK) == [
        GoalProgress(Goal(1, WEEK, "hours", None, 10.0), 7.5, sunday),
        GoalProgress(Goal(3, WEEK, "topic_hours", "Cnn", 5.0), 3.5, sunday),
        GoalProgress(Goal(2, WEEK, "problems", None, 4.0), 3.0, sunday),
    ]
    assert [item.percent for item in goal_progress(week_db, WEEK)] == [75.0, 70.0, 75.0]


def test_progress_until_a_day_cuts_the_week(week_db: Database) -> None:
    set_goals(week_db, WEEK, hours=10, problems=4, now=NOW)
    set_goals(week_db, WEEK, hours=5, topic="CNN", now=NOW)
    wednesday = date(2026, 11, 18)
    progress = goal_progress(week_db, WEEK, until=wednesday)
    assert [(item.actual, item.until) for item in progress] == [
        (3.5, wednesday),
        (3.5, wednesday),
        (2.0, wednesday),
    ]
    assert [item.percent for item in progress] == [35.0, 70.0, 50.0]


def test_progress_until_after_the_week_stops_on_sunday(week_db: Database) -> None:
    set_goals(week_db, WEEK, hours=10, now=NOW)
    [item] = goal_progress(week_db, WEEK, until=date(2026, 12, 1))
    assert (item.actual, item.until) == (7.5, date(2026, 11, 22))


def test_progress_until_before_the_week_counts_nothing(week_db: Database) -> None:
    set_goals(week_db, WEEK, hours=10, problems=2, now=NOW)
    before = date(2026, 11, 15)
    assert [(item.actual, item.until) for item in goal_progress(week_db, WEEK, before)] == [
        (0.0, before),
        (0.0, before),
    ]


def test_progress_is_not_capped(week_db: Database) -> None:
    set_goals(week_db, WEEK, hours=2, topic="cnn", problems=2, now=NOW)
    assert [item.percent for item in goal_progress(week_db, WEEK)] == [175.0, 150.0]


def test_progress_of_a_topic_nobody_studied(week_db: Database) -> None:
    set_goals(week_db, WEEK, hours=3, topic="ViT", now=NOW)
    [item] = goal_progress(week_db, WEEK)
    assert (item.actual, item.percent) == (0.0, 0.0)


def test_progress_without_goals(week_db: Database) -> None:
    assert goal_progress(week_db, WEEK) == []


def test_progress_of_an_empty_week(db: Database) -> None:
    set_goals(db, WEEK, hours=10, problems=3, now=NOW)
    assert [item.actual for item in goal_progress(db, WEEK)] == [0.0, 0.0]


def test_progress_refuses_a_bad_week(db: Database) -> None:
    with pytest.raises(UsageError, match="not an ISO week: '2026-W99'"):
        goal_progress(db, "2026-W99")


def test_progress_properties_and_json() -> None:
    sunday = date(2026, 11, 22)
    hours = GoalProgress(Goal(1, WEEK, "hours", None, 10.0), 7.5, sunday)
    topic = GoalProgress(Goal(2, WEEK, "topic_hours", "CNN", 3.0), 1 / 3, sunday)
    problems = GoalProgress(Goal(3, WEEK, "problems", None, 4.0), 4.5, sunday)
    assert [item.label for item in (hours, topic, problems)] == [
        "Study time",
        "CNN",
        "Problems solved",
    ]
    assert [item.unit for item in (hours, topic, problems)] == ["h", "h", "problems"]
    assert [item.done for item in (hours, topic, problems)] == [False, False, True]
    assert problems.percent == 112.5
    assert topic.to_json() == {
        "id": 2,
        "week": WEEK,
        "kind": "topic_hours",
        "topic": "CNN",
        "target": 3.0,
        "label": "CNN",
        "unit": "h",
        "actual": 0.33,
        "percent": 11.1,
        "until": "2026-11-22",
    }
    assert hours.to_json()["topic"] is None


def test_percent_of_a_goal_without_target_is_zero() -> None:
    item = GoalProgress(Goal(1, WEEK, "hours", None, 0.0), 2.0, date(2026, 11, 22))
    assert item.percent == 0.0


def test_goal_from_row_and_json() -> None:
    row = {"id": 7, "week": WEEK, "kind": "problems", "topic": "", "target": 5}
    goal = Goal.from_row(row)
    assert goal == Goal(7, WEEK, "problems", None, 5.0)
    assert goal.to_json() == {
        "id": 7,
        "week": WEEK,
        "kind": "problems",
        "topic": None,
        "target": 5.0,
    }


# --- clear_goals ----------------------------------------------------------------------------


@pytest.fixture
def goals_db(db: Database) -> Database:
    """2026-W47: hours 40 (#1), problems 5 (#2), CNN 10 h (#3), RNN 4 h (#4); W48: hours 20."""
    set_goals(db, WEEK, hours=40, problems=5, now=NOW)
    set_goals(db, WEEK, hours=10, topic="CNN", now=NOW)
    set_goals(db, WEEK, hours=4, topic="RNN", now=NOW)
    set_goals(db, "2026-W48", hours=20, now=NOW)
    return db


def _left(db: Database) -> list[tuple[str, str, str]]:
    return [(row["week"], row["kind"], row["topic"]) for row in _rows(db)]


def test_clear_a_topic_goal_ignoring_case(goals_db: Database) -> None:
    assert clear_goals(goals_db, WEEK, topic=" cnn ") == [Goal(3, WEEK, "topic_hours", "CNN", 10.0)]
    assert _left(goals_db) == [
        (WEEK, "hours", ""),
        (WEEK, "problems", ""),
        (WEEK, "topic_hours", "RNN"),
        ("2026-W48", "hours", ""),
    ]


def test_clear_the_hours_goal(goals_db: Database) -> None:
    assert clear_goals(goals_db, WEEK, hours=True) == [Goal(1, WEEK, "hours", None, 40.0)]
    assert (WEEK, "hours", "") not in _left(goals_db)
    assert ("2026-W48", "hours", "") in _left(goals_db)
    assert len(_left(goals_db)) == 4


def test_clear_the_problems_goal(goals_db: Database) -> None:
    assert clear_goals(goals_db, WEEK, problems=True) == [Goal(2, WEEK, "problems", None, 5.0)]
    assert len(_left(goals_db)) == 4


def test_clear_all_goals_of_a_week(goals_db: Database) -> None:
    assert [goal.id for goal in clear_goals(goals_db, WEEK, all_goals=True)] == [1, 3, 4, 2]
    assert _left(goals_db) == [("2026-W48", "hours", "")]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {},
            "say which goal to clear with exactly one of --topic, --hours, --problems, --all: "
            "none given. Pass e.g. --topic CNN, or --all for every goal of the week",
        ),
        (
            {"topic": "CNN", "hours": True},
            "say which goal to clear with exactly one of --topic, --hours, --problems, --all: "
            "--topic and --hours. Pass e.g. --topic CNN, or --all for every goal of the week",
        ),
        (
            {"problems": True, "all_goals": True},
            "say which goal to clear with exactly one of --topic, --hours, --problems, --all: "
            "--problems and --all. Pass e.g. --topic CNN, or --all for every goal of the week",
        ),
        ({"topic": " "}, "the topic is empty. Name a topic, e.g. --topic CNN"),
        (
            {"topic": "ViT"},
            "no goal to clear: 2026-W47 has no hours goal for ViT. "
            "See them with course goal list --week 2026-W47",
        ),
    ],
)
def test_clear_goals_refuses(goals_db: Database, options: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        clear_goals(goals_db, WEEK, **options)  # type: ignore[arg-type]
    assert caught.value.message == message
    assert len(_left(goals_db)) == 5


@pytest.mark.parametrize(
    ("options", "what"),
    [
        ({"hours": True}, "2026-W49 has no total hours goal"),
        ({"problems": True}, "2026-W49 has no problems goal"),
        ({"all_goals": True}, "2026-W49 has no goals"),
    ],
)
def test_clear_nothing_matched(goals_db: Database, options: dict[str, bool], what: str) -> None:
    with pytest.raises(UsageError) as caught:
        clear_goals(goals_db, "2026-W49", **options)  # type: ignore[arg-type]
    assert caught.value.message == (
        f"no goal to clear: {what}. See them with course goal list --week 2026-W49"
    )
