"""`course optim race`: the lab's race, your SGD, momentum and Adam on the Rosenbrock function."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console

from course.commands.context import private_paths
from course.commands.options import png_option, profile_option, sandbox_option, submission_options
from course.render.grade import GradeProgress
from grader.attempt import prepare
from grader.race import MAX_STEPS, NEAR, RaceResult, RunnerResult, write_race
from grader.runner import Event


def runner_line(result: RunnerResult) -> str:
    """``  Adam(lr=0.02): within 0.01 of (1, 1) from step 2009; ends at (1.0000, 1.0000), f =
    1.2e-30``."""
    if result.skipped is not None:
        return f"  {result.name}, {result.describe}: skipped, {result.skipped}"
    if result.diverged is not None:
        where = f"diverged at step {result.diverged}"
    elif result.reached is not None:
        where = f"within {NEAR:g} of (1, 1) at step {result.reached}"
    else:
        where = f"not within {NEAR:g} of (1, 1)"
    return (
        f"  {result.name}, {result.describe}: {where}; ends at ({result.x:.4f}, {result.y:.4f}), "
        f"f = {result.value:.3g}"
    )


def race_lines(result: RaceResult, out: Path) -> list[str]:
    """The summary: the file, then one :func:`runner_line` per runner."""
    return [
        f"Wrote {out}: {len(result.runners)} optimizers, {result.steps} steps each, on "
        "Rosenbrock from (-1.5, 2)",
        *(runner_line(r) for r in result.runners),
    ]


def _stages(progress: GradeProgress) -> Callable[[int, int], None]:
    """Show the race as one stage of ``progress``."""
    name = "Racing SGD, momentum and Adam"
    progress(Event("start", "race", name))

    def on_progress(step: int, total: int) -> None:
        progress(Event("progress", "race", name, step=step, total=total))
        if step == total:
            progress(Event("result", "race", name, status="passed"))

    return on_progress


@click.group("optim")
def optim_group() -> None:
    """Tools for the optim assignment."""


@optim_group.command("race", short_help="Race your SGD, momentum and Adam on Rosenbrock.")
@png_option("race.png")
@submission_options(
    "Your optim.py. Default: the one in the workspace you are in.",
    "Use the reference solution instead.",
)
@profile_option("The race's steps and Adam's learning rate.")
@click.option(
    "--steps",
    type=click.IntRange(1, MAX_STEPS),
    help="Steps of each optimizer instead of the profile's (3000 on quick).",
)
@sandbox_option()
def race_command(
    out: Path,
    submission: Path | None,
    solution: bool,
    profile: str | None,
    steps: int | None,
    sandbox: str,
) -> None:
    """Run your SGD (lr 0.001), SGD with momentum 0.9 (lr 0.001) and Adam (the profile's lr,
    0.02) from (-1.5, 2) on f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 and draw their paths over
    its contours into one PNG, on the CPU.

    Exit status: 0 written, 1 your code failed, 2 bad usage, 3 environment problem.
    """
    ready = prepare(
        "optim",
        submission=submission,
        solution=solution,
        device="cpu",
        profile=profile,
        sandbox=sandbox,
    )
    err = Console(stderr=True, highlight=False)
    if ready.sandbox.warning:
        err.print(f"Warning: {ready.sandbox.warning}", soft_wrap=True)
    with GradeProgress(err) as progress:
        result = write_race(
            ready.spec,
            ready.submission,
            out,
            profile=ready.profile,
            steps=steps,
            on_progress=_stages(progress),
            sandbox=ready.sandbox.kind,
            hidden=private_paths(),
        )
    for line in race_lines(result, out):
        click.echo(line)


COMMANDS: list[click.Command] = [optim_group]
