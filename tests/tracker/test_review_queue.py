"""tracker.review_queue: the spaced-repetition rules, its items, and logging an attempt."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from tests.tracker.problem_data import NOW, TODAY
from tests.tracker.problem_data import add as _add
from tests.tracker.problem_data import day as _day
from tracker.problems import NewAttempt
from tracker.review_queue import ReviewItem, log_attempt, review_queue
from tracker.store import open_db


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


# --- the review queue -----------------------------------------------------------------------

# Each step: (day offset from D0, status, used_hint); the expected state after all steps:
# (due offset from D0, interval) or None when the problem is not in the queue.
Step = tuple[int, str, bool]


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        pytest.param([(0, "failed", False)], (1, 1), id="fail: due the next day"),
        pytest.param([(0, "attempted", False)], (1, 1), id="attempted counts as failed"),
        pytest.param([(0, "solved", True)], (1, 1), id="solved with a hint"),
        pytest.param([(0, "solved", False)], None, id="clean solve: never queued"),
        pytest.param([(0, "failed", False), (0, "solved", False)], (1, 1), id="same day"),
        pytest.param([(0, "failed", False), (1, "solved", False)], (4, 3), id="on due: +3"),
        pytest.param([(0, "failed", False), (3, "solved", False)], (6, 3), id="late: from then"),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (3, "solved", False)],
            (4, 3),
            id="early solve does not advance",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (4, "solved", False)],
            (11, 7),
            id="3 then 7",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (4, "solved", False),
             (11, "solved", False)],
            None,
            id="after 7 it leaves",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (4, "solved", False),
             (10, "solved", False)],
            (11, 7),
            id="early 7-day solve stays",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (4, "solved", True)],
            (5, 1),
            id="hint resets to 1",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (4, "solved", False),
             (12, "failed", False)],
            (13, 1),
            id="failure at 7 resets",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (2, "attempted", False)],
            (3, 1),
            id="attempted resets",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (4, "solved", False),
             (11, "solved", False), (12, "solved", False), (13, "failed", False)],
            (14, 1),
            id="fail after leaving: back in",
        ),
    ],
)  # fmt: skip
def test_review_queue_transitions(
    db: Database, steps: list[Step], expected: tuple[int, int] | None
) -> None:
    for offset, status, hint in steps:
        _add(db, day=_day(offset), status=status, used_hint=hint)
    queue = review_queue(db, TODAY)
    if expected is None:
        assert queue == []
    else:
        due, interval = expected
        assert [(item.due, item.interval_days) for item in queue] == [(_day(due), interval)]
        assert queue[0].last_day == _day(max(offset for offset, _, _ in steps))


def test_review_queue_attempts_of_one_day_go_in_id_order(db: Database) -> None:
    _add(db, day=_day(1), status="solved")
    _add(db, day=_day(1), status="failed")  # the failure came after the solve
    assert [(item.due, item.interval_days) for item in review_queue(db, TODAY)] == [(_day(2), 1)]


def test_review_queue_backdated_attempt_is_taken_in_day_order(db: Database) -> None:
    _add(db, day=_day(1), status="solved")
    _add(db, day=_day(0), status="failed")  # recorded later, happened earlier
    assert [(item.due, item.interval_days) for item in review_queue(db, TODAY)] == [(_day(4), 3)]


def test_review_item_fields_and_order(db: Database) -> None:
    _add(db, "boj", "5525", title="IOIOI", status="failed", day=_day(10))
    _add(db, "boj", "5525", status="solved", day=_day(11))  # due 14, step 3
    _add(db, "leetcode", "two-sum", used_hint=True, day=_day(2))  # due 3
    _add(db, "boj", "1000", status="failed", used_hint=True, day=_day(2))  # due 3, failed
    _add(db, "boj", "2000", day=_day(2))  # clean: not queued
    assert review_queue(db, TODAY) == [
        ReviewItem("boj", "1000", None, _day(3), 1, _day(2), "failed"),
        ReviewItem("leetcode", "two-sum", None, _day(3), 1, _day(2), "hint"),
        ReviewItem("boj", "5525", "IOIOI", _day(14), 3, _day(11), "failed"),
    ]


def test_review_item_overdue(db: Database) -> None:
    item = ReviewItem("boj", "1", None, date(2026, 11, 19), 1, date(2026, 11, 18), "failed")
    assert (item.is_due(TODAY), item.overdue_days(TODAY)) == (True, 2)
    assert (item.is_due(date(2026, 11, 19)), item.overdue_days(date(2026, 11, 19))) == (True, 0)
    assert (item.is_due(date(2026, 11, 18)), item.overdue_days(date(2026, 11, 18))) == (False, 0)
    assert item.to_json(TODAY) == {
        "site": "boj",
        "number": "1",
        "title": None,
        "due": "2026-11-19",
        "interval_days": 1,
        "last_day": "2026-11-18",
        "reason": "failed",
        "is_due": True,
        "overdue_days": 2,
    }
    assert "is_due" not in item.to_json()


def test_review_queue_ignores_attempts_after_today(db: Database) -> None:
    _add(db, day=_day(0), status="failed")
    _add(db, day=_day(1), status="solved")
    assert [(item.due, item.interval_days) for item in review_queue(db, _day(0))] == [(_day(1), 1)]
    assert review_queue(db, _day(0) - timedelta(days=1)) == []


def test_log_attempt_numbers_attempts_and_reports_the_queue(db: Database) -> None:
    def log(offset: int, status: str = "solved", **options: Any) -> tuple[int, Any, bool]:
        new = NewAttempt("boj", "5525", status=status, day=_day(offset), **options)
        added = log_attempt(db, new, today=TODAY, now=NOW)
        review = (added.review.due, added.review.interval_days) if added.review else None
        return added.number, review, added.left_review

    assert log(0) == (1, None, False)
    assert log(1, "failed") == (2, (_day(2), 1), False)
    assert log(2) == (3, (_day(5), 3), False)
    assert log(5) == (4, (_day(12), 7), False)
    assert log(12) == (5, None, True)
    assert log(13) == (6, None, False)
    other = log_attempt(db, NewAttempt("boj", "1000", day=_day(0)), today=TODAY, now=NOW)
    assert (other.number, other.attempt.id) == (1, 7)
