"""`course goal`: weekly goals for study hours, hours per topic and problems solved."""

from __future__ import annotations

from contextlib import closing

import click
from sqlite_utils import Database

from course.commands import context
from course.render.format import make_console
from course.render.goals import goal_cleared_lines, goal_set_lines, goals_json, goals_view
from tracker.goals import clear_goals, goal_progress, set_goals, week_bounds
from tracker.parsers import parse_goal_week

_WEEK_HELP = "ISO week (2026-W47), this, last or next; --week alone is this week.  [default: this]"


def _week_option(command: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--week", is_flag=False, flag_value="this", metavar="[WEEK]", help=_WEEK_HELP
    )(command)


def _print_goals(db: Database, week: str) -> None:
    start, end = week_bounds(week)
    make_console().print(goals_view(week, start, end, goal_progress(db, week)))


@click.group("goal")
def goal_group() -> None:
    """Weekly goals: total study hours, hours per topic, problems solved."""


@goal_group.command("set")
@_week_option
@click.option("--hours", type=float, help="Hours of study this week (of --topic, if given).")
@click.option("--problems", type=int, help="Distinct coding-test problems to solve this week.")
@click.option("--topic", help="Make --hours a goal for this topic, e.g. CNN.")
def set_command(
    week: str | None, hours: float | None, problems: int | None, topic: str | None
) -> None:
    """Set or replace goals of a week: course goal set --hours 40 --problems 5.

    With --topic, --hours is that topic's goal: course goal set --topic CNN --hours 10.
    Prints the week's goals with what is done so far.
    """
    now = context.now()
    label = parse_goal_week(week, context.today())
    with closing(context.open_store()) as db:
        goals = set_goals(db, label, hours=hours, problems=problems, topic=topic, now=now)
        for line in goal_set_lines(goals):
            click.echo(line)
        _print_goals(db, label)


@goal_group.command("list")
@_week_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def list_command(week: str | None, as_json: bool) -> None:
    """A week's goals with progress: hours, topic hours, problems, % achieved."""
    label = parse_goal_week(week, context.today())
    with closing(context.open_store()) as db:
        if as_json:
            start, end = week_bounds(label)
            click.echo(goals_json(label, start, end, goal_progress(db, label)))
        else:
            _print_goals(db, label)


@goal_group.command("clear")
@_week_option
@click.option("--topic", help="Remove this topic's hours goal.")
@click.option("--hours", is_flag=True, help="Remove the week's total hours goal.")
@click.option("--problems", is_flag=True, help="Remove the week's problems goal.")
@click.option("--all", "all_goals", is_flag=True, help="Remove every goal of the week.")
def clear_command(
    week: str | None, topic: str | None, hours: bool, problems: bool, all_goals: bool
) -> None:
    """Remove goals of a week: name one with --topic T, --hours or --problems, or --all."""
    label = parse_goal_week(week, context.today())
    with closing(context.open_store()) as db:
        removed = clear_goals(
            db, label, topic=topic, hours=hours, problems=problems, all_goals=all_goals
        )
    for line in goal_cleared_lines(removed):
        click.echo(line)


COMMANDS: list[click.Command] = [goal_group]
