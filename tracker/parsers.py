"""What people type for the tracker: days, durations, clock times, weeks and months.

Every command reads its input through these functions, so an option takes the same forms
wherever it appears (``--minutes 1h30m`` works on ``course log``, ``course edit`` and
``course problem add`` alike). Each parser takes the moment it is relative to (``today`` or
``now``) as an argument and never reads the clock. A form it cannot read is a
:class:`core.errors.UsageError` (exit 2) that names the value and lists the forms it takes.

- Days (:func:`parse_day`): ``today``, ``yesterday``, ``3 days ago``, ``monday``, ``last
  monday``, ``2026-11-21``.
- Durations (:func:`parse_duration`): ``2h30m``, ``1.5h``, ``90m``, ``45`` (a bare number is
  minutes); :func:`hours_to_minutes` for ``--hours 1.5``.
- Clock times (:func:`parse_time`): ``now``, ``14:05``, a day and a clock time
  (``yesterday 23:30``), a duration ago (``15m ago``).
- ISO weeks (:func:`parse_week`, :func:`parse_goal_week`): ``2026-W47``, ``this``, ``last``;
  goals, which may be set ahead, take ``next`` too.
- Months (:func:`parse_month`): ``2026-11``, ``this``, ``last``.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.errors import UsageError
from tracker.dates import FIRST_DAY, LAST_DAY, RANGE_FIX, check_day, week_label
from tracker.zones import local_moment

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_BARE = re.compile(_NUMBER)
_UNITS = re.compile(
    rf"(?:(?P<hours>{_NUMBER})\s*h\s*)?(?:(?P<minutes>{_NUMBER})\s*m)?", re.IGNORECASE
)
_DURATION_EXAMPLES = "Write it like 2h30m, 1.5h, 90m or 45 (minutes)"

MAX_DURATION_MINUTES = 366 * 24 * 60
"""The longest duration read (a year, in minutes); each command has its own, lower, limit."""

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY = re.compile(
    r"(?P<last>last )?(?P<name>mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
)
_DAYS_AGO = re.compile(r"(?P<count>[0-9]{1,5}) days? ago")
_DAY_EXAMPLES = "Use today, yesterday, 3 days ago, monday, last monday or YYYY-MM-DD (2026-11-21)"

_CLOCK = re.compile(r"(?:(?P<day>.+) )?(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})")
_ISO_CLOCK = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})t([0-9]{1,2}:[0-9]{2})")
_AGO = re.compile(r"(?P<amount>.+?) ?ago")
_TIME_EXAMPLES = "Use HH:MM (14:05), yesterday 23:30, YYYY-MM-DD HH:MM, 15m ago or now"

_WEEK = re.compile(r"(?P<year>[0-9]{4})-w(?P<week>[0-9]{1,2})")
_WEEK_FORMS = "Use YYYY-Www (e.g. 2026-W47, weeks 01 to 52 or 53), this or last"
_GOAL_WEEK_FORMS = "Use YYYY-Www (e.g. 2026-W47, weeks 01 to 52 or 53), this, last or next"

_MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")


# --- durations ------------------------------------------------------------------------------


def parse_duration(text: str) -> int:
    """Parse a duration into whole minutes.

    Accepts hours and/or minutes with units (``2h30m``, ``1.5h``, ``90m``, ``2h``; ``m``
    always means minutes, case and spaces do not matter) or a bare number of minutes
    (``45``). Rounds half a minute up.

    Args:
        text: The duration as typed.

    Returns:
        The duration in minutes (may be 0; callers that store time refuse that).

    Raises:
        UsageError: ``text`` is none of those forms (a sign, a comma, another unit).
    """
    cleaned = text.strip()
    if _BARE.fullmatch(cleaned):
        return _bounded(round_minutes(Decimal(cleaned)), text)
    match = _UNITS.fullmatch(cleaned)
    if not cleaned or match is None or not any(match.groups()):
        raise UsageError("cannot read the duration", repr(text), _DURATION_EXAMPLES)
    hours = Decimal(match["hours"] or 0)
    minutes = Decimal(match["minutes"] or 0)
    if match["hours"] and minutes >= 60:
        whole = round_minutes(hours * 60 + minutes)
        raise UsageError(
            "the minutes after the hours must be under 60",
            repr(text),
            f"Write {whole // 60}h{whole % 60:02d}m, or {whole} for minutes",
        )
    return _bounded(round_minutes(hours * 60 + minutes), text)


def _is_duration(text: str) -> bool:
    """Whether ``text`` has a form of :func:`parse_duration` (its size unchecked)."""
    cleaned = text.strip()
    match = _UNITS.fullmatch(cleaned)
    return bool(_BARE.fullmatch(cleaned) or (cleaned and match and any(match.groups())))


def _bounded(minutes: int, text: str) -> int:
    if minutes > MAX_DURATION_MINUTES:
        raise UsageError(
            "the duration is longer than a year",
            repr(text),
            "Check the number; a study entry holds at most 24 hours",
        )
    return minutes


def hours_to_minutes(hours: float) -> int:
    """Convert a number of hours (fractions allowed: ``1.5``) to whole minutes.

    Half a minute is rounded up; a negative number gives negative minutes (callers refuse
    them).

    Raises:
        UsageError: ``hours`` is not a finite number.
    """
    if not math.isfinite(hours):
        raise UsageError("hours must be a number", hours, "Pass e.g. --hours 1.5")
    if abs(hours) * 60 > MAX_DURATION_MINUTES:
        raise UsageError(
            "the duration is longer than a year", hours, "Check the number, e.g. --hours 1.5"
        )
    return round_minutes(Decimal(str(hours)) * 60)


def round_minutes(minutes: Decimal) -> int:
    """``minutes`` to a whole number of minutes, half a minute rounded up (away from 0)."""
    return int(minutes.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- days -----------------------------------------------------------------------------------


def parse_day(text: str, today: date) -> date:
    """Parse a day as people type it, relative to ``today``.

    Accepted forms (case and surrounding spaces do not matter):

    - ``today``, ``yesterday``;
    - ``N days ago`` (``3 days ago``, ``1 day ago``);
    - a weekday, ``monday`` or ``mon``: the latest such day on or before ``today`` (today
      itself when it is that weekday);
    - ``last monday``: the latest such day strictly before ``today`` (a week ago when today
      is a Monday);
    - ISO ``YYYY-MM-DD``.

    Days in the future are parsed as given; callers that store study time refuse them.

    Args:
        text: The day as typed.
        today: The local date to resolve relative forms against.

    Raises:
        UsageError: ``text`` is none of those forms, not a real date, or outside
            :data:`tracker.dates.FIRST_DAY` .. :data:`tracker.dates.LAST_DAY`.
    """
    return check_day(_read_day(text, today), text)


def _read_day(text: str, today: date) -> date:
    cleaned = " ".join(text.strip().lower().split())
    if cleaned == "today":
        return today
    if cleaned == "yesterday":
        return today - timedelta(days=1)
    ago = _DAYS_AGO.fullmatch(cleaned)
    if ago:
        return today - timedelta(days=int(ago["count"]))
    weekday = _WEEKDAY.fullmatch(cleaned)
    if weekday:
        target = _WEEKDAYS.index(weekday["name"][:3])
        back = (today.weekday() - target) % 7
        if weekday["last"] and back == 0:
            back = 7
        return today - timedelta(days=back)
    if _ISO_DAY.fullmatch(cleaned):
        try:
            return date.fromisoformat(cleaned)
        except ValueError:
            pass
    raise UsageError("cannot read the date", repr(text), _DAY_EXAMPLES)


# --- clock times ----------------------------------------------------------------------------


def parse_time(text: str, now: datetime, *, day: date | None = None) -> datetime:
    """Parse a moment as people type it, in the system's local time.

    Accepted forms (case and extra spaces do not matter):

    - ``now``;
    - ``HH:MM`` (``14:05``, ``9:30``): that clock time on ``day``;
    - a day and a clock time: ``yesterday 23:30``, ``last monday 9:00``,
      ``2026-11-20 14:05`` (or ``2026-11-20T14:05``); the day takes every form of
      :func:`parse_day`, relative to the local day of ``now``;
    - a duration ago (:func:`parse_duration`): ``15m ago``, ``1h30m ago``, ``1.5h ago``,
      ``45 ago`` (minutes).

    Moments in the future are parsed as given; callers refuse them.

    Args:
        text: The moment as typed.
        now: The current moment (aware).
        day: The local day a bare ``HH:MM`` is on (default: the local day of ``now``).

    A clock time the local clocks skip (the hour lost when daylight saving time starts) is
    refused; one they pass twice is the first of the two (:func:`tracker.zones.local_moment`).

    Returns:
        An aware datetime in the local time zone (a clock time to the minute).

    Raises:
        UsageError: ``text`` is none of those forms, not a real day or clock time, or a
            clock time that does not exist here.
    """
    cleaned = " ".join(text.strip().lower().split())
    today = now.astimezone().date()
    if cleaned == "now":
        return now.astimezone()
    ago = _AGO.fullmatch(cleaned)
    if ago and _is_duration(ago["amount"]):
        minutes = parse_duration(ago["amount"])
        moment = (now - timedelta(minutes=minutes)).astimezone()
        check_day(moment.date(), text)
        return moment
    clock = _CLOCK.fullmatch(_ISO_CLOCK.sub(r"\1 \2", cleaned))
    if clock is None:
        raise UsageError("cannot read the time", repr(text), _TIME_EXAMPLES)
    hour, minute = int(clock["hour"]), int(clock["minute"])
    if hour > 23 or minute > 59:
        raise UsageError("not a time of day", repr(text), "Hours go from 0 to 23, minutes to 59")
    on = parse_day(clock["day"], today) if clock["day"] else check_day(day or today, text)
    return local_moment(datetime.combine(on, time(hour, minute)), text)


# --- weeks and months -----------------------------------------------------------------------


def parse_week(text: str | None, today: date) -> tuple[int, int]:
    """Parse an ISO week: ``2026-W47`` (or ``2026-w47``, ``2026-W5``), ``this`` or ``last``.

    Args:
        text: The week as typed; ``None`` means the week holding ``today``.
        today: The local date that ``this`` and ``last`` are relative to.

    Returns:
        ``(ISO year, ISO week number)``, e.g. ``(2026, 47)``.

    Raises:
        UsageError: ``text`` is none of those forms, that year has no such week, or the
            week is outside :data:`tracker.dates.FIRST_DAY` .. :data:`tracker.dates.LAST_DAY`.
    """
    week = _read_week(text, today)
    if week is None:
        raise UsageError("not an ISO week", repr(text), _WEEK_FORMS)
    return week


def parse_goal_week(text: str | None, today: date) -> str:
    """Parse a week as typed for goals into its ISO label.

    Takes the forms of :func:`parse_week` and ``next``: a goal may be set for the coming
    week, a report cannot be about it.

    Args:
        text: The week as typed; ``None`` means the week holding ``today``.
        today: The local date that ``this``, ``last`` and ``next`` are relative to.

    Returns:
        The ISO week label, e.g. ``"2026-W47"``.

    Raises:
        UsageError: ``text`` is none of those forms, that year has no such week, or the
            week is outside :data:`tracker.dates.FIRST_DAY` .. :data:`tracker.dates.LAST_DAY`.
    """
    if text is not None and text.strip().lower() == "next":
        return week_label(check_day(today + timedelta(weeks=1), text))
    week = _read_week(text, today)
    if week is None:
        raise UsageError("not an ISO week", repr(text), _GOAL_WEEK_FORMS)
    return week_label(date.fromisocalendar(*week, 1))


def parse_month(text: str | None, today: date) -> tuple[int, int]:
    """Parse a month: ``2026-11``, ``this`` or ``last``.

    Args:
        text: The month as typed; ``None`` means the month holding ``today``.
        today: The local date that ``this`` and ``last`` are relative to.

    Returns:
        ``(year, month)``, e.g. ``(2026, 11)``.

    Raises:
        UsageError: ``text`` is none of those forms, not a real month, or outside
            :data:`tracker.dates.FIRST_DAY` .. :data:`tracker.dates.LAST_DAY`.
    """
    cleaned = "this" if text is None else text.strip().lower()
    if cleaned == "this":
        return today.year, today.month
    if cleaned == "last":
        previous = today.replace(day=1) - timedelta(days=1)
        return previous.year, previous.month
    match = _MONTH.fullmatch(cleaned)
    if match and 1 <= int(match["month"]) <= 12:
        year, month = int(match["year"]), int(match["month"])
        if not FIRST_DAY <= date(max(year, 1), month, 1) <= LAST_DAY:
            raise UsageError("the month is out of range", repr(text), RANGE_FIX)
        return year, month
    raise UsageError("not a month", repr(text), "Use YYYY-MM (e.g. 2026-11), this or last")


def _read_week(text: str | None, today: date) -> tuple[int, int] | None:
    """``(ISO year, week)`` of ``this``, ``last`` or ``YYYY-Www``; ``None`` for anything else."""
    cleaned = "this" if text is None else text.strip().lower()
    if cleaned == "this":
        return _year_week(today)
    if cleaned == "last":
        return _year_week(today - timedelta(weeks=1))
    match = _WEEK.fullmatch(cleaned)
    if match is None:
        return None
    year, week = int(match["year"]), int(match["week"])
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        return None
    if not FIRST_DAY <= monday <= LAST_DAY - timedelta(days=6):
        raise UsageError("the week is out of range", repr(text), RANGE_FIX)
    return year, week


def _year_week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week
