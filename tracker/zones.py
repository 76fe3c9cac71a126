"""Time zones of timed entries: the UTC offset an entry was logged with, and local clock
times that do not exist (the hour a DST change skips) or exist twice (the hour it repeats).

A timed entry (``course start`` / ``stop``, or ``course edit --start --end``) stores the UTC
offset of its start, in minutes east of UTC (``study_log.utc_offset``, ``timer.utc_offset``;
540 in Seoul, -300 in New York in winter). Its day and clock times are read in that offset
wherever the tracker runs later, so a Seoul evening stays on Seoul's day when the laptop has
flown to New York. Entries stored before offsets were (``NULL``) are read in the system's
zone, as they always were.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo

from core.errors import UsageError

MAX_OFFSET_MINUTES = 14 * 60
"""The largest UTC offset a zone has (Kiribati, +14:00), in minutes; the smallest is -12:00."""


def offset_minutes(moment: datetime) -> int:
    """The UTC offset of an aware ``moment`` as seen in the system's zone, in minutes."""
    offset = moment.astimezone().utcoffset()
    return 0 if offset is None else int(offset.total_seconds() // 60)


def entry_zone(offset: int | None, at: datetime | None = None) -> tzinfo | None:
    """The zone to read an entry in: ``None`` (the system's zone, DST and all) when the entry
    has no stored offset or the system's zone has that offset at ``at``; else the fixed
    offset it was logged with."""
    if offset is None or (at is not None and offset_minutes(at) == offset):
        return None
    return timezone(timedelta(minutes=offset))


def in_zone(moment: datetime, offset: int | None) -> datetime:
    """``moment`` in the entry's zone (:func:`entry_zone`)."""
    return moment.astimezone(entry_zone(offset, moment))


def local_moment(naive: datetime, typed: str) -> datetime:
    """A local clock time (naive, in the system's zone) as an aware datetime.

    A time the clocks skip (Europe/Berlin 2026-03-29 02:30) is refused. A time they pass
    twice (Europe/Berlin 2026-10-25 02:30) is the first of the two (``fold=0``: still summer
    time), as PEP 495 defines.

    Args:
        naive: The clock time.
        typed: What the user typed for it, for the message.

    Raises:
        UsageError: ``naive`` does not exist in the system's zone.
    """
    for fold in (0, 1):
        aware = naive.replace(fold=fold).astimezone()
        if aware.astimezone().replace(tzinfo=None, fold=0) == naive.replace(fold=0):
            return aware
    raise UsageError(
        "that clock time does not exist here: the clocks skip it (daylight saving time)",
        f"{typed!r} ({naive:%Y-%m-%d %H:%M})",
        "Pass a time an hour later or earlier",
    )
