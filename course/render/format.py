"""Formatters every renderer shares: times, points, percentages, counts, bars, the console.

Plain strings only; rich is imported inside :func:`make_console`, so ``course log`` starts
without it. Clock times are shown in the system's local time zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from tracker.study import StudyEntry

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Short weekday names, Monday first (``date.weekday()`` indexes them)."""

BAR = "█"
"""The cell progress and time bars are drawn with."""


def make_console() -> Console:
    """The console the tracker commands print to (stdout; honours NO_COLOR and COLUMNS)."""
    from rich.console import Console

    return Console(highlight=False)


def format_minutes(minutes: int) -> str:
    """Minutes as hours and minutes: ``150`` -> ``"2h 30m"``, ``0`` -> ``"0h 00m"``."""
    hours, rest = divmod(minutes, 60)
    return f"{hours}h {rest:02d}m"


def format_points(points: float) -> str:
    """Points without a needless ``.0``: ``8.0`` -> ``"8"``, ``7.5`` -> ``"7.5"``."""
    return f"{points:g}"


def format_score(points: float, max_points: float) -> str:
    """Earned over available points: ``(8.5, 10.0)`` -> ``"8.5/10"``."""
    return f"{format_points(points)}/{format_points(max_points)}"


def format_percent(percent: float) -> str:
    """A percentage rounded to a whole number: ``74.6`` -> ``"75%"``."""
    return f"{percent:.0f}%"


def plural(count: int, one: str, many: str | None = None) -> str:
    """A count and its noun: ``(1, "day")`` -> ``"1 day"``, ``(3, "day")`` -> ``"3 days"``.

    Args:
        count: How many.
        one: The noun for one.
        many: The noun for any other count; ``one`` with an ``s`` when omitted
            (``(2, "problem solved", "problems solved")`` -> ``"2 problems solved"``).
    """
    if count == 1:
        return f"{count} {one}"
    return f"{count} {many if many is not None else one + 's'}"


def clock(moment: datetime, now: datetime) -> str:
    """``moment`` in local time: ``14:05`` on the local day of ``now``, else with the date."""
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def times_text(entry: StudyEntry) -> str | None:
    """A timed entry's local start and end, ``14:05-15:30``; ``None`` for an untimed one."""
    span = entry.span
    if span is None:
        return None
    start, end = (moment.astimezone().strftime("%H:%M") for moment in span)
    return f"{start}-{end}"


def bar(amount: float, full: float, width: int) -> str:
    """A bar of :data:`BAR` cells, ``width`` long at ``full``; at least one cell when ``amount``
    is above 0, never longer than ``width``; empty when ``amount`` or ``full`` is 0 or less.

    Example: ``bar(75, 100, 10)`` -> ``"████████"`` (7.5 cells, rounded half to even).
    """
    if amount <= 0 or full <= 0:
        return ""
    return BAR * max(1, min(width, round(amount * width / full)))
