"""`course export` and `course import` end to end, on the temporary COURSE_DB."""

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
from tests.tracker.test_transfer import TABLES, fill_every_table
from tracker.store import MIGRATIONS, open_db
from tracker.transfer import export_data

SEOUL = timezone(timedelta(hours=9))
FIXED = datetime(2026, 11, 21, 13, 49, tzinfo=SEOUL)  # 04:49 UTC
FIX = "Pass a file written by course export"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "now", lambda: FIXED)


def _one_entry(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["log", "--hours", "2", "--topic", "합성곱", "--date", "2026-11-16"]
    )
    assert result.exit_code == 0, result.output


def _tables(path: Path) -> dict[str, list[dict[str, Any]]]:
    with closing(open_db(path)) as db:
        tables: dict[str, list[dict[str, Any]]] = export_data(db, now=FIXED)["tables"]
        return tables


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# --- course export --------------------------------------------------------------------------


def test_export_to_stdout(runner: CliRunner) -> None:
    _one_entry(runner)
    result = runner.invoke(cli, ["export"])
    assert result.exit_code == 0
    assert result.stderr == ""
    created = json.loads(result.stdout)["tables"]["study_log"][0]["created_at"]
    expected = {
        "format": "course-export",
        "schema_version": 5,
        "exported_at": "2026-11-21T04:49:00Z",
        "tables": {
            "study_log": [
                {
                    "id": 1,
                    "day": "2026-11-16",
                    "minutes": 120,
                    "topic": "합성곱",
                    "note": None,
                    "created_at": created,
                    "started_at": None,
                    "ended_at": None,
                    "updated_at": None,
                    "utc_offset": None,
                }
            ],
            **{name: [] for name in TABLES[1:]},
        },
    }
    assert result.stdout_bytes == (
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    ).encode("utf-8")
    assert runner.invoke(cli, ["export", "--format", "json"]).stdout_bytes == result.stdout_bytes


def test_export_to_a_file(runner: CliRunner, tmp_path: Path, db_path: Path) -> None:
    with closing(open_db(db_path)) as db:
        fill_every_table(db)
    out = tmp_path / "backup.json"
    result = runner.invoke(cli, ["export", "--out", str(out)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"Exported 23 rows from 9 tables to {out}.\n"
    assert out.read_bytes() == runner.invoke(cli, ["export"]).stdout_bytes


def test_export_of_an_empty_database_says_so(
    runner: CliRunner, tmp_path: Path, db_path: Path
) -> None:
    result = runner.invoke(cli, ["export", "--out", str(tmp_path / "empty.json")])
    assert result.stderr == f"Exported 0 rows from 9 tables to {tmp_path / 'empty.json'}.\n"
    _one_entry(runner)
    result = runner.invoke(cli, ["export", "--out", str(tmp_path / "one.json")])
    assert result.stderr == f"Exported 1 row from 9 tables to {tmp_path / 'one.json'}.\n"


def test_export_refuses_to_overwrite_unless_forced(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "backup.json"
    out.write_text("my notes")
    result = runner.invoke(cli, ["export", "--out", str(out)])
    assert (result.exit_code, result.output) == (
        2,
        f"Error: the output file already exists: {out}. "
        "Pass --force to replace it, or name another file\n",
    )
    assert out.read_text() == "my notes"
    result = runner.invoke(cli, ["export", "--out", str(out), "--force"])
    assert result.exit_code == 0
    assert json.loads(out.read_text())["format"] == "course-export"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--force"],
            "Error: --force only applies to --out FILE. Pass --out backup.json",
        ),
        (
            ["--out", "{tmp}/missing/backup.json"],
            "Error: the output file's folder does not exist: {tmp}/missing. Create it first",
        ),
        (
            ["--out", "{tmp}"],
            "Error: the output path is a folder: {tmp}. Name a file, e.g. backup.json",
        ),
    ],
    ids=["force-without-out", "missing-folder", "folder"],
)
def test_export_bad_usage(runner: CliRunner, tmp_path: Path, args: list[str], line: str) -> None:
    result = runner.invoke(cli, ["export", *[arg.format(tmp=tmp_path) for arg in args]])
    assert (result.exit_code, result.output) == (2, line.format(tmp=tmp_path) + "\n")


def test_export_never_writes_over_the_database(runner: CliRunner, db_path: Path) -> None:
    _one_entry(runner)
    before = db_path.read_bytes()
    result = runner.invoke(cli, ["export", "--out", str(db_path), "--force"])
    assert (result.exit_code, result.output) == (
        2,
        f"Error: --out names the tracker database itself: {db_path}. Name another file\n",
    )
    assert db_path.read_bytes() == before


def test_export_unknown_format(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["export", "--format", "csv"])
    assert result.exit_code == 2
    assert result.output.endswith("Error: Invalid value for '--format': 'csv' is not 'json'.\n")


# --- course import --------------------------------------------------------------------------


def test_import_into_an_empty_database(runner: CliRunner, tmp_path: Path, db_path: Path) -> None:
    source = tmp_path / "source.db"
    with closing(open_db(source)) as db:
        fill_every_table(db)
        data = export_data(db, now=FIXED)
    backup = _write(tmp_path / "backup.json", data)
    result = runner.invoke(cli, ["import", str(backup)])
    assert (result.exit_code, result.output) == (
        0,
        f"Imported 23 rows from {backup} into {db_path}:\n"
        "  study_log       3\n"
        "  grade_attempts  2\n"
        "  grade_checks    4\n"
        "  timer           1\n"
        "  retro_items     4\n"
        "  problems        2\n"
        "  problem_tags    3\n"
        "  goals           2\n"
        "  questions       2\n",
    )
    assert _tables(db_path) == data["tables"]
    assert [p.name for p in tmp_path.iterdir() if ".bak" in p.name] == []


def test_import_refuses_a_database_with_data(
    runner: CliRunner, tmp_path: Path, db_path: Path
) -> None:
    _one_entry(runner)
    backup = tmp_path / "backup.json"
    assert runner.invoke(cli, ["export", "--out", str(backup)]).exit_code == 0
    before = db_path.read_bytes()
    result = runner.invoke(cli, ["import", str(backup)])
    assert (result.exit_code, result.output) == (
        2,
        "Error: the tracker database already holds data: 1 row in study_log. "
        "Pass --replace to replace all of it (a backup is made first), "
        "or set COURSE_DB to a new file and import there\n",
    )
    assert db_path.read_bytes() == before


def test_import_replace_backs_up_first(runner: CliRunner, tmp_path: Path, db_path: Path) -> None:
    source = tmp_path / "source.db"
    with closing(open_db(source)) as db:
        fill_every_table(db)
        data = export_data(db, now=FIXED)
    backup = _write(tmp_path / "backup.json", data)
    _one_entry(runner)
    mine = _tables(db_path)
    result = runner.invoke(cli, ["import", str(backup), "--replace"])
    copy = tmp_path / "course.db.bak-import-20261121T044900Z"
    assert result.exit_code == 0
    assert result.output.splitlines()[:3] == [
        f"Backed up the database to {copy}.",
        f"Imported 23 rows from {backup} into {db_path}:",
        "  study_log       3",
    ]
    assert _tables(db_path) == data["tables"]
    assert _tables(copy) == mine
    again = runner.invoke(cli, ["import", str(backup), "--replace"])
    assert again.output.splitlines()[0] == f"Backed up the database to {copy}-2."


def test_import_replace_into_an_empty_database_makes_no_backup(
    runner: CliRunner, tmp_path: Path
) -> None:
    backup = _write(
        tmp_path / "backup.json",
        {"format": "course-export", "schema_version": 5, "tables": {}},
    )
    result = runner.invoke(cli, ["import", str(backup), "--replace"])
    assert result.output.splitlines()[0] == f"Imported 0 rows from {backup} into " + str(
        tmp_path / "course.db:"
    )
    assert [p.name for p in tmp_path.iterdir() if ".bak" in p.name] == []


def test_import_of_an_older_export_upgrades_it(
    runner: CliRunner, tmp_path: Path, db_path: Path
) -> None:
    with closing(open_db(tmp_path / "old.db", migrations=MIGRATIONS[:1])) as old:
        old.table("study_log").insert(
            {
                "day": "2026-11-16",
                "minutes": 45,
                "topic": "RNN",
                "created_at": "2026-11-16T01:00:00Z",
            }
        )
        data = export_data(old, now=FIXED)
    backup = _write(tmp_path / "old.json", data)
    result = runner.invoke(cli, ["import", str(backup)])
    assert result.output.splitlines()[:3] == [
        "The file has schema version 1; its rows were upgraded to version 5.",
        f"Imported 1 row from {backup} into {db_path}:",
        "  study_log       1",
    ]
    assert _tables(db_path)["study_log"][0]["started_at"] is None


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (
            b'{\n  "format": "course-export",\n  oops\n}',
            "Error: the export file is not valid JSON: {path} (line 3, column 3: "
            f"Expecting property name enclosed in double quotes). {FIX}",
        ),
        (b"\xff\xfe{}", f"Error: the export file is not UTF-8 text: {{path}} (byte 1). {FIX}"),
        (
            b'"just text"',
            "Error: not a course export (the file holds a JSON string, not an object): "
            f"{{path}}. {FIX}",
        ),
        (
            b'{"format": "datasette"}',
            "Error: not a course export (\"format\" is 'datasette', not 'course-export'): "
            f"{{path}}. {FIX}",
        ),
        (
            b'{"format": "course-export", "schema_version": 9, "tables": {}}',
            "Error: the export has schema version 9, made by a newer course (this one knows up "
            "to 5): {path}. Upgrade course (pip install -U course-toolkit) and import it again",
        ),
        (
            b'{"format": "course-export", "schema_version": 2, "tables": {"moods": []}}',
            "Error: the export has a table this course does not know: 'moods' in {path}. "
            "The tables are: study_log, grade_attempts, grade_checks, timer, retro_items, "
            "problems, problem_tags, goals, questions; remove it, or import with the course "
            "that wrote the file",
        ),
    ],
    ids=["invalid-json", "not-utf8", "not-an-object", "wrong-format", "newer", "unknown-table"],
)
def test_import_bad_files(
    runner: CliRunner, tmp_path: Path, db_path: Path, content: bytes, line: str
) -> None:
    _one_entry(runner)
    before = _tables(db_path)
    path = tmp_path / "backup.json"
    path.write_bytes(content)
    result = runner.invoke(cli, ["import", str(path), "--replace"])
    assert (result.exit_code, result.output) == (2, line.format(path=path) + "\n")
    assert _tables(db_path) == before
    assert [p.name for p in tmp_path.iterdir() if ".bak" in p.name] == []


def test_import_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["import", str(tmp_path / "nope.json")])
    assert (result.exit_code, result.output) == (
        2,
        f"Error: cannot read the export file: {tmp_path / 'nope.json'}. "
        "No such file or directory; pass the path of a file written by course export\n",
    )


def test_import_needs_a_file(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["import"])
    assert result.exit_code == 2
    assert result.output.endswith("Error: Missing argument 'FILE'.\n")


# --- a round trip through the CLI -----------------------------------------------------------


def test_cli_round_trip_is_lossless(
    runner: CliRunner, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _one_entry(runner)
    with closing(open_db(db_path)) as db:
        fill_every_table(db)
    first = tmp_path / "first.json"
    assert runner.invoke(cli, ["export", "--out", str(first)]).exit_code == 0

    monkeypatch.setenv("COURSE_DB", str(tmp_path / "other" / "course.db"))
    imported = runner.invoke(cli, ["import", str(first)])
    assert imported.exit_code == 0, imported.output
    second = tmp_path / "second.json"
    assert runner.invoke(cli, ["export", "--out", str(second)]).exit_code == 0

    assert second.read_bytes() == first.read_bytes()
    assert json.loads(first.read_text())["tables"]["study_log"][0]["topic"] == "합성곱"
