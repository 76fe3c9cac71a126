"""The question list (``course question``): what to bring to the peer session or mentoring.

One row of ``questions`` per question. A question is open until it has an answer; answering
again replaces the answer, and reopening removes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from core.clock import utc_timestamp
from core.errors import UsageError
from tracker.store import insert, transaction
from tracker.text import clean_text, required_text

_LIST_THEM = "List them with course question list"


@dataclass(frozen=True)
class Question:
    """One question on the list.

    Attributes:
        id: Row id in ``questions`` (the number shown to the student).
        text: The question as typed (surrounding whitespace removed).
        topic: What it is about, e.g. ``"RNN"``, or ``None``.
        day: The local day it was asked.
        answer: The answer, or ``None`` while the question is open.
        answered_at: When it was (last) answered, UTC ISO-8601, or ``None``.
    """

    id: int
    text: str
    topic: str | None
    day: date
    answer: str | None
    answered_at: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Question:
        """Build a question from a ``questions`` row."""
        return cls(
            id=row["id"],
            text=row["text"],
            topic=row["topic"] or None,
            day=date.fromisoformat(row["day"]),
            answer=row["answer"],
            answered_at=row["answered_at"],
        )

    @property
    def is_open(self) -> bool:
        """Whether the question still has no answer."""
        return self.answer is None

    def to_json(self) -> dict[str, Any]:
        """The question with its day as an ISO string and ``open`` (true while unanswered)."""
        return {
            "id": self.id,
            "text": self.text,
            "topic": self.topic,
            "day": self.day.isoformat(),
            "open": self.is_open,
            "answer": self.answer,
            "answered_at": self.answered_at,
        }


def add_question(
    db: Database,
    text: str,
    *,
    topic: str | None = None,
    day: date,
    today: date,
    now: datetime,
) -> Question:
    """Put a question on the list.

    Args:
        db: The tracker database (:func:`tracker.store.open_db`).
        text: The question; surrounding whitespace is removed.
        topic: What it is about; blank counts as none.
        day: The local day it was asked.
        today: The local date, to refuse days in the future.
        now: The moment of adding, stored as UTC ``created_at``.

    Returns:
        The stored question (open).

    Raises:
        UsageError: ``text`` is blank or ``day`` is after ``today``. Nothing is written.
        StoreError: The database could not be written.
    """
    text = required_text(
        text,
        "the question",
        'Write it in quotes, e.g. course question add "Why does LSTM use tanh?"',
    )
    topic = clean_text(topic, "the topic", "Name a topic, e.g. --topic RNN")
    if day > today:
        raise UsageError(
            "cannot add a question in the future",
            day.isoformat(),
            f"Today is {today.isoformat()}; pass --date today or an earlier date",
        )
    with transaction(db):
        question_id = insert(
            db,
            "questions",
            {
                "text": text,
                "topic": topic,
                "day": day.isoformat(),
                "created_at": utc_timestamp(now),
                "answer": None,
                "answered_at": None,
            },
        )
    return Question(question_id, text, topic, day, None, None)


def list_questions(
    db: Database,
    *,
    open_only: bool = False,
    answered_only: bool = False,
    topic: str | None = None,
) -> list[Question]:
    """The questions on the list, oldest first (by day, then number).

    Args:
        db: The tracker database.
        open_only: Only questions without an answer.
        answered_only: Only questions with an answer.
        topic: Only questions on this topic (ignoring case and surrounding whitespace).

    Raises:
        UsageError: Both ``open_only`` and ``answered_only``; ``topic`` is blank.
    """
    if open_only and answered_only:
        raise UsageError(
            "--open and --answered exclude each other",
            fix="Pass one of them, or neither for every question",
        )
    where = ""
    if open_only:
        where = " WHERE answer IS NULL"
    elif answered_only:
        where = " WHERE answer IS NOT NULL"
    questions = [
        Question.from_row(row)
        for row in db.query(f"SELECT * FROM questions{where} ORDER BY day, id")
    ]
    if topic is None:
        return questions
    wanted = required_text(topic, "the topic", "Name a topic, e.g. --topic RNN").casefold()
    return [q for q in questions if q.topic is not None and q.topic.casefold() == wanted]


def open_questions(db: Database) -> list[Question]:
    """The questions without an answer, oldest first."""
    return list_questions(db, open_only=True)


def get_question(db: Database, question_id: int) -> Question:
    """The question with this number.

    Raises:
        UsageError: There is no such question.
    """
    rows = list(db.query("SELECT * FROM questions WHERE id = ?", [question_id]))
    if not rows:
        raise UsageError("no question with that id", question_id, _LIST_THEM)
    return Question.from_row(rows[0])


def answer_question(
    db: Database, question_id: int, text: str, *, now: datetime
) -> tuple[Question, str | None]:
    """Answer a question, replacing any earlier answer.

    Args:
        db: The tracker database.
        question_id: The question's number.
        text: The answer; surrounding whitespace is removed.
        now: The moment of answering, stored as UTC ``answered_at``.

    Returns:
        The answered question and its previous answer (``None`` when it was open).

    Raises:
        UsageError: ``text`` is blank, or there is no such question. Nothing is written.
        StoreError: The database could not be written.
    """
    text = required_text(
        text,
        "the answer",
        f'Write it in quotes, e.g. course question answer {question_id} "Because ..."',
    )
    answered_at = utc_timestamp(now)
    with transaction(db):
        before = get_question(db, question_id)
        db.table("questions").update(question_id, {"answer": text, "answered_at": answered_at})
    after = Question(before.id, before.text, before.topic, before.day, text, answered_at)
    return after, before.answer


def reopen_question(db: Database, question_id: int) -> tuple[Question, str]:
    """Remove a question's answer, so that it is open again.

    Args:
        db: The tracker database.
        question_id: The question's number.

    Returns:
        The reopened question and the answer it had.

    Raises:
        UsageError: There is no such question, or it is already open.
        StoreError: The database could not be written.
    """
    with transaction(db):
        before = get_question(db, question_id)
        if before.answer is None:
            raise UsageError(
                "that question is already open",
                question_id,
                "See the open ones with course question list --open",
            )
        db.table("questions").update(question_id, {"answer": None, "answered_at": None})
    return Question(before.id, before.text, before.topic, before.day, None, None), before.answer


def delete_question(db: Database, question_id: int) -> Question:
    """Remove a question from the list.

    Args:
        db: The tracker database.
        question_id: The question's number.

    Returns:
        The removed question.

    Raises:
        UsageError: There is no such question.
        StoreError: The database could not be written.
    """
    with transaction(db):
        question = get_question(db, question_id)
        db.table("questions").delete(question_id)
    return question
