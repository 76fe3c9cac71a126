"""Shared fixtures: a CliRunner on a temporary database, a console writing to StringIO."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

# The suite registry holds assertions of its own; show their values when they fail.
pytest.register_assert_rewrite("tests.grader.registry")


@pytest.fixture
def local_tz() -> Iterator[Callable[[str], None]]:
    """``local_tz("KST-9")`` sets the process's local time zone (a POSIX TZ string) for the
    test; the zone before it is restored afterwards."""
    saved = os.environ.get("TZ")

    def use(tz: str) -> None:
        os.environ["TZ"] = tz
        time.tzset()

    yield use
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database path, exported as ``COURSE_DB`` so the CLI uses it."""
    path = tmp_path / "course.db"
    monkeypatch.setenv("COURSE_DB", str(path))
    return path


@pytest.fixture
def runner(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CliRunner whose commands see the temporary database and a 100-column terminal."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    yield CliRunner()


@pytest.fixture
def outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current directory that no workspace holds."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def console() -> Console:
    """A rich console that writes plain text (no colour) to a StringIO, 100 columns wide."""
    return Console(file=io.StringIO(), width=100, color_system=None, legacy_windows=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that train go first, in the order they were collected (the longest first),
    then those marked ``early(seconds)``, the costliest first, so that under pytest-xdist the
    long units of work start at once instead of ending the run alone."""

    def order(item: pytest.Item) -> tuple[int, float]:
        if item.get_closest_marker("training") is not None:
            return (0, 0.0)
        early = item.get_closest_marker("early")
        return (1, -float(early.args[0])) if early is not None else (2, 0.0)

    items.sort(key=order)
