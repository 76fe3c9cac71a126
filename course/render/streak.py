"""Rendering ``course report streak``: a year of study days as a heatmap, and the streaks."""

from __future__ import annotations

from datetime import timedelta

from rich.console import Group, RenderableType
from rich.text import Text

from course.render.format import WEEKDAYS, format_minutes, plural
from tracker.report import StudyCalendar

HEAT = (" ", "░", "▒", "▓", "█")
"""Heatmap cells: no study, then four levels of study time (see :func:`heat_level`)."""
HEAT_STYLES = ("", "green4", "green3", "green1", "bold bright_green")
HEAT_MINUTES = (1, 60, 180, 300)
"""Lower bounds in minutes of the heatmap's four levels: under 1 h, 1-3 h, 3-5 h, 5 h+."""


def heat_level(minutes: int) -> int:
    """The heatmap level of a day's study time: 0 none, 1 under 1 h, 2 1-3 h, 3 3-5 h, 4 5 h+."""
    return sum(1 for bound in HEAT_MINUTES if minutes >= bound)


def streak_view(cal: StudyCalendar) -> RenderableType:
    """A GitHub-style year heatmap: one column per week, Monday to Sunday down, one cell a day,
    month names above the week holding each month's first day; then the streaks and a legend.
    """
    first_monday = cal.start - timedelta(days=cal.start.weekday())
    weeks = (cal.end - first_monday).days // 7 + 1
    months = [" "] * (weeks + 3)
    for column in range(weeks):
        sunday = first_monday + timedelta(weeks=column, days=6)
        if sunday.day <= 7 and all(cell == " " for cell in months[max(0, column - 1) : column]):
            name = sunday.strftime("%b")
            months[column : column + len(name)] = list(name)
    lines: list[RenderableType] = [Text("    " + "".join(months).rstrip())]
    for weekday in range(7):
        row = Text(f"{WEEKDAYS[weekday]} ")
        for column in range(weeks):
            day = first_monday + timedelta(weeks=column, days=weekday)
            if day < cal.start or day > cal.end:
                row.append(" ")
                continue
            level = heat_level(cal.minutes.get(day, 0))
            row.append(HEAT[level] if level else "·", style=HEAT_STYLES[level])
        lines.append(row)
    lines.append(Text())
    lines.append(
        Text(
            f"{cal.start.isoformat()} to {cal.end.isoformat()}: {cal.study_days} study days, "
            f"{format_minutes(cal.total_minutes)}. Current streak: "
            f"{plural(cal.current_streak, 'day')}; longest: "
            f"{plural(cal.longest_streak, 'day')}."
        )
    )
    legend = Text("Less ")
    legend.append("· ")
    for level in range(1, len(HEAT)):
        legend.append(HEAT[level], style=HEAT_STYLES[level])
        legend.append(" ")
    legend.append("More (none, under 1 h, 1-3 h, 3-5 h, 5 h or more)")
    lines.append(legend)
    return Group(*lines)
