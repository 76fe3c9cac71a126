"""Rendering for `course cohort`: the live progress bar and the summary table.

Student names (from file and folder names), notes and check titles go through
:func:`course.render.format.safe_text`: rich markup in them is shown as typed and control
characters as escapes such as ``\\x1b``.
"""

from __future__ import annotations

import threading
from types import TracebackType

from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from course.app.cohort import CohortPlan, CohortResult, CohortSummary
from course.app.cohort_stats import CohortStats
from course.render.format import format_score, safe_text, visible

NOTE_CHARS = 100
"""The longest note a summary row shows (the gradebook and the exports keep it whole)."""


class CohortProgress:
    """A rich progress bar: done / total, failures so far (not full marks) and the ETA.

    Use as a context manager; pass :meth:`start` as ``on_start`` and the object itself as
    ``on_result`` (results arrive from worker threads; rich's progress is thread-safe, and a
    lock guards the counts).
    """

    def __init__(self, console: Console) -> None:
        self._console = console
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failures]} not full marks"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._task: TaskID | None = None
        self._failures = 0
        self._lock = threading.Lock()

    def __enter__(self) -> CohortProgress:
        return self  # the bar starts with the plan, so an error before it prints alone

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._task is not None:
            self._progress.stop()

    def start(self, plan: CohortPlan) -> None:
        """Show the plan's line and the bar over the submissions to grade."""
        skipped = plan.total - plan.todo
        pool = (
            "Ray tasks"
            if plan.backend == "ray"
            else f"{plan.workers} worker{'s' if plan.workers != 1 else ''}"
        )
        self._console.print(
            f"{plan.todo} to grade ({skipped} already in the gradebook), {pool}, "
            f"{plan.device}, {plan.profile} profile, sandbox {plan.sandbox}",
            highlight=False,
        )
        self._task = self._progress.add_task("grading", total=plan.todo, failures=0)
        self._progress.start()

    def __call__(self, result: CohortResult) -> None:
        with self._lock:
            if result.score < result.max_score:
                self._failures += 1
            if self._task is not None:
                self._progress.update(self._task, advance=1, failures=self._failures)


def summary_table(summary: CohortSummary) -> Table:
    """One row per student: score, status and what went wrong."""
    table = Table(
        title=Text(f"{visible(summary.assignment)}: {len(summary.results)} submissions"),
        box=box.SIMPLE_HEAVY,
        title_justify="left",
    )
    table.add_column("Student")
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Note", ratio=1)
    for r in summary.results:
        note = r.problem
        if r.report is not None:
            failing = [c.id for c in r.report.checks if not c.passed]
            listed = ", ".join(failing[:3]) + (
                f" and {len(failing) - 3} more" if len(failing) > 3 else ""
            )
            note = r.report.note or (f"failed: {listed}" if failing else "")
        if len(note) > NOTE_CHARS:
            note = note[: NOTE_CHARS - 1].rstrip() + "…"
        style = "green" if r.score >= r.max_score else "red"
        table.add_row(
            safe_text(r.student),
            Text(format_score(r.score, r.max_score), style=style),
            r.status,
            safe_text(note),
        )
    return table


def summary_line(summary: CohortSummary) -> str:
    """``2 graded, 1 skipped (already graded), 0 missing``."""
    graded, missing, skipped = (summary.count(s) for s in ("graded", "missing", "skipped"))
    return f"{graded} graded, {skipped} skipped (already graded), {missing} missing"


def stats_headline(stats: CohortStats) -> str:
    """``resnet: 4 students, 3 graded, mean 65.0/100; 1.0 s median, 1.0 s longest``."""
    return (
        f"{visible(stats.assignment)}: {stats.students} students, {stats.graded} graded, mean "
        f"{stats.mean:.1f}/{stats.max_score:g}; {stats.median_s:.1f} s median, "
        f"{stats.max_s:.1f} s longest"
    )


def stats_tables(stats: CohortStats, width: int = 40) -> list[Table]:
    """The score histogram (bars of ``#`` up to ``width``), the checks' pass rates (lowest
    first) and the groups of identical submissions."""
    hist = Table(title="Scores", box=box.SIMPLE, title_justify="left")
    hist.add_column("Score", justify="right", no_wrap=True)
    hist.add_column("Students", justify="right")
    hist.add_column("")
    peak = max((count for _, _, count in stats.bins), default=0) or 1
    for i, (low, high, count) in enumerate(stats.bins):
        right = "]" if i == len(stats.bins) - 1 else ")"
        hist.add_row(f"[{low:g}, {high:g}{right}", str(count), "#" * round(width * count / peak))
    rates = Table(title="Pass rate of each check", box=box.SIMPLE, title_justify="left")
    rates.add_column("Check")
    rates.add_column("Passed", justify="right", no_wrap=True)
    rates.add_column("Rate", justify="right", no_wrap=True)
    for rate in sorted(stats.checks, key=lambda r: (r.passed / r.graded, r.id)):
        rates.add_row(
            safe_text(rate.title),
            f"{rate.passed}/{rate.graded}",
            f"{100 * rate.passed / rate.graded:.0f} %",
        )
    same = Table(
        title="Identical submissions (comments and spacing ignored)",
        box=box.SIMPLE,
        title_justify="left",
    )
    same.add_column("Students")
    for group in stats.identical:
        same.add_row(safe_text(", ".join(group)))
    if not stats.identical:
        same.add_row(Text("none", style="dim"))
    return [hist, rates, same]
