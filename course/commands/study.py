"""`course log`: study time by hand."""

from __future__ import annotations

from contextlib import closing

import click

from core.errors import UsageError
from course.commands import context
from course.render_study import logged_line
from tracker.study import hours_to_minutes, log_study, parse_day, parse_duration


def _study_minutes(hours: float | None, minutes: int | None, duration: str | None) -> int:
    given = [
        name
        for name, value in (("--hours", hours), ("--minutes", minutes), ("--duration", duration))
        if value is not None
    ]
    if len(given) != 1:
        raise UsageError(
            "give exactly one of --hours, --minutes, --duration",
            " and ".join(given) if given else "none given",
            "Pass one, e.g. --hours 1.5 or --duration 1h30m",
        )
    if hours is not None:
        return hours_to_minutes(hours)
    if minutes is not None:
        return minutes
    return parse_duration(str(duration))


@click.command("log")
@click.option("--hours", type=float, help="Study time in hours; fractions allowed (1.5).")
@click.option("--minutes", type=int, help="Study time in minutes.")
@click.option("--duration", help="Study time such as 1h30m, 1.5h, 90m or 45 (minutes).")
@click.option("--topic", required=True, help="What you studied, e.g. CNN.")
@click.option(
    "--date",
    "day",
    metavar="DATE",
    default="today",
    show_default=True,
    help="The day you studied: today, yesterday, 3 days ago, monday, last monday or YYYY-MM-DD.",
)
@click.option("--note", help="Anything worth remembering about it.")
def log_command(
    hours: float | None,
    minutes: int | None,
    duration: str | None,
    topic: str,
    day: str,
    note: str | None,
) -> None:
    """Log study time: course log --hours 2 --topic CNN."""
    today = context.today()
    study_minutes = _study_minutes(hours, minutes, duration)
    study_day = parse_day(day, today)
    with closing(context.open_store()) as db:
        entry = log_study(
            db, minutes=study_minutes, topic=topic, day=study_day, note=note, today=today
        )
    click.echo(logged_line(entry))


COMMANDS: list[click.Command] = [log_command]
