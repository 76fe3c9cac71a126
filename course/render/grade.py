"""Rendering for `course grade` and `course init`: the score table, JSON, live progress."""

from __future__ import annotations

import json
from types import TracebackType

from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from course.render.format import format_score
from grader.results import CheckResult, GradeReport
from grader.runner import Event
from grader.workspace import InitResult

STATUS_STYLE = {
    "passed": ("passed", "green"),
    "failed": ("failed", "red"),
    "error": ("error", "red"),
    "timeout": ("timeout", "yellow"),
}


def _message(check: CheckResult) -> Text:
    if check.visibility == "hidden":
        return Text("hidden check" if check.passed else "hidden check: no details", style="dim")
    text = Text(check.message)
    if check.hint and check.status == "failed":
        text.append(("\n" if check.message else "") + f"Hint: {check.hint}", style="cyan")
    return text


def report_table(report: GradeReport) -> Table:
    """The per-check table: check, points, status, message or hint."""
    table = Table(
        title=f"{report.assignment}: {format_score(report.score, report.max_score)} points",
        box=box.SIMPLE_HEAVY,
        show_footer=False,
        title_justify="left",
    )
    table.add_column("Check", ratio=3)
    table.add_column("Points", justify="right", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Message", ratio=4)
    for check in report.checks:
        label, style = STATUS_STYLE[check.status]
        table.add_row(
            Text(check.title),
            format_score(check.points, check.max_points),
            Text(label, style=style),
            _message(check),
        )
    return table


def summary_line(report: GradeReport) -> str:
    """``Score 110/110 · cpu · quick profile · 27.6 s · bwrap sandbox`` (``no sandbox``;
    ``· TAMPERED`` at the end when the grader found tampering)."""
    sandbox = "no sandbox" if report.sandbox == "none" else f"{report.sandbox} sandbox"
    return (
        f"Score {format_score(report.score, report.max_score)} · {report.device} · "
        f"{report.profile} profile · {report.duration_s:.1f} s · {sandbox}"
        + (" · TAMPERED" if report.tampered else "")
    )


def print_report(console: Console, report: GradeReport) -> None:
    """Print the table, the summary line and any note about the attempt."""
    console.print(report_table(report))
    style = "bold green" if report.full_marks else "bold red"
    console.print(Text(summary_line(report), style=style))
    if report.note:
        console.print(Text(f"Note: {report.note}", style="yellow"))


def report_json(report: GradeReport) -> str:
    """The report as one JSON object (``course grade --json``)."""
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2)


def init_lines(result: InitResult) -> list[str]:
    """What ``course init`` prints: files made, files kept, the next step."""
    root = result.workspace.root
    lines = [f"Workspace ready: {root}"]
    lines += [f"  created {name}" for name in result.created]
    lines += [f"  kept    {name} (already there, not touched)" for name in result.kept]
    lines.append(f"Next: edit a skeleton, then run `course grade NAME` inside {root}.")
    return lines


class GradeProgress:
    """Live progress on stderr while a suite runs: the current check and training steps.

    Shows nothing when stderr is not a terminal (CI logs, pipes).
    """

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._task: TaskID | None = None
        self._done = 0

    def __enter__(self) -> GradeProgress:
        self._progress.start()
        self._task = self._progress.add_task("starting the grader", total=None)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def __call__(self, event: Event) -> None:
        if self._task is None:
            return
        if event.kind == "start":
            self._progress.update(
                self._task, description=f"[{self._done + 1}] {event.title}", total=None, completed=0
            )
        elif event.kind == "progress":
            self._progress.update(self._task, total=event.total, completed=event.step)
        elif event.kind == "result":
            self._done += 1
