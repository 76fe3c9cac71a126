"""The clock and the one stored-timestamp format: UTC, to the second, ``2026-11-21T04:49:00Z``.

Every timestamp `course` stores (tracker rows, grade reports, cohort results) is written by
:func:`utc_timestamp` and read back by :func:`parse_utc_timestamp`.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
"""The ``strftime`` form of a stored timestamp."""


def now() -> datetime:
    """The current moment as an aware datetime in the local time zone."""
    return datetime.now().astimezone()


def today() -> date:
    """The local date of :func:`now`."""
    return now().date()


def utc_timestamp(moment: datetime | None = None) -> str:
    """``moment`` (default: now) as a UTC ISO-8601 string to the second: ``2026-11-21T04:49:00Z``.

    A naive ``moment`` is taken to be local time.
    """
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime(UTC_FORMAT)


def parse_utc_timestamp(text: object) -> datetime | None:
    """A stored timestamp as an aware UTC datetime; ``None`` when ``text`` is not one.

    The stored form is :func:`utc_timestamp`'s (``2026-11-21T04:49:00Z``). Other ISO-8601
    forms to the second with a ``T`` are read too: with an offset (``+09:00``) they are
    converted to UTC, without one they are taken to be UTC. Anything else (``2026-11-21 04:49``,
    a date alone, not a string) is ``None``: callers decide what an unreadable value means (a
    damaged row, a report without a start time).
    """
    if not isinstance(text, str) or len(text) < 19 or text[10:11] != "T":
        return None
    if text.endswith("Z"):  # fromisoformat reads a trailing Z only from Python 3.11
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
