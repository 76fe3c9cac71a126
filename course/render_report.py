"""Rendering ``course report``: rich tables, JSON, CSV, a Markdown post and the streak heatmap.

Text from the student (topics, notes, retro items, questions) is passed to rich as
:class:`rich.text.Text`, so square brackets are shown as typed, never read as markup. In
Markdown, table cells escape ``|`` and line breaks; list items are written as typed.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from course.render_study import format_minutes, format_percent, format_points, format_score
from course.render_time import times_text
from tracker.dates import week_label
from tracker.problems import ProblemAttempt
from tracker.report import BestGrade, DayTotal, Period, StudyCalendar, StudyReport
from tracker.retro import RetroItem

BAR = "█"
BAR_WIDTH = 20
"""Cells of the longest bar (the busiest day or week); the others are scaled to it."""

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_DAY_ROWS = 31
"""Periods longer than this show study time per ISO week instead of per day."""

HEAT = (" ", "░", "▒", "▓", "█")
"""Heatmap cells: no study, then four levels of study time (see :func:`heat_level`)."""
HEAT_STYLES = ("", "green4", "green3", "green1", "bold bright_green")
HEAT_MINUTES = (1, 60, 180, 300)
"""Lower bounds in minutes of the heatmap's four levels: under 1 h, 1-3 h, 3-5 h, 5 h+."""

SITE_NAMES = {"boj": "BOJ", "programmers": "Programmers", "leetcode": "LeetCode"}
"""How the Markdown post names each coding-test site."""

TRY_MARKS = {"open": "[ ]", "kept": "[x]", "dropped": "[-]", "carried": "[>]"}
"""How a Try item's follow-up is marked in the table view and the Markdown post."""


def report_json(report: StudyReport) -> str:
    """The report as one JSON object (UTF-8 text kept as is, indented by 2)."""
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2)


def report_csv(report: StudyReport) -> str:
    """Study time per day and topic as CSV: ``day,topic,minutes,hours``, with a header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["day", "topic", "minutes", "hours"])
    for row in report.day_topics:
        writer.writerow([row.day.isoformat(), row.topic, row.minutes, f"{row.minutes / 60:.2f}"])
    return out.getvalue()


def period_title(period: Period) -> str:
    """``Week 2026-W47: 2026-11-16 to 2026-11-22``, ``Day 2026-11-21 (Sat)``, ..."""
    span = f"{period.start.isoformat()} to {period.end.isoformat()}"
    if period.kind == "daily":
        return f"Day {period.label} ({WEEKDAYS[period.start.weekday()]})"
    if period.kind == "weekly":
        return f"Week {period.label}: {span}"
    if period.kind == "monthly":
        return f"Month {period.label}: {span}"
    return f"The {period.label}: {span}"


def summary_line(report: StudyReport) -> str:
    """``4h 15m of study on 3 of 7 days · 2 problems solved · 1 open question``."""
    parts = [
        f"{format_minutes(report.total_minutes)} of study on {report.study_days} "
        f"of {report.period.days} day{'s' if report.period.days != 1 else ''}",
        _count(report.problems_solved, "problem solved", "problems solved"),
        _count(len(report.questions), "open question", "open questions"),
    ]
    return " · ".join(parts)


def report_view(report: StudyReport) -> RenderableType:
    """The report as rich renderables, one section after another."""
    sections: list[RenderableType] = [
        Text(period_title(report.period), style="bold"),
        Text(summary_line(report)),
        _time_table(report),
        *([_entries_table(report)] if report.period.kind == "daily" else []),
        _topics_table(report),
        _grades_table(report),
        _goals_table(report),
        _problems_table(report),
        _retro_view(report),
        _questions_view(report),
    ]
    spaced: list[RenderableType] = []
    for number, section in enumerate(sections):
        if number > 1:
            spaced.append(Text())
        spaced.append(section)
    return Group(*spaced)


# --- table view sections --------------------------------------------------------------------


def _bar(minutes: int, most: int) -> str:
    if minutes <= 0 or most <= 0:
        return ""
    return BAR * max(1, round(minutes * BAR_WIDTH / most))


def _time_table(report: StudyReport) -> Table:
    rows = _week_rows(report.days) if len(report.days) > MAX_DAY_ROWS else _day_rows(report.days)
    per = "week" if len(report.days) > MAX_DAY_ROWS else "day"
    table = Table(
        title=f"Study time per {per}", title_justify="left", box=box.SQUARE, show_footer=True
    )
    table.add_column("Day" if per == "day" else "Week", footer="Total")
    table.add_column("Date" if per == "day" else "From")
    table.add_column("Time", justify="right", footer=format_minutes(report.total_minutes))
    table.add_column("", min_width=BAR_WIDTH)
    most = max((minutes for _, _, minutes in rows), default=0)
    for name, when, minutes in rows:
        table.add_row(name, when, format_minutes(minutes), _bar(minutes, most))
    return table


def _day_rows(days: list[DayTotal]) -> list[tuple[str, str, int]]:
    return [(WEEKDAYS[day.day.weekday()], day.day.isoformat(), day.minutes) for day in days]


def _week_rows(days: list[DayTotal]) -> list[tuple[str, str, int]]:
    weeks: dict[str, tuple[date, int]] = {}
    for day in days:
        key = week_label(day.day)
        first, minutes = weeks.get(key, (day.day, 0))
        weeks[key] = (first, minutes + day.minutes)
    return [(key, first.isoformat(), minutes) for key, (first, minutes) in weeks.items()]


def _entries_table(report: StudyReport) -> RenderableType:
    if not report.entries:
        return Text("No study entries on this day.")
    table = Table(title="Entries (#: course edit / delete)", title_justify="left", box=box.SQUARE)
    table.add_column("#", justify="right")
    table.add_column("Time", justify="right")
    table.add_column("Topic")
    table.add_column("When")
    table.add_column("Note")
    for entry in report.entries:
        table.add_row(
            str(entry.id),
            format_minutes(entry.minutes),
            Text(entry.topic),
            times_text(entry) or "-",
            Text(entry.note or ""),
        )
    return table


def _topics_table(report: StudyReport) -> RenderableType:
    if not report.topic_results:
        return Text("No study time logged in this period.")
    table = Table(title="Topics: time and grades", title_justify="left", box=box.SQUARE)
    table.add_column("Topic")
    table.add_column("Time", justify="right")
    table.add_column("Assignments (best)")
    table.add_column("Attempts", justify="right")
    for result in report.topic_results:
        best = ", ".join(
            f"{grade.assignment} {format_score(grade.best_score, grade.max_score)}"
            for grade in result.grades
        )
        table.add_row(
            Text(result.topic),
            format_minutes(result.minutes),
            Text(best or "-"),
            str(result.attempts) if result.grades else "-",
        )
    return table


def trend(grade: BestGrade) -> str:
    """Scores in order, e.g. ``6 → 8.5 → 7``; the last five when there are more."""
    scores = [format_points(score) for score in grade.scores]
    if len(scores) > 5:
        scores = ["…", *scores[-5:]]
    return " → ".join(scores)


def _grades_table(report: StudyReport) -> RenderableType:
    if not report.grades:
        return Text("No grade attempts in this period.")
    table = Table(title="Grade attempts", title_justify="left", box=box.SQUARE)
    table.add_column("Assignment")
    table.add_column("Best", justify="right")
    table.add_column("Attempts", justify="right")
    table.add_column("Trend")
    table.add_column("Last attempt")
    for grade in report.grades:
        table.add_row(
            Text(grade.assignment),
            format_score(grade.best_score, grade.max_score),
            str(grade.attempts),
            trend(grade),
            grade.last_day.isoformat(),
        )
    return table


def _goals_table(report: StudyReport) -> RenderableType:
    if not report.goals:
        return Text("No goals set for this period (course goal set --week --hours 40).")
    table = Table(title="Goals", title_justify="left", box=box.SQUARE)
    table.add_column("Week")
    table.add_column("Goal")
    table.add_column("Done", justify="right")
    table.add_column("Target", justify="right")
    table.add_column("Achieved", justify="right")
    for progress in report.goals:
        table.add_row(
            progress.goal.week,
            Text(progress.label),
            _amount(progress.actual, progress.unit),
            _amount(progress.goal.target, progress.unit),
            format_percent(progress.percent),
        )
    return table


def _amount(value: float, unit: str) -> str:
    if unit == "h":
        return format_minutes(round(value * 60))
    return f"{value:g}"


def _problems_table(report: StudyReport) -> RenderableType:
    if not report.problems:
        return Text("No coding-test problems in this period.")
    table = Table(
        title=f"Coding-test problems: {report.problems_solved} solved",
        title_justify="left",
        box=box.SQUARE,
    )
    table.add_column("Day")
    table.add_column("Problem")
    table.add_column("Title")
    table.add_column("Tags")
    table.add_column("Result")
    table.add_column("Time", justify="right")
    for problem in report.problems:
        result = problem.status + (" (hint)" if problem.used_hint else "")
        table.add_row(
            problem.day.isoformat(),
            Text(f"{problem.site} {problem.number}"),
            Text(problem.title or ""),
            Text(", ".join(problem.tags)),
            result,
            format_minutes(problem.minutes) if problem.minutes is not None else "-",
        )
    return table


def try_follow_up(report: StudyReport) -> str:
    """``Try follow-up: 2 kept, 1 dropped, 0 carried, 1 open; 67% of reviewed tries kept``."""
    retro = report.retro
    if retro is None or not retro.tries:
        return "Try follow-up: no Try items in this period."
    rate = retro.completion_rate
    done = "no Try reviewed yet" if rate is None else f"{rate * 100:.0f}% of reviewed tries kept"
    return (
        f"Try follow-up: {retro.kept} kept, {retro.dropped} dropped, {retro.carried} carried, "
        f"{retro.open} open; {done}"
    )


def _retro_view(report: StudyReport) -> RenderableType:
    retro = report.retro
    if retro is None or not (retro.keeps or retro.problems or retro.tries):
        return Text("No retrospective in this period (course retro --keep ... --try ...).")
    lines: list[RenderableType] = [Text("Retrospective (KPT)", style="italic")]
    for title, items in (("Keep", retro.keeps), ("Problem", retro.problems)):
        lines.append(Text(f"{title}:", style="bold"))
        lines.extend(_item_line("  - ", item) for item in items)
        if not items:
            lines.append(Text("  (none)"))
    lines.append(Text("Try:", style="bold"))
    lines.extend(
        _item_line(f"  {TRY_MARKS.get(item.status or '', '[ ]')} ", item) for item in retro.tries
    )
    if not retro.tries:
        lines.append(Text("  (none)"))
    lines.append(Text(try_follow_up(report)))
    return Group(*lines)


def _item_line(prefix: str, item: RetroItem) -> Text:
    return Text(f"{prefix}{item.text} ({item.day.isoformat()})")


def _questions_view(report: StudyReport) -> RenderableType:
    if not report.questions:
        return Text("No open questions.")
    lines: list[RenderableType] = [Text("Open questions", style="italic")]
    for question in report.questions:
        topic = f" [{question.topic}]" if question.topic else ""
        lines.append(Text(f"  #{question.id}{topic} {question.text}"))
    return Group(*lines)


# --- markdown -------------------------------------------------------------------------------


def report_markdown(report: StudyReport) -> str:
    """A post ready to publish: summary, topics with hours and notes, assignments and scores,
    coding-test problems with links, the KPT retro with Try follow-up, goals, open questions.
    """
    period = report.period
    out: list[str] = [f"# {_markdown_title(period)}", ""]
    out += [f"_{period.start.isoformat()} to {period.end.isoformat()}_", ""]
    out += ["## Summary", ""]
    out += [
        f"- Study time: **{format_minutes(report.total_minutes)}** "
        f"on {report.study_days} of {period.days} days",
        f"- Coding-test problems solved: **{report.problems_solved}**",
    ]
    if report.goals:
        out.append(
            "- Goals: " + ", ".join(f"{g.label} {format_percent(g.percent)}" for g in report.goals)
        )
    out += ["", "## Lectures and topics", ""]
    if report.topics:
        notes_by_topic: dict[str, list[str]] = {}
        for note in report.notes:
            notes_by_topic.setdefault(note.topic, []).append(
                f"{note.day.isoformat()}: {_one_line(note.note)}"
            )
        for topic in report.topics:
            out.append(f"- **{_one_line(topic.topic)}**: {format_minutes(topic.minutes)}")
            out.extend(f"  - {text}" for text in notes_by_topic.get(topic.topic, []))
    else:
        out.append("No study time logged.")
    out += ["", "## Assignments", ""]
    if report.grades:
        out += [
            "| Assignment | Topic | Best | Attempts | Trend |",
            "| --- | --- | ---: | ---: | --- |",
        ]
        out += [
            f"| {_cell(g.assignment)} | {_cell(g.topic or '')} | "
            f"{format_score(g.best_score, g.max_score)} | {g.attempts} | {trend(g)} |"
            for g in report.grades
        ]
    else:
        out.append("No grade attempts.")
    out += ["", "## Coding test", ""]
    if report.problems:
        for problem in report.problems:
            out.append(_problem_markdown(problem))
    else:
        out.append("No problems.")
    out += ["", "## Retrospective (KPT)", ""]
    out += _retro_markdown(report)
    out += ["", "## Goals", ""]
    if report.goals:
        out += ["| Week | Goal | Done | Target | Achieved |", "| --- | --- | ---: | ---: | ---: |"]
        out += [
            f"| {g.goal.week} | {_cell(g.label)} | {_amount(g.actual, g.unit)} | "
            f"{_amount(g.goal.target, g.unit)} | {format_percent(g.percent)} |"
            for g in report.goals
        ]
    else:
        out.append("No goals set.")
    out += ["", "## Open questions", ""]
    if report.questions:
        out += [
            f"- {_one_line(q.text)}" + (f" ({_one_line(q.topic)})" if q.topic else "")
            for q in report.questions
        ]
    else:
        out.append("None.")
    return "\n".join(out) + "\n"


def _markdown_title(period: Period) -> str:
    if period.kind == "daily":
        return f"TIL {period.label} ({WEEKDAYS[period.start.weekday()]})"
    if period.kind == "weekly":
        return f"Weekly retrospective {period.label}"
    if period.kind == "monthly":
        return f"Monthly retrospective {period.label}"
    return f"Study log: the {period.label}"


def _problem_markdown(problem: ProblemAttempt) -> str:
    name = f"{SITE_NAMES.get(problem.site, problem.site)} {problem.number}"
    if problem.title:
        name += f" {_one_line(problem.title)}"
    link = f"[{name}]({problem.link})" if problem.link else name
    mark = "x" if problem.status == "solved" else " "
    details = [problem.status]
    if problem.minutes is not None:
        details.append(format_minutes(problem.minutes))
    if problem.used_hint:
        details.append("hint")
    tags = " ".join(f"`{tag}`" for tag in problem.tags)
    return f"- [{mark}] {link} {tags} ({', '.join(details)})".replace("  ", " ")


def _retro_markdown(report: StudyReport) -> list[str]:
    retro = report.retro
    if retro is None or not (retro.keeps or retro.problems or retro.tries):
        return ["No retrospective written."]
    out: list[str] = []
    for title, items in (("Keep", retro.keeps), ("Problem", retro.problems)):
        out += [f"### {title}", ""]
        out += [f"- {_one_line(item.text)}" for item in items] or ["- (none)"]
        out.append("")
    out += ["### Try", ""]
    out += [
        f"- {TRY_MARKS.get(item.status or '', '[ ]')} {_one_line(item.text)}"
        for item in retro.tries
    ] or ["- (none)"]
    out += ["", try_follow_up(report)]
    return out


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


# --- the streak heatmap ---------------------------------------------------------------------


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
            f"{_count(cal.current_streak, 'day', 'days')}; longest: "
            f"{_count(cal.longest_streak, 'day', 'days')}."
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
