"""Coding-test attempts: one row of ``problems`` per attempt at a problem, with its tags.

A problem is a ``(site, number)`` pair: ``("boj", "5525")`` on Baekjoon (acmicpc.net, whose
progress solved.ac tracks), ``("programmers", "42576")`` (a lesson id), ``("leetcode",
"two-sum")`` (a slug) or ``("other", <anything>)``. Adding the same problem again records
another attempt; :func:`add_attempt` copies the title, tags and URL of the problem's latest
attempt when they are not given again.

This module checks an attempt (:class:`NewAttempt`), writes it and reads attempts back.
:mod:`tracker.review_queue` says which problems are due for another try (and records an
attempt with its place in that queue, :func:`tracker.review_queue.log_attempt`);
:mod:`tracker.problem_stats` aggregates attempts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from core.clock import utc_timestamp
from core.errors import UsageError
from tracker.store import insert, transaction
from tracker.text import clean_text

SITES = ("boj", "programmers", "leetcode", "other")
"""The sites a problem can come from, as stored in ``problems.site``."""

STATUSES = ("solved", "attempted", "failed")
"""How an attempt ended: solved; worked on without solving; given up."""

MAX_MINUTES = 24 * 60
"""The longest one attempt can be, in minutes (it is recorded on one day)."""

_DIGITS = re.compile(r"[0-9]+")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SITE_LIST = ", ".join(SITES)
_STATUS_LIST = ", ".join(STATUSES)


@dataclass(frozen=True)
class ProblemAttempt:
    """One attempt at a coding-test problem.

    Attributes:
        id: Row id in ``problems``.
        site: One of :data:`SITES`.
        number: The problem on that site: digits for ``boj`` and ``programmers``, a slug
            (``two-sum``) for ``leetcode``, anything for ``other``.
        title: The problem's title, or ``None``.
        tags: Lower-case tags in the order given, e.g. ``("string", "kmp")``.
        status: One of :data:`STATUSES`.
        minutes: Time spent on this attempt in minutes, or ``None`` when not recorded.
        used_hint: Whether a hint, editorial or someone else's solution was used.
        url: The address given with ``--url``, or ``None`` (see :attr:`link`).
        note: Free text, or ``None``.
        day: The local day of the attempt.
    """

    id: int
    site: str
    number: str
    title: str | None
    tags: tuple[str, ...]
    status: str
    minutes: int | None
    used_hint: bool
    url: str | None
    note: str | None
    day: date

    @property
    def link(self) -> str | None:
        """:attr:`url`, else the problem's page on its site (``None`` for ``other``)."""
        return self.url or default_link(self.site, self.number)

    @property
    def label(self) -> str:
        """Site and number: ``"boj 5525"``."""
        return f"{self.site} {self.number}"

    @property
    def needs_review(self) -> bool:
        """Whether this attempt puts its problem in the review queue (not a clean solve)."""
        return self.status != "solved" or self.used_hint

    def to_json(self) -> dict[str, Any]:
        """The attempt with its day as an ISO string and its :attr:`link`."""
        return {
            "id": self.id,
            "site": self.site,
            "number": self.number,
            "title": self.title,
            "tags": list(self.tags),
            "status": self.status,
            "minutes": self.minutes,
            "used_hint": self.used_hint,
            "url": self.url,
            "link": self.link,
            "note": self.note,
            "day": self.day.isoformat(),
        }


@dataclass(frozen=True)
class NewAttempt:
    """An attempt to record, as given (:func:`add_attempt` checks and normalises it).

    Attributes:
        site: One of :data:`SITES`, any case.
        number: The problem on that site (:func:`normalize_number`).
        day: The local day of the attempt.
        title: The problem's title; ``None`` (or blank) keeps the latest attempt's.
        tags: Tags (:func:`normalize_tags`: lower-cased, stripped, repeats dropped); none
            keeps the latest attempt's.
        status: ``solved``, ``attempted`` or ``failed``, any case.
        minutes: Time spent, in minutes (1 to 1440), or ``None``.
        used_hint: Whether a hint was used.
        url: The problem's address, starting with ``http://`` or ``https://``; ``None``
            keeps the latest attempt's, and without one :attr:`ProblemAttempt.link` gives
            the site's page.
        note: Free text (blank counts as none).
    """

    site: str
    number: str
    _: KW_ONLY
    day: date
    title: str | None = None
    tags: Sequence[str] = ()
    status: str = "solved"
    minutes: int | None = None
    used_hint: bool = False
    url: str | None = None
    note: str | None = None


# --- checking input -------------------------------------------------------------------------


def default_link(site: str, number: str) -> str | None:
    """The problem's page on its site, or ``None`` for ``other``.

    ``boj`` -> ``https://www.acmicpc.net/problem/<n>``, ``programmers`` ->
    ``https://school.programmers.co.kr/learn/courses/30/lessons/<n>``, ``leetcode`` ->
    ``https://leetcode.com/problems/<slug>/``.
    """
    if site == "boj":
        return f"https://www.acmicpc.net/problem/{number}"
    if site == "programmers":
        return f"https://school.programmers.co.kr/learn/courses/30/lessons/{number}"
    if site == "leetcode":
        return f"https://leetcode.com/problems/{number}/"
    return None


def normalize_site(site: str) -> str:
    """``site`` in lower case, checked against :data:`SITES`.

    Raises:
        UsageError: It is not one of :data:`SITES`.
    """
    cleaned = site.strip().lower()
    if cleaned not in SITES:
        raise UsageError("unknown site", repr(site), f"Use one of {_SITE_LIST}")
    return cleaned


def normalize_status(status: str) -> str:
    """``status`` in lower case, checked against :data:`STATUSES`.

    Raises:
        UsageError: It is not one of :data:`STATUSES`.
    """
    cleaned = status.strip().lower()
    if cleaned not in STATUSES:
        raise UsageError("unknown status", repr(status), f"Use one of {_STATUS_LIST}")
    return cleaned


def normalize_number(site: str, number: str) -> str:
    """The problem's number as stored for ``site`` (an already normalised site).

    ``boj`` and ``programmers`` take digits (leading zeros dropped: ``05525`` -> ``5525``),
    ``leetcode`` a slug in lower case (``Two-Sum`` -> ``two-sum``; not the problem's number,
    which its URLs do not use), ``other`` any text that is not blank (surrounding spaces
    removed).

    Raises:
        UsageError: The number does not fit the site.
    """
    cleaned = clean_text(number, "the problem number", "Name the problem, e.g. 1000") or ""
    if site == "boj":
        if not _DIGITS.fullmatch(cleaned):
            raise UsageError(
                "a BOJ problem number is digits",
                repr(number),
                "Use the number in acmicpc.net/problem/<number>, e.g. 5525",
            )
        return str(int(cleaned))
    if site == "programmers":
        if not _DIGITS.fullmatch(cleaned):
            raise UsageError(
                "a programmers problem number is digits",
                repr(number),
                "Use the lesson id in school.programmers.co.kr/learn/courses/30/lessons/<id>, "
                "e.g. 42576",
            )
        return str(int(cleaned))
    if site == "leetcode":
        slug = cleaned.lower()
        if not _SLUG.fullmatch(slug) or slug.isdigit():
            raise UsageError(
                "a LeetCode problem is its slug",
                repr(number),
                "Use the name in leetcode.com/problems/<slug>/, e.g. two-sum",
            )
        return slug
    if not cleaned:
        raise UsageError(
            "the problem number is empty", fix="Name the problem, e.g. course problem add other A1"
        )
    return cleaned


def normalize_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags stripped and in lower case, inner spaces collapsed, blanks and repeats dropped.

    ``["String", " kmp ", "", "string"]`` -> ``("string", "kmp")`` (first occurrence order).
    """
    seen: dict[str, None] = {}
    for tag in tags:
        cleaned = " ".join((clean_text(tag, "a tag", "Use e.g. dp") or "").lower().split())
        if cleaned:
            seen.setdefault(cleaned, None)
    return tuple(seen)


def _clean_text(text: str | None) -> str | None:
    return clean_text(text, "the text", "Shorten it")


def _check_minutes(minutes: int | None) -> None:
    if minutes is None:
        return
    if minutes <= 0:
        raise UsageError(
            "the time spent must be more than 0 minutes",
            f"{minutes} min",
            "Pass e.g. --minutes 45 or --minutes 1h30m, or leave --minutes out",
        )
    if minutes > MAX_MINUTES:
        raise UsageError(
            "one attempt can take at most 24 hours",
            f"{minutes} min",
            "Record each day's work on the problem as its own attempt",
        )


def _check_url(url: str | None) -> None:
    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise UsageError(
            "the URL must start with http:// or https://",
            repr(url),
            "Paste the whole address of the problem's page",
        )


# --- writing --------------------------------------------------------------------------------


def add_attempt(db: Database, new: NewAttempt, *, today: date, now: datetime) -> ProblemAttempt:
    """Record one attempt at a problem (one ``problems`` row and its ``problem_tags``).

    When the title, tags or URL is not given (``None``, blank or no tags), it is copied
    from the problem's latest earlier attempt (latest ``day``, then latest id), if there is
    one.

    Args:
        db: The tracker database (:func:`tracker.store.open_db`).
        new: The attempt as given.
        today: The local date, to refuse days in the future.
        now: The moment of recording, stored as UTC ``created_at``.

    Returns:
        The stored attempt, with inherited fields filled in.

    Raises:
        UsageError: Unknown site or status, a number that does not fit the site, minutes
            <= 0 or > 1440, a URL without http(s)://, or a day after ``today``. Nothing is
            written.
        StoreError: The database could not be written.
    """
    site = normalize_site(new.site)
    number = normalize_number(site, new.number)
    status = normalize_status(new.status)
    minutes, used_hint, day = new.minutes, new.used_hint, new.day
    _check_minutes(minutes)
    title, url, note = _clean_text(new.title), _clean_text(new.url), _clean_text(new.note)
    _check_url(url)
    tag_tuple = normalize_tags(new.tags)
    if new.tags and not tag_tuple:
        raise UsageError(
            "the tags are empty", repr(",".join(new.tags)), "Pass tags such as --tags dp,greedy"
        )
    if day > today:
        raise UsageError(
            "cannot record an attempt in the future",
            day.isoformat(),
            f"Today is {today.isoformat()}; pass --date today or an earlier date",
        )
    with transaction(db):
        latest = _latest_attempt(db, site, number)
        if latest is not None:
            title = title or latest.title
            url = url or latest.url
            tag_tuple = tag_tuple or latest.tags
        attempt_id = insert(
            db,
            "problems",
            {
                "site": site,
                "number": number,
                "title": title,
                "status": status,
                "minutes": minutes,
                "used_hint": int(used_hint),
                "url": url,
                "note": note,
                "day": day.isoformat(),
                "created_at": utc_timestamp(now),
            },
        )
        for tag in tag_tuple:
            insert(db, "problem_tags", {"problem_id": attempt_id, "tag": tag})
    return ProblemAttempt(
        attempt_id, site, number, title, tag_tuple, status, minutes, used_hint, url, note, day
    )


# --- reading --------------------------------------------------------------------------------


def list_attempts(
    db: Database,
    *,
    tag: str | None = None,
    status: str | None = None,
    site: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[ProblemAttempt]:
    """Attempts matching every filter given, newest first (latest day, then latest id).

    Args:
        db: The tracker database.
        tag: Only attempts with this tag (any case, surrounding spaces ignored).
        status: Only attempts with this status (:data:`STATUSES`, any case).
        site: Only attempts on this site (:data:`SITES`, any case).
        start: Only attempts on or after this day.
        end: Only attempts on or before this day.

    Raises:
        UsageError: Unknown ``status`` or ``site``, or a blank ``tag``.
    """
    where, params = _span(start, end)
    if tag is not None:
        tags = normalize_tags([tag])
        if not tags:
            raise UsageError("the tag is empty", fix="Pass a tag such as --tag dp")
        where.append("id IN (SELECT problem_id FROM problem_tags WHERE tag = ?)")
        params.append(tags[0])
    if status is not None:
        where.append("status = ?")
        params.append(normalize_status(status))
    if site is not None:
        where.append("site = ?")
        params.append(normalize_site(site))
    return _load(db, " AND ".join(where) or "1", params, oldest_first=False)


def problems_between(
    db: Database, start: date | None = None, end: date | None = None
) -> list[ProblemAttempt]:
    """Attempts from ``start`` to ``end`` (both included; open when ``None``), oldest first.

    Oldest first is by day, then by id (the order they were recorded in).
    """
    where, params = _span(start, end)
    return _load(db, " AND ".join(where) or "1", params, oldest_first=True)


def problem_history(db: Database, site: str, number: str) -> list[ProblemAttempt]:
    """Every attempt at one problem (an already normalised site and number), oldest first."""
    return _load(db, "site = ? AND number = ?", [site, number], oldest_first=True)


# --- helpers --------------------------------------------------------------------------------


def _span(start: date | None, end: date | None) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if start is not None:
        where.append("day >= ?")
        params.append(start.isoformat())
    if end is not None:
        where.append("day <= ?")
        params.append(end.isoformat())
    return where, params


def _load(
    db: Database, where: str, params: list[Any], *, oldest_first: bool
) -> list[ProblemAttempt]:
    """Attempts matching ``where`` (SQL on ``problems``) with their tags, in day/id order."""
    direction = "ASC" if oldest_first else "DESC"
    rows = list(
        db.query(
            f"SELECT * FROM problems WHERE {where} ORDER BY day {direction}, id {direction}",
            params,
        )
    )
    tags: dict[int, list[str]] = defaultdict(list)
    for row in db.query(
        "SELECT problem_id, tag FROM problem_tags"
        f" WHERE problem_id IN (SELECT id FROM problems WHERE {where}) ORDER BY rowid",
        params,
    ):
        tags[row["problem_id"]].append(row["tag"])
    return [
        ProblemAttempt(
            id=row["id"],
            site=row["site"],
            number=row["number"],
            title=row["title"],
            tags=tuple(tags[row["id"]]),
            status=row["status"],
            minutes=row["minutes"],
            used_hint=bool(row["used_hint"]),
            url=row["url"],
            note=row["note"],
            day=date.fromisoformat(row["day"]),
        )
        for row in rows
    ]


def _latest_attempt(db: Database, site: str, number: str) -> ProblemAttempt | None:
    latest = _load(
        db,
        "id = (SELECT id FROM problems WHERE site = ? AND number = ? ORDER BY day DESC, id DESC"
        " LIMIT 1)",
        [site, number],
        oldest_first=False,
    )
    return latest[0] if latest else None
