"""`course log` and `course report weekly` end to end, on the temporary COURSE_DB."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from course.cli import cli
from grader.results import GradeReport
from tracker.grades import record_attempt
from tracker.store import open_db

BOX = "┌┬┐│├┼┤└┴┘"


@pytest.fixture
def utc_local_time() -> Iterator[None]:
    """Grade attempts get their day in local time: make that UTC."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC0"
    time.tzset()
    yield
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


def _log(runner: CliRunner, *args: str) -> None:
    result = runner.invoke(cli, ["log", *args])
    assert result.exit_code == 0, result.output


@pytest.fixture
def week(runner: CliRunner, db_path: Path, utc_local_time: None) -> CliRunner:
    """Study time and grade attempts in 2026-W47 (16 to 22 November), one entry in W46."""
    _log(runner, "--hours", "2", "--topic", "CNN", "--date", "2026-11-16")
    _log(runner, "--duration", "1h30m", "--topic", "합성곱 신경망", "--date", "2026-11-17")
    _log(runner, "--minutes", "45", "--topic", "RNN", "--date", "2026-11-19")
    _log(runner, "--hours", "0.5", "--topic", "CNN", "--date", "2026-11-19")
    _log(runner, "--hours", "3", "--topic", "ViT", "--date", "2026-11-15")
    with closing(open_db(db_path)) as db:
        for score, day in [(6.0, "17"), (8.5, "18"), (7.0, "20")]:
            record_attempt(
                db,
                GradeReport(
                    "resnet",
                    score,
                    10.0,
                    "cpu",
                    "quick",
                    3.0,
                    started_at=f"2026-11-{day}T12:00:00Z",
                ),
            )
    return runner


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
    result = runner.invoke(cli, ["log", "--hours", "1", "--topic", "CNN", "--date", "2999-01-01"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: cannot log study time in the future: 2999-01-01. ")


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


def test_report_weekly_json(week: CliRunner) -> None:
    result = week.invoke(cli, ["report", "weekly", "--week", "2026-W47", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "week": "2026-W47",
        "start": "2026-11-16",
        "end": "2026-11-22",
        "total_minutes": 285,
        "total_hours": 4.75,
        "days": [
            {"day": "2026-11-16", "minutes": 120, "hours": 2.0},
            {"day": "2026-11-17", "minutes": 90, "hours": 1.5},
            {"day": "2026-11-18", "minutes": 0, "hours": 0.0},
            {"day": "2026-11-19", "minutes": 75, "hours": 1.25},
            {"day": "2026-11-20", "minutes": 0, "hours": 0.0},
            {"day": "2026-11-21", "minutes": 0, "hours": 0.0},
            {"day": "2026-11-22", "minutes": 0, "hours": 0.0},
        ],
        "topics": [
            {"topic": "CNN", "minutes": 150, "hours": 2.5},
            {"topic": "합성곱 신경망", "minutes": 90, "hours": 1.5},
            {"topic": "RNN", "minutes": 45, "hours": 0.75},
        ],
        "grades": [
            {
                "assignment": "resnet",
                "best_score": 8.5,
                "max_score": 10.0,
                "attempts": 3,
                "last_day": "2026-11-20",
            }
        ],
    }
    assert '"topic": "합성곱 신경망"' in result.output  # not \uXXXX escapes
    assert result.output.startswith('{\n  "week": "2026-W47",\n')


def test_report_weekly_table(week: CliRunner) -> None:
    result = week.invoke(cli, ["report", "weekly", "--week", "2026-W47"])
    assert result.exit_code == 0, result.output
    assert [line.rstrip() for line in result.output.splitlines()] == [
        "Week 2026-W47: 2026-11-16 to 2026-11-22",
        "",
        "Study time per day",
        "┌───────┬────────────┬────────┬──────────────────────┐",
        "│ Day   │ Date       │   Time │                      │",
        "├───────┼────────────┼────────┼──────────────────────┤",
        "│ Mon   │ 2026-11-16 │ 2h 00m │ ████████████████████ │",
        "│ Tue   │ 2026-11-17 │ 1h 30m │ ███████████████      │",
        "│ Wed   │ 2026-11-18 │ 0h 00m │                      │",
        "│ Thu   │ 2026-11-19 │ 1h 15m │ ████████████         │",
        "│ Fri   │ 2026-11-20 │ 0h 00m │                      │",
        "│ Sat   │ 2026-11-21 │ 0h 00m │                      │",
        "│ Sun   │ 2026-11-22 │ 0h 00m │                      │",
        "├───────┼────────────┼────────┼──────────────────────┤",
        "│ Total │            │ 4h 45m │                      │",
        "└───────┴────────────┴────────┴──────────────────────┘",
        "",
        "Study time per topic",
        "┌───────────────┬────────┐",
        "│ Topic         │   Time │",
        "├───────────────┼────────┤",
        "│ CNN           │ 2h 30m │",
        "│ 합성곱 신경망 │ 1h 30m │",
        "│ RNN           │ 0h 45m │",
        "└───────────────┴────────┘",
        "",
        "Grade attempts",
        "┌────────────┬────────┬──────────┬──────────────┐",
        "│ Assignment │   Best │ Attempts │ Last attempt │",
        "├────────────┼────────┼──────────┼──────────────┤",
        "│ resnet     │ 8.5/10 │        3 │ 2026-11-20   │",
        "└────────────┴────────┴──────────┴──────────────┘",
    ]


def test_report_weekly_korean_topics_line_up(week: CliRunner) -> None:
    _log(week, "--minutes", "20", "--topic", "순환 신경망 (RNN) 복습", "--date", "2026-11-18")
    result = week.invoke(cli, ["report", "weekly", "--week", "2026-W47"])
    lines = result.output.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("Study time per topic"))
    table = lines[top + 1 : top + 9]
    assert table[0].startswith("┌") and table[-1].startswith("└")
    assert any("합성곱 신경망" in line for line in table)
    assert any("순환 신경망 (RNN) 복습" in line for line in table)
    borders = [_border_columns(line) for line in table]
    assert borders == [borders[0]] * len(table)
    assert {cell_len(line) for line in table} == {cell_len(table[0])}


def test_report_weekly_empty_week(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "weekly", "--week", "2026-W01"])
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.output.splitlines()]
    assert lines[0] == "Week 2026-W01: 2025-12-29 to 2026-01-04"
    assert lines[6] == "│ Mon   │ 2025-12-29 │ 0h 00m │                      │"
    assert lines[14] == "│ Total │            │ 0h 00m │                      │"
    assert lines[-3:] == [
        "No study time logged this week.",
        "",
        "No grade attempts this week.",
    ]


def test_report_weekly_bad_week(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "weekly", "--week", "2026-W99"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: not an ISO week: '2026-W99'. "
        "Use YYYY-Www (e.g. 2026-W47, weeks 01 to 52 or 53), this or last\n"
    )


def _border_columns(line: str) -> list[int]:
    """Terminal columns (cells, wide characters counting 2) of the box characters in a line."""
    columns, column = [], 0
    for char in line:
        if char in BOX:
            columns.append(column)
        column += cell_len(char)
    return columns
