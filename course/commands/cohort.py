"""`course cohort grade` and `course cohort export`: a TA's batch grading and its exports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from course.app.cohort import run_cohort
from course.app.cohort_export import FORMATS, export
from course.app.cohort_stats import cohort_stats
from course.commands.context import private_paths
from course.commands.options import device_option, profile_option
from course.render.cohort import (
    CohortProgress,
    stats_headline,
    stats_tables,
    summary_line,
    summary_table,
)

GRADEBOOK = "gradebook.db"


def _read_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--gradebook FILE`` (an existing one) and ``--assignment NAME``, for the commands that
    read a gradebook."""
    command = click.option(
        "--assignment", help="Which assignment; needed when the gradebook holds several."
    )(command)
    return click.option(
        "--gradebook",
        "gradebook_path",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        default=GRADEBOOK,
        show_default=True,
        help="The gradebook to read.",
    )(command)


@click.group("cohort")
def cohort_group() -> None:
    """Grade a whole cohort's submissions and export the grades (for TAs)."""


@cohort_group.command("grade")
@click.argument("name")
@click.argument("submissions", type=click.Path(path_type=Path, exists=True))
@click.option(
    "--workers",
    type=int,
    default=0,
    show_default=True,
    help="Submissions graded at once; 0: one per GPU on CUDA, one on the CPU. Each "
    "worker's child gets OMP_NUM_THREADS = cores / workers.",
)
@click.option("--per-gpu", type=int, default=1, show_default=True, help="Workers per GPU.")
@device_option("Where checks run; auto picks CUDA when there is a GPU.")
@profile_option("Training budget and thresholds.")
@click.option(
    "--gradebook",
    "gradebook_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=GRADEBOOK,
    show_default=True,
    help="The SQLite gradebook to fill.",
)
@click.option(
    "--sandbox",
    type=click.Choice(["bwrap", "none"]),
    default="bwrap",
    show_default=True,
    help="bwrap is required for untrusted code; none grades without a sandbox, with a warning.",
)
@click.option(
    "--backend",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="local: a pool of --workers here; ray: one Ray task per submission (extra 'cluster').",
)
@click.option("--ray-address", help="Ray: the cluster (auto, host:6379); a local one if unset.")
@click.option("--task-cpus", type=float, default=1.0, show_default=True, help="Ray: CPUs per task.")
@click.option(
    "--task-gpus", type=float, help="Ray: GPUs per task, fractions share one.  [default: 1 on CUDA]"
)
@click.option("--regrade", is_flag=True, help="Grade again what the gradebook already holds.")
@click.option("--timeout-s", type=float, help="Wall-clock limit per submission, in seconds.")
@click.pass_context
def grade_command(
    ctx: click.Context,
    name: str,
    submissions: Path,
    workers: int,
    per_gpu: int,
    device: str,
    profile: str | None,
    gradebook_path: Path,
    sandbox: str,
    backend: str,
    ray_address: str | None,
    task_cpus: float,
    task_gpus: float | None,
    regrade: bool,
    timeout_s: float | None,
) -> None:
    """Grade every submission of NAME in SUBMISSIONS (a folder or a zip of one: <student>.py,
    or <student>/ holding NAME's file) into the gradebook; a rerun skips what is graded.

    Exit status: 0 every submission graded or skipped, 1 some had nothing to grade, 2 bad
    usage, 3 environment problem (no sandbox, no data).
    """
    err = Console(stderr=True, highlight=False)
    with CohortProgress(err) as progress:
        summary = run_cohort(
            name,
            submissions,
            gradebook_path=gradebook_path,
            workers=workers,
            device=device,
            profile=profile,
            sandbox=sandbox,
            regrade=regrade,
            timeout_s=timeout_s,
            per_gpu=per_gpu,
            on_start=progress.start,
            on_result=progress,
            private=private_paths(),
            backend=backend,
            ray_address=ray_address,
            task_cpus=task_cpus,
            task_gpus=task_gpus,
        )
    if summary.warning:
        err.print(Text(f"Warning: {summary.warning}"), soft_wrap=True)
    out = Console(highlight=False)
    out.print(summary_table(summary))
    out.print(summary_line(summary))
    ctx.exit(1 if summary.count("missing") else 0)


@cohort_group.command("export")
@_read_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    required=True,
    help="csv: grades.csv; gradescope: OUT/<student>/results.json; "
    "json: one file; feedback: OUT/<student>.md.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="The file (csv, json) or folder (gradescope, feedback) to write.",
)
@click.option(
    "--reveal-hidden",
    is_flag=True,
    help="Gradescope: show hidden checks after the due date instead of never.",
)
def export_command(
    gradebook_path: Path, assignment: str | None, fmt: str, out: Path, reveal_hidden: bool
) -> None:
    """Export each student's latest grade from the gradebook."""
    written = export(gradebook_path, fmt, out, assignment=assignment, reveal_hidden=reveal_hidden)
    click.echo(f"Wrote {written.count} students' grades to {written.path}")


@cohort_group.command("stats")
@_read_options
@click.option(
    "--png",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also draw the score histogram and the pass rates into this PNG (replaced).",
)
def stats_command(gradebook_path: Path, assignment: str | None, png: Path | None) -> None:
    """The score distribution, each check's pass rate, time per submission and identical
    submissions, from each student's latest attempt."""
    out = Console(highlight=False)
    stats = cohort_stats(gradebook_path, assignment)
    out.print(Text(stats_headline(stats)), soft_wrap=True)
    for table in stats_tables(stats):
        out.print(table)
    if png is not None:
        from course.render.charts import cohort_stats_figure, save_png

        out.print(Text(f"Wrote {save_png(cohort_stats_figure(stats), png)}"), soft_wrap=True)


COMMANDS: list[click.Command] = [cohort_group]
