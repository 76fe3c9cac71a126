"""tracker.questions: adding, listing, answering, reopening and deleting questions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from core.errors import UsageError
from tracker.questions import (
    Question,
    add_question,
    answer_question,
    delete_question,
    get_question,
    list_questions,
    open_questions,
    reopen_question,
)
from tracker.store import open_db

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 4, 49, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
UNKNOWN = "no question with that id: 9. List them with course question list"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


def _add(db: Database, text: str, topic: str | None = None, day: date = TODAY) -> Question:
    return add_question(db, text, topic=topic, day=day, today=TODAY, now=NOW)


def _rows(db: Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM questions ORDER BY id"))


@pytest.fixture
def listed(db: Database) -> Database:
    """#1 RNN today (answered), #2 no topic two days ago, #3 rnn yesterday, #4 CNN today."""
    _add(db, "Why does LSTM use tanh?", "RNN")
    _add(db, "What is layer norm?", day=date(2026, 11, 19))
    _add(db, "Why clip gradients?", "rnn", day=date(2026, 11, 20))
    _add(db, "Why 3x3 kernels?", "CNN")
    answer_question(db, 1, "Its output is in (-1, 1).", now=NOW)
    return db


# --- add_question ---------------------------------------------------------------------------


def test_add_question(db: Database) -> None:
    question = _add(db, "  Why does LSTM use tanh?\n", " RNN ")
    assert question == Question(1, "Why does LSTM use tanh?", "RNN", TODAY, None, None)
    assert question.is_open
    assert _rows(db) == [
        {
            "id": 1,
            "text": "Why does LSTM use tanh?",
            "topic": "RNN",
            "day": "2026-11-21",
            "created_at": "2026-11-21T04:49:00Z",
            "answer": None,
            "answered_at": None,
        }
    ]


@pytest.mark.parametrize("topic", [None, "", "   "])
def test_add_question_without_topic(db: Database, topic: str | None) -> None:
    question = _add(db, "어텐션은 왜 sqrt(d)로 나누나요?", topic, day=date(2026, 11, 18))
    assert question == Question(
        1, "어텐션은 왜 sqrt(d)로 나누나요?", None, date(2026, 11, 18), None, None
    )
    assert _rows(db)[0]["topic"] is None


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_add_question_refuses_blank_text(db: Database, text: str) -> None:
    with pytest.raises(UsageError) as caught:
        _add(db, text, "RNN")
    assert caught.value.message == (
        'the question is empty. Write it in quotes, e.g. course question add "Why does LSTM use'
        ' tanh?"'
    )
    assert _rows(db) == []


def test_add_question_refuses_the_future(db: Database) -> None:
    with pytest.raises(UsageError) as caught:
        _add(db, "Why?", day=date(2026, 11, 22))
    assert caught.value.message == (
        "cannot add a question in the future: 2026-11-22. "
        "Today is 2026-11-21; pass --date today or an earlier date"
    )
    assert _rows(db) == []


# --- list_questions -------------------------------------------------------------------------


def test_list_is_oldest_first(listed: Database) -> None:
    assert [question.id for question in list_questions(listed)] == [2, 3, 1, 4]


def test_list_open_and_answered(listed: Database) -> None:
    assert [question.id for question in list_questions(listed, open_only=True)] == [2, 3, 4]
    assert [question.id for question in open_questions(listed)] == [2, 3, 4]
    assert list_questions(listed, answered_only=True) == [
        Question(
            1,
            "Why does LSTM use tanh?",
            "RNN",
            TODAY,
            "Its output is in (-1, 1).",
            "2026-11-21T04:49:00Z",
        )
    ]


def test_list_by_topic_ignores_case(listed: Database) -> None:
    assert [question.id for question in list_questions(listed, topic="rnn")] == [3, 1]
    assert [question.id for question in list_questions(listed, topic=" RNN ")] == [3, 1]
    assert [q.id for q in list_questions(listed, topic="Rnn", open_only=True)] == [3]
    assert list_questions(listed, topic="ViT") == []


def test_list_of_nothing(db: Database) -> None:
    assert list_questions(db) == []
    assert open_questions(db) == []


def test_list_refuses_open_and_answered(listed: Database) -> None:
    with pytest.raises(UsageError) as caught:
        list_questions(listed, open_only=True, answered_only=True)
    assert caught.value.message == (
        "--open and --answered exclude each other. Pass one of them, or neither for every question"
    )


def test_list_refuses_a_blank_topic(listed: Database) -> None:
    with pytest.raises(UsageError) as caught:
        list_questions(listed, topic="  ")
    assert caught.value.message == "the topic is empty. Name a topic, e.g. --topic RNN"


# --- answer_question ------------------------------------------------------------------------


def test_answer_an_open_question(db: Database) -> None:
    _add(db, "Why does LSTM use tanh?", "RNN")
    question, previous = answer_question(db, 1, "  It keeps values in (-1, 1). ", now=LATER)
    assert previous is None
    assert question == Question(
        1,
        "Why does LSTM use tanh?",
        "RNN",
        TODAY,
        "It keeps values in (-1, 1).",
        "2026-11-22T10:00:00Z",
    )
    assert not question.is_open
    assert get_question(db, 1) == question


def test_answer_again_replaces_and_returns_the_old_answer(listed: Database) -> None:
    question, previous = answer_question(listed, 1, "Zero-centred, bounded.", now=LATER)
    assert previous == "Its output is in (-1, 1)."
    assert (question.answer, question.answered_at) == (
        "Zero-centred, bounded.",
        "2026-11-22T10:00:00Z",
    )
    assert get_question(listed, 1) == question


@pytest.mark.parametrize("text", ["", "  "])
def test_answer_refuses_blank_text(listed: Database, text: str) -> None:
    with pytest.raises(UsageError) as caught:
        answer_question(listed, 1, text, now=LATER)
    assert caught.value.message == (
        'the answer is empty. Write it in quotes, e.g. course question answer 1 "Because ..."'
    )
    assert get_question(listed, 1).answer == "Its output is in (-1, 1)."


def test_answer_refuses_an_unknown_id(listed: Database) -> None:
    with pytest.raises(UsageError) as caught:
        answer_question(listed, 9, "Because.", now=LATER)
    assert caught.value.message == UNKNOWN


def test_get_question_refuses_an_unknown_id(db: Database) -> None:
    with pytest.raises(UsageError) as caught:
        get_question(db, 9)
    assert caught.value.message == UNKNOWN


# --- reopen_question and delete_question ----------------------------------------------------


def test_reopen(listed: Database) -> None:
    question, previous = reopen_question(listed, 1)
    assert previous == "Its output is in (-1, 1)."
    assert question == Question(1, "Why does LSTM use tanh?", "RNN", TODAY, None, None)
    assert get_question(listed, 1) == question


def test_reopen_refuses_an_open_question(listed: Database) -> None:
    with pytest.raises(UsageError) as caught:
        reopen_question(listed, 2)
    assert caught.value.message == (
        "that question is already open: 2. See the open ones with course question list --open"
    )


def test_reopen_refuses_an_unknown_id(listed: Database) -> None:
    with pytest.raises(UsageError) as caught:
        reopen_question(listed, 9)
    assert caught.value.message == UNKNOWN


def test_delete(listed: Database) -> None:
    removed = delete_question(listed, 3)
    assert removed == Question(3, "Why clip gradients?", "rnn", date(2026, 11, 20), None, None)
    assert [question.id for question in list_questions(listed)] == [2, 1, 4]


def test_delete_refuses_an_unknown_id(listed: Database) -> None:
    with pytest.raises(UsageError) as caught:
        delete_question(listed, 9)
    assert caught.value.message == UNKNOWN
    assert len(_rows(listed)) == 4


# --- Question -------------------------------------------------------------------------------


def test_question_json(listed: Database) -> None:
    assert [question.to_json() for question in list_questions(listed, topic="RNN")] == [
        {
            "id": 3,
            "text": "Why clip gradients?",
            "topic": "rnn",
            "day": "2026-11-20",
            "open": True,
            "answer": None,
            "answered_at": None,
        },
        {
            "id": 1,
            "text": "Why does LSTM use tanh?",
            "topic": "RNN",
            "day": "2026-11-21",
            "open": False,
            "answer": "Its output is in (-1, 1).",
            "answered_at": "2026-11-21T04:49:00Z",
        },
    ]
