"""`course start` / `stop` / `status`: the study timer; `course edit` / `delete`: entries."""

from __future__ import annotations

from contextlib import closing

import click

from core.errors import UsageError
from course.commands import context
from course.commands.options import DAY_HELP, ROW_ID, study_minutes, study_time_options
from course.render.timer import (
    cancelled_line,
    delete_prompt,
    deleted_line,
    overlap_warnings,
    started_line,
    status_lines,
    status_warning,
    stopped_line,
    updated_lines,
)
from tracker.parsers import parse_day, parse_time
from tracker.study import delete_entry, edit_entry, get_entry
from tracker.timer import cancel_timer, start_timer, stop_timer, timer_status

_TIME_FORMS = "14:05, 'yesterday 23:30', 'YYYY-MM-DD HH:MM', '15m ago' or now"


@click.command("start")
@click.argument("topic", nargs=-1, required=True)
@click.option("--note", help="Anything worth remembering; it is kept on the logged entry.")
@click.option(
    "--at",
    "at_text",
    metavar="TIME",
    help=f"When you started: {_TIME_FORMS}.  [default: now]",
)
def start_command(topic: tuple[str, ...], note: str | None, at_text: str | None) -> None:
    """Start the study timer: course start CNN.

    One timer runs at a time; course stop logs its time as a study entry on the day it
    started. A TOPIC of several words needs no quotes.
    """
    now = context.now()
    at = now if at_text is None else parse_time(at_text, now)
    with closing(context.open_store()) as db:
        timer = start_timer(db, " ".join(topic), at=at, now=now, note=note)
    click.echo(started_line(timer, now))


@click.command("stop")
@click.option(
    "--at",
    "at_text",
    metavar="TIME",
    help=f"When you stopped: {_TIME_FORMS}.  [default: now]",
)
@click.option("--note", help="Added to the entry's note (after the one given to start).")
@click.option("--cancel", is_flag=True, help="Discard the running timer and log nothing.")
def stop_command(at_text: str | None, note: str | None, cancel: bool) -> None:
    """Stop the study timer and log its time: course stop.

    Warns (on stderr) about earlier timer entries whose times overlap the new one.
    """
    now = context.now()
    if cancel:
        given = [name for name, value in (("--at", at_text), ("--note", note)) if value is not None]
        if given:
            raise UsageError(
                "--cancel logs nothing, so it takes no --at or --note",
                " and ".join(given),
                "Leave them out, or leave out --cancel to log the time",
            )
        with closing(context.open_store()) as db:
            timer = cancel_timer(db)
        click.echo(cancelled_line(timer, now))
        return
    at = now if at_text is None else parse_time(at_text, now)
    with closing(context.open_store()) as db:
        stopped = stop_timer(db, at=at, now=now, note=note)
    click.echo(stopped_line(stopped))
    for warning in overlap_warnings(stopped.entry, stopped.overlaps):
        click.echo(warning, err=True)


@click.command("status")
def status_command() -> None:
    """Show the running timer and the study time logged today."""
    now = context.now()
    with closing(context.open_store()) as db:
        status = timer_status(db, now=now)
    for line in status_lines(status, now):
        click.echo(line)
    warning = status_warning(status, now)
    if warning:
        click.echo(warning, err=True)


@click.command("edit")
@click.argument("entry_id", metavar="ID", type=ROW_ID)
@study_time_options("New study time")
@click.option("--topic", help="New topic.")
@click.option("--date", "day_text", metavar="DATE", help=f"New day: {DAY_HELP}.")
@click.option("--note", help="New note; --note '' removes it.")
@click.option(
    "--start",
    "start_text",
    metavar="TIME",
    help="New start time (14:05 is on the entry's day, or on --date).",
)
@click.option(
    "--end",
    "end_text",
    metavar="TIME",
    help="New end time (14:05 is on the entry's day, or on --date).",
)
def edit_command(
    entry_id: int,
    hours: float | None,
    minutes: str | None,
    duration: str | None,
    topic: str | None,
    day_text: str | None,
    note: str | None,
    start_text: str | None,
    end_text: str | None,
) -> None:
    """Change a study entry: course edit 7 --duration 1h30m.

    Only what you give changes. For an entry made by the timer, --start and --end set the
    study time, --duration keeps the start and moves the end, and --date keeps the clock
    times. ID is the number course log and course stop print (entry #7).
    """
    spent = study_minutes(hours, minutes, duration)
    day = None if day_text is None else parse_day(day_text, context.today())
    with closing(context.open_store()) as db:
        edited = edit_entry(
            db,
            entry_id,
            now=context.now(),
            minutes=spent,
            topic=topic,
            day=day,
            note=note,
            started_at=start_text,
            ended_at=end_text,
        )
    for line in updated_lines(edited):
        click.echo(line)
    for warning in overlap_warnings(edited.entry, edited.overlaps):
        click.echo(warning, err=True)


@click.command("delete")
@click.argument("entry_id", metavar="ID", type=ROW_ID)
@click.option("--yes", "-y", is_flag=True, help="Delete without asking.")
def delete_command(entry_id: int, yes: bool) -> None:
    """Delete a study entry: course delete 7 (asks first unless --yes)."""
    with closing(context.open_store()) as db:
        entry = get_entry(db, entry_id)
        if not yes:
            context.confirm(delete_prompt(entry))
        deleted = delete_entry(db, entry_id)
    click.echo(deleted_line(deleted))


COMMANDS: list[click.Command] = [
    start_command,
    stop_command,
    status_command,
    edit_command,
    delete_command,
]
