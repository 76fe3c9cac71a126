"""Weekly goals (``course goal``): study hours, hours per topic, problems solved.

One row of ``goals`` per goal: ``(week, kind, topic)`` is unique, so setting a goal again
replaces its target. Kinds:

- ``hours``: the week's total study time, in hours (``topic`` is ``''`` in the table);
- ``topic_hours``: study time of one topic, in hours, matched case-insensitively against
  the topics of ``study_log`` and stored as typed;
- ``problems``: distinct coding-test problems (``site``, ``number``) with a ``solved``
  attempt that week (``topic`` is ``''``).

Weeks are ISO weeks, Monday to Sunday, labelled ``2026-W47``. Progress is measured from the
rows of ``study_log`` and ``problems`` whose local day falls in the week.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from core.clock import utc_timestamp
from core.errors import UsageError
from tracker.dates import week_label
from tracker.store import insert, transaction
from tracker.text import required_text

KINDS = ("hours", "topic_hours", "problems")
"""The kinds of goal, in the order they are listed."""

MAX_WEEK_HOURS = 168
"""The most hours a week holds (7 x 24); an hours goal must be at most this."""

MAX_WEEK_PROBLEMS = 1000
"""The most problems a weekly goal may ask for (one every ten minutes of a week's hours)."""

_WEEK_LABEL = re.compile(r"(?P<year>[0-9]{4})-[wW](?P<week>[0-9]{1,2})")
_GOAL_EXAMPLES = "Pass e.g. --hours 40, --problems 5 or --topic CNN --hours 10"


@dataclass(frozen=True)
class Goal:
    """One goal of one week.

    Attributes:
        id: Row id in ``goals``.
        week: ISO week label, e.g. ``"2026-W47"``.
        kind: ``"hours"`` (total study time), ``"topic_hours"`` (one topic's study time) or
            ``"problems"`` (distinct problems solved).
        topic: The topic as typed for ``topic_hours``; ``None`` for the other kinds.
        target: Hours for ``hours`` / ``topic_hours`` (> 0, at most 168), a count of problems
            for ``problems`` (> 0).
    """

    id: int
    week: str
    kind: str
    topic: str | None
    target: float

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Goal:
        """Build a goal from a ``goals`` row (whose ``topic`` is ``''`` when it has none)."""
        return cls(
            id=row["id"],
            week=row["week"],
            kind=row["kind"],
            topic=row["topic"] or None,
            target=float(row["target"]),
        )

    @property
    def label(self) -> str:
        """What the goal is about: ``"Study time"``, the topic, or ``"Problems solved"``."""
        if self.kind == "problems":
            return "Problems solved"
        if self.kind == "topic_hours" and self.topic:
            return self.topic
        return "Study time"

    @property
    def unit(self) -> str:
        """``"h"`` for the hours kinds, ``"problems"`` for ``problems``."""
        return "problems" if self.kind == "problems" else "h"

    def to_json(self) -> dict[str, Any]:
        """``{"id": 1, "week": "2026-W47", "kind": "hours", "topic": null, "target": 40.0}``."""
        return {
            "id": self.id,
            "week": self.week,
            "kind": self.kind,
            "topic": self.topic,
            "target": self.target,
        }


@dataclass(frozen=True)
class GoalProgress:
    """How far one goal has come.

    Attributes:
        goal: The goal.
        actual: Hours studied (``hours``, ``topic_hours``) or distinct problems solved
            (``problems``) from the week's Monday up to and including ``until``.
        until: The last day counted: the week's Sunday, or an earlier day for progress so far.
    """

    goal: Goal
    actual: float
    until: date

    @property
    def percent(self) -> float:
        """``actual / target * 100``, not capped (a goal beaten by 12 % is 112.0), not rounded.

        0.0 when the target is not positive (never stored by :func:`set_goals`).
        """
        if self.goal.target <= 0:
            return 0.0
        return self.actual / self.goal.target * 100

    @property
    def label(self) -> str:
        """``"Study time"``, the topic (``"CNN"``) or ``"Problems solved"``."""
        return self.goal.label

    @property
    def unit(self) -> str:
        """``"h"`` or ``"problems"``."""
        return self.goal.unit

    @property
    def done(self) -> bool:
        """Whether the target is reached (``actual >= target``)."""
        return self.actual >= self.goal.target

    def to_json(self) -> dict[str, Any]:
        """The goal with its progress; ``actual`` rounded to 2 decimals, ``percent`` to 1.

        Example: ``{"id": 1, "week": "2026-W47", "kind": "hours", "topic": null,
        "label": "Study time", "unit": "h", "target": 10.0, "actual": 7.5, "percent": 75.0,
        "until": "2026-11-22"}``.
        """
        return {
            **self.goal.to_json(),
            "label": self.label,
            "unit": self.unit,
            "actual": round(self.actual, 2),
            "percent": round(self.percent, 1),
            "until": self.until.isoformat(),
        }


def week_bounds(week: str) -> tuple[date, date]:
    """The Monday and the Sunday of an ISO week label.

    Args:
        week: ``"2026-W47"`` (``w`` and a one-digit week number are accepted too).

    Returns:
        ``(monday, sunday)``, e.g. ``(date(2026, 11, 16), date(2026, 11, 22))``.

    Raises:
        UsageError: ``week`` is not such a label, or that year has no such week.
    """
    match = _WEEK_LABEL.fullmatch(week.strip())
    if match:
        try:
            monday = date.fromisocalendar(int(match["year"]), int(match["week"]), 1)
        except ValueError:
            pass
        else:
            return monday, monday + timedelta(days=6)
    raise UsageError("not an ISO week", repr(week), "Use YYYY-Www, e.g. 2026-W47")


def set_goals(
    db: Database,
    week: str,
    *,
    hours: float | None = None,
    problems: int | None = None,
    topic: str | None = None,
    now: datetime,
) -> list[Goal]:
    """Set (or replace) goals of one week, all in one transaction.

    Without ``topic``, ``hours`` is the week's total study time goal; with ``topic``, it is
    that topic's goal. A goal that already exists for the week (for ``topic_hours``: the
    same topic ignoring case) gets the new target, the topic as now typed and a new
    ``updated_at``; its id stays.

    Args:
        db: The tracker database (:func:`tracker.store.open_db`).
        week: ISO week label, ``"2026-W47"`` (:func:`tracker.parsers.parse_goal_week`
            makes one).
        hours: Target study time in hours, more than 0 and at most 168.
        problems: Target number of distinct problems solved, more than 0.
        topic: Makes ``hours`` a goal for this topic; surrounding whitespace is removed.
        now: The moment of setting, stored as UTC ``created_at`` / ``updated_at``.

    Returns:
        The goals set by this call, in list order (hours, topic hours, problems).

    Raises:
        UsageError: ``week`` is not a week; neither ``hours`` nor ``problems`` is given;
            ``topic`` is given without ``hours`` or is blank; ``hours`` is not finite, <= 0
            or > 168; ``problems`` <= 0 or > 1000. Nothing is written.
        StoreError: The database could not be written.
    """
    label = _week_label(week)
    if hours is None and problems is None:
        raise UsageError("no goal given", fix=_GOAL_EXAMPLES)
    if topic is not None:
        topic = required_text(topic, "the topic", "Name a topic, e.g. --topic CNN --hours 10")
        if hours is None:
            raise UsageError(
                "--topic needs --hours",
                topic,
                f"Set that topic's hours goal with --topic {topic} --hours 10",
            )
    wanted: list[tuple[str, str, float]] = []
    if hours is not None:
        wanted.append(("topic_hours" if topic else "hours", topic or "", _check_hours(hours)))
    if problems is not None:
        if not 0 < problems <= MAX_WEEK_PROBLEMS:
            raise UsageError(
                f"a problems goal must be more than 0 and at most {MAX_WEEK_PROBLEMS}",
                problems,
                "Pass e.g. --problems 5",
            )
        wanted.append(("problems", "", float(problems)))
    stamp = utc_timestamp(now)
    goals = []
    with transaction(db):
        for kind, goal_topic, target in wanted:
            existing = _find(db, label, kind, goal_topic)
            if existing is None:
                goal_id = insert(
                    db,
                    "goals",
                    {
                        "week": label,
                        "kind": kind,
                        "topic": goal_topic,
                        "target": target,
                        "created_at": stamp,
                        "updated_at": stamp,
                    },
                )
            else:
                goal_id = existing.id
                db.table("goals").update(
                    goal_id, {"topic": goal_topic, "target": target, "updated_at": stamp}
                )
            goals.append(Goal(goal_id, label, kind, goal_topic or None, target))
    return goals


def goals_for_week(db: Database, week: str) -> list[Goal]:
    """The goals of one week: the total hours goal, topic goals by topic, the problems goal.

    Args:
        db: The tracker database.
        week: ISO week label, ``"2026-W47"``.

    Raises:
        UsageError: ``week`` is not a week.
    """
    label = _week_label(week)
    goals = [Goal.from_row(row) for row in db.query("SELECT * FROM goals WHERE week = ?", [label])]
    return sorted(goals, key=lambda goal: (KINDS.index(goal.kind), _fold(goal.topic or "")))


def goal_progress(db: Database, week: str, until: date | None = None) -> list[GoalProgress]:
    """Each goal of one week with what has been done towards it.

    Study hours are the minutes of ``study_log`` in the counted days / 60 (a topic goal
    counts only its topic, ignoring case); problems are the distinct ``(site, number)``
    pairs with a ``solved`` attempt in those days.

    Args:
        db: The tracker database.
        week: ISO week label, ``"2026-W47"``.
        until: Count from the week's Monday up to this day (inclusive); ``None`` or a day
            after the Sunday counts the whole week, a day before the Monday counts nothing.

    Returns:
        One :class:`GoalProgress` per goal, in :func:`goals_for_week` order.

    Raises:
        UsageError: ``week`` is not a week.
    """
    monday, sunday = week_bounds(week)
    last = sunday if until is None else min(sunday, until)
    span = [monday.isoformat(), last.isoformat()]
    goals = goals_for_week(db, week)
    if not goals:
        return []
    minutes_by_topic: dict[str, int] = {}
    for row in db.query(
        "SELECT topic, sum(minutes) AS minutes FROM study_log"
        " WHERE day BETWEEN ? AND ? GROUP BY topic",
        span,
    ):
        key = _fold(row["topic"])
        minutes_by_topic[key] = minutes_by_topic.get(key, 0) + int(row["minutes"])
    solved = next(
        db.query(
            "SELECT count(*) AS solved FROM (SELECT DISTINCT site, number FROM problems"
            " WHERE status = 'solved' AND day BETWEEN ? AND ?)",
            span,
        )
    )["solved"]
    progress = []
    for goal in goals:
        actual: float
        if goal.kind == "problems":
            actual = float(solved)
        elif goal.kind == "topic_hours":
            actual = minutes_by_topic.get(_fold(goal.topic or ""), 0) / 60
        else:
            actual = sum(minutes_by_topic.values()) / 60
        progress.append(GoalProgress(goal, actual, last))
    return progress


def clear_goals(
    db: Database,
    week: str,
    *,
    topic: str | None = None,
    hours: bool = False,
    problems: bool = False,
    all_goals: bool = False,
) -> list[Goal]:
    """Remove goals of one week: one topic's, the total hours goal, the problems goal, or all.

    Exactly one of ``topic``, ``hours``, ``problems`` and ``all_goals`` must be given, so a
    slip never removes more than was named.

    Args:
        db: The tracker database.
        week: ISO week label, ``"2026-W47"``.
        topic: Remove this topic's hours goal (matched ignoring case).
        hours: Remove the week's total hours goal.
        problems: Remove the week's problems goal.
        all_goals: Remove every goal of the week.

    Returns:
        The removed goals, in :func:`goals_for_week` order.

    Raises:
        UsageError: ``week`` is not a week; not exactly one choice is given; the topic is
            blank; no goal matched. Nothing is removed.
        StoreError: The database could not be written.
    """
    label = _week_label(week)
    chosen = [
        name
        for name, given in (
            ("--topic", topic is not None),
            ("--hours", hours),
            ("--problems", problems),
            ("--all", all_goals),
        )
        if given
    ]
    if len(chosen) != 1:
        raise UsageError(
            "say which goal to clear with exactly one of --topic, --hours, --problems, --all",
            " and ".join(chosen) if chosen else "none given",
            "Pass e.g. --topic CNN, or --all for every goal of the week",
        )
    if topic is not None:
        topic = required_text(topic, "the topic", "Name a topic, e.g. --topic CNN")
    with transaction(db):
        goals = goals_for_week(db, label)
        if topic is not None:
            removed = [
                goal
                for goal in goals
                if goal.kind == "topic_hours" and _fold(goal.topic or "") == _fold(topic)
            ]
            what = f"{label} has no hours goal for {topic}"
        elif hours:
            removed = [goal for goal in goals if goal.kind == "hours"]
            what = f"{label} has no total hours goal"
        elif problems:
            removed = [goal for goal in goals if goal.kind == "problems"]
            what = f"{label} has no problems goal"
        else:
            removed = goals
            what = f"{label} has no goals"
        if not removed:
            raise UsageError(
                "no goal to clear", what, f"See them with course goal list --week {label}"
            )
        for goal in removed:
            db.table("goals").delete(goal.id)
    return removed


def _find(db: Database, week: str, kind: str, topic: str) -> Goal | None:
    for row in db.query("SELECT * FROM goals WHERE week = ? AND kind = ?", [week, kind]):
        if _fold(row["topic"]) == _fold(topic):
            return Goal.from_row(row)
    return None


def _check_hours(hours: float) -> float:
    if not math.isfinite(hours):
        raise UsageError("hours must be a number", hours, "Pass e.g. --hours 40")
    if hours <= 0 or hours > MAX_WEEK_HOURS:
        raise UsageError(
            f"an hours goal must be more than 0 and at most {MAX_WEEK_HOURS} (a week's hours)",
            hours,
            "Pass e.g. --hours 40",
        )
    return float(hours)


def _week_label(week: str) -> str:
    return week_label(week_bounds(week)[0])


def _fold(text: str) -> str:
    return text.strip().casefold()
