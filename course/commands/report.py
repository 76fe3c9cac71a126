"""`course report daily|weekly|monthly|streak`: what you did, as tables, JSON, CSV or a post."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import click

from core.errors import UsageError
from course.commands import context
from course.commands.options import DAY_HELP
from tracker.parsers import parse_day, parse_month, parse_week
from tracker.report import (
    Period,
    build_report,
    day_period,
    last_days_period,
    month_period,
    study_calendar,
    week_period,
)

FORMATS = ("table", "json", "csv", "markdown")


class AssignmentTopics(Mapping[str, str]):
    """Each assignment's study topic from its ``assignment.yaml`` (``topics["resnet"]`` is
    ``"CNN"``), read only when asked for: a report reads the files of the assignments it
    has grade attempts of, and none for a week without any (about 50 ms saved).

    An assignment whose file cannot be read has no topic (``KeyError``): a report never
    fails over it.
    """

    def __init__(self) -> None:
        self._read: dict[str, str | None] = {}

    def __getitem__(self, name: str) -> str:
        if name not in self._read:
            from core.errors import AssignmentError
            from grader.spec import load_assignment

            try:
                self._read[name] = load_assignment(name).topic
            except AssignmentError:
                self._read[name] = None
        topic = self._read[name]
        if topic is None:
            raise KeyError(name)
        return topic

    def __iter__(self) -> Iterator[str]:
        from grader.spec import list_assignments

        return (name for name in list_assignments() if name in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every report has: --last, --format, --entries and the older --json."""
    command = click.option(
        "--entries",
        "show_entries",
        is_flag=True,
        help="Also list each study entry with its number (for course edit / delete).",
    )(command)
    command = click.option(
        "--json", "as_json", is_flag=True, hidden=True, help="Same as --format json."
    )(command)
    command = click.option(
        "--format",
        "output_format",
        type=click.Choice(FORMATS, case_sensitive=False),
        default="table",
        show_default=True,
        help="table for the terminal, json or csv for tools, markdown for a post to publish.",
    )(command)
    command = click.option(
        "--last",
        "last_days",
        type=int,
        metavar="N",
        help="The last N days up to today instead (e.g. --last 14).",
    )(command)
    return command


def _png_option(what: str) -> Callable[..., Any]:
    return click.option(
        "--png",
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="FILE",
        help=f"Also draw {what} into this PNG (replaced); `Wrote FILE` goes to stderr.",
    )


def _wrote(png: Path) -> None:
    """The line that names the picture, on stderr so that stdout stays the report."""
    from course.render.format import visible

    click.echo(f"Wrote {visible(str(png))}", err=True)


def _render(
    period_of: Callable[[date], Period],
    given: str | None,
    *,
    last_days: int | None,
    output_format: str,
    as_json: bool,
    show_entries: bool,
    png: Path | None = None,
) -> None:
    today = context.today()
    if last_days is not None:
        if given is not None:
            raise UsageError(
                "--last cannot be combined with a chosen period",
                given,
                "Pass one of them",
            )
        period = last_days_period(last_days, today)
    else:
        period = period_of(today)
    with closing(context.open_store()) as db:
        report = build_report(
            db, period, today=today, assignment_topics=AssignmentTopics(), entries=show_entries
        )
    fmt = "json" if as_json else output_format.lower()
    from course.render import report as render_report

    if png is not None:  # first: a folder that is not there fails before anything is shown
        from course.render.charts import save_png, week_figure

        save_png(week_figure(report), png)
    if fmt == "json":
        click.echo(render_report.report_json(report))
    elif fmt == "csv":
        click.echo(render_report.report_csv(report), nl=False)
    elif fmt == "markdown":
        post = render_report.report_markdown(report)
        if png is not None:
            alt = f"Study time per day, goals and grades, {report.period.label}"
            post = render_report.with_picture(post, str(png), alt)
        click.echo(post, nl=False)
    else:
        from course.render.format import make_console

        make_console().print(render_report.report_view(report, entries=show_entries))
    if png is not None:
        _wrote(png)


@click.group("report")
def report_group() -> None:
    """What you studied: time, grades, problems, retro, goals and questions."""


@report_group.command("daily")
@click.option("--date", "day", metavar="DATE", help=f"The day: {DAY_HELP}.  [default: today]")
@_common
def daily_command(day: str | None, **common: Any) -> None:
    """One day: your TIL (today unless --date)."""
    _render(
        lambda today: day_period(parse_day(day or "today", today)),
        None if day is None else f"--date {day}",
        **common,
    )


@report_group.command("weekly")
@click.option(
    "--week", metavar="YYYY-Www", help="ISO week (2026-W47), this or last.  [default: this]"
)
@_common
@_png_option("study time per day and topic, the goals and the grade trend")
def weekly_command(week: str | None, **common: Any) -> None:
    """One ISO week, Monday to Sunday: hours per day and topic, grades, problems, retro, goals.

    `--format markdown` writes the weekly retrospective post; with `--png week.png` the post
    shows the picture under its title, linked by the path as given.
    """
    _render(
        lambda today: week_period(*parse_week(week, today)),
        None if week is None else f"--week {week}",
        **common,
    )


@report_group.command("monthly")
@click.option("--month", metavar="YYYY-MM", help="The month (2026-11), this or last.")
@_common
def monthly_command(month: str | None, **common: Any) -> None:
    """One calendar month (this month unless --month)."""
    _render(
        lambda today: month_period(*parse_month(month, today)),
        None if month is None else f"--month {month}",
        **common,
    )


@report_group.command("streak")
@click.option(
    "--days", type=int, default=365, show_default=True, help="How many days up to today to show."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead.")
@_png_option("the heatmap")
def streak_command(days: int, as_json: bool, png: Path | None) -> None:
    """A year of study days as a heatmap (like GitHub's), with your current and longest streak."""
    today = context.today()
    with closing(context.open_store()) as db:
        calendar = study_calendar(db, today, today=today, days=days)
    if png is not None:
        from course.render.charts import save_png, year_figure

        save_png(year_figure(calendar), png)
    if as_json:
        import json

        click.echo(json.dumps(calendar.to_json(), indent=2))
    else:
        from course.render.format import make_console
        from course.render.streak import streak_view

        make_console().print(streak_view(calendar))
    if png is not None:
        _wrote(png)


COMMANDS: list[click.Command] = [report_group]
