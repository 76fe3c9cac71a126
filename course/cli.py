"""The `course` command: click groups that parse, call one library function, render.

This module is the one place a :class:`core.errors.CourseError` becomes
``Error: <what, the value, how to fix>`` on stderr with the error's exit code
(2 bad usage, 3 environment problem).

Subcommands are loaded lazily: ``course log`` imports only ``course.commands.study`` and what
it needs (never torch, never the grader's runner), so a tracker command starts quickly.
:data:`COMMAND_MODULES` says which module defines each command; every such module has a
``COMMANDS`` list.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from core.errors import CourseError
from course import __version__

COMMAND_MODULES: dict[str, str] = {
    "grade": "course.commands.grade",
    "init": "course.commands.grade",
    "data": "course.commands.grade",
    "aae": "course.commands.aae",
    "augment": "course.commands.augment",
    "log": "course.commands.study",
    "start": "course.commands.timer",
    "stop": "course.commands.timer",
    "status": "course.commands.timer",
    "edit": "course.commands.timer",
    "delete": "course.commands.timer",
    "report": "course.commands.report",
    "retro": "course.commands.retro",
    "problem": "course.commands.problem",
    "goal": "course.commands.goal",
    "question": "course.commands.question",
    "export": "course.commands.transfer",
    "import": "course.commands.transfer",
}
"""Each subcommand's name and the module whose ``COMMANDS`` list defines it."""


class CourseGroup(click.Group):
    """The root group: loads subcommands on first use and reports :class:`CourseError`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMAND_MODULES.get(cmd_name)
        if module_name is None:
            return None
        import tracker  # noqa: F401  (imports sqlite-utils without numpy: see tracker/__init__)

        module = importlib.import_module(module_name)
        commands: list[click.Command] = module.COMMANDS
        return next(command for command in commands if command.name == cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        import sqlite3

        try:
            return super().invoke(ctx)
        except CourseError as error:
            click.echo(f"Error: {error.message}", err=True)
            ctx.exit(error.exit_code)
        except sqlite3.DatabaseError as error:
            # Damage `open_db` could not see (it runs `PRAGMA quick_check`) or trouble outside
            # a `transaction` block. Other subclasses (IntegrityError, ProgrammingError, ...)
            # are bugs in `course` and keep their traceback.
            damaged = type(error) is sqlite3.DatabaseError  # SQLITE_CORRUPT, SQLITE_NOTADB
            if not damaged and not isinstance(error, sqlite3.OperationalError):
                raise
            from pathlib import Path

            from core.errors import StoreError
            from grader.workspace import find_workspace
            from tracker.store import damaged_database, resolve_db_path

            try:
                workspace = find_workspace(Path.cwd())
            except (CourseError, OSError):
                workspace = None
            path = resolve_db_path(workspace.database if workspace else None)
            problem = (
                damaged_database(path, str(error))
                if damaged
                else StoreError(
                    f"the tracker database could not be used ({error})",
                    str(path),
                    "Close other programs using it and check disk space and file permissions",
                )
            )
            click.echo(f"Error: {problem.message}", err=True)
            ctx.exit(problem.exit_code)


@click.group(cls=CourseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="course")
def cli() -> None:
    """Grade your deep-learning assignments and track your study week."""


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="course")
