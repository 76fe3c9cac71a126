"""Rendering for the tracker commands: the ``course log`` line and ``course report`` views.

Text from the student (topics, notes) is passed to rich as :class:`rich.text.Text`, so
square brackets in a topic are shown as typed, never read as markup.
"""

from __future__ import annotations

import json

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from tracker.report import WeeklyReport
from tracker.study import StudyEntry

BAR = "█"
BAR_WIDTH = 20
"""Cells of the longest bar (the week's busiest day); other days are scaled to it."""

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def make_console() -> Console:
    """The console the tracker commands print to (stdout; honours NO_COLOR and COLUMNS)."""
    return Console(highlight=False)


def format_minutes(minutes: int) -> str:
    """Minutes as hours and minutes: ``150`` -> ``"2h 30m"``, ``0`` -> ``"0h 00m"``."""
    hours, rest = divmod(minutes, 60)
    return f"{hours}h {rest:02d}m"


def format_points(points: float) -> str:
    """Points without a needless ``.0``: ``8.0`` -> ``"8"``, ``7.5`` -> ``"7.5"``."""
    return f"{points:g}"


def format_score(points: float, max_points: float) -> str:
    """Earned over available points: ``(8.5, 10.0)`` -> ``"8.5/10"``."""
    return f"{format_points(points)}/{format_points(max_points)}"


def logged_line(entry: StudyEntry) -> str:
    """The confirmation ``course log`` prints.

    Example: ``Logged 2h 00m of CNN on 2026-11-16 (entry #1).``
    """
    return (
        f"Logged {format_minutes(entry.minutes)} of {entry.topic} "
        f"on {entry.day.isoformat()} (entry #{entry.id})."
    )


def weekly_json(report: WeeklyReport) -> str:
    """The report as one JSON object (UTF-8 text kept as is, indented by 2)."""
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2)


def weekly_view(report: WeeklyReport) -> RenderableType:
    """The weekly report as rich renderables: heading, days, topics, grade attempts."""
    heading = Text(
        f"Week {report.week}: {report.start.isoformat()} to {report.end.isoformat()}",
        style="bold",
    )
    return Group(
        heading,
        Text(),
        _days_table(report),
        Text(),
        _topics_table(report),
        Text(),
        _grades_table(report),
    )


def print_weekly(console: Console, report: WeeklyReport) -> None:
    """Print :func:`weekly_view` of ``report`` on ``console``."""
    console.print(weekly_view(report))


def _bar(minutes: int, most: int) -> str:
    if minutes <= 0 or most <= 0:
        return ""
    return BAR * max(1, round(minutes * BAR_WIDTH / most))


def _days_table(report: WeeklyReport) -> Table:
    table = Table(
        title="Study time per day", title_justify="left", box=box.SQUARE, show_footer=True
    )
    table.add_column("Day", footer="Total")
    table.add_column("Date")
    table.add_column("Time", justify="right", footer=format_minutes(report.total_minutes))
    table.add_column("", min_width=BAR_WIDTH)
    most = max(day.minutes for day in report.days)
    for day in report.days:
        table.add_row(
            WEEKDAYS[day.day.weekday()],
            day.day.isoformat(),
            format_minutes(day.minutes),
            _bar(day.minutes, most),
        )
    return table


def _topics_table(report: WeeklyReport) -> RenderableType:
    if not report.topics:
        return Text("No study time logged this week.")
    table = Table(title="Study time per topic", title_justify="left", box=box.SQUARE)
    table.add_column("Topic")
    table.add_column("Time", justify="right")
    for topic in report.topics:
        table.add_row(Text(topic.topic), format_minutes(topic.minutes))
    return table


def _grades_table(report: WeeklyReport) -> RenderableType:
    if not report.grades:
        return Text("No grade attempts this week.")
    table = Table(title="Grade attempts", title_justify="left", box=box.SQUARE)
    table.add_column("Assignment")
    table.add_column("Best", justify="right")
    table.add_column("Attempts", justify="right")
    table.add_column("Last attempt")
    for grade in report.grades:
        table.add_row(
            Text(grade.assignment),
            format_score(grade.best_score, grade.max_score),
            str(grade.attempts),
            grade.last_day.isoformat(),
        )
    return table
