"""The study log: how long you studied what, one row of ``study_log`` per entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from core.clock import utc_timestamp
from core.errors import UsageError
from tracker.parsers import parse_time, round_minutes
from tracker.store import insert, read_timestamp, transaction
from tracker.text import clean_text, required_text
from tracker.zones import entry_zone, in_zone, local_moment, offset_minutes

MINUTES_PER_DAY = 24 * 60
"""The most study time one day can hold, in minutes."""


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
        started_at: When the study started, UTC ISO-8601, for entries made by the timer
            (``course start`` / ``stop``) or given times by ``course edit``; else ``None``.
        ended_at: When it ended, UTC ISO-8601, set together with ``started_at``.
        updated_at: When it was last edited, UTC ISO-8601, or ``None`` if never.
        utc_offset: For a timed entry, the UTC offset of its start where it was logged, in
            minutes east of UTC (540 in Seoul); ``None`` for an untimed entry or one stored
            before offsets were (read in the system's zone). See :mod:`tracker.zones`.
    """

    id: int
    day: date
    minutes: int
    topic: str
    note: str | None
    created_at: str
    started_at: str | None = None
    ended_at: str | None = None
    updated_at: str | None = None
    utc_offset: int | None = None

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
            started_at=row.get("started_at"),
            ended_at=row.get("ended_at"),
            updated_at=row.get("updated_at"),
            utc_offset=row.get("utc_offset"),
        )

    @property
    def span(self) -> tuple[datetime, datetime] | None:
        """``(started_at, ended_at)`` as aware UTC datetimes, or ``None`` for an untimed entry."""
        if self.started_at is None or self.ended_at is None:
            return None
        return read_timestamp(self.started_at), read_timestamp(self.ended_at)

    @property
    def local_span(self) -> tuple[datetime, datetime] | None:
        """:attr:`span` in the entry's own zone (:func:`tracker.zones.in_zone`): the clock
        times it was logged with, wherever it is read."""
        span = self.span
        if span is None:
            return None
        return in_zone(span[0], self.utc_offset), in_zone(span[1], self.utc_offset)


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
    topic = _clean_topic(topic)
    note = clean_text(note, "the note", "Shorten the note")
    if minutes <= 0:
        raise UsageError(
            "study time must be more than 0 minutes",
            f"{minutes} min",
            "Pass e.g. --hours 1.5, --minutes 90 or --duration 1h30m",
        )
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


# --- finding, editing and deleting entries --------------------------------------------------

_FIND_ENTRY = "See a day's entries and their numbers with course report daily --date DAY"
_EDIT_OPTIONS = "--hours, --minutes, --duration, --topic, --date, --note, --start or --end"


@dataclass(frozen=True)
class EditedEntry:
    """What :func:`edit_entry` did.

    Attributes:
        before: The entry as it was.
        entry: The entry as it is stored now.
        overlaps: Other timed entries whose times overlap the entry's new times, earliest
            first. Empty when the edit did not change its times.
    """

    before: StudyEntry
    entry: StudyEntry
    overlaps: tuple[StudyEntry, ...] = ()


def span_minutes(started_at: datetime, ended_at: datetime) -> int:
    """Whole minutes from ``started_at`` to ``ended_at`` (aware), half a minute rounded up.

    Negative when ``ended_at`` is before ``started_at``.
    """
    seconds = Decimal(str((ended_at - started_at).total_seconds()))
    return round_minutes(seconds / 60)


def get_entry(db: Database, entry_id: int) -> StudyEntry:
    """The study entry numbered ``entry_id``.

    Raises:
        UsageError: There is no such entry.
    """
    rows = list(db.query("SELECT * FROM study_log WHERE id = ?", [entry_id]))
    if not rows:
        raise UsageError("no study entry with that id", entry_id, _FIND_ENTRY)
    return StudyEntry.from_row(rows[0])


def list_entries(
    db: Database, *, first_day: date | None = None, last_day: date | None = None
) -> list[StudyEntry]:
    """Study entries from ``first_day`` to ``last_day`` (both included; open when ``None``).

    Returns:
        The entries by day, then by start time (untimed entries by when they were logged),
        then by number.
    """
    where, params = ["1 = 1"], []
    if first_day is not None:
        where.append("day >= ?")
        params.append(first_day.isoformat())
    if last_day is not None:
        where.append("day <= ?")
        params.append(last_day.isoformat())
    rows = db.query(
        f"SELECT * FROM study_log WHERE {' AND '.join(where)} "
        "ORDER BY day, coalesce(started_at, created_at), id",
        params,
    )
    return [StudyEntry.from_row(row) for row in rows]


def overlapping_entries(
    db: Database, started_at: datetime, ended_at: datetime, *, exclude_id: int | None = None
) -> tuple[StudyEntry, ...]:
    """Timed entries (those with start and end times) that overlap ``started_at``-``ended_at``.

    Two stretches overlap when each starts before the other ends; one that ends at 14:00 and
    one that starts at 14:00 do not.

    Args:
        db: The tracker database.
        started_at: Start of the stretch (aware).
        ended_at: End of the stretch (aware).
        exclude_id: An entry to leave out (the one being edited).

    Returns:
        The overlapping entries, earliest start first.
    """
    rows = db.query(
        "SELECT * FROM study_log WHERE started_at IS NOT NULL AND ended_at IS NOT NULL "
        "AND started_at < ? AND ended_at > ? AND id IS NOT ? ORDER BY started_at, id",
        [utc_timestamp(ended_at), utc_timestamp(started_at), exclude_id],
    )
    return tuple(StudyEntry.from_row(row) for row in rows)


def ensure_day_fits(
    db: Database, day: date, minutes: int, *, exclude_id: int | None = None
) -> None:
    """Refuse ``minutes`` more on ``day`` when the day would hold more than 24 h in all.

    Args:
        db: The tracker database.
        day: The local day.
        minutes: The study time to add, in minutes.
        exclude_id: An entry whose minutes do not count (the one being edited).

    Raises:
        UsageError: The day would hold more than 1440 minutes (the message of
            :func:`log_study`).
    """
    row = next(
        db.query(
            "SELECT coalesce(sum(minutes), 0) AS total FROM study_log "
            "WHERE day = ? AND id IS NOT ?",
            [day.isoformat(), exclude_id],
        )
    )
    logged = int(row["total"])
    if logged + minutes > MINUTES_PER_DAY:
        raise UsageError(
            "a day has only 24 hours",
            f"{day.isoformat()} already has {logged} min logged, adding {minutes} min "
            f"makes {logged + minutes} min",
            f"At most {MINUTES_PER_DAY - logged} more minutes fit on that day",
        )


def edit_entry(
    db: Database,
    entry_id: int,
    *,
    now: datetime,
    minutes: int | None = None,
    topic: str | None = None,
    day: date | None = None,
    note: str | None = None,
    started_at: datetime | str | None = None,
    ended_at: datetime | str | None = None,
) -> EditedEntry:
    """Change what is given of entry ``entry_id``; everything else stays as it was.

    Times typed now are in the system's time zone (``TZ``); an entry with times keeps the
    zone it was logged in (its ``utc_offset``) for its day and clock times, unless new times
    are given. A day is refused as in the future by the calendar of that zone, and only
    when it changes: editing the topic of an entry logged in Seoul works from New York.

    An entry with times (made by the timer) keeps them consistent with its study time:

    - ``started_at`` / ``ended_at`` set the times and the study time is recomputed from them
      (half a minute rounded up); the day becomes the local day of the start;
    - ``minutes`` keeps the start and moves the end;
    - ``day`` moves both times to the same clock times on that day.

    An entry logged as an amount gets times only when both ``started_at`` and ``ended_at``
    are given.

    A time given as text (what ``course edit --start`` / ``--end`` got) is read by
    :func:`tracker.parsers.parse_time`; a bare clock time (``14:05``) is on ``day`` when it is
    given, else on the entry's own day.

    Args:
        db: The tracker database.
        entry_id: The entry's number.
        now: The current moment (aware): edits may not reach into the future, and it is
            stored as ``updated_at``.
        minutes: New study time, in minutes.
        topic: New topic (surrounding whitespace removed).
        day: New local day.
        note: New note; an empty or blank string removes the note.
        started_at: New start: aware, or as typed (``"13:30"``, ``"yesterday 23:30"``).
        ended_at: New end: aware, or as typed.

    Returns:
        The entry before and after, and the timed entries its new times overlap.

    Raises:
        UsageError: Unknown ``entry_id``; nothing to change; a time that cannot be read
            (:func:`tracker.parsers.parse_time`); minutes given together with
            times; only one time given for an entry without times; the same refusals as
            :func:`log_study` (minutes <= 0, blank topic, a day in the future, a day over
            24 h); an end not after the start, an end in the future, more than 24 h between
            start and end, or a ``day`` that is not the day of the given start. Nothing is
            written.
        StoreError: The database could not be written.
    """
    changes = (minutes, topic, day, note, started_at, ended_at)
    if all(change is None for change in changes):
        raise UsageError(
            "nothing to change", f"entry #{entry_id}", f"Pass at least one of {_EDIT_OPTIONS}"
        )
    with transaction(db):
        before = get_entry(db, entry_id)
        on = before.day if day is None else day
        start = parse_time(started_at, now, day=on) if isinstance(started_at, str) else started_at
        end = parse_time(ended_at, now, day=on) if isinstance(ended_at, str) else ended_at
        offset = before.utc_offset
        if start is not None:
            offset = offset_minutes(start)
        elif end is not None and before.span is None:
            offset = offset_minutes(end)
        today = in_zone(now, offset).date()
        if day is not None:
            _check_not_future(day, today)
        span = _edited_span(before, minutes, day, start, end)
        if span is None:
            new_minutes = before.minutes if minutes is None else minutes
            new_day = before.day if day is None else day
            offset = None
            _check_positive(new_minutes)
        else:
            new_minutes = _timed_minutes(*span, now)
            new_day = in_zone(span[0], offset).date()
            if day is not None and day != new_day:
                raise UsageError(
                    "--date and --start name different days",
                    f"{day.isoformat()} and {new_day.isoformat()}",
                    "Leave out --date: an entry with times is on the day it started",
                )
        new_topic = before.topic if topic is None else _clean_topic(topic)
        new_note = before.note if note is None else clean_text(note, "the note", "Shorten the note")
        if new_day != before.day:
            _check_not_future(new_day, today)
        ensure_day_fits(db, new_day, new_minutes, exclude_id=entry_id)
        overlaps: tuple[StudyEntry, ...] = ()
        if span is not None and span != before.span:
            overlaps = overlapping_entries(db, *span, exclude_id=entry_id)
        record: dict[str, Any] = {
            "day": new_day.isoformat(),
            "minutes": new_minutes,
            "topic": new_topic,
            "note": new_note,
            "started_at": None if span is None else utc_timestamp(span[0]),
            "ended_at": None if span is None else utc_timestamp(span[1]),
            "utc_offset": offset,
            "updated_at": utc_timestamp(now),
        }
        db.table("study_log").update(entry_id, record)
        after = get_entry(db, entry_id)
    return EditedEntry(before, after, overlaps)


def delete_entry(db: Database, entry_id: int) -> StudyEntry:
    """Delete entry ``entry_id`` and return it as it was.

    Raises:
        UsageError: There is no such entry.
        StoreError: The database could not be written.
    """
    with transaction(db):
        entry = get_entry(db, entry_id)
        db.execute("DELETE FROM study_log WHERE id = ?", [entry_id])
    return entry


def _edited_span(
    before: StudyEntry,
    minutes: int | None,
    day: date | None,
    started_at: datetime | None,
    ended_at: datetime | None,
) -> tuple[datetime, datetime] | None:
    """The entry's start and end after the edit, or ``None`` when it has no times."""
    span = before.span
    if started_at is not None or ended_at is not None:
        if minutes is not None:
            raise UsageError(
                "give either the study time or the times, not both",
                f"entry #{before.id}",
                "The times set the study time: pass only --start and --end",
            )
        if span is None:
            if started_at is None or ended_at is None:
                raise UsageError(
                    "the entry has no start and end times",
                    f"entry #{before.id} was logged as an amount of time",
                    "Pass both --start and --end to give it times, or change its "
                    "study time with --duration",
                )
            return started_at, ended_at
        start, end = _moved_to(span, day, before.utc_offset)
        return started_at or start, ended_at or end
    if span is None:
        return None
    start, end = _moved_to(span, day, before.utc_offset)
    if minutes is not None:
        _check_positive(minutes)
        end = start + timedelta(minutes=minutes)
    return start, end


def _moved_to(
    span: tuple[datetime, datetime], day: date | None, offset: int | None
) -> tuple[datetime, datetime]:
    """``span`` moved to the same clock times on ``day``, in the entry's zone (as it is when
    ``day`` is ``None``)."""
    start, end = span
    if day is None:
        return start, end
    shift = day - in_zone(start, offset).date()
    return _shift_local(start, shift, offset), _shift_local(end, shift, offset)


def _shift_local(moment: datetime, shift: timedelta, offset: int | None) -> datetime:
    """The same clock time ``shift`` later (whole days): in the system's zone across a DST
    change too, refusing a clock time that day skips; in a fixed offset, simply later.

    Raises:
        UsageError: the clock time does not exist on the new day (the DST gap).
    """
    zone = entry_zone(offset, moment)
    if zone is not None:
        return moment.astimezone(zone) + shift
    naive = moment.astimezone().replace(tzinfo=None) + shift
    return local_moment(naive, f"{naive:%H:%M} on {naive:%Y-%m-%d}")


def _timed_minutes(started_at: datetime, ended_at: datetime, now: datetime) -> int:
    if ended_at <= started_at:
        raise UsageError(
            "the end is not after the start",
            f"{_local_text(started_at)} to {_local_text(ended_at)}",
            "Pass an --end later than the --start",
        )
    if ended_at > now:
        raise UsageError(
            "the entry cannot end in the future",
            _local_text(ended_at),
            f"It is {_local_text(now)} now; pass an earlier --end or a shorter study time",
        )
    minutes = span_minutes(started_at, ended_at)
    _check_positive(minutes)
    if minutes > MINUTES_PER_DAY:
        raise UsageError(
            "an entry with times cannot be longer than 24 hours",
            f"{_local_text(started_at)} to {_local_text(ended_at)} is {minutes} min",
            "Check the days of --start and --end",
        )
    return minutes


def _check_not_future(day: date, today: date) -> None:
    if day > today:
        raise UsageError(
            "cannot log study time in the future",
            day.isoformat(),
            f"Today is {today.isoformat()}; pass --date today or an earlier date",
        )


def _check_positive(minutes: int) -> None:
    if minutes <= 0:
        raise UsageError(
            "study time must be more than 0 minutes",
            f"{minutes} min",
            "Pass e.g. --hours 1.5, --minutes 90 or --duration 1h30m",
        )


def _clean_topic(topic: str) -> str:
    return required_text(topic, "the topic", "Name what you studied, e.g. --topic CNN")


def _local_text(moment: datetime) -> str:
    """``moment`` in the system's local time: ``2026-11-21 14:05``."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
