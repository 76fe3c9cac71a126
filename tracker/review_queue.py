"""The review queue: which coding-test problems are due for another try, by spaced repetition.

An attempt that is not a clean solve (failed, attempted, or solved with a hint) puts its
problem in the queue, due 1 day later; clean solves on or after the due day move it on to 3
and then 7 days, and the clean solve of the 7-day review takes it out. The rules in full are
on :func:`review_queue`. :func:`log_attempt` records an attempt
(:func:`tracker.problems.add_attempt`) and says what it did to the problem's place in the
queue, which is what ``course problem add`` shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from tracker.problems import (
    NewAttempt,
    ProblemAttempt,
    add_attempt,
    problem_history,
    problems_between,
)

REVIEW_INTERVALS = (1, 3, 7)
"""Days from a failed or hinted attempt (1), then from each clean review (3, 7), to the next."""


@dataclass(frozen=True)
class ReviewItem:
    """A problem in the review queue.

    Attributes:
        site: One of :data:`tracker.problems.SITES`.
        number: The problem on that site.
        title: The title of its latest attempt that has one, or ``None``.
        due: The day it is due for another try.
        interval_days: The review step it is on: 1, 3 or 7 (days between the attempt that
            set :attr:`due` and :attr:`due`).
        last_day: The day of the problem's latest attempt.
        reason: Why it entered the queue: ``"failed"`` (failed or attempted without
            solving) or ``"hint"`` (solved with a hint), from the latest such attempt.
    """

    site: str
    number: str
    title: str | None
    due: date
    interval_days: int
    last_day: date
    reason: str

    @property
    def label(self) -> str:
        """Site and number: ``"boj 5525"``."""
        return f"{self.site} {self.number}"

    def overdue_days(self, today: date) -> int:
        """Days past :attr:`due` on ``today`` (0 when due today or later)."""
        return max(0, (today - self.due).days)

    def is_due(self, today: date) -> bool:
        """Whether it is due on ``today`` (due today or earlier)."""
        return self.due <= today

    def to_json(self, today: date | None = None) -> dict[str, Any]:
        """The item with ISO dates; with ``today``, also ``is_due`` and ``overdue_days``."""
        data: dict[str, Any] = {
            "site": self.site,
            "number": self.number,
            "title": self.title,
            "due": self.due.isoformat(),
            "interval_days": self.interval_days,
            "last_day": self.last_day.isoformat(),
            "reason": self.reason,
        }
        if today is not None:
            data["is_due"] = self.is_due(today)
            data["overdue_days"] = self.overdue_days(today)
        return data


@dataclass(frozen=True)
class AddedAttempt:
    """What :func:`log_attempt` recorded and what it means for the review queue.

    Attributes:
        attempt: The stored attempt.
        number: Which attempt at this problem it is (1 for the first one recorded).
        review: The problem's place in the review queue after this attempt, or ``None``
            when it is not in the queue.
        left_review: Whether this attempt took the problem out of the queue (the clean
            solve of its 7-day review).
    """

    attempt: ProblemAttempt
    number: int
    review: ReviewItem | None
    left_review: bool


def log_attempt(db: Database, new: NewAttempt, *, today: date, now: datetime) -> AddedAttempt:
    """Record an attempt (:func:`tracker.problems.add_attempt`), then say where it stands.

    What ``course problem add`` calls. Arguments, errors and the stored row are those of
    :func:`tracker.problems.add_attempt`.

    Returns:
        The attempt, which attempt at the problem it is, and its review-queue state on
        ``today`` (see :func:`review_queue`).
    """
    attempt = add_attempt(db, new, today=today, now=now)
    history = problem_history(db, attempt.site, attempt.number)
    before = _review_state([old for old in history if old.id != attempt.id])
    after = _review_state(history)
    return AddedAttempt(attempt, len(history), after, before is not None and after is None)


def review_queue(db: Database, today: date) -> list[ReviewItem]:
    """Problems due for another try, soonest due first (then by site and number).

    Spaced repetition over each problem's attempts (same site and number), taken in order
    of day and then id, up to ``today``:

    - An attempt that is not a clean solve — ``failed``, ``attempted`` (counts as failed)
      or ``solved`` with a hint — puts the problem in the queue, or back to its first
      step: due 1 day after that attempt's day (``interval_days`` 1, ``reason`` ``failed``
      or ``hint``; a failed attempt with a hint is ``failed``).
    - A clean solve (``solved`` without a hint) on or after the due day moves it to the
      next step, due 3 days after that solve's day, then 7 days after the next one. The
      clean solve of the 7-day step takes it out of the queue.
    - A clean solve before the due day changes nothing (the review is still due then).
    - A clean solve of a problem that is not in the queue changes nothing.

    So a problem failed on the 1st and then solved cleanly on the 2nd, 5th and 12th
    leaves the queue on the 12th; solved on the 2nd, 4th, 5th and 12th the same (the 4th
    is early).

    Args:
        db: The tracker database.
        today: The local date; later attempts are ignored.

    Returns:
        Every problem in the queue, due ones (on or before ``today``) and upcoming ones.
    """
    attempts = problems_between(db, end=today)
    items = [item for history in _by_problem(attempts).values() if (item := _review_state(history))]
    return sorted(items, key=lambda item: (item.due, item.site, item.number))


# --- helpers --------------------------------------------------------------------------------


def _by_problem(attempts: Iterable[ProblemAttempt]) -> dict[tuple[str, str], list[ProblemAttempt]]:
    groups: dict[tuple[str, str], list[ProblemAttempt]] = defaultdict(list)
    for attempt in attempts:
        groups[(attempt.site, attempt.number)].append(attempt)
    return groups


def _review_state(history: Sequence[ProblemAttempt]) -> ReviewItem | None:
    """The review-queue state after one problem's attempts, given oldest first."""
    due: date | None = None
    step = 0
    reason = "failed"
    for attempt in history:
        if attempt.needs_review:
            due, step = attempt.day + timedelta(days=REVIEW_INTERVALS[0]), 0
            reason = "failed" if attempt.status != "solved" else "hint"
        elif due is not None and attempt.day >= due:
            step += 1
            if step == len(REVIEW_INTERVALS):
                due = None
            else:
                due = attempt.day + timedelta(days=REVIEW_INTERVALS[step])
    if due is None:
        return None
    last = history[-1]
    title = next((attempt.title for attempt in reversed(history) if attempt.title), None)
    return ReviewItem(last.site, last.number, title, due, REVIEW_INTERVALS[step], last.day, reason)
