"""The lines ``course start``, ``stop``, ``status``, ``edit`` and ``delete`` print.

Plain text (no rich), so these commands start quickly. Clock times are shown in the
system's local time zone (:func:`course.render.format.clock`): ``14:05`` on the day of
``now``, ``2026-11-20 23:30`` on another. Topics and notes are shown through
:func:`course.render.format.visible`: control characters as escapes (``\\x1b``, ``\\n``), so
no escape code or line break from them reaches the terminal.
"""

from __future__ import annotations

from datetime import datetime

from course.render.format import clock, format_minutes, times_text, visible
from tracker.study import MINUTES_PER_DAY, EditedEntry, StudyEntry
from tracker.timer import RunningTimer, StoppedTimer, TimerStatus


def entry_text(entry: StudyEntry) -> str:
    """``1h 25m of CNN on 2026-11-21``."""
    return f"{format_minutes(entry.minutes)} of {visible(entry.topic)} on {entry.day.isoformat()}"


def started_line(timer: RunningTimer, now: datetime) -> str:
    """``Started CNN at 14:05.``"""
    return f"Started {visible(timer.topic)} at {clock(timer.started_at, now)}."


def stopped_line(stopped: StoppedTimer) -> str:
    """``Stopped CNN: 1h 25m on 2026-11-21 (entry #7).``"""
    entry = stopped.entry
    return (
        f"Stopped {visible(entry.topic)}: {format_minutes(entry.minutes)} "
        f"on {entry.day.isoformat()} (entry #{entry.id})."
    )


def cancelled_line(timer: RunningTimer, now: datetime) -> str:
    """``Discarded the CNN timer started at 14:05 (0h 25m); nothing was logged.``"""
    return (
        f"Discarded the {visible(timer.topic)} timer started at {clock(timer.started_at, now)} "
        f"({format_minutes(timer.minutes(now))}); nothing was logged."
    )


def overlap_warnings(entry: StudyEntry, overlaps: tuple[StudyEntry, ...]) -> list[str]:
    """One line per overlapping entry, for stderr.

    Example: ``Warning: entry #8 overlaps entry #5: RNN, 13:50-14:20 on 2026-11-21.``
    """
    return [
        f"Warning: entry #{entry.id} overlaps entry #{other.id}: {visible(other.topic)}, "
        f"{times_text(other)} on {other.day.isoformat()}."
        for other in overlaps
    ]


def status_lines(status: TimerStatus, now: datetime) -> list[str]:
    """What ``course status`` prints on stdout.

    Example::

        Running: CNN since 14:05 (0h 25m).
        Note: chapter 5
        Logged today: 2h 10m.
    """
    timer = status.timer
    if timer is None:
        lines = ["No timer running."]
    else:
        lines = [
            f"Running: {visible(timer.topic)} since {clock(timer.started_at, now)} "
            f"({format_minutes(timer.minutes(now))})."
        ]
        if timer.note:
            lines.append(f"Note: {visible(timer.note)}")
    lines.append(f"Logged today: {format_minutes(status.today_minutes)}.")
    return lines


def status_warning(status: TimerStatus, now: datetime) -> str | None:
    """A warning for stderr when the timer has run past what one stop can log (24 h)."""
    if status.timer is None or status.timer.minutes(now) <= MINUTES_PER_DAY:
        return None
    return (
        "Warning: the timer has run for more than 24 hours. If you forgot to stop it, pass "
        "when you stopped: course stop --at 'YYYY-MM-DD HH:MM'; or discard it with "
        "course stop --cancel."
    )


def updated_lines(edited: EditedEntry) -> list[str]:
    """What ``course edit`` prints: the entry after the change, and as it was.

    Example::

        Updated entry #7: 1h 25m of CNN on 2026-11-21, 14:05-15:30.
        Note: chapter 5
        Was: 1h 00m of CNN on 2026-11-21, 14:05-15:05.

    The old note follows (``Old note: ...``) when the edit changed or removed it.
    """
    entry = edited.entry
    lines = [f"Updated entry #{entry.id}: {_with_times(entry)}."]
    if entry.note:
        lines.append(f"Note: {visible(entry.note)}")
    lines.append(f"Was: {_with_times(edited.before)}.")
    if edited.before.note and edited.before.note != entry.note:
        lines.append(f"Old note: {visible(edited.before.note)}")
    return lines


def delete_prompt(entry: StudyEntry) -> str:
    """``Delete entry #7: 1h 25m of CNN on 2026-11-21?``"""
    return f"Delete entry #{entry.id}: {entry_text(entry)}?"


def deleted_line(entry: StudyEntry) -> str:
    """``Deleted entry #7: 1h 25m of CNN on 2026-11-21.``"""
    return f"Deleted entry #{entry.id}: {entry_text(entry)}."


def _with_times(entry: StudyEntry) -> str:
    times = times_text(entry)
    return entry_text(entry) if times is None else f"{entry_text(entry)}, {times}"
