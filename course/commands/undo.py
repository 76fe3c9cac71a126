"""`course undo`: take back the last change a tracker command made."""

from __future__ import annotations

from contextlib import closing

import click

from course.commands import context


@click.command("undo")
def undo_command() -> None:
    """Take back the last change (a log, edit, delete, stop, retro, problem, goal or question),
    once. Grade attempts are not undone."""
    from course.render.undo import undone_line
    from tracker.undo import undo_last

    with closing(context.open_store()) as db:
        undone = undo_last(db)
    click.echo(undone_line(undone))


COMMANDS: list[click.Command] = [undo_command]
