"""`course retro`: a daily KPT retrospective (Keep, Problem, Try) and the review of old Tries.

Three ways in:

- items or reviews as options (``--keep``, ``--problem``, ``--try``, ``--kept``,
  ``--dropped``, ``--carried``): written in one transaction, then the day's retro is shown;
- ``--show``, or no options while stdin is not a terminal: the day's retro, nothing written;
- no options at a terminal: the editor (``$VISUAL``, ``$EDITOR``) opens a template
  (:func:`tracker.retro.retro_draft`). If what comes back cannot be read or written, the
  library keeps it in a draft file beside the database, named in the error, and the next
  ``course retro`` for that day opens the draft instead of a fresh template.
"""

from __future__ import annotations

import sys
from contextlib import closing
from datetime import date

import click
from rich.console import Console
from rich.text import Text
from sqlite_utils import Database

from core.errors import UsageError
from course.commands import context
from course.commands.options import ROW_ID, day_option
from course.render.format import make_console
from course.render.retro import print_retro, saved_line
from tracker.parsers import parse_day
from tracker.retro import check_day, retro_day, retro_draft, save_edited_retro, write_retro

_EDITOR_FIX = (
    "Set $EDITOR to an editor you have (e.g. export EDITOR=nano), "
    "or pass the retro as options: --keep TEXT --problem TEXT --try TEXT"
)


def _stdin_is_tty() -> bool:
    """Whether a person is at the keyboard (tests replace this to reach the editor)."""
    return sys.stdin.isatty()


@click.command("retro")
@day_option("The retro's day")
@click.option("--keep", multiple=True, metavar="TEXT", help="What went well (repeatable).")
@click.option("--problem", multiple=True, metavar="TEXT", help="What went wrong or got in the way.")
@click.option("--try", "try_", multiple=True, metavar="TEXT", help="What you will try next.")
@click.option(
    "--kept", type=ROW_ID, multiple=True, metavar="ID", help="An earlier Try that held, or is done."
)
@click.option(
    "--dropped", type=ROW_ID, multiple=True, metavar="ID", help="An earlier Try given up."
)
@click.option(
    "--carried",
    type=ROW_ID,
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
    """Fill in the retro of ``day`` in the editor (the library keeps a text it cannot use)."""
    draft = retro_draft(db, day)
    try:
        edited = click.edit(draft.text, extension=".md")
    except click.ClickException as exc:
        raise UsageError("the editor could not be run", exc.format_message(), _EDITOR_FIX) from exc
    if isinstance(edited, (bytes, bytearray)):  # pragma: no cover - only for bytes input
        edited = edited.decode("utf-8")
    saved = save_edited_retro(db, draft, edited, today=today, now=context.now())
    if saved.retro is None:
        console.print("Nothing written.")
        if saved.kept_draft is not None:
            console.print(
                Text(
                    f"Your earlier text is still in {saved.kept_draft}; "
                    "delete it for a fresh template."
                ),
                soft_wrap=True,
            )
        return
    console.print(saved_line(saved.items, saved.reviews))
    print_retro(console, saved.retro, today=today)


COMMANDS: list[click.Command] = [retro_command]
