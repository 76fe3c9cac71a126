"""The `course` command: click groups that parse, call one library function, render.

This module is the one place a :class:`course.errors.CourseError` becomes
``Error: <what, the value, how to fix>`` on stderr with the error's exit code
(2 bad usage, 3 environment problem).
"""

from __future__ import annotations

from typing import Any

import click

from course import __version__
from course.errors import CourseError


class CourseGroup(click.Group):
    """A click group that turns :class:`CourseError` from any subcommand into a click error."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CourseError as error:
            click.echo(f"Error: {error.message}", err=True)
            ctx.exit(error.exit_code)


@click.group(cls=CourseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="course")
def cli() -> None:
    """Grade your deep-learning assignments and track your study week."""


def _register() -> None:
    from course.commands import aae, augment, grade, study

    for command in (*grade.COMMANDS, *aae.COMMANDS, *augment.COMMANDS, *study.COMMANDS):
        cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="course")
