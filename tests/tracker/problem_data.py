"""What the coding-test tests share: the clock, a short way to add an attempt, six attempts."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlite_utils import Database

from tracker.problems import NewAttempt, ProblemAttempt, add_attempt

TODAY = date(2026, 11, 21)  # a Saturday
NOW = datetime(2026, 11, 21, 4, 49, tzinfo=timezone.utc)
D0 = date(2026, 11, 1)


def add(
    db: Database, site: str = "boj", number: str = "5525", day: date = TODAY, **options: Any
) -> ProblemAttempt:
    """:func:`add_attempt` of ``site`` ``number`` on ``day``, with ``options`` as given."""
    return add_attempt(db, NewAttempt(site, number, day=day, **options), today=TODAY, now=NOW)


def day(offset: int) -> date:
    """The day ``offset`` days after :data:`D0`."""
    return D0 + timedelta(days=offset)


def six_attempts(db: Database) -> Database:
    """Six attempts over four days on three sites."""
    add(db, "boj", "5525", title="IOIOI", tags=["string", "kmp"], status="failed", day=day(0))
    add(db, "boj", "5525", status="solved", day=day(2))
    add(db, "leetcode", "two-sum", tags=["hash"], used_hint=True, day=day(2))
    add(db, "programmers", "42576", tags=["hash", "string"], status="attempted", day=day(3))
    add(db, "boj", "1000", title="A+B", tags=["math"], day=day(1))
    add(db, "other", "x", day=day(3))
    return db
