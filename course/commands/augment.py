"""`course augment preview`: look at what your augmentation pipeline does to Fashion-MNIST."""

from __future__ import annotations

from pathlib import Path

import click

from course.commands.context import private_paths
from course.commands.options import png_option, sandbox_option, submission_options
from grader.attempt import prepare
from grader.preview import DEFAULT_IMAGES, MAX_IMAGES, PreviewResult, write_preview


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def preview_line(result: PreviewResult, out: Path) -> str:
    """``Wrote grid.png: 16 test images before and after your fashion_pipeline() (outputs
    (16, 1, 28, 28))``."""
    images = "image" if result.count == 1 else "images"
    return (
        f"Wrote {out}: {result.count} test {images} before and after your fashion_pipeline() "
        f"(outputs {_shape(result.output_shape)})"
    )


@click.group("augment")
def augment_group() -> None:
    """Tools for the augment assignment."""


@augment_group.command("preview", short_help="Draw test images before and after your pipeline.")
@png_option("grid.png")
@click.option(
    "--n",
    "n",
    type=click.IntRange(1, MAX_IMAGES),
    default=DEFAULT_IMAGES,
    show_default=True,
    help="Test images to show.",
)
@submission_options(
    "Your augment.py. Default: the one in the workspace you are in.",
    "Use the reference solution instead.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Picks the test images and seeds the pipeline.",
)
@sandbox_option()
def preview_command(
    out: Path, n: int, submission: Path | None, solution: bool, seed: int, sandbox: str
) -> None:
    """Apply your fashion_pipeline() to Fashion-MNIST test images and draw them into one PNG.

    Rows of 8 test images, each directly above the row of the same images after your
    pipeline (one batch, on the CPU). Outputs that are not 28 x 28 are scaled to 28 x 28 with
    nearest neighbour for the picture; values outside [0, 1] are clipped, with a warning.

    Exit status: 0 written, 1 your code failed, 2 bad usage, 3 environment problem.
    """
    ready = prepare(
        "augment", submission=submission, solution=solution, device="cpu", sandbox=sandbox
    )
    if ready.sandbox.warning:
        click.echo(f"Warning: {ready.sandbox.warning}", err=True)
    result = write_preview(
        ready.spec,
        ready.submission,
        out,
        n=n,
        seed=seed,
        sandbox=ready.sandbox.kind,
        hidden=private_paths(),
    )
    click.echo(preview_line(result, out))
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)


COMMANDS: list[click.Command] = [augment_group]
