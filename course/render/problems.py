"""Rendering for ``course problem``: the ``add`` confirmation, the attempts table and stats.

:func:`attempts_table` with ``brief=True`` is the coding-test section of ``course report``.
Text from the student (titles, tags, numbers of ``other`` problems) goes through
:func:`course.render.format.visible` (control characters as escapes such as ``\\x1b``) and
to rich as :class:`rich.text.Text`, so square brackets are shown as typed, never read as
markup.
"""

from __future__ import annotations

import json
import math
from datetime import date
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from course.render.format import format_minutes, plural, safe_text, visible

if TYPE_CHECKING:  # annotations only: the weekly report need not import the stats modules
    from tracker.problem_stats import ProblemStats
    from tracker.problems import ProblemAttempt
    from tracker.review_queue import AddedAttempt, ReviewItem

_STATUS_VERB = {"solved": "solved", "attempted": "attempted", "failed": "failed"}
_TIME_WORD = {"solved": "in", "attempted": "for", "failed": "after"}


def format_median(minutes: float) -> str:
    """Median minutes as hours and minutes, half a minute up: ``37.5`` -> ``"0h 38m"``."""
    return format_minutes(math.floor(minutes + 0.5))


def added_lines(added: AddedAttempt, today: date) -> list[str]:
    """The lines ``course problem add`` prints.

    Examples::

        Added boj 5525 IOIOI: solved in 1h 00m (attempt #3).
        Added boj 1000: failed after 0h 30m (attempt #1).
        Review it again on 2026-11-22 (in 1 day).
    """
    attempt = added.attempt
    name = visible(f"{attempt.label} {attempt.title}" if attempt.title else attempt.label)
    outcome = _STATUS_VERB[attempt.status]
    if attempt.used_hint:
        outcome += " with a hint"
    if attempt.minutes is not None:
        outcome += f" {_TIME_WORD[attempt.status]} {format_minutes(attempt.minutes)}"
    lines = [f"Added {name}: {outcome} (attempt #{added.number})."]
    review = added.review
    if review is not None:
        if review.due > today:
            lines.append(
                f"Review it again on {review.due.isoformat()} "
                f"(in {plural((review.due - today).days, 'day')})."
            )
        elif review.due == today:
            lines.append(f"Review it again today ({review.due.isoformat()}).")
        else:
            lines.append(
                f"Review it again today: it was due on {review.due.isoformat()} "
                f"({plural(review.overdue_days(today), 'day')} overdue)."
            )
    elif added.left_review:
        lines.append("That was its 7-day review: it has left the review queue.")
    return lines


def attempts_json(attempts: list[ProblemAttempt]) -> str:
    """The attempts as a JSON list (UTF-8 text kept as is, indented by 2)."""
    return _dump([attempt.to_json() for attempt in attempts])


def stats_json(stats: ProblemStats) -> str:
    """The statistics as one JSON object (UTF-8 text kept as is, indented by 2)."""
    return _dump(stats.to_json())


def attempts_table(
    attempts: list[ProblemAttempt], *, title: str | None = None, brief: bool = False
) -> Table:
    """The attempts as one table, in the order given (``course problem list``).

    Columns: id, day, problem (site and number: ``boj 5525``), title, tags, status, time
    spent and whether a hint was used. Titles and tags wrap when the terminal is narrow.

    Args:
        attempts: The attempts to show.
        title: A title above the table, left-aligned; none when omitted.
        brief: The form ``course report`` shows: no id and hint columns, a ``Result`` column
            (the status, ``solved (hint)`` when a hint was used), ``-`` for an unknown time,
            and every column free to wrap with rich's defaults.
    """
    table = Table(title=title, title_justify="left", box=box.SQUARE)
    if brief:
        for name in ("Day", "Problem", "Title", "Tags", "Result"):
            table.add_column(name)
        table.add_column("Time", justify="right")
    else:
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("Day", no_wrap=True)
        table.add_column("Problem", no_wrap=True)
        table.add_column("Title", overflow="fold")
        table.add_column("Tags", overflow="fold")
        table.add_column("Status", no_wrap=True)
        table.add_column("Time", justify="right", no_wrap=True)
        table.add_column("Hint", no_wrap=True)
    for attempt in attempts:
        problem = (
            safe_text(attempt.label),
            safe_text(attempt.title or ""),
            safe_text(", ".join(attempt.tags)),
        )
        if brief:
            table.add_row(
                attempt.day.isoformat(),
                *problem,
                attempt.status + (" (hint)" if attempt.used_hint else ""),
                format_minutes(attempt.minutes) if attempt.minutes is not None else "-",
            )
        else:
            table.add_row(
                str(attempt.id),
                attempt.day.isoformat(),
                *problem,
                attempt.status,
                format_minutes(attempt.minutes) if attempt.minutes is not None else "",
                "yes" if attempt.used_hint else "",
            )
    return table


def stats_view(stats: ProblemStats) -> RenderableType:
    """``course problem stats``: summary lines, sites, tags, weak tags, review queue."""
    if stats.start is not None:
        heading = f"Coding-test progress since {stats.start.isoformat()}"
    else:
        heading = "Coding-test progress"
    parts: list[RenderableType] = [Text(heading, style="bold")]
    if stats.attempts == 0:
        parts.append(Text("No problem attempts in this period."))
    else:
        median = format_median(stats.median_minutes) if stats.median_minutes is not None else "-"
        parts.append(
            Text(
                f"Attempts: {stats.attempts}, problems solved: {stats.solved}, "
                f"median time of a solved attempt: {median}"
            )
        )
    current, longest = plural(stats.current_streak, "day"), plural(stats.longest_streak, "day")
    parts.append(Text(f"Streak: {current} (longest: {longest})"))
    if stats.attempts:
        parts += [
            Text(),
            _counts_table(
                "Solved per site", "Site", stats.solved_per_site, stats.attempts_per_site
            ),
        ]
        if not stats.solved_per_tag:
            parts += [Text(), Text("No tags on the attempts of this period.")]
        else:
            parts += [
                Text(),
                _counts_table(
                    "Solved per tag", "Tag", stats.solved_per_tag, stats.attempts_per_tag
                ),
            ]
        parts += [Text(), _weak_tags(stats)]
    parts += [Text(), _review_table(stats.review_queue, stats.today)]
    return Group(*parts)


def _counts_table(
    title: str, name: str, solved: list[tuple[str, int]], attempts: list[tuple[str, int]]
) -> Table:
    table = Table(title=title, title_justify="left", box=box.SQUARE)
    table.add_column(name)
    table.add_column("Solved", justify="right")
    table.add_column("Attempts", justify="right")
    counts = dict(attempts)
    for key, count in solved:
        table.add_row(safe_text(key), str(count), str(counts.get(key, 0)))
    return table


def _weak_tags(stats: ProblemStats) -> RenderableType:
    if not stats.weak_tags:
        return Text("No weak tags: no failed or hinted attempts in this period.")
    table = Table(title="Weak tags", title_justify="left", box=box.SQUARE)
    table.add_column("Tag")
    table.add_column("Failures", justify="right")
    table.add_column("Hints", justify="right")
    for weak in stats.weak_tags:
        table.add_row(safe_text(weak.tag), str(weak.failures), str(weak.hints))
    return table


def _review_table(queue: list[ReviewItem], today: date) -> RenderableType:
    if not queue:
        return Text("Review queue: empty (nothing failed or solved with a hint is waiting).")
    due = sum(1 for item in queue if item.is_due(today))
    table = Table(
        title=f"Review queue: {due} due, {len(queue) - due} coming up",
        title_justify="left",
        box=box.SQUARE,
    )
    table.add_column("Due", no_wrap=True)
    table.add_column("When", no_wrap=True)
    table.add_column("Problem", no_wrap=True)
    table.add_column("Title", overflow="fold")
    table.add_column("Step", justify="right", no_wrap=True)
    table.add_column("Last try", no_wrap=True)
    for item in queue:
        table.add_row(
            item.due.isoformat(),
            review_when(item, today),
            safe_text(item.label),
            safe_text(item.title or ""),
            plural(item.interval_days, "day"),
            item.last_day.isoformat(),
        )
    return table


def review_when(item: ReviewItem, today: date) -> str:
    """When a review item is due, seen from ``today``.

    ``"due today"``, ``"due, 2 days late"`` (overdue) or ``"in 3 days"`` (coming up).
    """
    if item.due > today:
        return f"in {plural((item.due - today).days, 'day')}"
    overdue = item.overdue_days(today)
    return f"due, {plural(overdue, 'day')} late" if overdue else "due today"


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
