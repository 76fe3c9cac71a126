"""Rendering for ``course question``: the confirmations, the question list, JSON.

:func:`questions_view` with ``brief=True`` is the open-questions section of ``course report``.
Questions, topics and answers go through :func:`course.render.format.visible` (control
characters as escapes such as ``\\x1b`` and ``\\n``) and reach rich as
:class:`rich.text.Text`, so square brackets are shown as typed, never read as markup. rich
is imported only inside the functions that build rich objects, so ``course question add``
starts without it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from course.render.format import safe_text, visible
from tracker.questions import Question

if TYPE_CHECKING:
    from rich.console import RenderableType


def question_title(question: Question) -> str:
    """``#3 (RNN): Why does LSTM use tanh?`` (without the topic when there is none)."""
    topic = f" ({visible(question.topic)})" if question.topic else ""
    return f"#{question.id}{topic}: {visible(question.text)}"


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
        f"Old answer: {visible(previous)}",
    ]


def question_reopened_lines(question: Question, previous: str) -> list[str]:
    """``Reopened question #3 (RNN): ...`` and ``Removed answer: ...``."""
    return [f"Reopened question {question_title(question)}", f"Removed answer: {visible(previous)}"]


def question_deleted_line(question: Question) -> str:
    """``Deleted question #3 (RNN): Why does LSTM use tanh?``."""
    return f"Deleted question {question_title(question)}"


def questions_view(
    questions: Sequence[Question],
    *,
    open_only: bool = False,
    answered_only: bool = False,
    topic: str | None = None,
    brief: bool = False,
) -> RenderableType:
    """The question list as a table (number, day, topic, question, answer or ``open``).

    Args:
        questions: The questions to show, in order.
        open_only: The list was filtered to open questions.
        answered_only: The list was filtered to answered questions.
        topic: The list was filtered to this topic.
        brief: Instead of the table, an ``Open questions`` heading and one line per question,
            ``  #3 [RNN] Why does LSTM use tanh?`` (``course report``).

    The filters only shape the heading and the line shown when nothing matched.
    """
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    if not questions:
        return Text(_nothing_line(open_only=open_only, answered_only=answered_only, topic=topic))
    if brief:
        lines: list[RenderableType] = [Text("Open questions", style="italic")]
        for question in questions:
            about = f" [{visible(question.topic)}]" if question.topic else ""
            lines.append(Text(f"  #{question.id}{about} {visible(question.text)}"))
        return Group(*lines)
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
            safe_text(question.topic or ""),
            safe_text(question.text),
            safe_text(question.answer)
            if question.answer is not None
            else Text("open", style="bold"),
        )
    return Group(heading, table)


def questions_json(questions: Sequence[Question]) -> str:
    """The questions as a JSON list (UTF-8 kept as is, indented by 2)."""
    return json.dumps([q.to_json() for q in questions], ensure_ascii=False, indent=2)


def _nothing_line(*, open_only: bool, answered_only: bool, topic: str | None) -> str:
    if not (open_only or answered_only or topic):
        return 'No questions yet. Add one with course question add "Why does LSTM use tanh?"'
    which = "open " if open_only else "answered " if answered_only else ""
    about = f" on {visible(topic.strip())}" if topic else ""
    return f"No {which}questions{about}."
