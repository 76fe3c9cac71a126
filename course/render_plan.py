"""Rendering for planning: weekly goals (``course goal``) and questions (``course question``).

Text from the student (topics, questions, answers) reaches rich as :class:`rich.text.Text`,
so square brackets are shown as typed, never read as markup. Like ``course.render_study``, this
module imports rich only inside the functions that build tables, so ``course question add``
starts without it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from course.render_study import format_minutes, format_percent, format_points
from tracker.goals import Goal, GoalProgress
from tracker.questions import Question

if TYPE_CHECKING:
    from rich.console import RenderableType

BAR = "█"
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
    return f"{goal.label} {format_amount(goal, goal.target)}"


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
            Text(item.label),
            format_amount(item.goal, item.goal.target),
            format_amount(item.goal, item.actual),
            format_percent(item.percent),
            _bar(item.percent),
        )
    return Group(heading, table)


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


def question_title(question: Question) -> str:
    """``#3 (RNN): Why does LSTM use tanh?`` (without the topic when there is none)."""
    topic = f" ({question.topic})" if question.topic else ""
    return f"#{question.id}{topic}: {question.text}"


def question_added_line(question: Question) -> str:
    """``Added question #3 (RNN): Why does LSTM use tanh?``."""
    return f"Added question {question_title(question)}"


def question_answered_lines(question: Question, previous: str | None) -> list[str]:
    """What ``course question answer`` prints; a replaced answer is named and shown.

    Examples: ``Answered question #3 (RNN): Why does LSTM use tanh?``, or
    ``Replaced the answer to question #3 (RNN): ...`` followed by ``Old answer: ...``.
    """
    if previous is None:
        return [f"Answered question {question_title(question)}"]
    return [
        f"Replaced the answer to question {question_title(question)}",
        f"Old answer: {previous}",
    ]


def question_reopened_lines(question: Question, previous: str) -> list[str]:
    """``Reopened question #3 (RNN): ...`` and ``Removed answer: ...``."""
    return [f"Reopened question {question_title(question)}", f"Removed answer: {previous}"]


def question_deleted_line(question: Question) -> str:
    """``Deleted question #3 (RNN): Why does LSTM use tanh?``."""
    return f"Deleted question {question_title(question)}"


def questions_view(
    questions: Sequence[Question],
    *,
    open_only: bool = False,
    answered_only: bool = False,
    topic: str | None = None,
) -> RenderableType:
    """The question list as a table (number, day, topic, question, answer or ``open``).

    The filters only shape the heading and the line shown when nothing matched.
    """
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    if not questions:
        return Text(_nothing_line(open_only=open_only, answered_only=answered_only, topic=topic))
    still_open = sum(question.is_open for question in questions)
    heading = Text(
        f"Questions ({still_open} open, {len(questions) - still_open} answered)", style="bold"
    )
    table = Table(box=box.SQUARE)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Day", no_wrap=True)
    table.add_column("Topic")
    table.add_column("Question")
    table.add_column("Answer")
    for question in questions:
        table.add_row(
            str(question.id),
            question.day.isoformat(),
            Text(question.topic or ""),
            Text(question.text),
            Text(question.answer) if question.answer is not None else Text("open", style="bold"),
        )
    return Group(heading, table)


def questions_json(questions: Sequence[Question]) -> str:
    """The questions as a JSON list (UTF-8 kept as is, indented by 2)."""
    return json.dumps([q.to_json() for q in questions], ensure_ascii=False, indent=2)


def _nothing_line(*, open_only: bool, answered_only: bool, topic: str | None) -> str:
    if not (open_only or answered_only or topic):
        return 'No questions yet. Add one with course question add "Why does LSTM use tanh?"'
    which = "open " if open_only else "answered " if answered_only else ""
    about = f" on {topic.strip()}" if topic else ""
    return f"No {which}questions{about}."


def _bar(percent: float) -> str:
    if percent <= 0:
        return ""
    return BAR * max(1, min(GOAL_BAR_WIDTH, round(percent * GOAL_BAR_WIDTH / 100)))
