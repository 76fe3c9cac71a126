"""The study timer: ``course start`` / ``stop`` / ``status``, one running timer at a time.

The running timer is the one row of the ``timer`` table (its ``CHECK (id = 1)`` makes a
second one impossible, even for two commands started at once). Stopping it deletes that row
and inserts the ``study_log`` entry in one transaction, so a crash neither loses the study
time nor logs it twice.

Every function takes the current moment as ``now`` (an aware datetime) and never reads the
clock. Local days and clock times are those of the system's time zone (``TZ``); times are
stored in UTC (:func:`core.clock.utc_timestamp`). What people type for ``--at`` is read by
:func:`tracker.parsers.parse_time`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from core.clock import utc_timestamp
from core.errors import UsageError
from tracker.store import insert, read_timestamp, transaction
from tracker.study import (
    MINUTES_PER_DAY,
    StudyEntry,
    ensure_day_fits,
    minutes_on,
    overlapping_entries,
    span_minutes,
)
from tracker.text import clean_text, required_text
from tracker.zones import in_zone, offset_minutes

_STOP_OR_CANCEL = "stop it later, or discard it with course stop --cancel"


@dataclass(frozen=True)
class RunningTimer:
    """The timer that is running.

    Attributes:
        topic: What is being studied.
        started_at: When it started (aware, UTC, whole seconds).
        note: Free text given to ``course start``, or ``None``.
        utc_offset: The UTC offset where it was started, in minutes east of UTC; the
            entry it logs is on that zone's day (``None`` for a timer started before
            offsets were stored: the system's zone).
    """

    topic: str
    started_at: datetime
    note: str | None = None
    utc_offset: int | None = None

    def minutes(self, now: datetime) -> int:
        """Minutes run until ``now`` (aware), rounded as :func:`stop_timer` would; never < 0."""
        return max(0, span_minutes(self.started_at, now))


@dataclass(frozen=True)
class StoppedTimer:
    """What :func:`stop_timer` logged.

    Attributes:
        entry: The new study entry (with ``started_at`` and ``ended_at``).
        overlaps: Earlier timed entries whose times overlap it, earliest first. Overlaps are
            allowed; the CLI warns about them.
    """

    entry: StudyEntry
    overlaps: tuple[StudyEntry, ...] = ()


@dataclass(frozen=True)
class TimerStatus:
    """What ``course status`` shows.

    Attributes:
        timer: The running timer, or ``None``.
        today: The local day of ``now``.
        today_minutes: Study time logged on ``today``, in minutes (the running timer not
            included).
    """

    timer: RunningTimer | None
    today: date
    today_minutes: int


def running_timer(db: Database) -> RunningTimer | None:
    """The running timer, or ``None`` when none is running."""
    rows = list(db.query("SELECT topic, note, started_at, utc_offset FROM timer WHERE id = 1"))
    if not rows:
        return None
    row = rows[0]
    return RunningTimer(
        row["topic"], read_timestamp(row["started_at"]), row["note"], row["utc_offset"]
    )


def start_timer(
    db: Database, topic: str, *, at: datetime, now: datetime, note: str | None = None
) -> RunningTimer:
    """Start the timer on ``topic`` at ``at``.

    Args:
        db: The tracker database.
        topic: What is studied; surrounding whitespace is removed.
        at: When the study started (aware); seconds are kept, fractions dropped.
        now: The current moment (aware).
        note: Optional free text (blank counts as none); kept on the logged entry.

    Returns:
        The running timer.

    Raises:
        UsageError: A timer is already running (the message names it and since when);
            the topic is blank; ``at`` is after ``now`` or more than 24 h before it.
            Nothing is written.
        StoreError: The database could not be written.
    """
    topic = required_text(topic, "the topic", "Name what you study, e.g. course start CNN")
    note = clean_text(note, "the note", "Shorten the note")
    if at > now:
        raise UsageError(
            "cannot start a timer in the future", _clock(at, now), _past_fix("--at", at, now)
        )
    if now - at > timedelta(minutes=MINUTES_PER_DAY):
        raise UsageError(
            "a timer cannot start more than 24 hours ago",
            _clock(at, now),
            "Log earlier study with course log --duration 1h30m --date yesterday",
        )
    at = at.replace(microsecond=0)
    offset = offset_minutes(at)
    timer = RunningTimer(topic, read_timestamp(utc_timestamp(at)), note, offset)
    try:
        with transaction(db):
            insert(
                db,
                "timer",
                {
                    "id": 1,
                    "topic": topic,
                    "note": note,
                    "started_at": utc_timestamp(at),
                    "utc_offset": offset,
                },
            )
    except sqlite3.IntegrityError:
        running = running_timer(db)
        if running is None:  # pragma: no cover - the only constraint that can fail is id = 1
            raise
        raise UsageError(
            "a timer is already running", _since(running, now), "Stop it with course stop"
        ) from None
    return timer


def stop_timer(
    db: Database, *, at: datetime, now: datetime, note: str | None = None
) -> StoppedTimer:
    """Stop the running timer at ``at`` and log the time as a study entry.

    The entry gets the timer's topic, ``started_at`` and ``ended_at`` (= ``at``), minutes =
    the time between them rounded to whole minutes (half a minute up), and the day of the
    start in the zone the timer was started in (a timer that runs past midnight counts on
    the day it started; one started in Seoul and stopped in New York on Seoul's day). The timer row
    is deleted and the entry inserted in one transaction.

    Args:
        db: The tracker database.
        at: When the study ended (aware); fractions of a second are dropped.
        now: The current moment (aware), also stored as the entry's ``created_at``.
        note: Optional free text; added after the timer's own note (``"; "`` between).

    Returns:
        The new entry and the timed entries it overlaps.

    Raises:
        UsageError: No timer is running; ``at`` is after ``now`` or before the start; the
            stretch is under a minute (half a minute) or over 24 h; or the day would hold
            more than 24 h in all. Nothing is written and the timer keeps running.
        StoreError: The database could not be written.
    """
    at = at.replace(microsecond=0)
    with transaction(db):
        timer = _require_timer(db)
        start = timer.started_at
        if at > now:
            raise UsageError(
                "cannot stop the timer in the future", _clock(at, now), _past_fix("--at", at, now)
            )
        if at < start:
            raise UsageError(
                "the timer cannot stop before it started",
                f"{_clock(at, now)} is before {timer.topic}'s start at {_clock(start, now)}",
                "Pass a later --at, or discard the timer with course stop --cancel",
            )
        minutes = span_minutes(start, at)
        if minutes < 1:
            raise UsageError(
                "the timer has run for less than a minute",
                _since(timer, at),
                f"Nothing was logged and it is still running: {_STOP_OR_CANCEL}",
            )
        if minutes > MINUTES_PER_DAY:
            raise UsageError(
                "the timer would log more than 24 hours",
                _since(timer, at),
                "If you forgot to stop it, pass when you stopped: "
                "course stop --at 'YYYY-MM-DD HH:MM'; or discard it with course stop --cancel",
            )
        day = in_zone(start, timer.utc_offset).date()
        ensure_day_fits(db, day, minutes)
        overlaps = overlapping_entries(db, start, at)
        notes = [timer.note, clean_text(note, "the note", "Shorten the note")]
        joined = "; ".join(dict.fromkeys(text for text in notes if text)) or None
        created_at, started_at, ended_at = (
            utc_timestamp(now),
            utc_timestamp(start),
            utc_timestamp(at),
        )
        db.execute("DELETE FROM timer WHERE id = 1")
        entry_id = insert(
            db,
            "study_log",
            {
                "day": day.isoformat(),
                "minutes": minutes,
                "topic": timer.topic,
                "note": joined,
                "created_at": created_at,
                "started_at": started_at,
                "ended_at": ended_at,
                "utc_offset": timer.utc_offset,
            },
        )
    entry = StudyEntry(
        entry_id,
        day,
        minutes,
        timer.topic,
        joined,
        created_at,
        started_at=started_at,
        ended_at=ended_at,
        utc_offset=timer.utc_offset,
    )
    return StoppedTimer(entry, overlaps)


def cancel_timer(db: Database) -> RunningTimer:
    """Discard the running timer without logging anything.

    Returns:
        The discarded timer.

    Raises:
        UsageError: No timer is running.
        StoreError: The database could not be written.
    """
    with transaction(db):
        timer = _require_timer(db)
        db.execute("DELETE FROM timer WHERE id = 1")
    return timer


def timer_status(db: Database, *, now: datetime) -> TimerStatus:
    """The running timer (if any) and the study time logged on the local day of ``now``."""
    today = now.astimezone().date()
    return TimerStatus(running_timer(db), today, minutes_on(db, today))


def _require_timer(db: Database) -> RunningTimer:
    timer = running_timer(db)
    if timer is None:
        raise UsageError("no timer is running", fix="Start one with course start TOPIC")
    return timer


def _clock(moment: datetime, now: datetime) -> str:
    """Local ``HH:MM`` when on the local day of ``now``, else ``YYYY-MM-DD HH:MM``."""
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def _elapsed(minutes: int) -> str:
    """``25 min`` under an hour, ``1h 05m`` from an hour on."""
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours}h {rest:02d}m"


def _since(timer: RunningTimer, now: datetime) -> str:
    """``CNN since 14:05 (25 min)``."""
    return f"{timer.topic} since {_clock(timer.started_at, now)} ({_elapsed(timer.minutes(now))})"


def _past_fix(option: str, moment: datetime, now: datetime) -> str:
    earlier = moment.astimezone().strftime("%H:%M")
    return (
        f"It is {_clock(now, now)} now; pass a time that has passed, with its day if that is "
        f"not today ({option} 'yesterday {earlier}')"
    )
