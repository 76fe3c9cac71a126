"""`course question`: the questions to bring to the peer session or mentoring."""

from __future__ import annotations

from contextlib import closing

import click

from course.commands import context
from course.commands.options import ROW_ID, day_option
from course.render.format import make_console
from course.render.questions import (
    question_added_line,
    question_answered_lines,
    question_deleted_line,
    question_reopened_lines,
    question_title,
    questions_json,
    questions_view,
)
from tracker.parsers import parse_day
from tracker.questions import (
    add_question,
    answer_question,
    delete_question,
    get_question,
    list_questions,
    reopen_question,
)


@click.group("question")
def question_group() -> None:
    """Your question list: add questions, answer them, bring the open ones to mentoring."""


@question_group.command("add", short_help="Add a question to the list.")
@click.argument("text", nargs=-1, required=True)
@click.option("--topic", help="What it is about, e.g. RNN.")
@day_option("The day you asked")
def add_command(text: tuple[str, ...], topic: str | None, day: str) -> None:
    """Add a question: course question add "Why does LSTM use tanh?" --topic RNN."""
    now = context.now()
    today = context.today()
    asked = parse_day(day, today)
    with closing(context.open_store()) as db:
        question = add_question(db, " ".join(text), topic=topic, day=asked, today=today, now=now)
    click.echo(question_added_line(question))


@question_group.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only questions without an answer.")
@click.option("--answered", "answered_only", is_flag=True, help="Only answered questions.")
@click.option("--topic", help="Only questions on this topic (case does not matter).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def list_command(open_only: bool, answered_only: bool, topic: str | None, as_json: bool) -> None:
    """The question list, oldest first, with each answer or "open"."""
    with closing(context.open_store()) as db:
        questions = list_questions(
            db, open_only=open_only, answered_only=answered_only, topic=topic
        )
    if as_json:
        click.echo(questions_json(questions))
    else:
        make_console().print(
            questions_view(questions, open_only=open_only, answered_only=answered_only, topic=topic)
        )


@question_group.command("answer", short_help="Answer a question (replaces an earlier answer).")
@click.argument("question_id", metavar="ID", type=ROW_ID)
@click.argument("text", nargs=-1, required=True)
def answer_command(question_id: int, text: tuple[str, ...]) -> None:
    """Answer question ID (an earlier answer is replaced): course question answer 3 "..."."""
    now = context.now()
    with closing(context.open_store()) as db:
        question, previous = answer_question(db, question_id, " ".join(text), now=now)
    for line in question_answered_lines(question, previous):
        click.echo(line)


@question_group.command("reopen")
@click.argument("question_id", metavar="ID", type=ROW_ID)
def reopen_command(question_id: int) -> None:
    """Remove question ID's answer, so that it is open again."""
    with closing(context.open_store()) as db:
        question, previous = reopen_question(db, question_id)
    for line in question_reopened_lines(question, previous):
        click.echo(line)


@question_group.command("delete")
@click.argument("question_id", metavar="ID", type=ROW_ID)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_command(question_id: int, yes: bool) -> None:
    """Remove question ID from the list (asks first unless --yes)."""
    with closing(context.open_store()) as db:
        if not yes:
            question = get_question(db, question_id)
            click.echo(question_title(question))
            context.confirm("Delete this question?")
        removed = delete_question(db, question_id)
    click.echo(question_deleted_line(removed))


COMMANDS: list[click.Command] = [question_group]
