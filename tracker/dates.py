"""Calendar helpers the tracker's modules share: ISO week labels and runs of consecutive days.

What people type (``yesterday``, ``last monday``, ``2026-W47``) is read by
:mod:`tracker.parsers`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


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
