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
