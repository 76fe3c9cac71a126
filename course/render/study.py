"""The line ``course log`` prints (plain text: no rich, so the command starts quickly).

The topic is shown through :func:`course.render.format.visible`: no escape code in it reaches
the terminal.
"""

from __future__ import annotations

from course.render.format import format_minutes, visible
from tracker.study import StudyEntry


def logged_line(entry: StudyEntry) -> str:
    """The confirmation ``course log`` prints.

    Example: ``Logged 2h 00m of CNN on 2026-11-16 (entry #1).``
    """
    return (
        f"Logged {format_minutes(entry.minutes)} of {visible(entry.topic)} "
        f"on {entry.day.isoformat()} (entry #{entry.id})."
    )
