"""Calendar helpers the tracker's modules share: ISO week labels and runs of consecutive days.

What people type (``yesterday``, ``last monday``, ``2026-W47``) is read by
:mod:`tracker.parsers`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from core.errors import UsageError

FIRST_DAY = date(2000, 1, 1)
"""The earliest day the tracker keeps: study logged before it is a typo (``0001-01-01``,
``99999 days ago``), and every report around it stays computable."""

LAST_DAY = date(2099, 12, 31)
"""The latest day a report, goal or import may name; far enough, and reports of its week
and month never reach past the calendar's end (``9999-12-31``)."""

RANGE_FIX = f"The tracker keeps days from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


def check_day(day: date, typed: str | None = None) -> date:
    """``day`` itself when it lies in :data:`FIRST_DAY` .. :data:`LAST_DAY`.

    Args:
        day: The day.
        typed: What was typed for it (``"99999 days ago"``), for the message.

    Raises:
        UsageError: ``day`` is outside the range.
    """
    if not FIRST_DAY <= day <= LAST_DAY:
        shown = repr(day.isoformat())
        if typed is not None and typed.strip() != day.isoformat():
            shown = f"{typed!r} ({day.isoformat()})"
        raise UsageError("the date is out of range", shown, RANGE_FIX)
    return day


def week_label(day: date) -> str:
    """The ISO week holding ``day``: ``date(2026, 11, 21)`` -> ``"2026-W47"``."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def current_streak(days: Iterable[date], today: date) -> int:
    """Consecutive days in ``days`` ending today, or yesterday when today is not in them.

    Returns:
        The run's length in days; 0 when neither today nor yesterday is in ``days``.
    """
    present = set(days)
    day = today if today in present else today - timedelta(days=1)
    count = 0
    while day in present:
        count += 1
        day -= timedelta(days=1)
    return count


def longest_streak(days: Iterable[date]) -> int:
    """The length in days of the longest run of consecutive days in ``days`` (0 if none)."""
    longest = run = 0
    previous: date | None = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        longest = max(longest, run)
        previous = day
    return longest
