"""`course question add / list / answer / reopen / delete` end to end, with a fixed clock."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from course.cli import cli
from course.commands import context
from tracker.store import open_db

KST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 21, 13, 5, tzinfo=KST)  # 04:05 UTC
UNKNOWN = "Error: no question with that id: 9. List them with course question list\n"


@pytest.fixture
def clock(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The runner with the clock fixed at :data:`NOW` (Saturday 2026-11-21)."""
    monkeypatch.setattr(context, "now", lambda: NOW)
    return runner


def _ok(runner: CliRunner, *args: str, stdin: str | None = None) -> str:
    result = runner.invoke(cli, ["question", *args], input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


def _rows(db_path: Path) -> list[dict[str, Any]]:
    with closing(open_db(db_path)) as db:
        return list(db.query("SELECT * FROM questions ORDER BY id"))


@pytest.fixture
def asked(clock: CliRunner) -> CliRunner:
    """#1 RNN today (answered), #2 no topic two days ago, #3 Transformer yesterday."""
    _ok(clock, "add", "Why does LSTM use tanh?", "--topic", "RNN")
    _ok(clock, "add", "What", "is", "[bold]layer norm[/bold]?", "--date", "2 days ago")
    _ok(clock, "add", "왜 sqrt(d_k)로 나누나요?", "--topic", "Transformer", "--date", "yesterday")
    _ok(clock, "answer", "1", "Bounded.")
    return clock


# --- course question add --------------------------------------------------------------------


def test_add(clock: CliRunner, db_path: Path) -> None:
    assert _ok(clock, "add", "Why does LSTM use tanh?", "--topic", "RNN") == (
        "Added question #1 (RNN): Why does LSTM use tanh?\n"
    )
    assert _rows(db_path) == [
        {
            "id": 1,
            "text": "Why does LSTM use tanh?",
            "topic": "RNN",
            "day": "2026-11-21",
            "created_at": "2026-11-21T04:05:00Z",
            "answer": None,
            "answered_at": None,
        }
    ]


def test_add_joins_words_and_keeps_markup(clock: CliRunner, db_path: Path) -> None:
    output = _ok(clock, "add", "What", "is", "[bold]layer norm[/bold]?", "--date", "monday")
    assert output == "Added question #1: What is [bold]layer norm[/bold]?\n"
    assert (_rows(db_path)[0]["day"], _rows(db_path)[0]["topic"]) == ("2026-11-16", None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["  "],
            'the question is empty. Write it in quotes, e.g. course question add "Why does LSTM'
            ' use tanh?"',
        ),
        (
            ["Why?", "--date", "2026-11-22"],
            "cannot add a question in the future: 2026-11-22. "
            "Today is 2026-11-21; pass --date today or an earlier date",
        ),
        (
            ["Why?", "--date", "someday"],
            "cannot read the date: 'someday'. Use today, yesterday, 3 days ago, monday, "
            "last monday or YYYY-MM-DD (2026-11-21)",
        ),
    ],
)
def test_add_refuses(clock: CliRunner, db_path: Path, args: list[str], message: str) -> None:
    result = clock.invoke(cli, ["question", "add", *args])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")
    assert _rows(db_path) == []


def test_add_needs_text(clock: CliRunner) -> None:
    result = clock.invoke(cli, ["question", "add", "--topic", "RNN"])
    assert result.exit_code == 2
    assert "Missing argument 'TEXT...'" in result.stderr


# --- course question list -------------------------------------------------------------------


def test_list(asked: CliRunner) -> None:
    assert _ok(asked, "list") == (
        "Questions (2 open, 1 answered)\n"
        "┌───┬────────────┬─────────────┬──────────────────────────────────┬──────────┐\n"
        "│ # │ Day        │ Topic       │ Question                         │ Answer   │\n"
        "├───┼────────────┼─────────────┼──────────────────────────────────┼──────────┤\n"
        "│ 2 │ 2026-11-19 │             │ What is [bold]layer norm[/bold]? │ open     │\n"
        "│ 3 │ 2026-11-20 │ Transformer │ 왜 sqrt(d_k)로 나누나요?         │ open     │\n"
        "│ 1 │ 2026-11-21 │ RNN         │ Why does LSTM use tanh?          │ Bounded. │\n"
        "└───┴────────────┴─────────────┴──────────────────────────────────┴──────────┘\n"
    )


def test_list_open(asked: CliRunner) -> None:
    assert _ok(asked, "list", "--open") == (
        "Questions (2 open, 0 answered)\n"
        "┌───┬────────────┬─────────────┬──────────────────────────────────┬────────┐\n"
        "│ # │ Day        │ Topic       │ Question                         │ Answer │\n"
        "├───┼────────────┼─────────────┼──────────────────────────────────┼────────┤\n"
        "│ 2 │ 2026-11-19 │             │ What is [bold]layer norm[/bold]? │ open   │\n"
        "│ 3 │ 2026-11-20 │ Transformer │ 왜 sqrt(d_k)로 나누나요?         │ open   │\n"
        "└───┴────────────┴─────────────┴──────────────────────────────────┴────────┘\n"
    )


def test_list_answered_on_a_topic(asked: CliRunner) -> None:
    assert _ok(asked, "list", "--answered", "--topic", "rnn") == (
        "Questions (0 open, 1 answered)\n"
        "┌───┬────────────┬───────┬─────────────────────────┬──────────┐\n"
        "│ # │ Day        │ Topic │ Question                │ Answer   │\n"
        "├───┼────────────┼───────┼─────────────────────────┼──────────┤\n"
        "│ 1 │ 2026-11-21 │ RNN   │ Why does LSTM use tanh? │ Bounded. │\n"
        "└───┴────────────┴───────┴─────────────────────────┴──────────┘\n"
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        ([], 'No questions yet. Add one with course question add "Why does LSTM use tanh?"'),
        (["--open"], "No open questions."),
        (["--answered"], "No answered questions."),
        (["--topic", "CNN"], "No questions on CNN."),
        (["--open", "--topic", " CNN "], "No open questions on CNN."),
    ],
)
def test_list_of_nothing(clock: CliRunner, args: list[str], line: str) -> None:
    assert _ok(clock, "list", *args) == f"{line}\n"


def test_list_json(asked: CliRunner) -> None:
    assert json.loads(_ok(asked, "list", "--open", "--json")) == [
        {
            "id": 2,
            "text": "What is [bold]layer norm[/bold]?",
            "topic": None,
            "day": "2026-11-19",
            "open": True,
            "answer": None,
            "answered_at": None,
        },
        {
            "id": 3,
            "text": "왜 sqrt(d_k)로 나누나요?",
            "topic": "Transformer",
            "day": "2026-11-20",
            "open": True,
            "answer": None,
            "answered_at": None,
        },
    ]
    assert _ok(asked, "list", "--topic", "ViT", "--json") == "[]\n"


def test_list_refuses_open_and_answered(asked: CliRunner) -> None:
    result = asked.invoke(cli, ["question", "list", "--open", "--answered"])
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --open and --answered exclude each other. "
        "Pass one of them, or neither for every question\n",
    )


# --- course question answer / reopen / delete -----------------------------------------------


def test_answer(asked: CliRunner, db_path: Path) -> None:
    assert _ok(asked, "answer", "3", "Softmax", "saturates", "otherwise.") == (
        "Answered question #3 (Transformer): 왜 sqrt(d_k)로 나누나요?\n"
    )
    row = _rows(db_path)[2]
    assert (row["answer"], row["answered_at"]) == (
        "Softmax saturates otherwise.",
        "2026-11-21T04:05:00Z",
    )


def test_answer_again_says_it_replaced(asked: CliRunner, db_path: Path) -> None:
    assert _ok(asked, "answer", "1", "It keeps the cell output in (-1, 1).") == (
        "Replaced the answer to question #1 (RNN): Why does LSTM use tanh?\nOld answer: Bounded.\n"
    )
    assert _rows(db_path)[0]["answer"] == "It keeps the cell output in (-1, 1)."


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (["9", "Because."], UNKNOWN),
        (
            ["2", " "],
            'Error: the answer is empty. Write it in quotes, e.g. course question answer 2 "Because'
            ' ..."\n',
        ),
    ],
)
def test_answer_refuses(asked: CliRunner, db_path: Path, args: list[str], stderr: str) -> None:
    result = asked.invoke(cli, ["question", "answer", *args])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", stderr)
    assert [row["answer"] for row in _rows(db_path)] == ["Bounded.", None, None]


def test_answer_needs_a_number(asked: CliRunner) -> None:
    result = asked.invoke(cli, ["question", "answer", "first", "Because."])
    assert result.exit_code == 2
    assert "'first' is not a valid integer." in result.stderr


def test_reopen(asked: CliRunner, db_path: Path) -> None:
    assert _ok(asked, "reopen", "1") == (
        "Reopened question #1 (RNN): Why does LSTM use tanh?\nRemoved answer: Bounded.\n"
    )
    assert (_rows(db_path)[0]["answer"], _rows(db_path)[0]["answered_at"]) == (None, None)


@pytest.mark.parametrize(
    ("question_id", "stderr"),
    [
        (
            "2",
            "Error: that question is already open: 2. "
            "See the open ones with course question list --open\n",
        ),
        ("9", UNKNOWN),
    ],
)
def test_reopen_refuses(asked: CliRunner, question_id: str, stderr: str) -> None:
    result = asked.invoke(cli, ["question", "reopen", question_id])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", stderr)


def test_delete_with_yes(asked: CliRunner, db_path: Path) -> None:
    assert _ok(asked, "delete", "3", "--yes") == (
        "Deleted question #3 (Transformer): 왜 sqrt(d_k)로 나누나요?\n"
    )
    assert [row["id"] for row in _rows(db_path)] == [1, 2]


def test_delete_asks_first(asked: CliRunner, db_path: Path) -> None:
    assert _ok(asked, "delete", "2", stdin="y\n") == (
        "#2: What is [bold]layer norm[/bold]?\n"
        "Delete this question? [y/N]: y\n"
        "Deleted question #2: What is [bold]layer norm[/bold]?\n"
    )
    assert [row["id"] for row in _rows(db_path)] == [1, 3]


def test_delete_declined_keeps_it(asked: CliRunner, db_path: Path) -> None:
    result = asked.invoke(cli, ["question", "delete", "2"], input="n\n")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "#2: What is [bold]layer norm[/bold]?\nDelete this question? [y/N]: n\n",
        "Aborted!\n",
    )
    assert [row["id"] for row in _rows(db_path)] == [1, 2, 3]


@pytest.mark.parametrize("args", [["9"], ["9", "--yes"]])
def test_delete_refuses_an_unknown_id(asked: CliRunner, db_path: Path, args: list[str]) -> None:
    result = asked.invoke(cli, ["question", "delete", *args])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", UNKNOWN)
    assert len(_rows(db_path)) == 3
