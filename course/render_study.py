"""Plain-text formatting shared by the tracker commands, and the ``course log`` line.

This module does not import rich at module level, so ``course log`` starts without it;
:func:`make_console` imports it when a command needs a console.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.study import StudyEntry

if TYPE_CHECKING:
    from rich.console import Console


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


def logged_line(entry: StudyEntry) -> str:
    """The confirmation ``course log`` prints.

    Example: ``Logged 2h 00m of CNN on 2026-11-16 (entry #1).``
    """
    return (
        f"Logged {format_minutes(entry.minutes)} of {entry.topic} "
        f"on {entry.day.isoformat()} (entry #{entry.id})."
    )
