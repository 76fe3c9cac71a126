"""`course report`: summaries of study time, grades, problems, retros and goals."""

from __future__ import annotations

from contextlib import closing

import click

from course.commands import context
from course.render_study import make_console, print_weekly, weekly_json
from tracker.report import weekly_report


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
    with closing(context.open_store()) as db:
        report = weekly_report(db, week, context.today())
    if as_json:
        click.echo(weekly_json(report))
    else:
        print_weekly(make_console(), report)


COMMANDS: list[click.Command] = [report_group]
