"""``course undo`` (tracker/undo.py): the last change a tracker command made, taken back once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from core.errors import UsageError
from course.cli import cli
from grader.results import GradeReport
from tracker.grades import record_attempt
from tracker.problems import NewAttempt, add_attempt
from tracker.store import open_db
from tracker.study import delete_entry, edit_entry, log_study
from tracker.timer import running_timer, start_timer, stop_timer
from tracker.transfer import export_data
from tracker.undo import UNDO_COLUMNS, Undone, undo_last

KST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 21, 14, 30, tzinfo=KST)
DAY = date(2026, 11, 21)


@pytest.fixture(autouse=True)
def korean_time(local_tz: Callable[[str], None]) -> None:
    local_tz("KST-9")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as opened:
        yield opened


def _tables(db: Database) -> dict[str, Any]:
    tables: dict[str, Any] = export_data(db, now=NOW)["tables"]
    return tables


def _log(db: Database, topic: str, minutes: int = 30) -> int:
    return log_study(db, minutes=minutes, topic=topic, day=DAY, today=DAY, now=NOW).id


def test_the_undo_columns_are_the_tables_columns(db: Database) -> None:
    for table, columns in UNDO_COLUMNS.items():
        assert tuple(db[table].columns_dict) == columns, table


def test_nothing_to_undo_in_a_new_database(db: Database) -> None:
    with pytest.raises(UsageError, match="there is nothing to undo"):
        undo_last(db)


def test_a_log_is_taken_back_once(db: Database) -> None:
    _log(db, "CNN")
    empty = _tables(db)
    _log(db, "RNN")
    assert undo_last(db) == Undone({("study_log", "insert"): 1})
    assert _tables(db) == empty
    with pytest.raises(UsageError, match="there is nothing to undo"):
        undo_last(db)


def test_an_edit_and_a_delete_are_put_back_exactly(db: Database) -> None:
    entry = _log(db, "CNN")
    before = _tables(db)
    edit_entry(db, entry, now=NOW, topic="합성곱", minutes=90, note="im2col")
    assert undo_last(db) == Undone({("study_log", "update"): 1})
    assert _tables(db) == before
    delete_entry(db, entry)
    assert undo_last(db) == Undone({("study_log", "delete"): 1})
    assert _tables(db) == before  # the same id, every column as it was


def test_undoing_a_stop_brings_the_timer_back(db: Database) -> None:
    start_timer(db, "ViT", at=NOW - timedelta(minutes=45), now=NOW)
    running = running_timer(db)
    stop_timer(db, at=NOW, now=NOW)
    assert undo_last(db) == Undone({("timer", "delete"): 1, ("study_log", "insert"): 1})
    assert running_timer(db) == running
    assert _tables(db)["study_log"] == []


def test_a_problem_and_its_tags_go_together(db: Database) -> None:
    add_attempt(db, NewAttempt("boj", "1000", day=DAY, tags=("dp", "greedy")), today=DAY, now=NOW)
    assert undo_last(db) == Undone({("problems", "insert"): 1, ("problem_tags", "insert"): 2})
    assert _tables(db)["problems"] == [] and _tables(db)["problem_tags"] == []


def test_a_refused_command_and_a_grade_attempt_keep_the_last_change(db: Database) -> None:
    _log(db, "CNN")
    with pytest.raises(UsageError):
        _log(db, "too much", minutes=2000)
    record_attempt(db, GradeReport("resnet", 8.0, 10.0, "cpu", "quick", 3.0).to_dict())
    assert undo_last(db) == Undone({("study_log", "insert"): 1})
    assert _tables(db)["study_log"] == []
    assert len(_tables(db)["grade_attempts"]) == 1  # the grader's record is not undone


def test_the_undo_log_survives_closing_the_database(tmp_path: Path) -> None:
    path = tmp_path / "course.db"
    with closing(open_db(path)) as first:
        _log(first, "CNN")
    with closing(open_db(path)) as second:
        undo_last(second)
        assert _tables(second)["study_log"] == []


def test_course_undo_says_what_it_took_back(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["log", "--minutes", "30", "--topic", "CNN"]).exit_code == 0
    assert runner.invoke(cli, ["problem", "add", "boj", "1000", "--tags", "dp,math"]).exit_code == 0
    result = runner.invoke(cli, ["undo"])
    assert (result.exit_code, result.stdout) == (
        0,
        "Undid the last change: removed 1 coding-test attempt it added; removed 2 tags it added.\n",
    )
    again = runner.invoke(cli, ["undo"])
    assert (again.exit_code, again.stderr) == (
        2,
        "Error: there is nothing to undo. Undo takes back only the last change, once; see "
        "what is stored with course report daily\n",
    )
