"""tracker.problem_stats: solved per tag and site, median time, weak tags and streaks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from tests.tracker.problem_data import TODAY, six_attempts
from tests.tracker.problem_data import add as _add
from tests.tracker.problem_data import day as _day
from tracker.dates import current_streak, longest_streak
from tracker.problem_stats import WeakTag, problem_stats
from tracker.store import open_db


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


@pytest.fixture
def listed(db: Database) -> Database:
    """Six attempts over four days on three sites."""
    return six_attempts(db)


# --- streaks and statistics -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("offsets", "current"),
    [
        ([0, -1, -2], 3),  # ends today
        ([-1, -2, -3], 3),  # nothing yet today: ends yesterday
        ([0, -2, -3], 1),  # a gap yesterday
        ([-2, -3], 0),  # neither today nor yesterday
        ([], 0),
        ([0], 1),
    ],
)
def test_current_streak(offsets: list[int], current: int) -> None:
    assert current_streak([TODAY + timedelta(days=d) for d in offsets], TODAY) == current


@pytest.mark.parametrize(
    ("offsets", "longest"),
    [([], 0), ([5], 1), ([1, 2, 3, 7, 8], 3), ([1, 3, 5], 1), ([9, 8, 7, 7, 1, 2], 3)],
)
def test_longest_streak(offsets: list[int], longest: int) -> None:
    assert longest_streak([_day(d) for d in offsets]) == longest


def test_streaks_count_days_with_a_solved_attempt(db: Database) -> None:
    # 2026-11-15 .. 11-17 solved (one with a hint), 11-18 only failed, 11-19 .. 11-20 solved.
    for day in (15, 16, 19, 20):
        _add(db, day=date(2026, 11, day))
    _add(db, "boj", "1", used_hint=True, day=date(2026, 11, 17))
    _add(db, "boj", "2", status="failed", day=date(2026, 11, 18))
    _add(db, "boj", "3", status="attempted", day=TODAY)
    stats = problem_stats(db, TODAY)
    assert (stats.current_streak, stats.longest_streak) == (2, 3)
    # With --since the streaks still count every attempt.
    since = problem_stats(db, TODAY, start=date(2026, 11, 19))
    assert (since.current_streak, since.longest_streak) == (2, 3)
    # A day later, yesterday (the 21st) had no solve: the streak is broken.
    assert problem_stats(db, date(2026, 11, 22)).current_streak == 0


def test_weak_tags_ranked_by_failures_and_hints_ties_by_name(db: Database) -> None:
    _add(db, "boj", "1", tags=["dp"], status="failed", day=_day(0))
    _add(db, "boj", "1", tags=["dp"], status="attempted", day=_day(1))
    _add(db, "boj", "2", tags=["graph", "bfs"], used_hint=True, day=_day(1))
    _add(db, "boj", "3", tags=["greedy"], status="failed", used_hint=True, day=_day(2))
    _add(db, "boj", "4", tags=["math", "bfs"], day=_day(2))  # clean: math is not weak
    _add(db, "boj", "5", tags=["tree"], status="failed", day=_day(2))
    assert problem_stats(db, TODAY).weak_tags == [
        WeakTag("dp", 2, 0),
        WeakTag("greedy", 1, 1),  # a failed attempt with a hint counts twice
        WeakTag("bfs", 0, 1),
        WeakTag("graph", 0, 1),
        WeakTag("tree", 1, 0),
    ]


def test_problem_stats(listed: Database) -> None:
    _add(listed, "boj", "5525", minutes=30, day=_day(4))  # a second solve of 5525
    _add(listed, "leetcode", "two-sum", minutes=45, status="failed", day=_day(4))
    stats = problem_stats(listed, TODAY)
    assert stats.attempts == 8
    assert stats.solved == 4  # boj 5525, boj 1000, leetcode two-sum, other x
    assert stats.solved_per_site == [("boj", 2), ("leetcode", 1), ("other", 1), ("programmers", 0)]
    assert stats.attempts_per_site == [
        ("boj", 4),
        ("leetcode", 2),
        ("other", 1),
        ("programmers", 1),
    ]
    assert stats.solved_per_tag == [
        ("hash", 1),
        ("kmp", 1),
        ("math", 1),
        ("string", 1),
    ]
    assert stats.attempts_per_tag == [("hash", 3), ("kmp", 3), ("math", 1), ("string", 4)]
    assert stats.median_minutes == 30.0  # only solved attempts with a time: [30]
    assert stats.weak_tags == [
        WeakTag("hash", 2, 1),
        WeakTag("string", 2, 0),
        WeakTag("kmp", 1, 0),
    ]
    assert [(item.site, item.number, item.due) for item in stats.review_queue] == [
        ("programmers", "42576", _day(4)),
        ("boj", "5525", _day(5)),  # due day 1, solved day 2: next due 2 + 3; day 4 is early
        ("leetcode", "two-sum", _day(5)),
    ]


def test_problem_stats_median_and_span(db: Database) -> None:
    _add(db, "boj", "1", minutes=20, day=_day(0))
    _add(db, "boj", "2", minutes=45, day=_day(1))
    _add(db, "boj", "3", minutes=90, status="failed", day=_day(1))  # not a solved attempt
    _add(db, "boj", "4", minutes=30, used_hint=True, day=_day(2))  # solved with a hint counts
    _add(db, "boj", "5", day=_day(2))  # no time: left out
    assert problem_stats(db, TODAY).median_minutes == 30.0
    later = problem_stats(db, TODAY, start=_day(1))
    assert (later.attempts, later.solved, later.median_minutes) == (4, 3, 37.5)
    assert problem_stats(db, TODAY, start=_day(1), end=_day(1)).attempts == 2
    assert problem_stats(db, TODAY, start=_day(3)).median_minutes is None


def test_problem_stats_empty(db: Database) -> None:
    stats = problem_stats(db, TODAY)
    assert stats.to_json() == {
        "today": "2026-11-21",
        "start": None,
        "end": None,
        "attempts": 0,
        "solved": 0,
        "median_minutes": None,
        "solved_per_tag": [],
        "solved_per_site": [],
        "weak_tags": [],
        "current_streak": 0,
        "longest_streak": 0,
        "review_queue": [],
    }


def test_problem_stats_to_json(db: Database) -> None:
    _add(db, "boj", "5525", title="IOIOI", tags=["kmp"], minutes=60, day=date(2026, 11, 19))
    _add(db, "boj", "1000", tags=["kmp"], status="failed", day=date(2026, 11, 20))
    data = problem_stats(db, TODAY, start=date(2026, 11, 1)).to_json()
    assert data == {
        "today": "2026-11-21",
        "start": "2026-11-01",
        "end": None,
        "attempts": 2,
        "solved": 1,
        "median_minutes": 60.0,
        "solved_per_tag": [{"tag": "kmp", "solved": 1, "attempts": 2}],
        "solved_per_site": [{"site": "boj", "solved": 1, "attempts": 2}],
        "weak_tags": [{"tag": "kmp", "failures": 1, "hints": 0}],
        "current_streak": 0,
        "longest_streak": 1,
        "review_queue": [
            {
                "site": "boj",
                "number": "1000",
                "title": None,
                "due": "2026-11-21",
                "interval_days": 1,
                "last_day": "2026-11-20",
                "reason": "failed",
                "is_due": True,
                "overdue_days": 0,
            }
        ],
    }
