"""Calendar helpers the tracker's modules share: ISO weeks and runs of consecutive days.

Relative days (``yesterday``, ``last monday``) are read by :func:`tracker.study.parse_day`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from core.errors import UsageError

_WEEK = re.compile(r"(?P<year>\d{4})-w(?P<week>\d{1,2})")


def week_label(day: date) -> str:
    """The ISO week holding ``day``: ``date(2026, 11, 21)`` -> ``"2026-W47"``."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def parse_week(text: str | None, today: date) -> tuple[int, int]:
    """Parse an ISO week: ``2026-W47`` (or ``2026-w47``), ``this`` or ``last``.

    Args:
        text: The week as typed; ``None`` means the week holding ``today``.
        today: The local date that ``this`` and ``last`` are relative to.

    Returns:
        ``(ISO year, ISO week number)``, e.g. ``(2026, 47)``.

    Raises:
        UsageError: ``text`` is none of those forms, or that year has no such week.
    """
    if text is None or text.strip().lower() == "this":
        return _year_week(today)
    cleaned = text.strip().lower()
    if cleaned == "last":
        return _year_week(today - timedelta(weeks=1))
    match = _WEEK.fullmatch(cleaned)
    if match:
        year, week = int(match["year"]), int(match["week"])
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            pass
        else:
            return year, week
    raise UsageError(
        "not an ISO week",
        repr(text),
        "Use YYYY-Www (e.g. 2026-W47, weeks 01 to 52 or 53), this or last",
    )


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


def _year_week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week
