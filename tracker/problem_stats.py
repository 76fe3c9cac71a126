"""Coding-test statistics: solved per tag and site, median time, weak tags and streaks.

:func:`problem_stats` aggregates the attempts of a span of days (:mod:`tracker.problems`)
and adds the solving streaks and the review queue (:mod:`tracker.review_queue`) as they
stand today; ``course problem stats`` shows what it returns.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlite_utils import Database

from tracker.dates import current_streak, longest_streak
from tracker.problems import ProblemAttempt, problems_between
from tracker.review_queue import ReviewItem, review_queue


@dataclass(frozen=True)
class WeakTag:
    """A tag with failed or hinted attempts.

    Attributes:
        tag: The tag.
        failures: Attempts with that tag that were failed or attempted without solving.
        hints: Attempts with that tag that used a hint (whatever their status).
    """

    tag: str
    failures: int
    hints: int

    @property
    def total(self) -> int:
        """``failures + hints``, what weak tags are ranked by."""
        return self.failures + self.hints

    def to_json(self) -> dict[str, Any]:
        """``{"tag": "dp", "failures": 2, "hints": 1}``."""
        return {"tag": self.tag, "failures": self.failures, "hints": self.hints}


@dataclass(frozen=True)
class ProblemStats:
    """Coding-test progress over a span of days (and streaks and reviews up to today).

    Attributes:
        solved_per_tag: ``(tag, distinct problems solved)`` for every tag with an attempt in
            the span (0 when none was solved), most solved first, then by tag.
        solved_per_site: ``(site, distinct problems solved)`` for every site with an attempt
            in the span, most solved first, then by site.
        attempts: Attempts in the span.
        solved: Distinct problems (site and number) with a solved attempt in the span.
        median_minutes: Median time of the span's solved attempts that have a time, in
            minutes (``statistics.median``), or ``None`` when there are none.
        weak_tags: Tags with at least one failed or hinted attempt in the span, most
            ``failures + hints`` first, ties by tag.
        current_streak: Consecutive days with a solved attempt ending today, or ending
            yesterday when nothing is solved yet today (0 when neither day has one).
            Counted over all attempts, not only the span's.
        longest_streak: The longest run of consecutive days with a solved attempt, ever.
        review_queue: :func:`tracker.review_queue.review_queue` on ``today`` (all attempts,
            not only the span's).
        today: The day the streak and review queue are measured on.
        start: The span's first day, or ``None`` for no lower bound.
        end: The span's last day, or ``None`` for no upper bound.
        attempts_per_tag: ``(tag, attempts)``, in the order of :attr:`solved_per_tag`.
        attempts_per_site: ``(site, attempts)``, in the order of :attr:`solved_per_site`.
    """

    solved_per_tag: list[tuple[str, int]]
    solved_per_site: list[tuple[str, int]]
    attempts: int
    solved: int
    median_minutes: float | None
    weak_tags: list[WeakTag]
    current_streak: int
    longest_streak: int
    review_queue: list[ReviewItem]
    today: date
    start: date | None = None
    end: date | None = None
    attempts_per_tag: list[tuple[str, int]] = field(default_factory=list)
    attempts_per_site: list[tuple[str, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The statistics as JSON-ready data (dates as ISO strings)."""
        tag_attempts = dict(self.attempts_per_tag)
        site_attempts = dict(self.attempts_per_site)
        return {
            "today": self.today.isoformat(),
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "attempts": self.attempts,
            "solved": self.solved,
            "median_minutes": self.median_minutes,
            "solved_per_tag": [
                {"tag": tag, "solved": solved, "attempts": tag_attempts.get(tag, 0)}
                for tag, solved in self.solved_per_tag
            ],
            "solved_per_site": [
                {"site": site, "solved": solved, "attempts": site_attempts.get(site, 0)}
                for site, solved in self.solved_per_site
            ],
            "weak_tags": [weak.to_json() for weak in self.weak_tags],
            "current_streak": self.current_streak,
            "longest_streak": self.longest_streak,
            "review_queue": [item.to_json(self.today) for item in self.review_queue],
        }


# --- statistics -----------------------------------------------------------------------------


def problem_stats(
    db: Database, today: date, start: date | None = None, end: date | None = None
) -> ProblemStats:
    """Coding-test progress between ``start`` and ``end`` (both included).

    Counts, median time and weak tags cover the span; the streaks cover every attempt up
    to ``today`` and the review queue is :func:`tracker.review_queue.review_queue` on
    ``today``. See :class:`ProblemStats` for each figure's definition.

    Args:
        db: The tracker database.
        today: The local date the streaks and the review queue are measured on.
        start: The span's first day, or ``None`` for all earlier days.
        end: The span's last day, or ``None`` for all later days.
    """
    attempts = problems_between(db, start, end)
    solved = [attempt for attempt in attempts if attempt.status == "solved"]

    per_tag: dict[str, list[ProblemAttempt]] = defaultdict(list)
    per_site: dict[str, list[ProblemAttempt]] = defaultdict(list)
    for attempt in attempts:
        per_site[attempt.site].append(attempt)
        for tag in attempt.tags:
            per_tag[tag].append(attempt)
    tag_rows = _solved_and_attempts(per_tag)
    site_rows = _solved_and_attempts(per_site)

    weak = [
        WeakTag(
            tag,
            sum(1 for attempt in group if attempt.status != "solved"),
            sum(1 for attempt in group if attempt.used_hint),
        )
        for tag, group in per_tag.items()
    ]
    weak_tags = sorted(
        (tag for tag in weak if tag.total > 0), key=lambda tag: (-tag.total, tag.tag)
    )

    times = [attempt.minutes for attempt in solved if attempt.minutes is not None]
    solved_days = {
        date.fromisoformat(row["day"])
        for row in db.query(
            "SELECT DISTINCT day FROM problems WHERE status = 'solved' AND day <= ?",
            [today.isoformat()],
        )
    }
    return ProblemStats(
        solved_per_tag=[(name, solved_count) for name, solved_count, _ in tag_rows],
        solved_per_site=[(name, solved_count) for name, solved_count, _ in site_rows],
        attempts=len(attempts),
        solved=len({(attempt.site, attempt.number) for attempt in solved}),
        median_minutes=float(statistics.median(times)) if times else None,
        weak_tags=weak_tags,
        current_streak=current_streak(solved_days, today),
        longest_streak=longest_streak(solved_days),
        review_queue=review_queue(db, today),
        today=today,
        start=start,
        end=end,
        attempts_per_tag=[(name, count) for name, _, count in tag_rows],
        attempts_per_site=[(name, count) for name, _, count in site_rows],
    )


def _solved_and_attempts(
    groups: dict[str, list[ProblemAttempt]],
) -> list[tuple[str, int, int]]:
    """``(name, distinct problems solved, attempts)`` per group, most solved first."""
    rows = [
        (
            name,
            len({(a.site, a.number) for a in group if a.status == "solved"}),
            len(group),
        )
        for name, group in groups.items()
    ]
    return sorted(rows, key=lambda row: (-row[1], row[0]))
