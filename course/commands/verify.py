"""`course verify`: the reference solutions get full marks and the skeletons 0."""

from __future__ import annotations

import click
from rich.console import Console

from course.app.verify import verify
from course.commands.options import device_option, profile_option, sandbox_option, seeds_option
from course.render.verify import calibration_table, verification_line, verification_table


@click.command("verify")
@click.argument("names", nargs=-1)
@device_option("Where checks run; auto picks CUDA when there is a GPU.")
@profile_option("Training budget and thresholds.")
@sandbox_option()
@seeds_option(
    "Also run the solution's training checks under each seed and show each one's measured "
    "figure and margin over the threshold: the calibration to run after changing a profile."
)
@click.pass_context
def verify_command(
    ctx: click.Context, names: tuple[str, ...], device: str, profile: str | None, sandbox: str,
    seeds: tuple[int, ...],
) -> None:  # fmt: skip
    """Grade every assignment's (or each NAME's) solution and skeleton: the solution must get
    full marks and the skeleton 0. Run it after changing a suite or a profile.

    Exit status: 0 all sound, 1 some solution lost points (under any seed) or some skeleton
    earned any.
    """
    err = Console(stderr=True, highlight=False)
    results = verify(
        names, device=device, profile=profile, sandbox=sandbox, seeds=seeds,
        on_done=lambda v: err.print(verification_line(v), soft_wrap=True),
    )  # fmt: skip
    out = Console(highlight=False)
    out.print(verification_table(results))
    if seeds:
        out.print(calibration_table(results))
    ctx.exit(0 if all(v.ok for v in results) else 1)


COMMANDS: list[click.Command] = [verify_command]
