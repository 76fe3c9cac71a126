"""Rendering for `course verify`: one line per assignment as it finishes, then a table."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from course.app.verify import Verification
from course.render.format import format_score


def verification_line(v: Verification) -> str:
    """``resnet: solution 100/100, skeleton 0/100 (41.2 s): ok``."""
    seconds = v.solution.duration_s + v.skeleton.duration_s
    verdict = "ok" if v.ok else "; ".join(v.problems)
    return (
        f"{v.name}: solution {format_score(v.solution.score, v.solution.max_score)}, skeleton "
        f"{format_score(v.skeleton.score, v.skeleton.max_score)} ({seconds:.1f} s): {verdict}"
    )


def verification_table(results: list[Verification]) -> Table:
    """Assignment, the two scores, seconds, and what is wrong."""
    table = Table(box=box.SIMPLE_HEAVY)
    table.add_column("Assignment")
    table.add_column("Solution", justify="right", no_wrap=True)
    table.add_column("Skeleton", justify="right", no_wrap=True)
    table.add_column("Seconds", justify="right", no_wrap=True)
    table.add_column("Result")
    for v in results:
        table.add_row(
            v.name,
            format_score(v.solution.score, v.solution.max_score),
            format_score(v.skeleton.score, v.skeleton.max_score),
            f"{v.solution.duration_s + v.skeleton.duration_s:.1f}",
            Text("ok", style="green") if v.ok else Text("; ".join(v.problems), style="red"),
        )
    return table


def calibration_table(results: list[Verification]) -> Table:
    """Each training check of each solution under each seed: what it measured, the threshold,
    the margin (negative: the seed fails), then a summary row per check (mean value, least
    margin)."""
    table = Table(box=box.SIMPLE_HEAVY, title="Training checks of the solutions, by seed")
    table.add_column("Check")
    table.add_column("Seed", justify="right", no_wrap=True)
    table.add_column("Value", justify="right", no_wrap=True)
    table.add_column("Threshold", justify="right", no_wrap=True)
    table.add_column("Margin", justify="right", no_wrap=True)
    table.add_column("Seconds", justify="right", no_wrap=True)
    for v in results:
        for check in dict.fromkeys(run.check for run in v.seeds):
            runs = [run for run in v.seeds if run.check == check]
            named = next((r.measurement.name for r in runs if r.measurement is not None), "")
            label = f"{v.name} {check}" + (f" ({named})" if named else "")
            for index, run in enumerate(runs):
                m = run.measurement
                margin = Text(run.status if m is None else f"{m.margin:+.4f}")
                if m is None or m.margin < 0 or run.status != "passed":
                    margin.stylize("red")
                table.add_row(
                    label if index == 0 else "", str(run.seed),
                    "-" if m is None else f"{m.value:.4f}",
                    "-" if m is None else f"{m.threshold:.4f}",
                    margin, f"{run.duration_s:.1f}",
                    end_section=len(runs) == 1,
                )  # fmt: skip
            measured = [run.measurement for run in runs if run.measurement is not None]
            if len(runs) > 1 and len(measured) == len(runs):
                least = min(m.margin for m in measured)
                table.add_row(
                    "mean value, least margin", "all",
                    f"{sum(m.value for m in measured) / len(measured):.4f}",
                    f"{measured[0].threshold:.4f}",
                    Text(f"{least:+.4f}", style="bold" if least >= 0 else "bold red"),
                    f"{sum(run.duration_s for run in runs):.1f}",
                    end_section=True,
                )  # fmt: skip
    return table
