"""Coding-test progress: one row of ``problems`` per attempt at a problem, with its tags.

A problem is a ``(site, number)`` pair: ``("boj", "5525")`` on Baekjoon (acmicpc.net, whose
progress solved.ac tracks), ``("programmers", "42576")`` (a lesson id), ``("leetcode",
"two-sum")`` (a slug) or ``("other", <anything>)``. Adding the same problem again records
another attempt; :func:`add_attempt` copies the title, tags and URL of the problem's latest
attempt when they are not given again.

:func:`problem_stats` aggregates attempts (solved per tag and site, median time, weak tags,
streaks) and :func:`review_queue` says which problems are due for another try. The review
rules are on :func:`review_queue`.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from core.clock import utc_timestamp
from core.errors import UsageError
from tracker.dates import current_streak, longest_streak
from tracker.store import insert, transaction

SITES = ("boj", "programmers", "leetcode", "other")
"""The sites a problem can come from, as stored in ``problems.site``."""

STATUSES = ("solved", "attempted", "failed")
"""How an attempt ended: solved; worked on without solving; given up."""

REVIEW_INTERVALS = (1, 3, 7)
"""Days from a failed or hinted attempt (1), then from each clean review (3, 7), to the next."""

MAX_MINUTES = 24 * 60
"""The longest one attempt can be, in minutes (it is recorded on one day)."""

_DIGITS = re.compile(r"\d+")
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
class ReviewItem:
    """A problem in the review queue.

    Attributes:
        site: One of :data:`SITES`.
        number: The problem on that site.
        title: The title of its latest attempt that has one, or ``None``.
        due: The day it is due for another try.
        interval_days: The review step it is on: 1, 3 or 7 (days between the attempt that
            set :attr:`due` and :attr:`due`).
        last_day: The day of the problem's latest attempt.
        reason: Why it entered the queue: ``"failed"`` (failed or attempted without
            solving) or ``"hint"`` (solved with a hint), from the latest such attempt.
    """

    site: str
    number: str
    title: str | None
    due: date
    interval_days: int
    last_day: date
    reason: str

    @property
    def label(self) -> str:
        """Site and number: ``"boj 5525"``."""
        return f"{self.site} {self.number}"

    def overdue_days(self, today: date) -> int:
        """Days past :attr:`due` on ``today`` (0 when due today or later)."""
        return max(0, (today - self.due).days)

    def is_due(self, today: date) -> bool:
        """Whether it is due on ``today`` (due today or earlier)."""
        return self.due <= today

    def to_json(self, today: date | None = None) -> dict[str, Any]:
        """The item with ISO dates; with ``today``, also ``is_due`` and ``overdue_days``."""
        data: dict[str, Any] = {
            "site": self.site,
            "number": self.number,
            "title": self.title,
            "due": self.due.isoformat(),
            "interval_days": self.interval_days,
            "last_day": self.last_day.isoformat(),
            "reason": self.reason,
        }
        if today is not None:
            data["is_due"] = self.is_due(today)
            data["overdue_days"] = self.overdue_days(today)
        return data


@dataclass(frozen=True)
class WeakTag:
    """A tag with failed or hinted attempts.

    Attributes:
        tag: The tag.
        failures: Attempts with that tag that were failed or attempted without solving.
        hints: Attempts with that tag that used a hint (whatever their status).
    """

    tag: str
    failures: int
    hints: int

    @property
    def total(self) -> int:
        """``failures + hints``, what weak tags are ranked by."""
        return self.failures + self.hints

    def to_json(self) -> dict[str, Any]:
        """``{"tag": "dp", "failures": 2, "hints": 1}``."""
        return {"tag": self.tag, "failures": self.failures, "hints": self.hints}


@dataclass(frozen=True)
class AddedAttempt:
    """What :func:`log_attempt` recorded and what it means for the review queue.

    Attributes:
        attempt: The stored attempt.
        number: Which attempt at this problem it is (1 for the first one recorded).
        review: The problem's place in the review queue after this attempt, or ``None``
            when it is not in the queue.
        left_review: Whether this attempt took the problem out of the queue (the clean
            solve of its 7-day review).
    """

    attempt: ProblemAttempt
    number: int
    review: ReviewItem | None
    left_review: bool


@dataclass(frozen=True)
class ProblemStats:
    """Coding-test progress over a span of days (and streaks and reviews up to today).

    Attributes:
        solved_per_tag: ``(tag, distinct problems solved)`` for every tag with an attempt in
            the span (0 when none was solved), most solved first, then by tag.
        solved_per_site: ``(site, distinct problems solved)`` for every site with an attempt
            in the span, most solved first, then by site.
        attempts: Attempts in the span.
        solved: Distinct problems (site and number) with a solved attempt in the span.
        median_minutes: Median time of the span's solved attempts that have a time, in
            minutes (``statistics.median``), or ``None`` when there are none.
        weak_tags: Tags with at least one failed or hinted attempt in the span, most
            ``failures + hints`` first, ties by tag.
        current_streak: Consecutive days with a solved attempt ending today, or ending
            yesterday when nothing is solved yet today (0 when neither day has one).
            Counted over all attempts, not only the span's.
        longest_streak: The longest run of consecutive days with a solved attempt, ever.
        review_queue: :func:`review_queue` on ``today`` (all attempts, not only the span's).
        today: The day the streak and review queue are measured on.
        start: The span's first day, or ``None`` for no lower bound.
        end: The span's last day, or ``None`` for no upper bound.
        attempts_per_tag: ``(tag, attempts)``, in the order of :attr:`solved_per_tag`.
        attempts_per_site: ``(site, attempts)``, in the order of :attr:`solved_per_site`.
    """

    solved_per_tag: list[tuple[str, int]]
    solved_per_site: list[tuple[str, int]]
    attempts: int
    solved: int
    median_minutes: float | None
    weak_tags: list[WeakTag]
    current_streak: int
    longest_streak: int
    review_queue: list[ReviewItem]
    today: date
    start: date | None = None
    end: date | None = None
    attempts_per_tag: list[tuple[str, int]] = field(default_factory=list)
    attempts_per_site: list[tuple[str, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The statistics as JSON-ready data (dates as ISO strings)."""
        tag_attempts = dict(self.attempts_per_tag)
        site_attempts = dict(self.attempts_per_site)
        return {
            "today": self.today.isoformat(),
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "attempts": self.attempts,
            "solved": self.solved,
            "median_minutes": self.median_minutes,
            "solved_per_tag": [
                {"tag": tag, "solved": solved, "attempts": tag_attempts.get(tag, 0)}
                for tag, solved in self.solved_per_tag
            ],
            "solved_per_site": [
                {"site": site, "solved": solved, "attempts": site_attempts.get(site, 0)}
                for site, solved in self.solved_per_site
            ],
            "weak_tags": [weak.to_json() for weak in self.weak_tags],
            "current_streak": self.current_streak,
            "longest_streak": self.longest_streak,
            "review_queue": [item.to_json(self.today) for item in self.review_queue],
        }


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
    cleaned = number.strip()
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
        cleaned = " ".join(tag.lower().split())
        if cleaned:
            seen.setdefault(cleaned, None)
    return tuple(seen)


def _clean_text(text: str | None) -> str | None:
    return (text or "").strip() or None


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


def add_attempt(
    db: Database,
    site: str,
    number: str,
    *,
    title: str | None = None,
    tags: Sequence[str] = (),
    status: str = "solved",
    minutes: int | None = None,
    used_hint: bool = False,
    url: str | None = None,
    note: str | None = None,
    day: date,
    today: date,
    now: datetime,
) -> ProblemAttempt:
    """Record one attempt at a problem (one ``problems`` row and its ``problem_tags``).

    When ``title``, ``tags`` or ``url`` is not given (``None``, blank or no tags), it is
    copied from the problem's latest earlier attempt (latest ``day``, then latest id), if
    there is one.

    Args:
        db: The tracker database (:func:`tracker.store.open_db`).
        site: One of :data:`SITES`, any case.
        number: The problem on that site (:func:`normalize_number`).
        title: The problem's title.
        tags: Tags (:func:`normalize_tags`: lower-cased, stripped, repeats dropped).
        status: ``solved``, ``attempted`` or ``failed``, any case.
        minutes: Time spent, in minutes (1 to 1440), or ``None``.
        used_hint: Whether a hint was used.
        url: The problem's address, starting with ``http://`` or ``https://``; when left
            out, :attr:`ProblemAttempt.link` gives the site's page.
        note: Free text (blank counts as none).
        day: The local day of the attempt.
        today: The local date, to refuse days in the future.
        now: The moment of recording, stored as UTC ``created_at``.

    Returns:
        The stored attempt, with inherited fields filled in.

    Raises:
        UsageError: Unknown site or status, a number that does not fit the site, minutes
            <= 0 or > 1440, a URL without http(s)://, or ``day`` after ``today``. Nothing
            is written.
        StoreError: The database could not be written.
    """
    site = normalize_site(site)
    number = normalize_number(site, number)
    status = normalize_status(status)
    _check_minutes(minutes)
    title, url, note = _clean_text(title), _clean_text(url), _clean_text(note)
    _check_url(url)
    tag_tuple = normalize_tags(tags)
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


def log_attempt(
    db: Database,
    site: str,
    number: str,
    *,
    title: str | None = None,
    tags: Sequence[str] = (),
    status: str = "solved",
    minutes: int | None = None,
    used_hint: bool = False,
    url: str | None = None,
    note: str | None = None,
    day: date,
    today: date,
    now: datetime,
) -> AddedAttempt:
    """:func:`add_attempt`, then the attempt's number and the problem's review state.

    What ``course problem add`` calls. Arguments, errors and the stored row are those of
    :func:`add_attempt`.

    Returns:
        The attempt, which attempt at the problem it is, and its review-queue state on
        ``today`` (see :func:`review_queue`).
    """
    attempt = add_attempt(
        db,
        site,
        number,
        title=title,
        tags=tags,
        status=status,
        minutes=minutes,
        used_hint=used_hint,
        url=url,
        note=note,
        day=day,
        today=today,
        now=now,
    )
    history = _load(
        db, "site = ? AND number = ?", [attempt.site, attempt.number], oldest_first=True
    )
    before = _review_state([old for old in history if old.id != attempt.id])
    after = _review_state(history)
    return AddedAttempt(attempt, len(history), after, before is not None and after is None)


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


def problems_between(db: Database, start: date, end: date) -> list[ProblemAttempt]:
    """Attempts from ``start`` to ``end`` (both included), oldest first (day, then id)."""
    where, params = _span(start, end)
    return _load(db, " AND ".join(where), params, oldest_first=True)


def review_queue(db: Database, today: date) -> list[ReviewItem]:
    """Problems due for another try, soonest due first (then by site and number).

    Spaced repetition over each problem's attempts (same site and number), taken in order
    of day and then id, up to ``today``:

    - An attempt that is not a clean solve — ``failed``, ``attempted`` (counts as failed)
      or ``solved`` with a hint — puts the problem in the queue, or back to its first
      step: due 1 day after that attempt's day (``interval_days`` 1, ``reason`` ``failed``
      or ``hint``; a failed attempt with a hint is ``failed``).
    - A clean solve (``solved`` without a hint) on or after the due day moves it to the
      next step, due 3 days after that solve's day, then 7 days after the next one. The
      clean solve of the 7-day step takes it out of the queue.
    - A clean solve before the due day changes nothing (the review is still due then).
    - A clean solve of a problem that is not in the queue changes nothing.

    So a problem failed on the 1st and then solved cleanly on the 2nd, 5th and 12th
    leaves the queue on the 12th; solved on the 2nd, 4th, 5th and 12th the same (the 4th
    is early).

    Args:
        db: The tracker database.
        today: The local date; later attempts are ignored.

    Returns:
        Every problem in the queue, due ones (on or before ``today``) and upcoming ones.
    """
    attempts = _load(db, "day <= ?", [today.isoformat()], oldest_first=True)
    items = [item for history in _by_problem(attempts).values() if (item := _review_state(history))]
    return sorted(items, key=lambda item: (item.due, item.site, item.number))


def problem_stats(
    db: Database, today: date, start: date | None = None, end: date | None = None
) -> ProblemStats:
    """Coding-test progress between ``start`` and ``end`` (both included).

    Counts, median time and weak tags cover the span; the streaks cover every attempt up
    to ``today`` and the review queue is :func:`review_queue` on ``today``. See
    :class:`ProblemStats` for each figure's definition.

    Args:
        db: The tracker database.
        today: The local date the streaks and the review queue are measured on.
        start: The span's first day, or ``None`` for all earlier days.
        end: The span's last day, or ``None`` for all later days.
    """
    where, params = _span(start, end)
    attempts = _load(db, " AND ".join(where) or "1", params, oldest_first=True)
    solved = [attempt for attempt in attempts if attempt.status == "solved"]

    per_tag: dict[str, list[ProblemAttempt]] = defaultdict(list)
    per_site: dict[str, list[ProblemAttempt]] = defaultdict(list)
    for attempt in attempts:
        per_site[attempt.site].append(attempt)
        for tag in attempt.tags:
            per_tag[tag].append(attempt)
    tag_rows = _solved_and_attempts(per_tag)
    site_rows = _solved_and_attempts(per_site)

    weak = [
        WeakTag(
            tag,
            sum(1 for attempt in group if attempt.status != "solved"),
            sum(1 for attempt in group if attempt.used_hint),
        )
        for tag, group in per_tag.items()
    ]
    weak_tags = sorted(
        (tag for tag in weak if tag.total > 0), key=lambda tag: (-tag.total, tag.tag)
    )

    times = [attempt.minutes for attempt in solved if attempt.minutes is not None]
    solved_days = {
        date.fromisoformat(row["day"])
        for row in db.query(
            "SELECT DISTINCT day FROM problems WHERE status = 'solved' AND day <= ?",
            [today.isoformat()],
        )
    }
    return ProblemStats(
        solved_per_tag=[(name, solved_count) for name, solved_count, _ in tag_rows],
        solved_per_site=[(name, solved_count) for name, solved_count, _ in site_rows],
        attempts=len(attempts),
        solved=len({(attempt.site, attempt.number) for attempt in solved}),
        median_minutes=float(statistics.median(times)) if times else None,
        weak_tags=weak_tags,
        current_streak=current_streak(solved_days, today),
        longest_streak=longest_streak(solved_days),
        review_queue=review_queue(db, today),
        today=today,
        start=start,
        end=end,
        attempts_per_tag=[(name, count) for name, _, count in tag_rows],
        attempts_per_site=[(name, count) for name, _, count in site_rows],
    )


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


def _by_problem(attempts: Iterable[ProblemAttempt]) -> dict[tuple[str, str], list[ProblemAttempt]]:
    groups: dict[tuple[str, str], list[ProblemAttempt]] = defaultdict(list)
    for attempt in attempts:
        groups[(attempt.site, attempt.number)].append(attempt)
    return groups


def _review_state(history: Sequence[ProblemAttempt]) -> ReviewItem | None:
    """The review-queue state after one problem's attempts, given oldest first."""
    due: date | None = None
    step = 0
    reason = "failed"
    for attempt in history:
        if attempt.needs_review:
            due, step = attempt.day + timedelta(days=REVIEW_INTERVALS[0]), 0
            reason = "failed" if attempt.status != "solved" else "hint"
        elif due is not None and attempt.day >= due:
            step += 1
            if step == len(REVIEW_INTERVALS):
                due = None
            else:
                due = attempt.day + timedelta(days=REVIEW_INTERVALS[step])
    if due is None:
        return None
    last = history[-1]
    title = next((attempt.title for attempt in reversed(history) if attempt.title), None)
    return ReviewItem(last.site, last.number, title, due, REVIEW_INTERVALS[step], last.day, reason)


def _solved_and_attempts(
    groups: dict[str, list[ProblemAttempt]],
) -> list[tuple[str, int, int]]:
    """``(name, distinct problems solved, attempts)`` per group, most solved first."""
    rows = [
        (
            name,
            len({(a.site, a.number) for a in group if a.status == "solved"}),
            len(group),
        )
        for name, group in groups.items()
    ]
    return sorted(rows, key=lambda row: (-row[1], row[0]))
