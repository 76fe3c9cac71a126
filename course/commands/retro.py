"""`course retro`: a daily KPT retrospective (Keep, Problem, Try) and the review of old Tries.

Three ways in:

- items or reviews as options (``--keep``, ``--problem``, ``--try``, ``--kept``,
  ``--dropped``, ``--carried``): written in one transaction, then the day's retro is shown;
- ``--show``, or no options while stdin is not a terminal: the day's retro, nothing written;
- no options at a terminal: the editor (``$VISUAL``, ``$EDITOR``) opens a template
  (:func:`tracker.retro.editor_template`). If what comes back cannot be read or written, it is
  kept in a draft file beside the database, named in the error, and the next ``course retro``
  for that day opens the draft instead of a fresh template.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from contextlib import closing
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text
from sqlite_utils import Database

from core.errors import CourseError, UsageError
from course.commands import context
from course.render_retro import print_retro, saved_line
from course.render_study import make_console
from tracker.retro import (
    check_day,
    editor_template,
    open_tries_before,
    parse_editor_text,
    retro_day,
    write_retro,
)
from tracker.study import parse_day

_EDITOR_FIX = (
    "Set $EDITOR to an editor you have (e.g. export EDITOR=nano), "
    "or pass the retro as options: --keep TEXT --problem TEXT --try TEXT"
)


def _stdin_is_tty() -> bool:
    """Whether a person is at the keyboard (tests replace this to reach the editor)."""
    return sys.stdin.isatty()


@click.command("retro")
@click.option(
    "--date",
    "day",
    metavar="DATE",
    default="today",
    show_default=True,
    help="The retro's day: today, yesterday, 3 days ago, monday, last monday or YYYY-MM-DD.",
)
@click.option("--keep", multiple=True, metavar="TEXT", help="What went well (repeatable).")
@click.option("--problem", multiple=True, metavar="TEXT", help="What went wrong or got in the way.")
@click.option("--try", "try_", multiple=True, metavar="TEXT", help="What you will try next.")
@click.option(
    "--kept", type=int, multiple=True, metavar="ID", help="An earlier Try that held, or is done."
)
@click.option("--dropped", type=int, multiple=True, metavar="ID", help="An earlier Try given up.")
@click.option(
    "--carried",
    type=int,
    multiple=True,
    metavar="ID",
    help="An earlier Try to try again: a new Try on this day.",
)
@click.option("--show", is_flag=True, help="Only print the day's retro; write nothing.")
def retro_command(
    day: str,
    keep: tuple[str, ...],
    problem: tuple[str, ...],
    try_: tuple[str, ...],
    kept: tuple[int, ...],
    dropped: tuple[int, ...],
    carried: tuple[int, ...],
    show: bool,
) -> None:
    """Write today's retro: course retro --keep TEXT --problem TEXT --try TEXT.

    Earlier Try items still open are listed; mark each with --kept ID, --dropped ID or
    --carried ID. With no options the editor opens a template to fill in (set $EDITOR);
    --show prints the retro without writing.
    """
    today = context.today()
    retro_date = parse_day(day, today)
    check_day(retro_date, today)
    writing = bool(keep or problem or try_ or kept or dropped or carried)
    if show and writing:
        raise UsageError(
            "--show only prints the retro",
            "it was given with items or reviews to write",
            "Leave out --show to write them, or the others to only look",
        )
    console = make_console()
    with closing(context.open_store()) as db:
        if writing:
            retro = write_retro(
                db,
                retro_date,
                keep=keep,
                problem=problem,
                try_=try_,
                kept=kept,
                dropped=dropped,
                carried=carried,
                today=today,
                now=context.now(),
            )
            console.print(
                saved_line(len(keep) + len(problem) + len(try_), len(kept + dropped + carried))
            )
            print_retro(console, retro, today=today)
        elif show or not _stdin_is_tty():
            print_retro(console, retro_day(db, retro_date), today=today)
        else:
            _edit(db, console, retro_date, today)


def _edit(db: Database, console: Console, day: date, today: date) -> None:
    """Fill in the retro of ``day`` in the editor, keeping the text when it cannot be used."""
    earlier = open_tries_before(db, day)
    draft = _draft_path(db, day)
    resumed = draft.is_file()
    initial = draft.read_text(encoding="utf-8") if resumed else editor_template(day, earlier)
    try:
        edited = click.edit(initial, extension=".md")
    except click.ClickException as exc:
        raise UsageError("the editor could not be run", exc.format_message(), _EDITOR_FIX) from exc
    if isinstance(edited, (bytes, bytearray)):  # pragma: no cover - only for bytes input
        edited = edited.decode("utf-8")
    if edited is None:
        console.print("Nothing written.")
        if resumed:
            console.print(
                Text(f"Your earlier text is still in {draft}; delete it for a fresh template."),
                soft_wrap=True,
            )
        return
    try:
        given = parse_editor_text(edited, earlier)
        if given.is_empty:
            console.print("Nothing written.")
            draft.unlink(missing_ok=True)
            return
        retro = write_retro(
            db,
            day,
            keep=given.keep,
            problem=given.problem,
            try_=given.try_,
            kept=given.kept,
            dropped=given.dropped,
            carried=given.carried,
            today=today,
            now=context.now(),
        )
    except CourseError as error:
        raise type(error)(
            error.what, error.value, _keep_text(error.fix, draft, edited, day, today)
        ) from error
    draft.unlink(missing_ok=True)
    reviews: Sequence[int] = given.kept + given.dropped + given.carried
    console.print(saved_line(len(given.keep) + len(given.problem) + len(given.try_), len(reviews)))
    print_retro(console, retro, today=today)


def _draft_path(db: Database, day: date) -> Path:
    """Where an unusable editor text of ``day`` is kept: beside the database file."""
    row = db.execute("PRAGMA database_list").fetchone()
    folder = Path(row[2]).parent if row and row[2] else Path(tempfile.gettempdir())
    return folder / f"retro-draft-{day.isoformat()}.md"


def _keep_text(fix: str | None, draft: Path, text: str, day: date, today: date) -> str:
    """Save ``text`` (to ``draft``, else a new temporary file) and say where it is."""
    lead = f"{fix}. " if fix else ""
    try:
        draft.write_text(text, encoding="utf-8")
    except OSError:
        descriptor, name = tempfile.mkstemp(prefix=f"course-retro-{day.isoformat()}-", suffix=".md")
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        return f"{lead}Your text is saved in {name}; copy it from there"
    date_option = "" if day == today else f" --date {day.isoformat()}"
    return f"{lead}Your text is saved in {draft}: run course retro{date_option} again to fix it"


COMMANDS: list[click.Command] = [retro_command]
