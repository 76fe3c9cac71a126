"""`course log` end to end, on the temporary COURSE_DB."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from course.cli import cli
from tests.course.durations import BAD_MINUTES
from tracker.store import open_db


def _log(runner: CliRunner, *args: str) -> None:
    result = runner.invoke(cli, ["log", *args])
    assert result.exit_code == 0, result.output


# --- course log -----------------------------------------------------------------------------


def test_log_hours(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["log", "--hours", "2", "--topic", "CNN", "--date", "2026-11-16"])
    assert (result.exit_code, result.output) == (
        0,
        "Logged 2h 00m of CNN on 2026-11-16 (entry #1).\n",
    )


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (["--hours", "1.5"], "1h 30m"),
        (["--minutes", "45"], "0h 45m"),
        (["--duration", "2h30m"], "2h 30m"),
        (["--duration", "90m"], "1h 30m"),
    ],
)
def test_log_amounts(runner: CliRunner, amount: list[str], shown: str) -> None:
    result = runner.invoke(cli, ["log", *amount, "--topic", "CNN", "--date", "2026-11-16"])
    assert (result.exit_code, result.output) == (
        0,
        f"Logged {shown} of CNN on 2026-11-16 (entry #1).\n",
    )


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [
        ("90", "1h 30m"),
        ("1h30m", "1h 30m"),
        ("1.5h", "1h 30m"),
        ("90m", "1h 30m"),
        ("2h", "2h 00m"),
        ("10.5", "0h 11m"),
    ],
)
def test_log_minutes_take_a_duration(
    runner: CliRunner, db_path: Path, minutes: str, shown: str
) -> None:
    result = runner.invoke(
        cli, ["log", "--minutes", minutes, "--topic", "CNN", "--date", "2026-11-16"]
    )
    assert (result.exit_code, result.output) == (
        0,
        f"Logged {shown} of CNN on 2026-11-16 (entry #1).\n",
    )


@pytest.mark.parametrize(("minutes", "message"), BAD_MINUTES)
def test_log_minutes_refuses_what_is_not_a_duration(
    runner: CliRunner, db_path: Path, minutes: str, message: str
) -> None:
    result = runner.invoke(
        cli, ["log", "--minutes", minutes, "--topic", "CNN", "--date", "2026-11-16"]
    )
    assert (result.exit_code, result.output) == (2, message)
    with closing(open_db(db_path)) as db:
        assert db.table("study_log").count == 0


def test_log_korean_topic_and_numbering(runner: CliRunner) -> None:
    _log(runner, "--hours", "1", "--topic", "CNN", "--date", "2026-11-16")
    result = runner.invoke(
        cli, ["log", "--minutes", "50", "--topic", "합성곱 신경망", "--date", "2026-11-16"]
    )
    assert result.output == "Logged 0h 50m of 합성곱 신경망 on 2026-11-16 (entry #2).\n"


def test_log_negative_hours(runner: CliRunner, db_path: Path) -> None:
    result = runner.invoke(cli, ["log", "--hours", "-1", "--topic", "CNN", "--date", "2026-11-16"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: study time must be more than 0 minutes: -60 min. "
        "Pass e.g. --hours 1.5, --minutes 90 or --duration 1h30m\n"
    )


@pytest.mark.parametrize(
    ("amount", "given"),
    [
        (["--hours", "2", "--minutes", "30"], "--hours and --minutes"),
        (["--minutes", "30", "--duration", "1h"], "--minutes and --duration"),
        ([], "none given"),
    ],
)
def test_log_needs_exactly_one_amount(runner: CliRunner, amount: list[str], given: str) -> None:
    result = runner.invoke(cli, ["log", *amount, "--topic", "CNN", "--date", "2026-11-16"])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: give exactly one of --hours, --minutes, --duration: {given}. "
        "Pass one, e.g. --hours 1.5 or --duration 1h30m\n"
    )


def test_log_future_date(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["log", "--hours", "1", "--topic", "CNN", "--date", "2099-01-01"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: cannot log study time in the future: 2099-01-01. ")


def test_log_bad_date_and_duration(runner: CliRunner) -> None:
    bad_date = runner.invoke(cli, ["log", "--hours", "1", "--topic", "CNN", "--date", "11/16"])
    assert (bad_date.exit_code, bad_date.output) == (
        2,
        "Error: cannot read the date: '11/16'. Use today, yesterday, 3 days ago, monday,"
        " last monday or YYYY-MM-DD (2026-11-21)\n",
    )
    bad_duration = runner.invoke(cli, ["log", "--duration", "2x", "--topic", "CNN"])
    assert bad_duration.exit_code == 2
    assert bad_duration.output.startswith("Error: cannot read the duration: '2x'. ")


def test_log_more_than_a_day(runner: CliRunner) -> None:
    _log(runner, "--hours", "20", "--topic", "CNN", "--date", "2026-11-16")
    result = runner.invoke(cli, ["log", "--hours", "5", "--topic", "RNN", "--date", "2026-11-16"])
    assert result.exit_code == 2
    assert result.output.endswith("At most 240 more minutes fit on that day\n")


def test_log_needs_a_topic(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["log", "--hours", "1", "--date", "2026-11-16"])
    assert result.exit_code == 2
    assert "Missing option '--topic'" in result.output


def test_log_refuses_a_file_that_is_not_a_database(runner: CliRunner, db_path: Path) -> None:
    db_path.write_text("not a database\n", encoding="utf-8")
    result = runner.invoke(cli, ["log", "--hours", "1", "--topic", "CNN", "--date", "2026-11-16"])
    assert result.exit_code == 3
    assert result.output == (
        f"Error: not a SQLite database: {db_path}. "
        "Move the file away, or set COURSE_DB to the path of another file\n"
    )
    assert db_path.read_text(encoding="utf-8") == "not a database\n"


def test_log_uses_the_workspace_database(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COURSE_DB")
    workspace = tmp_path / "ws"
    (workspace / "resnet").mkdir(parents=True)
    (workspace / "course.yaml").write_text("database: tracker.db\n", encoding="utf-8")
    monkeypatch.chdir(workspace / "resnet")
    _log(runner, "--hours", "1", "--topic", "CNN", "--date", "2026-11-16")
    with closing(open_db(workspace / "tracker.db")) as db:
        assert [row["topic"] for row in db.table("study_log").rows] == ["CNN"]


# --- course report weekly -------------------------------------------------------------------
