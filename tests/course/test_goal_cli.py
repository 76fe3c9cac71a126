"""`course goal set / list / clear` end to end, on the temporary COURSE_DB with a fixed clock."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from course.cli import cli
from course.commands import context
from tracker.store import insert, open_db

KST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 21, 13, 5, tzinfo=KST)  # Saturday of 2026-W47 (16 to 22 November)


@pytest.fixture
def clock(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The runner with the clock fixed at :data:`NOW`."""
    monkeypatch.setattr(context, "now", lambda: NOW)
    return runner


@pytest.fixture
def studied(clock: CliRunner, db_path: Path) -> CliRunner:
    """7.5 h of study in 2026-W47 (3.5 h of it CNN, any case) and 3 distinct problems solved."""
    rows = [
        ("2026-11-15", 600, "CNN"),  # W46
        ("2026-11-16", 120, "CNN"),
        ("2026-11-18", 90, "cnn"),
        ("2026-11-20", 180, "RNN"),
        ("2026-11-21", 60, "Math"),
    ]
    problems = [
        ("boj", "1000", "solved", "2026-11-17"),
        ("boj", "1000", "solved", "2026-11-20"),
        ("boj", "1001", "solved", "2026-11-19"),
        ("leetcode", "1", "solved", "2026-11-19"),
        ("boj", "1002", "failed", "2026-11-19"),
        ("boj", "1003", "solved", "2026-11-14"),  # W46
    ]
    with closing(open_db(db_path)) as db:
        for day, minutes, topic in rows:
            record = {"day": day, "minutes": minutes, "topic": topic, "created_at": "x"}
            insert(db, "study_log", record)
        for site, number, status, day in problems:
            record = {"site": site, "number": number, "status": status, "day": day}
            insert(db, "problems", {**record, "created_at": "x"})
    return clock


def _ok(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, ["goal", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _goal_rows(db_path: Path) -> list[tuple[str, str, str, float]]:
    with closing(open_db(db_path)) as db:
        return [
            (row["week"], row["kind"], row["topic"], row["target"])
            for row in db.query("SELECT * FROM goals ORDER BY id")
        ]


# --- course goal set ------------------------------------------------------------------------


def test_set_with_week_alone_is_this_week(studied: CliRunner, db_path: Path) -> None:
    output = _ok(studied, "set", "--week", "--hours", "10", "--problems", "4")
    assert output == (
        "Goal set for 2026-W47: Study time 10h 00m.\n"
        "Goal set for 2026-W47: Problems solved 4.\n"
        "Goals for 2026-W47 (2026-11-16 to 2026-11-22)\n"
        "┌─────────────────┬─────────┬────────┬──────────┬────────────┐\n"
        "│ Goal            │  Target │   Done │ Achieved │            │\n"
        "├─────────────────┼─────────┼────────┼──────────┼────────────┤\n"
        "│ Study time      │ 10h 00m │ 7h 30m │      75% │ ████████   │\n"
        "│ Problems solved │       4 │      3 │      75% │ ████████   │\n"
        "└─────────────────┴─────────┴────────┴──────────┴────────────┘\n"
    )
    assert _goal_rows(db_path) == [
        ("2026-W47", "hours", "", 10.0),
        ("2026-W47", "problems", "", 4.0),
    ]


def test_week_alone_follows_the_clock(
    runner: CliRunner, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monday = datetime(2026, 11, 23, 0, 30, tzinfo=KST)  # Sunday 15:30 in UTC, Monday here
    monkeypatch.setattr(context, "now", lambda: monday)
    assert _ok(runner, "set", "--hours", "3", "--week").startswith(
        "Goal set for 2026-W48: Study time 3h 00m.\nGoals for 2026-W48 (2026-11-23 to 2026-11-29)\n"
    )
    assert _goal_rows(db_path) == [("2026-W48", "hours", "", 3.0)]


def test_set_without_week_is_this_week_too(studied: CliRunner, db_path: Path) -> None:
    _ok(studied, "set", "--hours", "10")
    assert _goal_rows(db_path) == [("2026-W47", "hours", "", 10.0)]


def test_set_a_topic_goal(studied: CliRunner, db_path: Path) -> None:
    output = _ok(studied, "set", "--topic", "Cnn", "--hours", "2")
    assert output == (
        "Goal set for 2026-W47: Cnn 2h 00m.\n"
        "Goals for 2026-W47 (2026-11-16 to 2026-11-22)\n"
        "┌──────┬────────┬────────┬──────────┬────────────┐\n"
        "│ Goal │ Target │   Done │ Achieved │            │\n"
        "├──────┼────────┼────────┼──────────┼────────────┤\n"
        "│ Cnn  │ 2h 00m │ 3h 30m │     175% │ ██████████ │\n"
        "└──────┴────────┴────────┴──────────┴────────────┘\n"
    )
    assert _goal_rows(db_path) == [("2026-W47", "topic_hours", "Cnn", 2.0)]


def test_setting_again_replaces(studied: CliRunner, db_path: Path) -> None:
    _ok(studied, "set", "--hours", "10", "--topic", "CNN")
    _ok(studied, "set", "--hours", "40")
    output = _ok(studied, "set", "--hours", "5", "--topic", "cnn")
    assert output == (
        "Goal set for 2026-W47: cnn 5h 00m.\n"
        "Goals for 2026-W47 (2026-11-16 to 2026-11-22)\n"
        "┌────────────┬─────────┬────────┬──────────┬────────────┐\n"
        "│ Goal       │  Target │   Done │ Achieved │            │\n"
        "├────────────┼─────────┼────────┼──────────┼────────────┤\n"
        "│ Study time │ 40h 00m │ 7h 30m │      19% │ ██         │\n"
        "│ cnn        │  5h 00m │ 3h 30m │      70% │ ███████    │\n"
        "└────────────┴─────────┴────────┴──────────┴────────────┘\n"
    )
    assert _goal_rows(db_path) == [
        ("2026-W47", "topic_hours", "cnn", 5.0),
        ("2026-W47", "hours", "", 40.0),
    ]


@pytest.mark.parametrize(
    ("week", "label"),
    [("next", "2026-W48"), ("last", "2026-W46"), ("2026-w2", "2026-W02"), ("this", "2026-W47")],
)
def test_set_for_another_week(clock: CliRunner, db_path: Path, week: str, label: str) -> None:
    output = _ok(clock, "set", "--week", week, "--problems", "5")
    assert output.startswith(f"Goal set for {label}: Problems solved 5.\nGoals for {label} (")
    assert _goal_rows(db_path) == [(label, "problems", "", 5.0)]


def test_set_shows_markup_as_typed(clock: CliRunner) -> None:
    output = _ok(clock, "set", "--week", "next", "--topic", "[b]합성곱[/b]", "--hours", "1.25")
    assert output == (
        "Goal set for 2026-W48: [b]합성곱[/b] 1h 15m.\n"
        "Goals for 2026-W48 (2026-11-23 to 2026-11-29)\n"
        "┌───────────────┬────────┬────────┬──────────┬────────────┐\n"
        "│ Goal          │ Target │   Done │ Achieved │            │\n"
        "├───────────────┼────────┼────────┼──────────┼────────────┤\n"
        "│ [b]합성곱[/b] │ 1h 15m │ 0h 00m │       0% │            │\n"
        "└───────────────┴────────┴────────┴──────────┴────────────┘\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no goal given. Pass e.g. --hours 40, --problems 5 or --topic CNN --hours 10"),
        (["--week"], "no goal given. Pass e.g. --hours 40, --problems 5 or --topic CNN --hours 10"),
        (
            ["--hours", "0"],
            "an hours goal must be more than 0 and at most 168 (a week's hours): 0.0. "
            "Pass e.g. --hours 40",
        ),
        (
            ["--hours", "-3"],
            "an hours goal must be more than 0 and at most 168 (a week's hours): -3.0. "
            "Pass e.g. --hours 40",
        ),
        (
            ["--hours", "169", "--problems", "3"],
            "an hours goal must be more than 0 and at most 168 (a week's hours): 169.0. "
            "Pass e.g. --hours 40",
        ),
        (["--hours", "nan"], "hours must be a number: nan. Pass e.g. --hours 40"),
        (["--hours", "inf"], "hours must be a number: inf. Pass e.g. --hours 40"),
        (
            ["--problems", "0"],
            "a problems goal must be more than 0 and at most 1000: 0. Pass e.g. --problems 5",
        ),
        (
            ["--topic", "CNN", "--problems", "3"],
            "--topic needs --hours: CNN. Set that topic's hours goal with --topic CNN --hours 10",
        ),
        (
            ["--topic", " ", "--hours", "3"],
            "the topic is empty. Name a topic, e.g. --topic CNN --hours 10",
        ),
        (
            ["--week", "2026-W54", "--hours", "3"],
            "not an ISO week: '2026-W54'. "
            "Use YYYY-Www (e.g. 2026-W47, weeks 01 to 52 or 53), this, last or next",
        ),
    ],
)
def test_set_refuses(clock: CliRunner, db_path: Path, args: list[str], message: str) -> None:
    result = clock.invoke(cli, ["goal", "set", *args])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")
    assert _goal_rows(db_path) == []


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--problems", "2.5"], "'2.5' is not a valid integer."),
        (["--hours", "ten"], "'ten' is not a valid float."),
    ],
)
def test_set_refuses_what_click_cannot_read(
    clock: CliRunner, args: list[str], complaint: str
) -> None:
    result = clock.invoke(cli, ["goal", "set", *args])
    assert result.exit_code == 2
    assert complaint in result.stderr


# --- course goal list -----------------------------------------------------------------------


def test_list_this_week(studied: CliRunner) -> None:
    _ok(studied, "set", "--problems", "2", "--hours", "4.5")
    _ok(studied, "set", "--topic", "RNN", "--hours", "6")
    _ok(studied, "set", "--week", "next", "--hours", "20")
    expected = (
        "Goals for 2026-W47 (2026-11-16 to 2026-11-22)\n"
        "┌─────────────────┬────────┬────────┬──────────┬────────────┐\n"
        "│ Goal            │ Target │   Done │ Achieved │            │\n"
        "├─────────────────┼────────┼────────┼──────────┼────────────┤\n"
        "│ Study time      │ 4h 30m │ 7h 30m │     167% │ ██████████ │\n"
        "│ RNN             │ 6h 00m │ 3h 00m │      50% │ █████      │\n"
        "│ Problems solved │      2 │      3 │     150% │ ██████████ │\n"
        "└─────────────────┴────────┴────────┴──────────┴────────────┘\n"
    )
    assert _ok(studied, "list") == expected
    assert _ok(studied, "list", "--week") == expected
    assert _ok(studied, "list", "--week", "2026-W47") == expected


def test_list_a_week_without_goals(clock: CliRunner) -> None:
    assert _ok(clock, "list", "--week", "last") == (
        "Goals for 2026-W46 (2026-11-09 to 2026-11-15)\n"
        "No goals yet. Set one with course goal set --week 2026-W46 --hours 40\n"
    )


def test_list_json(studied: CliRunner) -> None:
    _ok(studied, "set", "--hours", "10", "--problems", "4")
    assert json.loads(_ok(studied, "list", "--json")) == {
        "week": "2026-W47",
        "start": "2026-11-16",
        "end": "2026-11-22",
        "goals": [
            {
                "id": 1,
                "week": "2026-W47",
                "kind": "hours",
                "topic": None,
                "target": 10.0,
                "label": "Study time",
                "unit": "h",
                "actual": 7.5,
                "percent": 75.0,
                "until": "2026-11-22",
            },
            {
                "id": 2,
                "week": "2026-W47",
                "kind": "problems",
                "topic": None,
                "target": 4.0,
                "label": "Problems solved",
                "unit": "problems",
                "actual": 3.0,
                "percent": 75.0,
                "until": "2026-11-22",
            },
        ],
    }


def test_list_refuses_a_bad_week(clock: CliRunner) -> None:
    result = clock.invoke(cli, ["goal", "list", "--week", "soon"])
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: not an ISO week: 'soon'. "
        "Use YYYY-Www (e.g. 2026-W47, weeks 01 to 52 or 53), this, last or next\n",
    )


# --- course goal clear ----------------------------------------------------------------------


@pytest.fixture
def goals(clock: CliRunner) -> CliRunner:
    _ok(clock, "set", "--hours", "40", "--problems", "5")
    _ok(clock, "set", "--topic", "CNN", "--hours", "10")
    _ok(clock, "set", "--week", "next", "--hours", "20")
    return clock


def test_clear_a_topic(goals: CliRunner, db_path: Path) -> None:
    assert _ok(goals, "clear", "--topic", "cnn") == "Removed goal of 2026-W47: CNN 10h 00m.\n"
    assert _goal_rows(db_path) == [
        ("2026-W47", "hours", "", 40.0),
        ("2026-W47", "problems", "", 5.0),
        ("2026-W48", "hours", "", 20.0),
    ]


def test_clear_hours_and_problems(goals: CliRunner, db_path: Path) -> None:
    assert _ok(goals, "clear", "--hours") == "Removed goal of 2026-W47: Study time 40h 00m.\n"
    assert _ok(goals, "clear", "--week", "--problems") == (
        "Removed goal of 2026-W47: Problems solved 5.\n"
    )
    assert _goal_rows(db_path) == [
        ("2026-W47", "topic_hours", "CNN", 10.0),
        ("2026-W48", "hours", "", 20.0),
    ]


def test_clear_all(goals: CliRunner, db_path: Path) -> None:
    assert _ok(goals, "clear", "--all") == (
        "Removed goal of 2026-W47: Study time 40h 00m.\n"
        "Removed goal of 2026-W47: CNN 10h 00m.\n"
        "Removed goal of 2026-W47: Problems solved 5.\n"
    )
    assert _goal_rows(db_path) == [("2026-W48", "hours", "", 20.0)]
    assert _ok(goals, "clear", "--week", "next", "--all") == (
        "Removed goal of 2026-W48: Study time 20h 00m.\n"
    )
    assert _goal_rows(db_path) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [],
            "say which goal to clear with exactly one of --topic, --hours, --problems, --all: "
            "none given. Pass e.g. --topic CNN, or --all for every goal of the week",
        ),
        (
            ["--hours", "--all"],
            "say which goal to clear with exactly one of --topic, --hours, --problems, --all: "
            "--hours and --all. Pass e.g. --topic CNN, or --all for every goal of the week",
        ),
        (
            ["--topic", "RNN"],
            "no goal to clear: 2026-W47 has no hours goal for RNN. "
            "See them with course goal list --week 2026-W47",
        ),
        (
            ["--week", "last", "--all"],
            "no goal to clear: 2026-W46 has no goals. "
            "See them with course goal list --week 2026-W46",
        ),
        (
            ["--week", "next", "--problems"],
            "no goal to clear: 2026-W48 has no problems goal. "
            "See them with course goal list --week 2026-W48",
        ),
    ],
)
def test_clear_refuses(goals: CliRunner, db_path: Path, args: list[str], message: str) -> None:
    result = goals.invoke(cli, ["goal", "clear", *args])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")
    assert len(_goal_rows(db_path)) == 4
