"""``course import`` accepts exactly what the commands could have written (issue 17, section 1).

Each case takes a real export (written by commands), spoils one value the way a hand-edited
or damaged file would, and imports it: ``Error: ...`` naming the table, row and column, exit
2, the database left as it was. Values that mean the same as what a command writes (a number
given as text in an INTEGER column) are still accepted.
"""

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
from tracker.transfer import export_data, table_names

SEOUL = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 21, 13, 49, tzinfo=SEOUL)
FIX = "Fix that row, or export again from the database it came from"


@pytest.fixture
def export(runner: CliRunner, monkeypatch: pytest.MonkeyPatch, db_path: Path) -> dict[str, Any]:
    """An export of a database filled by commands; the database is then emptied."""
    monkeypatch.setattr(context, "now", lambda: NOW)
    for args in (
        ["log", "--hours", "2", "--topic", "합성곱", "--date", "2026-11-16", "--note", "im2col"],
        ["log", "--minutes", "30", "--topic", "RNN", "--date", "2026-11-16"],
        ["problem", "add", "boj", "1000", "--tags", "math", "--minutes", "15"],
        ["goal", "set", "--hours", "20", "--problems", "5"],
        ["question", "add", "why tanh?", "--topic", "RNN"],
        ["retro", "--keep", "daily review", "--try", "sleep early"],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    with closing(open_db(db_path)) as db:
        data = export_data(db, now=NOW)
    db_path.unlink()
    return data


def _import(runner: CliRunner, tmp_path: Path, data: dict[str, Any]) -> tuple[int, str]:
    path = tmp_path / "spoiled.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(cli, ["import", str(path)])
    return result.exit_code, result.stderr.replace(str(path), "FILE")


def _rows(db_path: Path) -> int:
    with closing(open_db(db_path)) as db:
        return sum(db[name].count for name in table_names(db))


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "why"),
    [
        ("study_log", 0, "minutes", 1.5, "minutes must be a whole number from 1 to 1440"),
        ("study_log", 0, "minutes", "abc", "minutes must be a whole number from 1 to 1440"),
        ("study_log", 0, "minutes", -30, "minutes must be a whole number from 1 to 1440"),
        ("study_log", 0, "minutes", 100000, "minutes must be a whole number from 1 to 1440"),
        ("study_log", 0, "day", "2026-02-30", "day not a real date"),
        ("study_log", 0, "day", "garbage", "day a day must be text like 2026-11-21"),
        ("study_log", 0, "day", "0001-01-01", "day days go from 2000-01-01 to 2099-12-31"),
        ("study_log", 0, "day", "2026-12-25", "day a day after 2026-11-21 is in the future"),
        ("study_log", 0, "topic", "", "topic must not be blank"),
        ("study_log", 0, "topic", "\u200b", "topic must not be blank"),
        ("questions", 0, "topic", {"base64": "AP8="}, "topic must be text"),
        ("study_log", 0, "note", {"base64": "AP8="}, "note must be text"),
        (
            "study_log",
            0,
            "created_at",
            "yesterday",
            "created_at a timestamp must be UTC text like 2026-11-21T04:49:00Z",
        ),
        ("goals", 0, "target", 1e999, "target must be a finite number"),
        ("goals", 0, "target", 500.0, "target must be more than 0 and at most 168 hours"),
        ("goals", 1, "target", 2.5, "target must be a whole number of problems from 1 to 1000"),
        ("goals", 0, "week", "2026-W60", "week must be an ISO week like 2026-W47"),
        ("problems", 0, "used_hint", 2, "used_hint must be a whole number from 0 to 1"),
        ("problems", 0, "number", "abc", "number a BOJ problem number is digits"),
        ("problems", 0, "url", "javascript:alert(1)", "url must start with http:// or https://"),
        ("problem_tags", 0, "tag", " Math ", "tag must be lower case without extra spaces"),
        ("questions", 0, "text", "   ", "text must not be blank"),
        ("retro_items", 0, "reviewed_on", "soon", "reviewed_on a day must be text like 2026-11-21"),
    ],
)
def test_a_value_no_command_writes_is_refused(
    runner: CliRunner,
    tmp_path: Path,
    db_path: Path,
    export: dict[str, Any],
    table: str,
    row: int,
    column: str,
    value: Any,
    why: str,
) -> None:
    export["tables"][table][row][column] = value
    code, stderr = _import(runner, tmp_path, export)
    shown = "a BLOB" if isinstance(value, dict) else repr(float("inf") if value == 1e999 else value)
    assert (code, stderr) == (
        2,
        f"Error: the export holds a value no command would store ({why}): "
        f"{table} row {row + 1}, {column} = {shown} in FILE. {FIX}\n",
    )
    assert _rows(db_path) == 0


def test_a_note_longer_than_a_command_takes_is_refused(
    runner: CliRunner, tmp_path: Path, db_path: Path, export: dict[str, Any]
) -> None:
    export["tables"]["study_log"][0]["note"] = "x" * 10_001
    code, stderr = _import(runner, tmp_path, export)
    assert code == 2
    assert stderr.startswith(
        "Error: the export holds a value no command would store (note is too long): "
        "study_log row 1, note = 'xxx"
    )
    assert _rows(db_path) == 0


def test_more_than_a_day_on_one_day_is_refused(
    runner: CliRunner, tmp_path: Path, db_path: Path, export: dict[str, Any]
) -> None:
    export["tables"]["study_log"][0]["minutes"] = 1420  # + the other entry's 30 on that day
    assert _import(runner, tmp_path, export) == (
        2,
        "Error: the export holds more than 24 hours of study on one day: "
        "2026-11-16: 1450 min in study_log in FILE. "
        "Fix those rows, or export again from the database it came from\n",
    )
    assert _rows(db_path) == 0


def test_a_lone_surrogate_is_refused(
    runner: CliRunner, tmp_path: Path, db_path: Path, export: dict[str, Any]
) -> None:
    path = tmp_path / "surrogate.json"
    text = json.dumps(export).replace('"RNN"', '"\\ud800"', 1)
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["import", str(path)])
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: the export holds text that is not valid Unicode (a lone surrogate): "
        f"study_log row 2, column topic: '\\ud800' in {path}. {FIX}\n",
    )
    assert _rows(db_path) == 0


def test_deeply_nested_json_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = runner.invoke(cli, ["import", str(path)])
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: the export file nests its JSON too deeply: {path}. "
        "Pass a file written by course export\n",
    )


def test_the_same_meaning_in_another_form_is_accepted(
    runner: CliRunner, tmp_path: Path, db_path: Path, export: dict[str, Any]
) -> None:
    """A count as text in an INTEGER column, an empty optional note: what SQLite stores is
    what a command would have stored."""
    export["tables"]["study_log"][1]["minutes"] = "30"
    export["tables"]["study_log"][1]["note"] = ""
    export["tables"]["study_log"][1]["topic"] = 7  # TEXT affinity: stored as '7', a topic
    code, stderr = _import(runner, tmp_path, export)
    assert (code, stderr) == (0, "")
    with closing(open_db(db_path)) as db:
        rows = [(row["minutes"], row["topic"]) for row in db["study_log"].rows]
    assert rows == [(120, "합성곱"), (30, "7")]
