"""`course log`: study time by hand."""

from __future__ import annotations

from contextlib import closing

import click

from course.commands import context
from course.commands.options import day_option, study_minutes, study_time_options
from course.render.study import logged_line
from tracker.parsers import parse_day
from tracker.study import log_study


@click.command("log")
@study_time_options("Study time")
@click.option("--topic", required=True, help="What you studied, e.g. CNN.")
@day_option("The day you studied")
@click.option("--note", help="Anything worth remembering about it.")
def log_command(
    hours: float | None,
    minutes: str | None,
    duration: str | None,
    topic: str,
    day: str,
    note: str | None,
) -> None:
    """Log study time: course log --hours 2 --topic CNN."""
    today = context.today()
    spent = study_minutes(hours, minutes, duration, required=True)
    study_day = parse_day(day, today)
    with closing(context.open_store()) as db:
        entry = log_study(db, minutes=spent, topic=topic, day=study_day, note=note, today=today)
    click.echo(logged_line(entry))


COMMANDS: list[click.Command] = [log_command]
