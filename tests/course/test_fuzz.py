"""Every tracker command driven with generated arguments (Hypothesis; issue 17, section 1).

The commands and their options are read from the click tree itself, so a new command or
option is fuzzed without editing this file. Each example runs one command line on a shared
database (what succeeds stays, so later examples meet more data) and asserts:

- the exit status is 0 or 2 (1 only for a "no" at a confirmation, which input never gives);
- no exception escapes (a traceback is a bug, whatever the input);
- on exit 2, the database is exactly as it was.

The number of examples is bounded (``FUZZ_EXAMPLES``, default 300) so ``make test`` stays
quick; ``FUZZ_EXAMPLES=5000 pytest tests/course/test_fuzz.py`` searches longer.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.cli import cli
from course.commands import context
from tracker.store import open_db
from tracker.transfer import export_data

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
KST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 21, 14, 5, tzinfo=KST)

TRACKER_COMMANDS = (
    "log", "start", "stop", "status", "edit", "delete", "report", "retro", "problem",
    "goal", "question", "export", "undo", "info",
)  # fmt: skip
"""The top-level commands fuzzed: all of the tracker (``import`` has its own test below);
the grading commands run student code and are tested with submissions instead."""

SAMPLES = [
    "", " ", "0", "1", "2", "7", "-1", "1.5", "1e309", "nan", "inf", "-0", "00", "\u0663", "\uff13",
    "9223372036854775807", "9223372036854775808", "99999999999999999999",
    "today", "yesterday", "3 days ago", "99999 days ago", "monday", "last sun",
    "2026-11-21", "2026-02-30", "0001-01-01", "9999-12-31", "2099-12-31", "1999-12-31",
    "2026-W47", "9999-W52", "2026-W53", "this", "last", "next", "2026-11", "0000-01",
    "14:05", "23:59", "24:00", "yesterday 23:30", "2026-11-20 14:05", "15m ago",
    "99999999999h ago", "now", "1h30m", "1h70m", "90m", "2h", "0m", "45",
    "CNN", "합성곱 신경망", "\u200b", "\ufeff", "\x1b[2J", "[bold]x[/bold]", "a\nb",
    "<script>alert(1)</script>", "*x*", ",,,", "dp,greedy", "boj", "leetcode", "other",
    "programmers", "solved", "failed", "attempted", "two-sum", "1000",
    "https://example.com/a(b)", "javascript:alert(1)", "json", "csv", "markdown", "table",
    "--help", "-",
]  # fmt: skip
"""Values that found bugs before, or sit on a boundary; mixed with arbitrary text."""

VALUES = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=12))


def _leaves(
    command: click.Command, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _leaves(sub, (*path, name))
    else:
        yield path, command


def _commands() -> list[tuple[tuple[str, ...], click.Command]]:
    ctx = click.Context(cli)
    found = []
    for name in TRACKER_COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None, name
        found.extend(_leaves(command, (name,)))
    return found


COMMANDS = _commands()


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """A command of :data:`TRACKER_COMMANDS`, some of its options, its arguments."""
    path, command = draw(st.sampled_from(COMMANDS))
    args = list(path)
    for param in command.params:
        if isinstance(param, click.Option):
            if param.hidden and param.name == "help":
                continue
            if not draw(st.booleans()):
                continue
            flag = draw(st.sampled_from(param.opts))
            if flag in ("--out", "--png"):
                continue  # files: tested in test_transfer_cli and test_report_cli
            if param.is_flag:
                args.append(flag)
            else:
                for _ in range(draw(st.integers(1, 2)) if param.multiple else 1):
                    args += [flag, draw(VALUES)]
        elif isinstance(param, click.Argument):
            count = (
                param.nargs
                if param.nargs > 0
                else draw(st.integers(0 if not param.required else 1, 2))
            )
            if not param.required and not draw(st.booleans()):
                continue
            args += [draw(VALUES) for _ in range(count)]
    return args


def _dump(path: Path) -> dict[str, Any]:
    with closing(open_db(path)) as db:
        tables: dict[str, Any] = export_data(db, now=NOW)["tables"]
        return tables


@pytest.fixture
def fuzz_runner(monkeypatch: pytest.MonkeyPatch, local_tz: Any) -> Iterator[tuple[CliRunner, Path]]:
    """A runner on a database with an entry, a timer, a problem, a goal, a question and a
    retro, the clock fixed at :data:`NOW` in Seoul."""
    local_tz("KST-9")
    monkeypatch.setattr(context, "now", lambda: NOW)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("EDITOR", "false")
    with tempfile.TemporaryDirectory() as folder:
        monkeypatch.chdir(folder)  # whatever a command might write lands there
        path = Path(folder) / "course.db"
        monkeypatch.setenv("COURSE_DB", str(path))
        runner = CliRunner()
        for args in (
            ["log", "--minutes", "30", "--topic", "CNN"],
            ["problem", "add", "boj", "1000", "--tags", "math"],
            ["goal", "set", "--hours", "10"],
            ["question", "add", "why?"],
            ["retro", "--try", "sleep early"],
            ["start", "RNN", "--at", "13:00"],
        ):
            assert runner.invoke(cli, args).exit_code == 0, args
        yield runner, path


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(args=command_lines())
def test_any_command_line_exits_0_or_2_and_a_refusal_writes_nothing(
    fuzz_runner: tuple[CliRunner, Path], args: list[str]
) -> None:
    runner, path = fuzz_runner
    before = _dump(path)
    result = runner.invoke(cli, args, input="")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"course {args!r} raised") from result.exception
    assert result.exit_code in (0, 2), (args, result.output)
    if result.exit_code == 2:
        assert _dump(path) == before, args


JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(SAMPLES),
        st.text(max_size=8),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


AFTER_IMPORT = [
    ["report", "weekly", "--week", "2026-W47"],
    ["report", "weekly", "--week", "2026-W47", "--format", "markdown"],
    ["report", "daily", "--date", "2026-11-21"],
    ["report", "monthly", "--month", "2026-11", "--format", "json"],
    ["report", "streak"],
    ["status"],
    ["problem", "list"],
    ["problem", "stats"],
    ["goal", "list"],
    ["question", "list"],
    ["retro", "--show"],
    ["edit", "1", "--note", "checked"],  # exit 2 when the spoiled value was row 1's id
    ["export"],
]
"""Commands that read every table, run after an import succeeds: what an import accepts
must be something they can show."""


@settings(
    max_examples=max(EXAMPLES // 3, 10),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_an_import_with_any_one_value_spoiled_exits_0_or_2(
    fuzz_runner: tuple[CliRunner, Path], data: st.DataObject
) -> None:
    """One value of a real export replaced by any JSON value: imported (exit 0, the file
    meant what a command could write) or refused (exit 2, nothing written); never a
    traceback. The import goes into an empty database beside the filled one."""
    runner, path = fuzz_runner
    export = export_data_of(path)
    tables = {name: rows for name, rows in export["tables"].items() if rows}
    table = data.draw(st.sampled_from(sorted(tables)))
    row = data.draw(st.sampled_from(tables[table]))
    column = data.draw(st.sampled_from(sorted(row)))
    row[column] = data.draw(JSON_VALUES)
    spoiled = path.with_name("spoiled.json")
    spoiled.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    target = path.with_name("target.db")
    target.unlink(missing_ok=True)
    result = runner.invoke(cli, ["import", str(spoiled)], env={"COURSE_DB": str(target)})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"importing {table}.{column} = {row[column]!r} raised") from (
            result.exception
        )
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2 and target.exists():
        assert sum(len(rows) for rows in _dump(target).values()) == 0
    if result.exit_code == 0:  # what was imported must not break a later command
        for args in AFTER_IMPORT:
            later = runner.invoke(cli, args, env={"COURSE_DB": str(target)})
            if later.exception is not None and not isinstance(later.exception, SystemExit):
                raise AssertionError(
                    f"course {' '.join(args)} raised after importing "
                    f"{table}.{column} = {row[column]!r}"
                ) from later.exception
            assert later.exit_code in ((0, 2) if args[0] == "edit" else (0,)), later.output


def export_data_of(path: Path) -> dict[str, Any]:
    with closing(open_db(path)) as db:
        return export_data(db, now=NOW)
