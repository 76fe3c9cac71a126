"""What the tracker accepts as text: topics, notes, questions, retro items, tags.

Every command and ``course import`` read user text through :func:`clean_text`, so the rules
are the same wherever text comes in:

- surrounding whitespace and invisible format characters (zero-width space U+200B, the
  byte-order mark, bidi marks: Unicode categories ``Zs``, ``Cc`` and ``Cf``) are removed, and
  text made only of them counts as empty: a topic that shows as nothing is no topic;
- text that is not valid Unicode (a lone surrogate, which is what Python makes of an argument
  whose bytes are not UTF-8) is refused, since SQLite could not store it;
- :data:`MAX_TEXT` characters at most.
"""

from __future__ import annotations

import unicodedata

from core.errors import UsageError

MAX_TEXT = 10_000
"""The most characters one piece of text may have (a long note fits; a pasted file does not)."""

_INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf"}


def strip_invisible(text: str) -> str:
    """``text`` without surrounding whitespace or invisible format characters (``\\u200b``)."""
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start]) in _INVISIBLE:
        start += 1
    while end > start and unicodedata.category(text[end - 1]) in _INVISIBLE:
        end -= 1
    return text[start:end]


def clean_text(text: str | None, what: str, fix: str) -> str | None:
    """``text`` as the tracker stores it, or ``None`` when it is blank or not given.

    Args:
        text: The text as typed (or as read from an import file).
        what: What it is, for the messages (``"the topic"``).
        fix: How to write it, for the messages of callers (:func:`required_text`).

    Returns:
        The text without surrounding whitespace and invisible characters; ``None`` when
        nothing visible is left.

    Raises:
        UsageError: the text is not valid Unicode (a lone surrogate) or is longer than
            :data:`MAX_TEXT` characters.
    """
    if text is None:
        return None
    cleaned = strip_invisible(text)
    problem = _problem(text, cleaned)
    if problem == INVALID:
        raise UsageError(
            f"{what} {INVALID}", ascii(text)[:80], "Type it again, or save the file as UTF-8"
        )
    if problem == TOO_LONG:
        raise UsageError(
            f"{what} {TOO_LONG}",
            f"{len(cleaned)} characters",
            f"Keep it to {MAX_TEXT} characters",
        )
    return cleaned or None


INVALID = "is not valid UTF-8 text"
TOO_LONG = "is too long"


def text_problem(text: str) -> str | None:
    """Why the tracker cannot store ``text`` (:data:`INVALID`: a lone surrogate;
    :data:`TOO_LONG`: over :data:`MAX_TEXT` visible characters), or ``None``.

    Blank text is not a problem here: where text is required, :func:`required_text` says so.
    """
    return _problem(text, strip_invisible(text))


def _problem(text: str, cleaned: str) -> str | None:
    """:func:`text_problem` of ``text``, whose :func:`strip_invisible` is ``cleaned``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return INVALID
    if len(cleaned) > MAX_TEXT:
        return TOO_LONG
    return None


def required_text(text: str, what: str, fix: str) -> str:
    """Like :func:`clean_text`, for text that must not be blank.

    Raises:
        UsageError: the text is blank (only spaces or invisible characters), not valid
            Unicode, or too long. The message is ``"<what> is empty"``.
    """
    cleaned = clean_text(text, what, fix)
    if cleaned is None:
        raise UsageError(f"{what} is empty", fix=fix)
    return cleaned
