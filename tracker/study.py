"""The study log: how long you studied what, one row of ``study_log`` per entry."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlite_utils import Database

from course.errors import UsageError
from tracker.store import insert, transaction, utc_timestamp

MINUTES_PER_DAY = 24 * 60
"""The most study time one day can hold, in minutes."""

_NUMBER = r"\d+(?:\.\d+)?"
_BARE = re.compile(_NUMBER)
_UNITS = re.compile(
    rf"(?:(?P<hours>{_NUMBER})\s*h\s*)?(?:(?P<minutes>{_NUMBER})\s*m)?", re.IGNORECASE
)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DURATION_EXAMPLES = "Write it like 2h30m, 1.5h, 90m or 45 (minutes)"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY = re.compile(
    r"(?P<last>last )?(?P<name>mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
)
_DAYS_AGO = re.compile(r"(?P<count>\d{1,5}) days? ago")
_DAY_EXAMPLES = "Use today, yesterday, 3 days ago, monday, last monday or YYYY-MM-DD (2026-11-21)"


@dataclass(frozen=True)
class StudyEntry:
    """One logged stretch of study.

    Attributes:
        id: Row id in ``study_log`` (the entry number shown to the student).
        day: The local day the study happened.
        minutes: Study time in minutes (> 0).
        topic: What was studied, e.g. ``"CNN"`` or ``"합성곱 신경망"``.
        note: Free text, or ``None``.
        created_at: When it was logged, UTC ISO-8601 (``2026-11-21T04:49:00Z``).
    """

    id: int
    day: date
    minutes: int
    topic: str
    note: str | None
    created_at: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StudyEntry:
        """Build an entry from a ``study_log`` row."""
        return cls(
            id=row["id"],
            day=date.fromisoformat(row["day"]),
            minutes=row["minutes"],
            topic=row["topic"],
            note=row["note"],
            created_at=row["created_at"],
        )


def parse_duration(text: str) -> int:
    """Parse a study duration into whole minutes.

    Accepts hours and/or minutes with units (``2h30m``, ``1.5h``, ``90m``, ``2h``; ``m``
    always means minutes, case and spaces do not matter) or a bare number of minutes
    (``45``). Rounds half a minute up.

    Args:
        text: The duration as typed.

    Returns:
        The duration in minutes (may be 0; :func:`log_study` refuses that).

    Raises:
        UsageError: ``text`` is none of those forms.
    """
    cleaned = text.strip()
    if _BARE.fullmatch(cleaned):
        return _round_minutes(Decimal(cleaned))
    match = _UNITS.fullmatch(cleaned)
    if not cleaned or match is None or not any(match.groups()):
        raise UsageError("cannot read the duration", repr(text), _DURATION_EXAMPLES)
    hours = Decimal(match["hours"] or 0)
    minutes = Decimal(match["minutes"] or 0)
    return _round_minutes(hours * 60 + minutes)


def hours_to_minutes(hours: float) -> int:
    """Convert a number of hours (fractions allowed: ``1.5``) to whole minutes.

    Raises:
        UsageError: ``hours`` is not a finite number.
    """
    if not math.isfinite(hours):
        raise UsageError("hours must be a number", hours, "Pass e.g. --hours 1.5")
    return _round_minutes(Decimal(str(hours)) * 60)


def parse_day(text: str, today: date) -> date:
    """Parse a day as people type it, relative to ``today``.

    Accepted forms (case and surrounding spaces do not matter):

    - ``today``, ``yesterday``;
    - ``N days ago`` (``3 days ago``, ``1 day ago``);
    - a weekday, ``monday`` or ``mon``: the latest such day on or before ``today`` (today
      itself when it is that weekday);
    - ``last monday``: the latest such day strictly before ``today`` (a week ago when today
      is a Monday);
    - ISO ``YYYY-MM-DD``.

    Days in the future are parsed as given; callers that store study time refuse them.

    Args:
        text: The day as typed.
        today: The local date to resolve relative forms against.

    Raises:
        UsageError: ``text`` is none of those forms or not a real date.
    """
    cleaned = " ".join(text.strip().lower().split())
    if cleaned == "today":
        return today
    if cleaned == "yesterday":
        return today - timedelta(days=1)
    ago = _DAYS_AGO.fullmatch(cleaned)
    if ago:
        return today - timedelta(days=int(ago["count"]))
    weekday = _WEEKDAY.fullmatch(cleaned)
    if weekday:
        target = _WEEKDAYS.index(weekday["name"][:3])
        back = (today.weekday() - target) % 7
        if weekday["last"] and back == 0:
            back = 7
        return today - timedelta(days=back)
    if _ISO_DAY.fullmatch(cleaned):
        try:
            return date.fromisoformat(cleaned)
        except ValueError:
            pass
    raise UsageError("cannot read the date", repr(text), _DAY_EXAMPLES)


def log_study(
    db: Database,
    *,
    minutes: int,
    topic: str,
    day: date,
    note: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> StudyEntry:
    """Record ``minutes`` of study of ``topic`` on ``day``.

    Args:
        db: The tracker database (:func:`tracker.store.open_db`).
        minutes: Study time in minutes.
        topic: What was studied; surrounding whitespace is removed.
        day: The local day it happened.
        note: Optional free text (blank counts as none).
        today: The local date (default: the system's), to refuse days in the future.
        now: The moment of logging (default: now), stored as UTC ``created_at``.

    Returns:
        The stored entry.

    Raises:
        UsageError: ``minutes`` <= 0, ``topic`` is blank, ``day`` is after ``today``, or
            ``day`` would hold more than 24 h (1440 minutes) in all. Nothing is written.
        StoreError: The database could not be written.
    """
    today = today or date.today()
    topic = topic.strip()
    note = (note or "").strip() or None
    if minutes <= 0:
        raise UsageError(
            "study time must be more than 0 minutes",
            f"{minutes} min",
            "Pass e.g. --hours 1.5, --minutes 90 or --duration 1h30m",
        )
    if not topic:
        raise UsageError("the topic is empty", fix="Name what you studied, e.g. --topic CNN")
    if day > today:
        raise UsageError(
            "cannot log study time in the future",
            day.isoformat(),
            f"Today is {today.isoformat()}; pass --date today or an earlier date",
        )
    created_at = utc_timestamp(now)
    with transaction(db):
        logged = minutes_on(db, day)
        if logged + minutes > MINUTES_PER_DAY:
            remaining = MINUTES_PER_DAY - logged
            raise UsageError(
                "a day has only 24 hours",
                f"{day.isoformat()} already has {logged} min logged, adding {minutes} min "
                f"makes {logged + minutes} min",
                f"At most {remaining} more minutes fit on that day",
            )
        entry_id = insert(
            db,
            "study_log",
            {
                "day": day.isoformat(),
                "minutes": minutes,
                "topic": topic,
                "note": note,
                "created_at": created_at,
            },
        )
    return StudyEntry(entry_id, day, minutes, topic, note, created_at)


def minutes_on(db: Database, day: date) -> int:
    """Total study time logged on ``day``, in minutes."""
    row = next(
        db.query(
            "SELECT coalesce(sum(minutes), 0) AS total FROM study_log WHERE day = ?",
            [day.isoformat()],
        )
    )
    return int(row["total"])


def _round_minutes(minutes: Decimal) -> int:
    return int(minutes.quantize(Decimal(1), rounding=ROUND_HALF_UP))
