"""`course log` and `course report`."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import click
from sqlite_utils import Database

from course.errors import UsageError
from course.render_study import logged_line, make_console, print_weekly, weekly_json
from grader.workspace import find_workspace
from tracker.report import weekly_report
from tracker.store import open_db, resolve_db_path
from tracker.study import hours_to_minutes, log_study, parse_day, parse_duration


def open_store() -> Database:
    """Open the tracker database the current directory uses.

    ``$COURSE_DB``, else the database named by the workspace holding the current directory,
    else the user data directory's ``course.db``. Close it when done.

    Raises:
        StoreError: The database cannot be opened (see :func:`tracker.store.open_db`).
        WorkspaceError: The workspace's ``course.yaml`` is invalid.
    """
    workspace = find_workspace(Path.cwd())
    return open_db(resolve_db_path(workspace.database if workspace else None))


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
    help="The day you studied: YYYY-MM-DD, today or yesterday.",
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
    today = date.today()
    study_minutes = _study_minutes(hours, minutes, duration)
    study_day = parse_day(day, today)
    with closing(open_store()) as db:
        entry = log_study(
            db, minutes=study_minutes, topic=topic, day=study_day, note=note, today=today
        )
    click.echo(logged_line(entry))


@click.group("report")
def report_group() -> None:
    """Summaries of your study time and grade attempts."""


@report_group.command("weekly")
@click.option(
    "--week", metavar="YYYY-Www", help="ISO week (2026-W47), this or last.  [default: this]"
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
def weekly_command(week: str | None, as_json: bool) -> None:
    """Study time and best grades of one week.

    Hours per day and per topic, the week's total, and the best score of each assignment
    graded that week (Monday to Sunday, ISO weeks).
    """
    with closing(open_store()) as db:
        report = weekly_report(db, week)
    if as_json:
        click.echo(weekly_json(report))
    else:
        print_weekly(make_console(), report)


COMMANDS: list[click.Command] = [log_command, report_group]
