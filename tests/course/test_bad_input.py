"""Input that used to raise a traceback or be stored as nonsense: each is ``Error: ...``, exit 2,
and the database is left as it was (issue 17, section 1)."""

from __future__ import annotations

from collections.abc import Callable
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
NOW = datetime(2026, 11, 21, 14, 5, tzinfo=KST)  # Saturday
BIG = "9223372036854775808"  # 2**63: one more than SQLite's largest row number
RANGE = "The tracker keeps days from 2000-01-01 to 2099-12-31"
DURATIONS = "Write it like 2h30m, 1.5h, 90m or 45 (minutes)"
NO_ROW = f"{BIG} names no row: numbers go from 1 to 9223372036854775807"


@pytest.fixture
def filled(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, local_tz: Callable[[str], None]
) -> CliRunner:
    """A database with one entry (#1) and one question (#1), the clock at :data:`NOW` (KST)."""
    local_tz("KST-9")
    monkeypatch.setattr(context, "now", lambda: NOW)
    for args in (["log", "--topic", "CNN", "--minutes", "30"], ["question", "add", "why?"]):
        assert runner.invoke(cli, args).exit_code == 0
    return runner


def dump(db_path: Path) -> dict[str, list[dict[str, Any]]]:
    with closing(open_db(db_path)) as db:
        return {name: list(db[name].rows) for name in db.table_names()}


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["delete", BIG, "--yes"], f"Invalid value for 'ID': {NO_ROW}"),
        (["edit", BIG, "--topic", "x"], f"Invalid value for 'ID': {NO_ROW}"),
        (["retro", "--kept", BIG], f"Invalid value for '--kept': {NO_ROW}"),
        (["retro", "--carried", BIG], f"Invalid value for '--carried': {NO_ROW}"),
        (["question", "answer", BIG, "yes"], f"Invalid value for 'ID': {NO_ROW}"),
        (["question", "delete", BIG, "--yes"], f"Invalid value for 'ID': {NO_ROW}"),
        (["question", "reopen", BIG], f"Invalid value for 'ID': {NO_ROW}"),
        (["delete", "\u0663", "--yes"], "Invalid value for 'ID': '\u0663' is not a valid integer."),
        (
            ["report", "daily", "--date", "9999-12-31"],
            f"the date is out of range: '9999-12-31'. {RANGE}",
        ),
        (
            ["report", "weekly", "--week", "9999-W52"],
            f"the week is out of range: '9999-W52'. {RANGE}",
        ),
        (
            ["report", "monthly", "--month", "9999-12"],
            f"the month is out of range: '9999-12'. {RANGE}",
        ),
        (
            ["report", "monthly", "--month", "0000-01"],
            f"the month is out of range: '0000-01'. {RANGE}",
        ),
        (
            ["goal", "set", "--week", "9999-W52", "--hours", "3"],
            f"the week is out of range: '9999-W52'. {RANGE}",
        ),
        (
            ["start", "--at", "0001-01-01 00:00", "X"],
            f"the date is out of range: '0001-01-01'. {RANGE}",
        ),
        (
            ["start", "--at", "99999999999h ago", "X"],
            "the duration is longer than a year: '99999999999h'. "
            "Check the number; a study entry holds at most 24 hours",
        ),
        (
            ["edit", "1", "--minutes", "99999999999999999999"],
            "the duration is longer than a year: '99999999999999999999'. "
            "Check the number; a study entry holds at most 24 hours",
        ),
        (
            ["goal", "set", "--problems", "99999999999999999999"],
            "a problems goal must be more than 0 and at most 1000: 99999999999999999999. "
            "Pass e.g. --problems 5",
        ),
        (
            ["log", "--topic", "\u200b", "--minutes", "3"],
            "the topic is empty. Name what you studied, e.g. --topic CNN",
        ),
        (
            ["log", "--topic", "\udcff", "--minutes", "3"],
            "the topic is not valid UTF-8 text: '\\udcff'. "
            "Type it again, or save the file as UTF-8",
        ),
        (
            ["retro", "--try", "\u200b\u200b"],
            "a Try item is empty: '\\u200b\\u200b'. "
            "Write some text, e.g. --try 'read the ResNet paper'",
        ),
        (
            ["question", "add", "\ufeff"],
            "the question is empty. "
            'Write it in quotes, e.g. course question add "Why does LSTM use tanh?"',
        ),
        (
            ["problem", "add", "boj", "1000", "--tags", ",,,"],
            "the tags are empty: ',,,'. Pass tags such as --tags dp,greedy",
        ),
        (
            ["log", "--topic", "A", "--minutes", "3", "--date", "0001-01-01"],
            f"the date is out of range: '0001-01-01'. {RANGE}",
        ),
        (
            ["log", "--topic", "A", "--minutes", "3", "--date", "99999 days ago"],
            f"the date is out of range: '99999 days ago' (1753-02-06). {RANGE}",
        ),
        (
            ["log", "--topic", "A", "--minutes", "1h70m"],
            "the minutes after the hours must be under 60: '1h70m'. "
            "Write 2h10m, or 130 for minutes",
        ),
        (
            ["log", "--topic", "A", "--minutes", "\u0663\u0660"],
            "cannot read the duration: '\u0663\u0660'. " + DURATIONS,
        ),
        (
            ["log", "--topic", "A", "--minutes", "\uff13\uff10"],
            "cannot read the duration: '\uff13\uff10'. " + DURATIONS,
        ),
        (
            ["report", "streak", "--days", "0"],
            "--days takes a number of days from 1 to 3660: 0. Pass e.g. --days 14",
        ),
        (["reprot"], "No such command 'reprot'. Did you mean 'report'?"),
        (
            ["delete", "1"],
            "nothing was deleted: the question got no answer: "
            "'Delete entry #1: 0h 30m of CNN on 2026-11-21?'. "
            "Answer y at a terminal, or pass --yes to skip the question",
        ),
        (
            ["question", "delete", "1"],
            "nothing was deleted: the question got no answer: 'Delete this question?'. "
            "Answer y at a terminal, or pass --yes to skip the question",
        ),
    ],
)
def test_refused_with_an_error_line_and_nothing_written(
    filled: CliRunner, db_path: Path, args: list[str], error: str
) -> None:
    before = dump(db_path)
    result = filled.invoke(cli, args, input="")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == f"Error: {error}"
    assert "Traceback" not in result.output
    assert dump(db_path) == before
