"""`course.commands.context`: the database a command opened names the SQLite errors it hits."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import course.commands.study
from course.cli import cli
from course.commands import context

USE_FIX = "Close other programs using it and check disk space and file permissions"


def test_the_opened_database_is_named_even_if_the_setting_changed(
    runner: CliRunner, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        monkeypatch.setenv("COURSE_DB", str(tmp_path / "other.db"))
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(course.commands.study, "log_study", broken)
    result = runner.invoke(cli, ["log", "--minutes", "30", "--topic", "CNN"])
    assert (result.exit_code, result.output) == (
        3,
        f"Error: the tracker database could not be used (database is locked): {db_path}. "
        "Another program is writing it: close it (or wait), then run the command again\n",
    )


def test_outside_a_command_the_database_it_would_open_is_named(db_path: Path) -> None:
    error = context.store_error(sqlite3.DatabaseError("file is not a database"))
    assert error is not None
    assert (error.exit_code, error.message.split(". ")[0]) == (
        3,
        f"the tracker database is damaged (file is not a database): {db_path}",
    )


@pytest.mark.parametrize(
    "error",
    [sqlite3.IntegrityError("UNIQUE constraint failed"), sqlite3.ProgrammingError("closed")],
    ids=["integrity", "programming"],
)
def test_bugs_are_not_store_errors(error: sqlite3.DatabaseError) -> None:
    assert context.store_error(error) is None
