"""What a stored row may hold: the meaning checks ``course import`` applies to every row.

SQLite checks types loosely, ``NOT NULL``, ``CHECK`` and foreign keys; this module checks
what the commands themselves guarantee, with the same rules (:mod:`tracker.text`,
:mod:`tracker.dates`, the limits of :mod:`tracker.study`, :mod:`tracker.goals` and
:mod:`tracker.problems`). A row that ``course log``, ``course problem add`` or any other
command could not have written is refused, naming the table, the row and the column: an
import never stores what would make a later report, ``edit`` or list fail.

- days are ``YYYY-MM-DD`` within :data:`tracker.dates.FIRST_DAY` .. ``LAST_DAY`` and not
  after tomorrow (an export made where it is already tomorrow);
- timestamps are :func:`core.clock.utc_timestamp`'s form;
- minutes are whole numbers from 1 to 1440, and a day holds 1440 at most in all;
- text is not blank where a command requires it (:func:`tracker.text.required_text`), and
  never a BLOB (``{"base64": ...}``), a number or invalid Unicode (optional text, a note,
  may be empty, as earlier versions stored it);
- numbers are finite; flags are 0 or 1; goals and problems keep their commands' limits.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from core.clock import parse_utc_timestamp
from core.errors import UsageError
from tracker.dates import FIRST_DAY, LAST_DAY
from tracker.goals import MAX_WEEK_HOURS, MAX_WEEK_PROBLEMS, week_bounds
from tracker.problems import MAX_MINUTES, normalize_number, normalize_tags
from tracker.study import MINUTES_PER_DAY
from tracker.text import strip_invisible, text_problem
from tracker.zones import MAX_OFFSET_MINUTES

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Check = Callable[[Any, date], str | None]
"""A column's check: ``None`` when the value is fine, else why not."""


def _day(value: Any, today: date) -> str | None:
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        return "a day must be text like 2026-11-21"
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return "not a real date"
    if not FIRST_DAY <= day <= LAST_DAY:
        return f"days go from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
    if day > today + timedelta(days=1):
        return f"a day after {today.isoformat()} is in the future"
    return None


def _timestamp(value: Any, today: date) -> str | None:
    if parse_utc_timestamp(value) is None:
        return "a timestamp must be UTC text like 2026-11-21T04:49:00Z"
    return None


def _text(value: Any, today: date) -> str | None:
    if not isinstance(value, str):
        return "must be text"
    return text_problem(value) or (None if strip_invisible(value) else "must not be blank")


def _whole(low: int, high: int) -> Check:
    def check(value: Any, today: date) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"must be a whole number from {low} to {high}"
        return None

    return check


def _finite(value: Any, today: date) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "must be a finite number"
    return None


def _optional(check: Check) -> Check:
    def optional(value: Any, today: date) -> str | None:
        return None if value is None else check(value, today)

    return optional


def _any_text(value: Any, today: date) -> str | None:
    """Text that may be empty (``goals.topic``), or ``NULL``."""
    if value is None or value == "":
        return None
    return _text(value, today)


_MINUTES = _whole(1, MINUTES_PER_DAY)
_FLAG = _whole(0, 1)
_ID = _whole(1, 2**63 - 1)

COLUMNS: dict[str, dict[str, Check]] = {
    "study_log": {
        "id": _ID,
        "day": _day,
        "minutes": _MINUTES,
        "topic": _text,
        "note": _optional(_any_text),
        "created_at": _timestamp,
        "started_at": _optional(_timestamp),
        "ended_at": _optional(_timestamp),
        "updated_at": _optional(_timestamp),
        "utc_offset": _optional(_whole(-12 * 60, MAX_OFFSET_MINUTES)),
    },
    "grade_attempts": {
        "id": _ID,
        "assignment": _text,
        "score": _finite,
        "max_score": _finite,
        "device": _optional(_any_text),
        "profile": _optional(_any_text),
        "duration_s": _optional(_finite),
        "submission": _optional(_any_text),
        "submission_sha256": _optional(_any_text),
        "started_at": _timestamp,
        "day": _day,
        "note": _optional(_any_text),
        "sandbox": _optional(_any_text),
        "tampered": _FLAG,
    },
    "grade_checks": {
        "id": _ID,
        "attempt_id": _ID,
        "check_id": _text,
        "title": _optional(_any_text),
        "status": _text,
        "points": _finite,
        "max_points": _finite,
        "visibility": _optional(_any_text),
        "message": _optional(_any_text),
    },
    "timer": {
        "id": _whole(1, 1),
        "topic": _text,
        "note": _optional(_any_text),
        "started_at": _timestamp,
        "utc_offset": _optional(_whole(-12 * 60, MAX_OFFSET_MINUTES)),
    },
    "retro_items": {
        "id": _ID,
        "day": _day,
        "kind": _text,
        "text": _text,
        "status": _optional(_any_text),
        "carried_from": _optional(_ID),
        "reviewed_on": _optional(_day),
        "created_at": _timestamp,
    },
    "problems": {
        "id": _ID,
        "site": _text,
        "number": _text,
        "title": _optional(_any_text),
        "status": _text,
        "minutes": _optional(_whole(1, MAX_MINUTES)),
        "used_hint": _FLAG,
        "url": _optional(_any_text),
        "note": _optional(_any_text),
        "day": _day,
        "created_at": _timestamp,
    },
    "problem_tags": {"problem_id": _ID, "tag": _text},
    "goals": {
        "id": _ID,
        "week": _text,
        "kind": _text,
        "topic": _any_text,
        "target": _finite,
        "created_at": _timestamp,
        "updated_at": _timestamp,
    },
    "questions": {
        "id": _ID,
        "text": _text,
        "topic": _optional(_any_text),
        "day": _day,
        "created_at": _timestamp,
        "answer": _optional(_any_text),
        "answered_at": _optional(_timestamp),
    },
}
"""Each table's columns (at :data:`tracker.store.SCHEMA_VERSION`) and what each may hold."""


def check_rows(tables: Mapping[str, list[dict[str, Any]]], *, today: date, source: str) -> None:
    """Refuse any row a command could not have written.

    Args:
        tables: Rows per table at the current schema version, as
            :func:`tracker.transfer.export_data` gives them (BLOBs as ``{"base64": ...}``).
        today: The local date: a day after tomorrow is in the future.
        source: What to call the rows in messages, e.g. the file's path.

    Raises:
        UsageError: The first row that breaks a rule, naming the table, the row (counted
            from 1 in the file's order), the column and the rule.
    """
    for table, rows in tables.items():
        checks = COLUMNS.get(table, {})
        for number, row in enumerate(rows, start=1):
            for column, value in row.items():
                check = checks.get(column)
                if check is not None:
                    why = check(value, today)
                    if why is not None:
                        _refuse(table, number, column, value, why, source)
            why_row = _ROW_RULES.get(table, _no_rule)(row)
            if why_row is not None:
                column, why = why_row
                _refuse(table, number, column, row.get(column), why, source)
    _check_day_totals(tables.get("study_log", []), source)


def _refuse(table: str, number: int, column: str, value: Any, why: str, source: str) -> None:
    shown = repr(value) if not isinstance(value, dict) else "a BLOB"
    if len(shown) > 60:
        shown = shown[:57] + "..."
    raise UsageError(
        f"the export holds a value no command would store ({column} {why})",
        f"{table} row {number}, {column} = {shown} in {source}",
        "Fix that row, or export again from the database it came from",
    )


def _no_rule(row: dict[str, Any]) -> tuple[str, str] | None:
    return None


def _study_row(row: dict[str, Any]) -> tuple[str, str] | None:
    started, ended = row.get("started_at"), row.get("ended_at")
    if (started is None) != (ended is None):
        return "ended_at", "must be given with started_at, or neither"
    if started is not None and ended is not None:
        start, end = parse_utc_timestamp(started), parse_utc_timestamp(ended)
        if start is not None and end is not None and end <= start:
            return "ended_at", "must be after started_at"
    return None


def _attempt_row(row: dict[str, Any]) -> tuple[str, str] | None:
    score, top = row.get("score"), row.get("max_score")
    if isinstance(score, (int, float)) and isinstance(top, (int, float)):
        if top <= 0:
            return "max_score", "must be more than 0"
        if not 0 <= score <= top:
            return "score", "must be from 0 to max_score"
    return None


def _check_row(row: dict[str, Any]) -> tuple[str, str] | None:
    points, top = row.get("points"), row.get("max_points")
    if isinstance(points, (int, float)) and isinstance(top, (int, float)):
        if top < 0:
            return "max_points", "must not be negative"
        if not 0 <= points <= top:
            return "points", "must be from 0 to max_points"
    return None


def _problem_row(row: dict[str, Any]) -> tuple[str, str] | None:
    site, number, url = row.get("site"), row.get("number"), row.get("url")
    if isinstance(site, str) and isinstance(number, str):
        try:
            if normalize_number(site, number) != number:
                return "number", f"is not how {site} numbers are stored"
        except UsageError as error:
            return "number", error.message.split(":")[0]
    if isinstance(url, str) and not url.lower().startswith(("http://", "https://")):
        return "url", "must start with http:// or https://"
    return None


def _goal_row(row: dict[str, Any]) -> tuple[str, str] | None:
    week, kind, topic, target = (
        row.get("week"),
        row.get("kind"),
        row.get("topic"),
        row.get("target"),
    )
    if isinstance(week, str):
        try:
            monday, sunday = week_bounds(week)
        except UsageError:
            return "week", "must be an ISO week like 2026-W47"
        if monday < FIRST_DAY or sunday > LAST_DAY:
            return "week", f"weeks go from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
    if (kind == "topic_hours") != bool(topic):
        return "topic", "is given exactly for a topic_hours goal"
    if isinstance(target, (int, float)) and math.isfinite(target):
        whole = float(target).is_integer()
        if kind == "problems" and not (whole and 0 < target <= MAX_WEEK_PROBLEMS):
            return "target", f"must be a whole number of problems from 1 to {MAX_WEEK_PROBLEMS}"
        if kind in ("hours", "topic_hours") and not 0 < target <= MAX_WEEK_HOURS:
            return "target", f"must be more than 0 and at most {MAX_WEEK_HOURS} hours"
    return None


def _tag_row(row: dict[str, Any]) -> tuple[str, str] | None:
    tag = row.get("tag")
    if isinstance(tag, str) and normalize_tags([tag]) != (tag,):
        return "tag", "must be lower case without extra spaces"
    return None


def _question_row(row: dict[str, Any]) -> tuple[str, str] | None:
    if (row.get("answer") is None) != (row.get("answered_at") is None):
        return "answered_at", "must be given with answer, or neither"
    return None


_ROW_RULES: dict[str, Callable[[dict[str, Any]], tuple[str, str] | None]] = {
    "study_log": _study_row,
    "grade_attempts": _attempt_row,
    "grade_checks": _check_row,
    "problems": _problem_row,
    "problem_tags": _tag_row,
    "goals": _goal_row,
    "questions": _question_row,
}


def _check_day_totals(rows: list[dict[str, Any]], source: str) -> None:
    totals: Counter[str] = Counter()
    for row in rows:
        totals[row["day"]] += row["minutes"]
    for day, minutes in totals.items():
        if minutes > MINUTES_PER_DAY:
            raise UsageError(
                "the export holds more than 24 hours of study on one day",
                f"{day}: {minutes} min in study_log in {source}",
                "Fix those rows, or export again from the database it came from",
            )
