"""The `course` command: click groups that parse, call one library function, render.

This module is the one place a :class:`core.errors.CourseError` becomes
``Error: <what, the value, how to fix>`` on stderr with the error's exit code
(1 student code, 2 bad usage, 3 environment problem). A SQLite error that escapes a command
becomes the :class:`core.errors.StoreError` that
:func:`course.commands.context.store_error` makes of it, naming the database the command
opened; other SQLite errors are bugs and keep their traceback.

Subcommands are loaded lazily: ``course log`` imports only ``course.commands.study`` and what
it needs (never torch, never the grader's runner), so a tracker command starts quickly.
:data:`COMMAND_MODULES` says which module defines each command; every such module has a
``COMMANDS`` list.
"""

from __future__ import annotations

import difflib
import importlib
from typing import Any, NoReturn

import click

from core.errors import CourseError
from course import __version__

COMMAND_MODULES: dict[str, str] = {
    "grade": "course.commands.grade",
    "init": "course.commands.grade",
    "data": "course.commands.grade",
    "aae": "course.commands.aae",
    "augment": "course.commands.augment",
    "optim": "course.commands.optim",
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
    "cohort": "course.commands.cohort",
    "autograder": "course.commands.autograder",
    "autograder-run": "course.commands.autograder",
    "verify": "course.commands.verify",
    "info": "course.commands.info",
    "undo": "course.commands.undo",
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

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """As click's, and an unknown name gets the nearest command names as a suggestion
        (``course reprot``: ``Did you mean 'report'?``): click can only suggest the
        commands it has loaded, and these load on first use."""
        name = args[0]
        if (
            self.get_command(ctx, name) is None
            and not ctx.resilient_parsing
            and not name.startswith("-")
        ):
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        import sqlite3

        try:
            return super().invoke(ctx)
        except CourseError as error:
            _fail(ctx, error)
        except sqlite3.DatabaseError as error:
            from course.commands.context import store_error

            problem = store_error(error)
            if problem is None:  # a bug in `course`: keep the traceback
                raise
            _fail(ctx, problem)


def _fail(ctx: click.Context, error: CourseError) -> NoReturn:
    from course.render.format import visible  # messages quote what was typed

    click.echo(f"Error: {visible(error.message)}", err=True)
    ctx.exit(error.exit_code)


@click.group(cls=CourseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="course")
def cli() -> None:
    """Grade your deep-learning assignments and track your study week."""


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="course")
