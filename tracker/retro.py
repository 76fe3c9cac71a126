"""KPT retrospectives: what to Keep, what was a Problem, what to Try (``course retro``).

Every item is one row of ``retro_items``. Keep and Problem items are notes of one day and
have no status. A Try item is a resolution: it is written ``open`` and reviewed on a later
day as

- ``kept``: it held, or it is done;
- ``dropped``: given up;
- ``carried``: not done yet, try again: the old item becomes ``carried`` and a new open Try
  with the same text is written on the reviewing day, its ``carried_from`` naming the old one.

``reviewed_on`` is the day the review was written for. The Try items a day's retro asks
about are every open Try of *any* earlier day (:func:`open_tries_before`), so a skipped day
loses nothing.

The **completion rate** of a span of days (:attr:`RetroSummary.completion_rate`) is the share
of the reviewed Try items written in that span that were kept: ``kept / (kept + dropped +
carried)``. A carried item counts as not (yet) kept; its copy is a Try of the day it was
carried to and is counted there once it is reviewed. Open items are left out, so the rate
of a week whose Try items are not reviewed yet is ``None``, not 0.

A retro can also be written in an editor: :func:`retro_draft` gives the text to open (a kept
draft, else :func:`editor_template`) and :func:`save_edited_retro` writes what comes back,
keeping it in ``retro-draft-<day>.md`` beside the database when it cannot be used.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core.clock import utc_timestamp
from core.errors import CourseError, EnvironmentProblem, UsageError
from tracker.store import database_file, insert, transaction
from tracker.text import clean_text

KINDS = ("keep", "problem", "try")
"""The ``kind`` of a retro item, in the order a retro shows them."""

KIND_NAMES = {"keep": "Keep", "problem": "Problem", "try": "Try"}
"""Each kind as a person reads it (also the editor template's section headings)."""

REVIEWS = ("kept", "dropped", "carried")
"""What an open Try can become when it is reviewed."""

MARKS = {"k": "kept", "d": "dropped", "c": "carried"}
"""The editor template's marks between the brackets of an open Try's line."""

_SECTION = re.compile(r"##\s*(?P<name>keep|problem|try)\s*:?", re.IGNORECASE)
_REVIEW_LINE = re.compile(r"\[(?P<mark>[^\]]*)\]\s*#(?P<id>\d+)(?:\s.*)?")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MARK_FIX = "Write k (kept), d (dropped) or c (carried) between the brackets, or leave them empty"
_SHOW_HINT = "See the open Try items with course retro --show"


@dataclass(frozen=True)
class RetroItem:
    """One Keep, Problem or Try item.

    Attributes:
        id: Row id in ``retro_items`` (the ``#12`` shown to the student).
        day: The local day of the retro it belongs to.
        kind: ``"keep"``, ``"problem"`` or ``"try"``.
        text: What the student wrote, surrounding whitespace removed.
        status: ``None`` for Keep and Problem; for a Try ``"open"``, ``"kept"``,
            ``"dropped"`` or ``"carried"``.
        carried_from: For a Try made by carrying an older one: that item's id.
        reviewed_on: The day a Try was marked kept, dropped or carried; ``None`` while open.
    """

    id: int
    day: date
    kind: str
    text: str
    status: str | None
    carried_from: int | None
    reviewed_on: date | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> RetroItem:
        """Build an item from a ``retro_items`` row."""
        reviewed_on = row["reviewed_on"]
        return cls(
            id=row["id"],
            day=date.fromisoformat(row["day"]),
            kind=row["kind"],
            text=row["text"],
            status=row["status"],
            carried_from=row["carried_from"],
            reviewed_on=date.fromisoformat(reviewed_on) if reviewed_on else None,
        )

    def to_json(self) -> dict[str, Any]:
        """The item with its days as ISO strings."""
        return {
            "id": self.id,
            "day": self.day.isoformat(),
            "kind": self.kind,
            "text": self.text,
            "status": self.status,
            "carried_from": self.carried_from,
            "reviewed_on": self.reviewed_on.isoformat() if self.reviewed_on else None,
        }


@dataclass(frozen=True)
class RetroDay:
    """One day's retro and the Try items of earlier days still waiting for a review.

    Attributes:
        day: The local day.
        keeps: The day's Keep items, by id.
        problems: The day's Problem items, by id.
        tries: The day's Try items (any status), by id.
        earlier_open: Open Try items of days before ``day``, oldest first
            (:func:`open_tries_before`).
    """

    day: date
    keeps: list[RetroItem]
    problems: list[RetroItem]
    tries: list[RetroItem]
    earlier_open: list[RetroItem]

    @property
    def is_empty(self) -> bool:
        """Whether nothing was written for ``day``."""
        return not (self.keeps or self.problems or self.tries)

    def to_json(self) -> dict[str, Any]:
        """The day with its items as :meth:`RetroItem.to_json` gives them."""
        return {
            "day": self.day.isoformat(),
            "keeps": [item.to_json() for item in self.keeps],
            "problems": [item.to_json() for item in self.problems],
            "tries": [item.to_json() for item in self.tries],
            "earlier_open": [item.to_json() for item in self.earlier_open],
        }


@dataclass(frozen=True)
class RetroInput:
    """What one filled-in editor template asks to write (:func:`parse_editor_text`).

    Attributes:
        keep: New Keep texts, in the order written.
        problem: New Problem texts.
        try_: New Try texts.
        kept: Ids of earlier open Try items marked ``k``.
        dropped: Ids marked ``d``.
        carried: Ids marked ``c``.
    """

    keep: tuple[str, ...] = ()
    problem: tuple[str, ...] = ()
    try_: tuple[str, ...] = ()
    kept: tuple[int, ...] = ()
    dropped: tuple[int, ...] = ()
    carried: tuple[int, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether there is nothing to write: no item and no review."""
        return not (
            self.keep or self.problem or self.try_ or self.kept or self.dropped or self.carried
        )


@dataclass(frozen=True)
class RetroSummary:
    """The retros of a span of days, e.g. one week, with how the Try items went.

    Attributes:
        start: The first day (inclusive).
        end: The last day (inclusive).
        keeps: Keep items written from ``start`` to ``end``, by day then id.
        problems: Problem items written in the span, by day then id.
        tries: Try items written in the span (carried copies included), by day then id.
        kept: How many of ``tries`` are ``kept`` now.
        dropped: How many are ``dropped``.
        carried: How many are ``carried`` (each has a copy on a later day).
        open: How many are still ``open``.
    """

    start: date
    end: date
    keeps: list[RetroItem] = field(default_factory=list)
    problems: list[RetroItem] = field(default_factory=list)
    tries: list[RetroItem] = field(default_factory=list)
    kept: int = 0
    dropped: int = 0
    carried: int = 0
    open: int = 0

    @property
    def reviewed(self) -> int:
        """How many of ``tries`` were reviewed: ``kept + dropped + carried``."""
        return self.kept + self.dropped + self.carried

    @property
    def completion_rate(self) -> float | None:
        """Share of the reviewed Try items that were kept, from 0.0 to 1.0.

        ``kept / (kept + dropped + carried)``: a carried item counts as not (yet) kept, open
        items are left out. ``None`` when no Try of the span has been reviewed.
        """
        if self.reviewed == 0:
            return None
        return self.kept / self.reviewed

    def to_json(self) -> dict[str, Any]:
        """The summary with dates as ISO strings and ``completion_rate`` (``null`` when none)."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "keeps": [item.to_json() for item in self.keeps],
            "problems": [item.to_json() for item in self.problems],
            "tries": [item.to_json() for item in self.tries],
            "kept": self.kept,
            "dropped": self.dropped,
            "carried": self.carried,
            "open": self.open,
            "completion_rate": self.completion_rate,
        }


def check_day(day: date, today: date) -> None:
    """Refuse a retro day after ``today``.

    Raises:
        UsageError: ``day`` is in the future.
    """
    if day > today:
        raise UsageError(
            "a retro cannot be for a future day",
            day.isoformat(),
            f"Today is {today.isoformat()}; pass --date today or an earlier date",
        )


def write_retro(
    db: Database,
    day: date,
    *,
    keep: Sequence[str] = (),
    problem: Sequence[str] = (),
    try_: Sequence[str] = (),
    kept: Sequence[int] = (),
    dropped: Sequence[int] = (),
    carried: Sequence[int] = (),
    today: date,
    now: datetime,
) -> RetroDay:
    """Add items to the retro of ``day`` and review earlier Try items, in one transaction.

    Writes, in this order (so ids follow it): the Keep items, the Problem items, a new open
    Try on ``day`` for each carried item (oldest id first, ``carried_from`` naming it), then
    the new Try items. Each reviewed item gets its status and ``reviewed_on = day``. Nothing
    given: nothing is written.

    Args:
        db: The tracker database (:func:`tracker.store.open_db`).
        day: The local day of the retro.
        keep: Texts of new Keep items; surrounding whitespace is removed.
        problem: Texts of new Problem items.
        try_: Texts of new Try items (written ``open``).
        kept: Ids of open Try items of earlier days that held.
        dropped: Ids of open Try items of earlier days given up.
        carried: Ids of open Try items of earlier days to try again on ``day``.
        today: The local date, to refuse days in the future.
        now: The moment of writing, stored as UTC ``created_at``.

    Returns:
        The retro of ``day`` as it is after writing (:func:`retro_day`).

    Raises:
        UsageError: ``day`` is after ``today``; a text is blank; an id is unknown, is not a
            Try, is not open, is not from a day before ``day``, or is marked more than once.
            Nothing is written.
        StoreError: The database could not be written.
    """
    check_day(day, today)
    texts = {
        "keep": [_clean_text("keep", text) for text in keep],
        "problem": [_clean_text("problem", text) for text in problem],
        "try": [_clean_text("try", text) for text in try_],
    }
    reviews = _reviews(kept=kept, dropped=dropped, carried=carried)
    created_at = utc_timestamp(now)
    iso_day = day.isoformat()
    with transaction(db):
        targets = {item_id: _reviewable(db, item_id, day) for item_id in reviews}

        def add(kind: str, text: str, carried_from: int | None = None) -> None:
            insert(
                db,
                "retro_items",
                {
                    "day": iso_day,
                    "kind": kind,
                    "text": text,
                    "status": "open" if kind == "try" else None,
                    "carried_from": carried_from,
                    "reviewed_on": None,
                    "created_at": created_at,
                },
            )

        for kind in ("keep", "problem"):
            for text in texts[kind]:
                add(kind, text)
        for item_id, status in sorted(reviews.items()):
            db.execute(
                "UPDATE retro_items SET status = ?, reviewed_on = ? WHERE id = ?",
                [status, iso_day, item_id],
            )
            if status == "carried":
                add("try", targets[item_id].text, carried_from=item_id)
        for text in texts["try"]:
            add("try", text)
    return retro_day(db, day)


def retro_day(db: Database, day: date) -> RetroDay:
    """The retro of ``day`` and the open Try items of earlier days.

    Args:
        db: The tracker database.
        day: The local day.
    """
    items = _items(db, "WHERE day = ? ORDER BY id", [day.isoformat()])
    return RetroDay(
        day=day,
        keeps=[item for item in items if item.kind == "keep"],
        problems=[item for item in items if item.kind == "problem"],
        tries=[item for item in items if item.kind == "try"],
        earlier_open=open_tries_before(db, day),
    )


def open_tries_before(db: Database, day: date) -> list[RetroItem]:
    """Try items still ``open`` from every day before ``day``, oldest first (by day, then id).

    Args:
        db: The tracker database.
        day: The local day whose retro reviews them.
    """
    return _items(
        db,
        "WHERE kind = 'try' AND status = 'open' AND day < ? ORDER BY day, id",
        [day.isoformat()],
    )


def retro_summary(db: Database, start: date, end: date) -> RetroSummary:
    """Every item written from ``start`` to ``end`` (inclusive) and how the Try items went.

    The counts are the *current* statuses of the Try items written in the span, wherever
    they were reviewed; see :attr:`RetroSummary.completion_rate`.

    Args:
        db: The tracker database.
        start: The first day, e.g. a Monday.
        end: The last day, e.g. the Sunday after it.

    Raises:
        UsageError: ``start`` is after ``end``.
    """
    if start > end:
        raise UsageError(
            "the span of days ends before it starts",
            f"{start.isoformat()} to {end.isoformat()}",
            "Give the earlier day first",
        )
    items = _items(
        db, "WHERE day BETWEEN ? AND ? ORDER BY day, id", [start.isoformat(), end.isoformat()]
    )
    tries = [item for item in items if item.kind == "try"]
    counts = {status: sum(item.status == status for item in tries) for status in REVIEWS}
    return RetroSummary(
        start=start,
        end=end,
        keeps=[item for item in items if item.kind == "keep"],
        problems=[item for item in items if item.kind == "problem"],
        tries=tries,
        kept=counts["kept"],
        dropped=counts["dropped"],
        carried=counts["carried"],
        open=sum(item.status == "open" for item in tries),
    )


def editor_template(day: date, earlier_open: list[RetroItem]) -> str:
    """The text ``course retro`` opens in the editor for ``day``.

    One ``[ ] #12 (2026-11-20) read the ResNet paper`` line per open Try of an earlier day,
    then the sections ``## Keep``, ``## Problem`` and ``## Try``, with ``#`` comments saying
    how to fill them in. :func:`parse_editor_text` reads it back; unchanged it writes nothing.

    Args:
        day: The retro's day.
        earlier_open: The open Try items to review (:func:`open_tries_before`).
    """
    lines = [f"# Retro of {_WEEKDAY_NAMES[day.weekday()]} {day.isoformat()}", "#"]
    if earlier_open:
        lines += [
            "# Try items still open from earlier days. Between the brackets write",
            "#   k  kept: it held, or it is done",
            "#   d  dropped: you give it up",
            f"#   c  carried: try it again (a new Try on {day.isoformat()})",
            "# or leave the brackets empty to keep it open.",
        ]
        lines += [
            f"[ ] #{item.id} ({item.day.isoformat()}) {_one_line(item.text)}"
            for item in earlier_open
        ]
    else:
        lines.append("# No Try items are open from earlier days.")
    lines += [
        "",
        "## Keep",
        "# What went well and should go on? One item per line.",
        "",
        "## Problem",
        "# What went wrong or got in the way?",
        "",
        "## Try",
        "# What will you try next?",
        "",
        "# Lines starting with # are comments. Save and close the editor to store the retro;",
        "# leave everything empty (or quit without saving) to write nothing.",
    ]
    return "\n".join(lines) + "\n"


def parse_editor_text(text: str, earlier_open: list[RetroItem]) -> RetroInput:
    """Read a filled-in :func:`editor_template` back, strictly.

    - Blank lines are skipped; ``## Keep``, ``## Problem`` and ``## Try`` (any case) start a
      section; any other line starting with ``#`` is a comment (so ``##`` plus another word
      is refused, not silently ignored).
    - Before the first section, each line is ``[M] #ID ...``: ``M`` is ``k`` (kept), ``d``
      (dropped), ``c`` (carried) or nothing (leave it open); the full words are accepted too.
      ``ID`` must be one of ``earlier_open``; the text after it is not read. Deleting such a
      line leaves that Try open.
    - In a section each line is one item, a leading ``- `` removed; a line of only ``-`` is
      skipped.

    Args:
        text: What the editor returned.
        earlier_open: The open Try items the template listed.

    Returns:
        The items and reviews to write; :attr:`RetroInput.is_empty` when there are none.

    Raises:
        UsageError: A mark other than k, d, c; an id not in ``earlier_open`` or listed twice;
            text outside the sections; an unknown ``##`` heading. The message quotes the line
            and gives its number.
    """
    open_ids = {item.id for item in earlier_open}
    items: dict[str, list[str]] = {kind: [] for kind in KINDS}
    reviews: dict[str, list[int]] = {status: [] for status in REVIEWS}
    seen: set[int] = set()
    section: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        heading = _SECTION.fullmatch(stripped)
        if heading:
            section = heading["name"].lower()
            continue
        if stripped.startswith("##"):
            raise UsageError(
                f"line {number} of the retro is an unknown heading",
                repr(stripped),
                "The sections are ## Keep, ## Problem and ## Try; start a comment with one #",
            )
        if stripped.startswith("#"):
            continue
        if section is None:
            item_id, status = _review_line(number, stripped, open_ids)
            if item_id in seen:
                raise UsageError(
                    f"line {number} of the retro lists Try #{item_id} a second time",
                    repr(stripped),
                    "Keep one line per Try item",
                )
            seen.add(item_id)
            if status is not None:
                reviews[status].append(item_id)
            continue
        entry = stripped[2:].strip() if stripped.startswith("- ") else stripped
        if entry and entry != "-":
            items[section].append(entry)
    return RetroInput(
        keep=tuple(items["keep"]),
        problem=tuple(items["problem"]),
        try_=tuple(items["try"]),
        kept=tuple(reviews["kept"]),
        dropped=tuple(reviews["dropped"]),
        carried=tuple(reviews["carried"]),
    )


# --- filling in a retro in the editor -------------------------------------------------------


@dataclass(frozen=True)
class RetroDraft:
    """The text the editor opens for one day's retro (:func:`retro_draft`).

    Attributes:
        day: The retro's day.
        text: The text kept from an earlier try that could not be used, else a fresh
            :func:`editor_template`.
        resumed: Whether ``text`` is that kept text.
        path: Where a text that cannot be used is kept: ``retro-draft-<day>.md`` beside the
            database file (in the temporary folder for a database without a file).
        earlier_open: The open Try items of earlier days (:func:`open_tries_before`).
    """

    day: date
    text: str
    resumed: bool
    path: Path
    earlier_open: list[RetroItem] = field(default_factory=list)


@dataclass(frozen=True)
class EditedRetro:
    """What :func:`save_edited_retro` did.

    Attributes:
        retro: The day's retro after writing, or ``None`` when nothing was written.
        items: New Keep, Problem and Try items written.
        reviews: Earlier Try items reviewed (kept, dropped or carried).
        kept_draft: When nothing was written while a kept text was open: where that text
            still is (``None`` otherwise).
    """

    retro: RetroDay | None
    items: int = 0
    reviews: int = 0
    kept_draft: Path | None = None


def retro_draft(db: Database, day: date) -> RetroDraft:
    """What to open in the editor for the retro of ``day``.

    The text kept by an earlier :func:`save_edited_retro` that could not be used, when there
    is one, else a fresh :func:`editor_template`.

    Args:
        db: The tracker database.
        day: The retro's day.

    Raises:
        EnvironmentProblem: The kept text exists but cannot be read.
    """
    earlier = open_tries_before(db, day)
    file = database_file(db)
    folder = file.parent if file.name else Path(tempfile.gettempdir())
    path = folder / f"retro-draft-{day.isoformat()}.md"
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise EnvironmentProblem(
                "cannot read the kept retro text", str(path), f"{exc}; move it away"
            ) from exc
        return RetroDraft(day, text, True, path, earlier)
    return RetroDraft(day, editor_template(day, earlier), False, path, earlier)


def save_edited_retro(
    db: Database, draft: RetroDraft, edited: str | None, *, today: date, now: datetime
) -> EditedRetro:
    """Write what came back from the editor, keeping the text when it cannot be used.

    ``None`` (the editor was quit without saving) writes nothing and leaves a kept text
    where it is. A text that asks for nothing (:attr:`RetroInput.is_empty`) writes nothing
    and removes the kept text. Otherwise the text is read (:func:`parse_editor_text`) and
    written (:func:`write_retro`); once written, the kept text is removed.

    Args:
        db: The tracker database.
        draft: What the editor opened (:func:`retro_draft`).
        edited: The text as saved, or ``None``.
        today: The local date.
        now: The moment of writing.

    Returns:
        What was written.

    Raises:
        CourseError: The text cannot be read or written (the error of
            :func:`parse_editor_text` or :func:`write_retro`, same class and message). Its
            fix then also says where the text was saved: ``draft.path``, or a new temporary
            file when that cannot be written. Nothing is written to the database.
    """
    if edited is None:
        return EditedRetro(None, kept_draft=draft.path if draft.resumed else None)
    try:
        given = parse_editor_text(edited, draft.earlier_open)
        if given.is_empty:
            draft.path.unlink(missing_ok=True)
            return EditedRetro(None)
        retro = write_retro(
            db,
            draft.day,
            keep=given.keep,
            problem=given.problem,
            try_=given.try_,
            kept=given.kept,
            dropped=given.dropped,
            carried=given.carried,
            today=today,
            now=now,
        )
    except CourseError as error:
        fix = _keep_text(error.fix, draft, edited, today)
        raise type(error)(error.what, error.value, fix) from error
    draft.path.unlink(missing_ok=True)
    items = len(given.keep) + len(given.problem) + len(given.try_)
    return EditedRetro(retro, items, len(given.kept) + len(given.dropped) + len(given.carried))


def _keep_text(fix: str | None, draft: RetroDraft, text: str, today: date) -> str:
    """Save ``text`` (to ``draft.path``, else a new temporary file) and say where it is."""
    lead = f"{fix}. " if fix else ""
    day = draft.day.isoformat()
    try:
        draft.path.write_text(text, encoding="utf-8")
    except OSError:
        descriptor, name = tempfile.mkstemp(prefix=f"course-retro-{day}-", suffix=".md")
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        return f"{lead}Your text is saved in {name}; copy it from there"
    date_option = "" if draft.day == today else f" --date {day}"
    return (
        f"{lead}Your text is saved in {draft.path}: run course retro{date_option} again to fix it"
    )


# --- helpers --------------------------------------------------------------------------------


def _items(db: Database, where: str, params: list[Any]) -> list[RetroItem]:
    return [
        RetroItem.from_row(row)
        for row in db.query(
            "SELECT id, day, kind, text, status, carried_from, reviewed_on FROM retro_items "
            + where,
            params,
        )
    ]


def _clean_text(kind: str, text: str) -> str:
    cleaned = clean_text(text, f"a {KIND_NAMES[kind]} item", "Write it shorter")
    if not cleaned:
        example = {
            "keep": "--keep 'finished the LSTM lab'",
            "problem": "--problem 'slept at 3 am'",
            "try": "--try 'read the ResNet paper'",
        }[kind]
        raise UsageError(
            f"a {KIND_NAMES[kind]} item is empty", repr(text), f"Write some text, e.g. {example}"
        )
    return cleaned


def _reviews(
    *, kept: Sequence[int], dropped: Sequence[int], carried: Sequence[int]
) -> dict[int, str]:
    marks: dict[int, list[str]] = {}
    for status, ids in (("kept", kept), ("dropped", dropped), ("carried", carried)):
        for item_id in ids:
            marks.setdefault(item_id, []).append(status)
    for item_id, statuses in marks.items():
        if len(statuses) > 1:
            raise UsageError(
                f"Try #{item_id} is marked more than once", ", ".join(statuses), "Mark it once"
            )
    return {item_id: statuses[0] for item_id, statuses in marks.items()}


def _reviewable(db: Database, item_id: int, day: date) -> RetroItem:
    """The open Try ``item_id`` of a day before ``day``, or a UsageError saying why not."""
    found = _items(db, "WHERE id = ?", [item_id])
    if not found:
        raise UsageError("no retro item with that id", item_id, _SHOW_HINT)
    item = found[0]
    if item.kind != "try":
        raise UsageError(
            f"retro item #{item_id} is a {KIND_NAMES[item.kind]} item, not a Try",
            repr(item.text),
            "Only Try items are marked kept, dropped or carried",
        )
    if item.status != "open":
        on = f" on {item.reviewed_on.isoformat()}" if item.reviewed_on else ""
        raise UsageError(
            f"Try #{item_id} is already {item.status}{on}",
            repr(item.text),
            f"Only open Try items can be marked. {_SHOW_HINT}",
        )
    if item.day >= day:
        raise UsageError(
            f"Try #{item_id} is from {item.day.isoformat()}, not from a day before "
            f"{day.isoformat()}",
            repr(item.text),
            "A Try is marked in the retro of a later day; pass --date with a later day",
        )
    return item


def _review_line(number: int, line: str, open_ids: set[int]) -> tuple[int, str | None]:
    match = _REVIEW_LINE.fullmatch(line)
    if match is None:
        raise UsageError(
            f"line {number} of the retro is outside the Keep, Problem and Try sections",
            repr(line),
            "Write items under ## Keep, ## Problem or ## Try; above them only the "
            "[ ] #ID lines of open Try items",
        )
    mark = match["mark"].strip().lower()
    status: str | None
    if not mark:
        status = None
    elif mark in MARKS:
        status = MARKS[mark]
    elif mark in REVIEWS:
        status = mark
    else:
        raise UsageError(f"line {number} of the retro has an unknown mark", repr(line), _MARK_FIX)
    item_id = int(match["id"])
    if item_id not in open_ids:
        raise UsageError(
            f"line {number} of the retro names #{item_id}, which is not an open Try of an "
            "earlier day",
            repr(line),
            "Keep the [ ] #ID lines as the template wrote them",
        )
    return item_id, status


def _one_line(text: str) -> str:
    return " ".join(text.split())
