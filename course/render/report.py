"""Rendering ``course report daily|weekly|monthly``: the table view, JSON, CSV, a Markdown post.

The table view composes the concept views: goals (:func:`course.render.goals.weeks_table`),
coding-test problems (:func:`course.render.problems.attempts_table`), the retrospective
(:func:`course.render.retro.span_view`) and open questions
(:func:`course.render.questions.questions_view`); the study time, entry, topic and grade
sections are the report's own. The streak heatmap is :mod:`course.render.streak`.

Text from the student (topics, notes, retro items, questions) goes through
:func:`course.render.format.visible` (control characters as escapes such as ``\\x1b`` and
``\\n``) and is passed to rich as :class:`rich.text.Text`, so square brackets are shown as
typed, never read as markup.

In the Markdown post every piece of user text goes through :func:`markdown_text`: one line,
control characters as the same visible escapes, HTML's ``<``, ``>`` and ``&`` as entities,
and the Markdown characters that could start formatting backslash-escaped. A problem's link
is a Markdown link only when it is an absolute ``http``/``https`` address
(:func:`markdown_link`); tags are code spans unless they hold a backtick.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from urllib.parse import quote, urlsplit

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from course.render.format import (
    WEEKDAYS,
    bar,
    format_minutes,
    format_percent,
    format_points,
    format_score,
    plural,
    safe_text,
    times_text,
    visible,
)
from course.render.goals import format_amount, weeks_table
from course.render.problems import attempts_table
from course.render.questions import questions_view
from course.render.retro import TRY_MARKS, span_view, try_follow_up
from tracker.dates import week_label
from tracker.problems import ProblemAttempt
from tracker.report import BestGrade, DayTotal, Period, StudyReport

BAR_WIDTH = 20
"""Cells of the longest bar (the busiest day or week); the others are scaled to it."""

MAX_DAY_ROWS = 31
"""Periods longer than this show study time per ISO week instead of per day."""

SITE_NAMES = {"boj": "BOJ", "programmers": "Programmers", "leetcode": "LeetCode"}
"""How the Markdown post names each coding-test site."""


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
        f"of {plural(report.period.days, 'day')}",
        plural(report.problems_solved, "problem solved", "problems solved"),
        plural(len(report.questions), "open question"),
    ]
    return " · ".join(parts)


def report_view(report: StudyReport, *, entries: bool = False) -> RenderableType:
    """The report as rich renderables, one section after another.

    Args:
        report: The report.
        entries: Show the entries table (with their numbers, for ``course edit``) for any
            period; a daily report always has it.
    """
    sections: list[RenderableType] = [
        Text(period_title(report.period), style="bold"),
        Text(summary_line(report)),
        _time_table(report),
        *([_entries_table(report)] if entries or report.period.kind == "daily" else []),
        _topics_table(report),
        _grades_table(report),
        _goals_section(report),
        _problems_section(report),
        span_view(report.retro),
        questions_view(report.questions, open_only=True, brief=True),
    ]
    spaced: list[RenderableType] = []
    for number, section in enumerate(sections):
        if number > 1:
            spaced.append(Text())
        spaced.append(section)
    return Group(*spaced)


# --- table view sections --------------------------------------------------------------------


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
        table.add_row(name, when, format_minutes(minutes), bar(minutes, most, BAR_WIDTH))
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
    daily = report.period.kind == "daily"
    if not report.entries:
        return Text(f"No study entries {'on this day' if daily else 'in this period'}.")
    table = Table(title="Entries (#: course edit / delete)", title_justify="left", box=box.SQUARE)
    table.add_column("#", justify="right")
    if not daily:
        table.add_column("Date")
    table.add_column("Time", justify="right")
    table.add_column("Topic")
    table.add_column("When")
    table.add_column("Note")
    for entry in report.entries:
        table.add_row(
            str(entry.id),
            *([] if daily else [f"{WEEKDAYS[entry.day.weekday()]} {entry.day.isoformat()}"]),
            format_minutes(entry.minutes),
            safe_text(entry.topic),
            times_text(entry) or "-",
            safe_text(entry.note or ""),
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
            f"{visible(grade.assignment)} {best_text(grade)}" for grade in result.grades
        )
        table.add_row(
            safe_text(result.topic),
            format_minutes(result.minutes),
            Text(best or "-"),
            str(result.attempts) if result.grades else "-",
        )
    return table


def best_text(grade: BestGrade) -> str:
    """The best score, e.g. ``9.5/10``; ``10/10 (tampered)`` when that attempt was tampered."""
    text = format_score(grade.best_score, grade.max_score)
    return f"{text} (tampered)" if grade.best_tampered else text


def attempts_text(grade: BestGrade) -> str:
    """How many attempts, e.g. ``3``; ``3 (1 tampered)`` when the grader flagged some."""
    if grade.tampered:
        return f"{grade.attempts} ({grade.tampered} tampered)"
    return str(grade.attempts)


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
            safe_text(grade.assignment),
            best_text(grade),
            attempts_text(grade),
            trend(grade),
            grade.last_day.isoformat(),
        )
    return table


def _goals_section(report: StudyReport) -> RenderableType:
    if not report.goals:
        return Text("No goals set for this period (course goal set --week --hours 40).")
    return weeks_table(report.goals)


def _problems_section(report: StudyReport) -> RenderableType:
    if not report.problems:
        return Text("No coding-test problems in this period.")
    title = f"Coding-test problems: {report.problems_solved} solved"
    return attempts_table(report.problems, title=title, brief=True)


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
            "- Goals: "
            + ", ".join(
                f"{markdown_text(g.label)} {format_percent(g.percent)}" for g in report.goals
            )
        )
    out += ["", "## Lectures and topics", ""]
    if report.topics:
        notes_by_topic: dict[str, list[str]] = {}
        for note in report.notes:
            notes_by_topic.setdefault(note.topic, []).append(
                f"{note.day.isoformat()}: {markdown_text(note.note)}"
            )
        for topic in report.topics:
            out.append(f"- **{markdown_text(topic.topic)}**: {format_minutes(topic.minutes)}")
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
            f"| {markdown_text(g.assignment, cell=True)} | "
            f"{markdown_text(g.topic or '', cell=True)} | "
            f"{best_text(g)} | {attempts_text(g)} | {trend(g)} |"
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
            f"| {g.goal.week} | {markdown_text(g.label, cell=True)} | "
            f"{format_amount(g.goal, g.actual)} | "
            f"{format_amount(g.goal, g.goal.target)} | {format_percent(g.percent)} |"
            for g in report.goals
        ]
    else:
        out.append("No goals set.")
    out += ["", "## Open questions", ""]
    if report.questions:
        out += [
            f"- {markdown_text(q.text)}" + (f" ({markdown_text(q.topic)})" if q.topic else "")
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
    site = SITE_NAMES.get(problem.site) or markdown_text(problem.site)
    name = f"{site} {markdown_text(problem.number)}"
    if problem.title:
        name += f" {markdown_text(problem.title)}"
    link = markdown_link(name, problem.link)
    mark = "x" if problem.status == "solved" else " "
    details = [problem.status]
    if problem.minutes is not None:
        details.append(format_minutes(problem.minutes))
    if problem.used_hint:
        details.append("hint")
    tags = " ".join(markdown_code(tag) for tag in problem.tags)
    return f"- [{mark}] {link} {tags} ({', '.join(details)})".replace("  ", " ")


def _retro_markdown(report: StudyReport) -> list[str]:
    retro = report.retro
    if retro is None or not (retro.keeps or retro.problems or retro.tries):
        return ["No retrospective written."]
    out: list[str] = []
    for title, items in (("Keep", retro.keeps), ("Problem", retro.problems)):
        out += [f"### {title}", ""]
        out += [f"- {markdown_text(item.text)}" for item in items] or ["- (none)"]
        out.append("")
    out += ["### Try", ""]
    out += [
        f"- {TRY_MARKS.get(item.status or '', '[ ]')} {markdown_text(item.text)}"
        for item in retro.tries
    ] or ["- (none)"]
    out += ["", try_follow_up(retro)]
    return out


_MARKDOWN_ESCAPES = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "[": "\\[",
    "]": "\\]",
    "~": "\\~",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
}
"""What :func:`markdown_text` writes for these characters wherever they are."""

_BLOCK_MARKER = re.compile(r"#|([-+])(?=\s|$|\1)|[0-9]{1,9}(?=[.)](?:\s|$))")
"""What would start a heading, a list or a thematic break at the start of a list item."""

WEB_SCHEMES = frozenset({"http", "https"})
"""The only schemes a link in the Markdown post may have."""

_URL_SAFE = "!#$%&'*+,/:;=?@"
"""Characters kept as they are in a link's address besides letters, digits and ``-._~``;
spaces, ``()``, ``[]``, ``<>``, quotes, backslashes, non-ASCII and controls are
percent-encoded, so an address cannot end the link early."""


def markdown_text(text: str, *, cell: bool = False) -> str:
    """User text as one line of Markdown that shows exactly as typed, formatting nothing.

    Whitespace runs (line breaks included) become one space and other control characters the
    escapes of :func:`course.render.format.visible`; ``<``, ``>`` and ``&`` become HTML
    entities; backslashes, backticks, ``*``, ``[``, ``]`` and ``~`` are backslash-escaped
    everywhere (``|`` too in a table cell), ``_`` unless it joins two letters or digits
    (``batch_norm`` stays), and at the start a ``#``, a ``-`` or ``+`` list marker or
    thematic break and an ordered-list ``1.``. Hyphens, periods and the rest are left alone.

    Example: ``markdown_text("<b>*CNN*</b>")`` -> ``"&lt;b&gt;\\*CNN\\*&lt;/b&gt;"``.

    Args:
        text: Text from the user.
        cell: It goes in a table cell, so ``|`` (which would end the cell) is escaped too. A
            list item is one line of its own, which can never make a table.
    """
    line = visible(_one_line(text))
    escaped = "".join(
        "\\_"
        if char == "_" and not _inside_word(line, index)
        else _MARKDOWN_ESCAPES.get(char, char)
        for index, char in enumerate(line)
    )
    if cell:
        escaped = escaped.replace("|", "\\|")
    marker = _BLOCK_MARKER.match(escaped)
    if marker is None:
        return escaped
    if marker[0][0].isdigit():
        return f"{escaped[: marker.end()]}\\{escaped[marker.end() :]}"
    return f"\\{escaped}"


def markdown_code(text: str) -> str:
    """User text as a Markdown code span (a tag: ``dp`` -> ```` `dp` ````); as
    :func:`markdown_text` when it holds a backtick, which could end the span."""
    shown = visible(_one_line(text))
    if not shown or "`" in shown:
        return markdown_text(text)
    return f"`{shown}`"


def markdown_link(name: str, url: str | None) -> str:
    """``[name](url)`` when ``url`` is an absolute http(s) address, else ``name`` alone.

    Args:
        name: The link's text, already Markdown (:func:`markdown_text`).
        url: The address as stored; ``javascript:``, ``data:``, ``file:``, relative and
            unparsable addresses get no link. Characters that could end the link early are
            percent-encoded (see :data:`_URL_SAFE`).
    """
    if url is None:
        return name
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return name
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return name
    return f"[{name}]({quote(parts.geturl(), safe=_URL_SAFE)})"


def _inside_word(line: str, index: int) -> bool:
    return 0 < index < len(line) - 1 and line[index - 1].isalnum() and line[index + 1].isalnum()


def _one_line(text: str) -> str:
    return " ".join(text.split())


_PATH_SAFE = "/-._~"
"""Characters kept as they are in a picture's path besides letters and digits; everything else
(spaces, parentheses, brackets, ``:``, non-ASCII) is percent-encoded."""


def with_picture(post: str, image: str, alt: str) -> str:
    """``post`` with the Markdown image ``![alt](image)`` just under its ``# `` title (at the
    top when it has none).

    Example: ``with_picture("# Week\\n\\n...", "my week (1).png", "Study time")`` ->
    ``"# Week\\n\\n![Study time](my%20week%20%281%29.png)\\n\\n..."``.

    Args:
        post: A post of :func:`report_markdown`.
        image: The picture's path as given (relative to where the post is published),
            percent-encoded so that no character of it can end the link early or make it
            another scheme's address.
        alt: The image's description, escaped with :func:`markdown_text`.
    """
    line = f"![{markdown_text(alt)}]({quote(image, safe=_PATH_SAFE)})"
    if not post.startswith("# "):
        return f"{line}\n\n{post}"
    title, _, rest = post.partition("\n")
    return f"{title}\n\n{line}\n{rest}" if rest.startswith("\n") else f"{title}\n\n{line}\n\n{rest}"
