"""`course grade` and `course init`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from course.app.attempt import run_attempt
from course.commands.context import open_store, private_paths
from course.commands.options import (
    device_option,
    profile_option,
    sandbox_option,
    submission_options,
)
from course.render.grade import GradeProgress, init_lines, print_report, report_json
from grader.data import ensure_dataset
from grader.workspace import init_workspace


@click.command("grade")
@click.argument("name")
@submission_options(
    "The file to grade. Default: NAME's file in the workspace you are in.",
    "Grade the reference solution instead.",
)
@device_option("Where checks run; auto picks CUDA when there is a GPU.")
@profile_option("Training budget and thresholds.")
@sandbox_option()
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.pass_context
def grade_command(
    ctx: click.Context,
    name: str,
    submission: Path | None,
    solution: bool,
    device: str,
    profile: str | None,
    sandbox: str,
    as_json: bool,
) -> None:
    """Grade your NAME assignment (e.g. resnet) with its hidden checks.

    Exit status: 0 full marks, 1 some check failed, 2 bad usage, 3 environment problem.
    """
    err = Console(stderr=True, highlight=False)
    with GradeProgress(err) as progress:
        outcome = run_attempt(
            name,
            submission=submission,
            solution=solution,
            device=device,
            profile=profile,
            on_event=progress,
            open_store=open_store,
            sandbox=sandbox,
            hidden=private_paths(),
        )
    if outcome.warning:
        err.print(Text(f"Warning: {outcome.warning}"), soft_wrap=True)
    report = outcome.report
    if as_json:
        click.echo(report_json(report))
    else:
        print_report(Console(highlight=False), report)
    if outcome.store_error:
        err.print(
            Text(f"Warning: this attempt was not recorded in the tracker: {outcome.store_error}")
        )
    ctx.exit(0 if report.full_marks else 1)


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=".")
def init_command(directory: Path) -> None:
    """Make a workspace in DIRECTORY: course.yaml and a copy of every skeleton.

    Files already there are never overwritten, so running it again only adds what is new.
    """
    for line in init_lines(init_workspace(directory)):
        click.echo(line)


@click.command("data")
@click.option("--no-download", is_flag=True, help="Only look; never download.")
def data_command(no_download: bool) -> None:
    """Find Fashion-MNIST (downloading it when missing and online) and print its folder."""
    click.echo(str(ensure_dataset(allow_download=not no_download)))


COMMANDS: list[click.Command] = [grade_command, init_command, data_command]
