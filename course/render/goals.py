"""Rendering for ``course goal``: the confirmations, a week's goals with progress, JSON.

:func:`weeks_table` and :func:`format_amount` serve ``course report`` too. Topics go through
:func:`course.render.format.visible` (control characters as escapes) and reach rich as
:class:`rich.text.Text`, so square brackets are shown as typed, never read as markup. rich is
imported only inside the functions that build tables, so ``course goal set`` starts without it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from course.render.format import (
    bar,
    format_minutes,
    format_percent,
    format_points,
    safe_text,
    visible,
)
from tracker.goals import Goal, GoalProgress

if TYPE_CHECKING:
    from rich.console import RenderableType

GOAL_BAR_WIDTH = 10
"""Cells of a full progress bar (100 %); a bar never grows past it."""


def format_amount(goal: Goal, amount: float) -> str:
    """A target or an amount done in the goal's unit: hours as ``"7h 30m"``, problems as ``"5"``."""
    if goal.kind == "problems":
        return format_points(amount)
    return format_minutes(round(amount * 60))


def goal_line(goal: Goal) -> str:
    """What a goal asks for: ``"Study time 40h 00m"``, ``"CNN 10h 00m"`` or ``"Problems solved 5"``.

    The hours kinds are shown in hours and minutes, problems as a count.
    """
    return f"{visible(goal.label)} {format_amount(goal, goal.target)}"


def goal_set_lines(goals: Sequence[Goal]) -> list[str]:
    """The confirmations of ``course goal set``: ``Goal set for 2026-W47: Study time 40h 00m.``."""
    return [f"Goal set for {goal.week}: {goal_line(goal)}." for goal in goals]


def goal_cleared_lines(goals: Sequence[Goal]) -> list[str]:
    """The confirmations of ``course goal clear``: ``Removed goal of 2026-W47: CNN 10h 00m.``."""
    return [f"Removed goal of {goal.week}: {goal_line(goal)}." for goal in goals]


def goals_view(
    week: str, start: date, end: date, progress: Sequence[GoalProgress]
) -> RenderableType:
    """The goals of one week with their progress: a heading and a table (or how to set one).

    Args:
        week: ISO week label, ``"2026-W47"``.
        start: Its Monday.
        end: Its Sunday.
        progress: :func:`tracker.goals.goal_progress` of that week.
    """
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    heading = Text(f"Goals for {week} ({start.isoformat()} to {end.isoformat()})", style="bold")
    if not progress:
        return Group(
            heading,
            Text(f"No goals yet. Set one with course goal set --week {week} --hours 40"),
        )
    table = Table(box=box.SQUARE)
    table.add_column("Goal")
    table.add_column("Target", justify="right")
    table.add_column("Done", justify="right")
    table.add_column("Achieved", justify="right")
    table.add_column("", min_width=GOAL_BAR_WIDTH)
    for item in progress:
        table.add_row(
            safe_text(item.label),
            format_amount(item.goal, item.goal.target),
            format_amount(item.goal, item.actual),
            format_percent(item.percent),
            bar(item.percent, 100, GOAL_BAR_WIDTH),
        )
    return Group(heading, table)


def weeks_table(progress: Sequence[GoalProgress]) -> RenderableType:
    """The goals of several weeks in one table titled ``Goals`` (``course report``).

    Columns: week, goal, done, target and the share achieved; one row per goal, in the order
    given.
    """
    from rich import box
    from rich.table import Table

    table = Table(title="Goals", title_justify="left", box=box.SQUARE)
    table.add_column("Week")
    table.add_column("Goal")
    table.add_column("Done", justify="right")
    table.add_column("Target", justify="right")
    table.add_column("Achieved", justify="right")
    for item in progress:
        table.add_row(
            item.goal.week,
            safe_text(item.label),
            format_amount(item.goal, item.actual),
            format_amount(item.goal, item.goal.target),
            format_percent(item.percent),
        )
    return table


def goals_json(week: str, start: date, end: date, progress: Sequence[GoalProgress]) -> str:
    """The week's goals as one JSON object (UTF-8 kept as is, indented by 2)."""
    return json.dumps(
        {
            "week": week,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "goals": [item.to_json() for item in progress],
        },
        ensure_ascii=False,
        indent=2,
    )
