"""`course info`: exact lines, from fixed answers for what depends on the machine."""

from __future__ import annotations

import json
import platform
from pathlib import Path

import pytest
from click.testing import CliRunner

import grader.data
import grader.sandbox
from course import __version__
from course.app import info
from course.cli import cli
from tracker.store import SCHEMA_VERSION


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No data set, no bwrap, a CPU torch; the current folder outside any workspace."""
    monkeypatch.setattr(grader.data, "find_dataset", lambda: None)
    monkeypatch.setattr(grader.sandbox, "bwrap_problem", lambda: "bwrap is not installed")
    monkeypatch.setattr(info, "_torch", lambda: ("2.13.0", "cpu"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _expected(database: str) -> list[str]:
    return [
        f"course {__version__} (Python {platform.python_version()})",
        f"Database   {database}",
        "Workspace  none (course init makes one)",
        "Data set   Fashion-MNIST not found (course data fetches it)",
        "Device     cpu, torch 2.13.0",
        "Sandbox    none (bwrap is not installed)",
    ]


def test_info_before_the_database_exists_creates_nothing(
    runner: CliRunner, db_path: Path, machine: Path
) -> None:
    result = runner.invoke(cli, ["info"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == _expected(
        f"{db_path} (not created yet: the first tracker command makes it)"
    )
    assert not db_path.exists()


def test_info_shows_the_schema_version_and_the_workspace(
    runner: CliRunner, db_path: Path, machine: Path
) -> None:
    assert runner.invoke(cli, ["log", "--minutes", "30", "--topic", "CNN"]).exit_code == 0
    (machine / "course.yaml").write_text("{}\n")
    result = runner.invoke(cli, ["info", "--json"])
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert (shown["schema_version"], shown["schema_latest"]) == (SCHEMA_VERSION, SCHEMA_VERSION)
    assert shown["workspace"] == str(machine.resolve())
    assert shown["database_problem"] is None


def test_info_names_a_damaged_database_and_does_not_touch_it(
    runner: CliRunner, db_path: Path, machine: Path
) -> None:
    db_path.write_bytes(b"not a database" * 100)
    result = runner.invoke(cli, ["info"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == (
        f"Database   {db_path} (cannot be read: file is not a database)"
    )
    assert db_path.read_bytes() == b"not a database" * 100
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["course.db"]
