"""Reports: everything a student did over a day, an ISO week, a month or the last N days.

:func:`build_report` gathers study time per day and topic, grade attempts (best and trend per
assignment, and per topic beside the hours spent on it), coding-test problems, the KPT retro
with its Try follow-up, goal achievement and open questions. :func:`study_calendar` gives the
year of study days behind ``course report streak``. Rendering (tables, JSON, CSV, Markdown)
lives in :mod:`course.render.report`.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any, Literal

from sqlite_utils import Database

from core.errors import UsageError
from tracker.dates import current_streak, longest_streak, week_label
from tracker.goals import GoalProgress, goal_progress
from tracker.problems import ProblemAttempt, problems_between
from tracker.questions import Question, open_questions
from tracker.retro import RetroSummary, retro_summary
from tracker.study import StudyEntry, list_entries

PeriodKind = Literal["daily", "weekly", "monthly", "last"]

MAX_LAST_DAYS = 3660
"""The longest ``--last N`` report, in days (about ten years)."""


@dataclass(frozen=True)
class Period:
    """The days a report covers, both ends included.

    Attributes:
        kind: ``daily``, ``weekly``, ``monthly`` or ``last`` (the last N days).
        start: The first day.
        end: The last day.
        label: How the report names it: ``2026-11-21``, ``2026-W47``, ``2026-11`` or
            ``last 14 days``.
    """

    kind: PeriodKind
    start: date
    end: date
    label: str

    @property
    def days(self) -> int:
        """How many days the period holds."""
        return (self.end - self.start).days + 1

    def to_json(self) -> dict[str, Any]:
        """``{"kind": "weekly", "label": "2026-W47", "start": ..., "end": ..., "days": 7}``."""
        return {
            "kind": self.kind,
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
        }


@dataclass(frozen=True)
class DayTotal:
    """Study time on one day.

    Attributes:
        day: The local day.
        minutes: Study time logged that day, in minutes (0 when none).
    """

    day: date
    minutes: int

    def to_json(self) -> dict[str, Any]:
        """``{"day": "2026-11-16", "minutes": 120, "hours": 2.0}``."""
        return {"day": self.day.isoformat(), "minutes": self.minutes, "hours": hours(self.minutes)}


@dataclass(frozen=True)
class TopicTotal:
    """Study time on one topic over the report's days.

    Attributes:
        topic: The topic as logged.
        minutes: Study time in minutes.
    """

    topic: str
    minutes: int

    def to_json(self) -> dict[str, Any]:
        """``{"topic": "CNN", "minutes": 120, "hours": 2.0}``."""
        return {"topic": self.topic, "minutes": self.minutes, "hours": hours(self.minutes)}


@dataclass(frozen=True)
class BestGrade:
    """One assignment's grade attempts over the report's days.

    Attributes:
        assignment: Assignment name, e.g. ``"resnet"``.
        best_score: The highest score among those attempts, in points.
        max_score: Points available in that best attempt.
        attempts: How many attempts there were.
        last_day: The local day of the latest attempt.
        scores: Every attempt's score in points, oldest first (the trend).
        topic: The assignment's study topic (``CNN``), or ``None`` when unknown.
        tampered: How many of the attempts the grader found tampering with grading (their
            scores cannot be trusted); 0 for almost every assignment.
        best_tampered: Whether the best attempt is one of those.
    """

    assignment: str
    best_score: float
    max_score: float
    attempts: int
    last_day: date
    scores: tuple[float, ...] = ()
    topic: str | None = None
    tampered: int = 0
    best_tampered: bool = False

    def to_json(self) -> dict[str, Any]:
        """The best grade with its day as an ISO string and the scores in order.

        ``"tampered"`` (a count) and ``"best_tampered"`` are added only when an attempt was
        tampered with, so the object of an ordinary assignment stays as it was.
        """
        data: dict[str, Any] = {
            "assignment": self.assignment,
            "topic": self.topic,
            "best_score": self.best_score,
            "max_score": self.max_score,
            "attempts": self.attempts,
            "last_day": self.last_day.isoformat(),
            "scores": list(self.scores),
        }
        if self.tampered:
            data["tampered"] = self.tampered
            data["best_tampered"] = self.best_tampered
        return data


@dataclass(frozen=True)
class TopicResult:
    """Study time and grade results meeting on one topic.

    Attributes:
        topic: The topic, as logged (matched to assignments' topics ignoring case).
        minutes: Study time logged on it over the report's days, in minutes.
        grades: The report's grades of assignments on that topic.
    """

    topic: str
    minutes: int
    grades: tuple[BestGrade, ...]

    @property
    def attempts(self) -> int:
        """Grade attempts on the topic's assignments."""
        return sum(grade.attempts for grade in self.grades)

    def to_json(self) -> dict[str, Any]:
        """Topic, time and ``{assignment: best score}``."""
        return {
            "topic": self.topic,
            "minutes": self.minutes,
            "hours": hours(self.minutes),
            "attempts": self.attempts,
            "assignments": {
                grade.assignment: {"best_score": grade.best_score, "max_score": grade.max_score}
                for grade in self.grades
            },
        }


@dataclass(frozen=True)
class DayTopic:
    """Study time on one topic on one day (a row of the CSV report).

    Attributes:
        day: The local day.
        topic: The topic as logged.
        minutes: Study time in minutes.
    """

    day: date
    topic: str
    minutes: int


@dataclass(frozen=True)
class StudyNote:
    """A study log entry that has a note, for the report's topic sections.

    Attributes:
        day: The local day.
        topic: The topic.
        minutes: Study time in minutes.
        note: The note.
    """

    day: date
    topic: str
    minutes: int
    note: str

    def to_json(self) -> dict[str, Any]:
        """The entry with its day as an ISO string."""
        return {
            "day": self.day.isoformat(),
            "topic": self.topic,
            "minutes": self.minutes,
            "note": self.note,
        }


@dataclass(frozen=True)
class StudyReport:
    """Everything ``course report`` shows for one period.

    Attributes:
        period: The days covered.
        days: One total per day of the period, days without study included (0 minutes).
        topics: Totals per topic, most minutes first, then by name.
        total_minutes: Study time of the whole period, in minutes.
        grades: Grade attempts per assignment attempted in the period, by name.
        topic_results: Per topic, hours and grade attempts on its assignments: every topic
            with study time or attempts, most minutes first.
        notes: Study entries with notes, oldest first.
        day_topics: Study time per day and topic, by day then topic.
        problems: Coding-test attempts in the period, oldest first.
        retro: The KPT items written in the period and their Try follow-up.
        goals: Goal achievement of each ISO week the period touches (up to its end).
        questions: Questions still open now (not only those of the period).
        entries: The study entries themselves, with their numbers for ``course edit`` and
            ``course delete``; filled for daily reports, and for others when asked
            (``--entries``).
    """

    period: Period
    days: list[DayTotal]
    topics: list[TopicTotal]
    total_minutes: int
    grades: list[BestGrade] = field(default_factory=list)
    topic_results: list[TopicResult] = field(default_factory=list)
    notes: list[StudyNote] = field(default_factory=list)
    day_topics: list[DayTopic] = field(default_factory=list)
    problems: list[ProblemAttempt] = field(default_factory=list)
    retro: RetroSummary | None = None
    goals: list[GoalProgress] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    entries: list[StudyEntry] = field(default_factory=list)

    @property
    def total_hours(self) -> float:
        """Study time of the whole period in hours, rounded to 2 decimals."""
        return hours(self.total_minutes)

    @property
    def study_days(self) -> int:
        """Days of the period with any study time."""
        return sum(1 for day in self.days if day.minutes > 0)

    @property
    def problems_solved(self) -> int:
        """Distinct problems (site and number) with a solved attempt in the period."""
        return len({(p.site, p.number) for p in self.problems if p.status == "solved"})

    def to_json(self) -> dict[str, Any]:
        """The report as ``course report --format json`` prints it (dates as ISO strings)."""
        return {
            "period": self.period.to_json(),
            "total_minutes": self.total_minutes,
            "total_hours": self.total_hours,
            "study_days": self.study_days,
            "days": [day.to_json() for day in self.days],
            "topics": [topic.to_json() for topic in self.topics],
            "grades": [grade.to_json() for grade in self.grades],
            "topic_results": [result.to_json() for result in self.topic_results],
            "notes": [note.to_json() for note in self.notes],
            "problems": [problem.to_json() for problem in self.problems],
            "problems_solved": self.problems_solved,
            "retro": self.retro.to_json() if self.retro else None,
            "goals": [goal.to_json() for goal in self.goals],
            "open_questions": [question.to_json() for question in self.questions],
            "entries": [_entry_json(entry) for entry in self.entries],
        }


def _entry_json(entry: StudyEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "day": entry.day.isoformat(),
        "minutes": entry.minutes,
        "topic": entry.topic,
        "note": entry.note,
        "started_at": entry.started_at,
        "ended_at": entry.ended_at,
    }


# --- periods --------------------------------------------------------------------------------


def day_period(day: date) -> Period:
    """The one-day period of ``day``."""
    return Period("daily", day, day, day.isoformat())


def week_period(year: int, week: int) -> Period:
    """The ISO week ``year``-W``week``, Monday to Sunday."""
    start = date.fromisocalendar(year, week, 1)
    return Period("weekly", start, start + timedelta(days=6), week_label(start))


def month_period(year: int, month: int) -> Period:
    """The calendar month, first to last day."""
    last = calendar.monthrange(year, month)[1]
    return Period("monthly", date(year, month, 1), date(year, month, last), f"{year}-{month:02d}")


def last_days_period(count: int, end: date, *, option: str = "--last") -> Period:
    """The ``count`` days ending with ``end``.

    Args:
        count: How many days.
        end: The last of them.
        option: The option that gave ``count``, for the message.

    Raises:
        UsageError: ``count`` is below 1 or above :data:`MAX_LAST_DAYS`.
    """
    if not 1 <= count <= MAX_LAST_DAYS:
        raise UsageError(
            f"{option} takes a number of days from 1 to {MAX_LAST_DAYS}",
            count,
            f"Pass e.g. {option} 14",
        )
    return Period("last", end - timedelta(days=count - 1), end, f"last {count} days")


# --- the report -----------------------------------------------------------------------------


def build_report(
    db: Database,
    period: Period,
    *,
    today: date,
    assignment_topics: Mapping[str, str] | None = None,
    entries: bool = False,
) -> StudyReport:
    """Gather everything the report of ``period`` shows.

    Args:
        db: The tracker database (:func:`tracker.store.open_db`).
        period: The days to cover.
        today: The local date: goals are measured up to the earlier of it and the period's
            end.
        assignment_topics: Each assignment's study topic (``{"resnet": "CNN"}``), to set
            grade attempts beside the hours logged on their topic.
        entries: List the study entries themselves (with their numbers) for any period;
            a daily report always does.
    """
    span = [period.start.isoformat(), period.end.isoformat()]
    day_topics = [
        DayTopic(date.fromisoformat(row["day"]), row["topic"], row["minutes"])
        for row in db.query(
            "SELECT day, topic, sum(minutes) AS minutes FROM study_log"
            " WHERE day BETWEEN ? AND ? GROUP BY day, topic ORDER BY day, topic",
            span,
        )
    ]
    # The per-day and per-topic totals are sums of those rows (one query, not three).
    per_day: dict[date, int] = {}
    per_topic: dict[str, int] = {}
    for row in day_topics:
        per_day[row.day] = per_day.get(row.day, 0) + row.minutes
        per_topic[row.topic] = per_topic.get(row.topic, 0) + row.minutes
    days = [
        DayTotal(day, per_day.get(day, 0))
        for day in (period.start + timedelta(days=offset) for offset in range(period.days))
    ]
    topics = [
        TopicTotal(topic, minutes)
        for topic, minutes in sorted(per_topic.items(), key=lambda item: (-item[1], item[0]))
    ]
    notes = [
        StudyNote(date.fromisoformat(row["day"]), row["topic"], row["minutes"], row["note"])
        for row in db.query(
            "SELECT day, topic, minutes, note FROM study_log WHERE day BETWEEN ? AND ?"
            " AND note IS NOT NULL AND note != '' ORDER BY day, id",
            span,
        )
    ]
    grades = grades_between(
        db, period.start, period.end, {} if assignment_topics is None else assignment_topics
    )
    until = min(period.end, today)
    goals: list[GoalProgress] = []
    for week in _weeks_touching(period):
        goals.extend(goal_progress(db, week, until))
    return StudyReport(
        period=period,
        days=days,
        topics=topics,
        total_minutes=sum(day.minutes for day in days),
        grades=grades,
        topic_results=_topic_results(topics, grades),
        notes=notes,
        day_topics=day_topics,
        problems=problems_between(db, period.start, period.end),
        retro=retro_summary(db, period.start, period.end),
        goals=goals,
        questions=open_questions(db),
        entries=(
            list_entries(db, first_day=period.start, last_day=period.end)
            if entries or period.kind == "daily"
            else []
        ),
    )


def grades_between(
    db: Database, start: date, end: date, assignment_topics: Mapping[str, str] | None = None
) -> list[BestGrade]:
    """Each assignment's attempts from ``start`` to ``end`` (inclusive): best and trend.

    The best attempt has the highest score; among equal scores, the latest (tampered
    attempts included: they are counted in ``tampered`` and flagged, not dropped). Sorted by
    assignment name.
    """
    topics = {} if assignment_topics is None else assignment_topics  # looked up lazily
    rows = db.query(
        "SELECT assignment, score, max_score, day, tampered FROM grade_attempts"
        " WHERE day BETWEEN ? AND ? ORDER BY assignment, started_at, id",
        [start.isoformat(), end.isoformat()],
    )
    grades = []
    for assignment, group in groupby(rows, key=itemgetter("assignment")):
        tries = list(group)
        best = max(reversed(tries), key=itemgetter("score"))  # the latest of equal scores
        grades.append(
            BestGrade(
                assignment=assignment,
                best_score=best["score"],
                max_score=best["max_score"],
                attempts=len(tries),
                last_day=date.fromisoformat(max(row["day"] for row in tries)),
                scores=tuple(row["score"] for row in tries),
                topic=topics.get(assignment),
                tampered=sum(1 for row in tries if row["tampered"]),
                best_tampered=bool(best["tampered"]),
            )
        )
    return grades


def _topic_results(topics: list[TopicTotal], grades: list[BestGrade]) -> list[TopicResult]:
    by_key: dict[str, tuple[str, int]] = {}
    for total in topics:
        key = total.topic.casefold()
        name, minutes = by_key.get(key, (total.topic, 0))
        by_key[key] = (name, minutes + total.minutes)
    graded: dict[str, list[BestGrade]] = {}
    for grade in grades:
        if grade.topic:
            graded.setdefault(grade.topic.casefold(), []).append(grade)
            by_key.setdefault(grade.topic.casefold(), (grade.topic, 0))
    results = [
        TopicResult(name, minutes, tuple(graded.get(key, ())))
        for key, (name, minutes) in by_key.items()
    ]
    return sorted(results, key=lambda result: (-result.minutes, result.topic.casefold()))


def _weeks_touching(period: Period) -> list[str]:
    weeks: list[str] = []
    monday = period.start - timedelta(days=period.start.weekday())
    while monday <= period.end:
        weeks.append(week_label(monday))
        monday += timedelta(weeks=1)
    return weeks


# --- the study calendar (course report streak) ----------------------------------------------


@dataclass(frozen=True)
class StudyCalendar:
    """Study time on every day of a span, for a GitHub-style heatmap.

    Attributes:
        start: The first day shown.
        end: The last day shown.
        minutes: Study time per day that has any, in minutes.
        current_streak: Consecutive study days ending today, or yesterday when nothing is
            logged today yet.
        longest_streak: The longest run of consecutive study days ever logged.
    """

    start: date
    end: date
    minutes: dict[date, int]
    current_streak: int
    longest_streak: int

    @property
    def study_days(self) -> int:
        """Days between ``start`` and ``end`` with any study time."""
        return sum(1 for day, minutes in self.minutes.items() if minutes > 0)

    @property
    def total_minutes(self) -> int:
        """Study time between ``start`` and ``end``, in minutes."""
        return sum(self.minutes.values())

    def to_json(self) -> dict[str, Any]:
        """Span, streaks and ``{"2026-11-16": 120, ...}`` for days with study."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "study_days": self.study_days,
            "total_minutes": self.total_minutes,
            "current_streak": self.current_streak,
            "longest_streak": self.longest_streak,
            "minutes": {day.isoformat(): minutes for day, minutes in sorted(self.minutes.items())},
        }


def study_calendar(db: Database, end: date, *, today: date, days: int = 365) -> StudyCalendar:
    """Study time per day over the ``days`` days ending with ``end``, and the streaks.

    Args:
        db: The tracker database.
        end: The last day shown (usually today).
        today: The local date the current streak ends on (or the day before it).
        days: How many days to show (365: a year, as GitHub does).

    Raises:
        UsageError: ``days`` is below 1 or above :data:`MAX_LAST_DAYS`.
    """
    span = last_days_period(days, end, option="--days")
    shown = {
        date.fromisoformat(row["day"]): row["minutes"]
        for row in db.query(
            "SELECT day, sum(minutes) AS minutes FROM study_log"
            " WHERE day BETWEEN ? AND ? GROUP BY day",
            [span.start.isoformat(), span.end.isoformat()],
        )
    }
    studied = [
        date.fromisoformat(row["day"])
        for row in db.query(
            "SELECT day FROM study_log WHERE day <= ? GROUP BY day HAVING sum(minutes) > 0"
            " ORDER BY day",
            [today.isoformat()],
        )
    ]
    return StudyCalendar(
        start=span.start,
        end=span.end,
        minutes=shown,
        current_streak=current_streak(studied, today),
        longest_streak=longest_streak(studied),
    )


def hours(minutes: int) -> float:
    """Minutes as hours rounded to 2 decimals: ``90`` -> ``1.5``."""
    return round(minutes / 60, 2)
