"""Formatters every renderer shares: times, points, percentages, counts, bars, the console,
and user text made safe to show (:func:`visible`, :func:`safe_text`).

Plain strings only; rich is imported inside :func:`make_console` and :func:`safe_text`, so
``course log`` starts without it. Clock times are shown in the system's local time zone.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from tracker.study import StudyEntry

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Short weekday names, Monday first (``date.weekday()`` indexes them)."""

BAR = "█"
"""The cell progress and time bars are drawn with."""


def make_console() -> Console:
    """The console the tracker commands print to (stdout; honours NO_COLOR and COLUMNS)."""
    from rich.console import Console

    return Console(highlight=False)


_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Unicode categories :func:`visible` escapes: controls (C0, C1, DEL, ESC, newline, tab),
format characters (bidi overrides and isolates, zero-width space, BOM, soft hyphen, tags),
lone surrogates, and the line and paragraph separators."""

_JOINERS = frozenset("\u200c\u200d")
"""Zero-width (non-)joiners: kept between two visible non-ASCII characters (emoji sequences
such as 👩‍💻, Indic and Persian words), escaped anywhere else."""

_EMOJI_TAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
"""A flag of a subdivision (🏴 + tag characters + cancel tag): its tag characters are kept."""

_SHORT_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def visible(text: str) -> str:
    """``text`` with every invisible or terminal-controlling character written as its Python
    escape, so user text is shown as typed and never interpreted by the terminal.

    Escaped: C0 and C1 controls and DEL (``\\x1b``, ``\\x7f``, ``\\x9b``; newline, tab and
    carriage return as ``\\n``, ``\\t``, ``\\r``), format characters (Unicode category
    ``Cf``: bidi overrides and isolates ``\\u202e``, ``\\u2066``, zero-width space
    ``\\u200b``, the BOM ``\\ufeff``), lone surrogates and the line and paragraph separators
    (``\\u2028``); characters past U+FFFF as ``\\U000e0001``. Everything else, Korean,
    emoji, spaces, square brackets and backslashes included, is kept as typed. Zero-width
    joiners inside emoji or words, and the tags of a subdivision flag, are kept too.

    Example: ``visible("CNN\\x1b[2J\\nnext")`` -> ``"CNN\\\\x1b[2J\\\\nnext"`` (a literal
    backslash, ``x1b``, ...).
    """
    if text.isprintable():
        return text
    kept = {
        index
        for match in _EMOJI_TAG_SEQUENCE.finditer(text)
        for index in range(match.start(), match.end())
    }
    out: list[str] = []
    for index, char in enumerate(text):
        if index in kept or not _hidden(text, index):
            out.append(char)
        else:
            out.append(_escape(char))
    return "".join(out)


def safe_text(text: str, style: str = "") -> Text:
    """``text`` as a :class:`rich.text.Text` after :func:`visible`: square brackets are shown
    as typed (never read as rich markup) and no escape code reaches the terminal.

    Args:
        text: Text from the user (a topic, a note, a title, a tag, a question).
        style: A rich style for the whole text, e.g. ``"bold"``.
    """
    from rich.text import Text

    return Text(visible(text), style=style)


def _hidden(text: str, index: int) -> bool:
    char = text[index]
    if unicodedata.category(char) not in _HIDDEN:
        return False
    if char in _JOINERS and 0 < index < len(text) - 1:
        return not (_shown_letter(text[index - 1]) and _shown_letter(text[index + 1]))
    return True


def _shown_letter(char: str) -> bool:
    return not char.isascii() and unicodedata.category(char)[0] in "LMNS"


def _escape(char: str) -> str:
    short = _SHORT_ESCAPES.get(char)
    if short is not None:
        return short
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def format_minutes(minutes: int) -> str:
    """Minutes as hours and minutes: ``150`` -> ``"2h 30m"``, ``0`` -> ``"0h 00m"``."""
    hours, rest = divmod(minutes, 60)
    return f"{hours}h {rest:02d}m"


def format_points(points: float) -> str:
    """Points without a needless ``.0``: ``8.0`` -> ``"8"``, ``7.5`` -> ``"7.5"``."""
    return f"{points:g}"


def format_score(points: float, max_points: float) -> str:
    """Earned over available points: ``(8.5, 10.0)`` -> ``"8.5/10"``."""
    return f"{format_points(points)}/{format_points(max_points)}"


def format_percent(percent: float) -> str:
    """A percentage rounded to a whole number: ``74.6`` -> ``"75%"``."""
    return f"{percent:.0f}%"


def plural(count: int, one: str, many: str | None = None) -> str:
    """A count and its noun: ``(1, "day")`` -> ``"1 day"``, ``(3, "day")`` -> ``"3 days"``.

    Args:
        count: How many.
        one: The noun for one.
        many: The noun for any other count; ``one`` with an ``s`` when omitted
            (``(2, "problem solved", "problems solved")`` -> ``"2 problems solved"``).
    """
    if count == 1:
        return f"{count} {one}"
    return f"{count} {many if many is not None else one + 's'}"


def clock(moment: datetime, now: datetime) -> str:
    """``moment`` in local time: ``14:05`` on the local day of ``now``, else with the date."""
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def times_text(entry: StudyEntry) -> str | None:
    """A timed entry's start and end in the zone it was logged in, ``14:05-15:30``, with the
    zone's offset when that is not the system's (``22:00-23:30 +09:00``); ``None`` for an
    untimed one."""
    span = entry.local_span
    if span is None:
        return None
    start, end = (moment.strftime("%H:%M") for moment in span)
    if span[0].utcoffset() != span[0].astimezone().utcoffset():
        return f"{start}-{end} {span[0].strftime('%z')[:3]}:{span[0].strftime('%z')[3:]}"
    return f"{start}-{end}"


def bar(amount: float, full: float, width: int) -> str:
    """A bar of :data:`BAR` cells, ``width`` long at ``full``; at least one cell when ``amount``
    is above 0, never longer than ``width``; empty when ``amount`` or ``full`` is 0 or less.

    Example: ``bar(75, 100, 10)`` -> ``"████████"`` (7.5 cells, rounded half to even).
    """
    if amount <= 0 or full <= 0:
        return ""
    return BAR * max(1, min(width, round(amount * width / full)))
