"""`course autograder`: Gradescope's autograder bundle, and the command that runs inside it."""

from __future__ import annotations

from pathlib import Path

import click

from course.app.autograder import ROOT, build_bundle, run_autograder


@click.command("autograder")
@click.argument("name")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The zip to write.  [default: NAME-autograder.zip]",
)
def autograder_command(name: str, out: Path | None) -> None:
    """Write NAME's Gradescope autograder zip (setup.sh, run_autograder, this project's wheel);
    upload it as the assignment's autograder."""
    bundle = build_bundle(name, out or Path(f"{name}-autograder.zip"))
    click.echo(f"Wrote {bundle.path}: {', '.join(bundle.files)}")


@click.command("autograder-run", hidden=True)
@click.argument("name")
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default=str(ROOT),
    show_default=True,
    help="Gradescope's autograder folder.",
)
def autograder_run_command(name: str, root: Path) -> None:
    """Inside Gradescope: grade root/submission, write root/results/results.json."""
    results = run_autograder(name, root)
    click.echo(f"{results['score']} points; results in {root / 'results' / 'results.json'}")


COMMANDS: list[click.Command] = [autograder_command, autograder_run_command]
