"""`course aae samples`: look at what your adversarial autoencoder learned."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console

from course.commands.context import private_paths
from course.commands.options import (
    device_option,
    png_option,
    profile_option,
    sandbox_option,
    submission_options,
)
from course.render.grade import GradeProgress
from grader.attempt import prepare
from grader.runner import Event
from grader.samples import RECONSTRUCTIONS, SAMPLES, SamplesResult, write_samples


def samples_line(result: SamplesResult, out: Path) -> str:
    """``Wrote samples.png: 64 prior samples, 32 test images with reconstructions (test MSE
    0.0178 after 1000 steps, 31.2 s)``."""
    return (
        f"Wrote {out}: {SAMPLES} prior samples, {RECONSTRUCTIONS} test images with "
        f"reconstructions (test MSE {result.recon_mse:.4f} after {result.steps} steps, "
        f"{result.seconds:.1f} s)"
    )


def _stages(progress: GradeProgress) -> Callable[[int, int], None]:
    """Show training as stage 1 and drawing as stage 2 of ``progress``."""
    progress(Event("start", "train", "Training your AAE"))

    def on_progress(step: int, total: int) -> None:
        progress(Event("progress", "train", "Training your AAE", step=step, total=total))
        if step == total:
            progress(Event("result", "train", "Training your AAE", status="passed"))
            progress(Event("start", "draw", "Drawing samples and reconstructions"))

    return on_progress


@click.group("aae")
def aae_group() -> None:
    """Tools for the aae assignment."""


@aae_group.command("samples", short_help="Train your AAE, draw its samples to a PNG.")
@png_option("samples.png")
@submission_options(
    "Your aae.py. Default: the one in the workspace you are in.",
    "Use the reference solution instead.",
)
@device_option("Where it trains; auto picks CUDA when there is a GPU.")
@profile_option("Training budget and model size.")
@click.option(
    "--steps",
    type=click.IntRange(min=1),
    help="Training steps instead of the profile's.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seeds the initialisation, the batches and the prior draws.",
)
@sandbox_option()
def samples_command(
    out: Path,
    submission: Path | None,
    solution: bool,
    device: str,
    profile: str | None,
    steps: int | None,
    seed: int,
    sandbox: str,
) -> None:
    """Train your AAE as `course grade aae` does and draw it into one PNG.

    Top: 64 images decoded from prior draws, 8 x 8. Below a blank row: 32 test images in 4
    pairs of rows, each row of originals above the row of their reconstructions.

    Exit status: 0 written, 1 your code failed, 2 bad usage, 3 environment problem.
    """
    ready = prepare(
        "aae",
        submission=submission,
        solution=solution,
        device=device,
        profile=profile,
        sandbox=sandbox,
    )
    err = Console(stderr=True, highlight=False)
    if ready.sandbox.warning:
        err.print(f"Warning: {ready.sandbox.warning}", soft_wrap=True)
    with GradeProgress(err) as progress:
        result = write_samples(
            ready.spec,
            ready.submission,
            out,
            device=ready.device,
            profile=ready.profile,
            steps=steps,
            seed=seed,
            on_progress=_stages(progress),
            sandbox=ready.sandbox.kind,
            hidden=private_paths(),
        )
    click.echo(samples_line(result, out))
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)


COMMANDS: list[click.Command] = [aae_group]
