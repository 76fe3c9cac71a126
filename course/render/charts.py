"""Pictures drawn with matplotlib, for the people who would rather look than read.

matplotlib takes about half a second to import, so it is imported inside the functions that
draw, never at the top of this module: `course log` and the other quick commands do not pay
for it. Every figure is a :class:`matplotlib.figure.Figure` drawn by the Agg canvas (no pyplot,
no global state, no display needed) and written atomically: a PNG that exists is whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import UsageError
from core.files import atomic_output

if TYPE_CHECKING:
    from course.app.cohort_stats import CohortStats

DPI = 120
"""Dots per inch of every picture (a 10 x 4 inch figure is 1200 x 480 pixels)."""


def save_png(figure: Any, path: Path, *, option: str = "--png") -> Path:
    """Write ``figure`` to ``path`` as a PNG, replacing it only once the new one is whole
    (:func:`core.files.atomic_output`).

    Args:
        figure: A :class:`matplotlib.figure.Figure`.
        path: The PNG to write.
        option: The command-line option that named ``path``, for the messages.

    Raises:
        UsageError: the folder does not exist or cannot be written, or ``path`` is a folder.
    """
    with atomic_output(path, option=option) as temporary:
        try:
            figure.savefig(temporary, format="png", dpi=DPI)
        except OSError as exc:
            raise UsageError(
                "cannot write the picture", str(path), f"{exc.strerror}; pick another {option}"
            ) from None
    return path


def cohort_stats_figure(stats: CohortStats) -> Any:
    """The cohort at a glance: the score histogram (left) and each check's pass rate (right,
    in suite order, the lowest in red).

    Returns:
        A :class:`matplotlib.figure.Figure`, about 1200 x 480 pixels at :data:`DPI`, taller
        when there are many checks.
    """
    from matplotlib.figure import Figure

    rows = max(len(stats.checks), 1)
    figure = Figure(figsize=(10, max(4.0, 1.2 + 0.28 * rows)), layout="constrained")
    scores, rates = figure.subplots(1, 2, width_ratios=(1, 1.3))
    lows = [low for low, _, _ in stats.bins]
    counts = [count for _, _, count in stats.bins]
    step = stats.bins[0][1] - stats.bins[0][0] if stats.bins else 1.0
    scores.bar(lows, counts, width=step * 0.9, align="edge", color="#4c72b0")
    scores.set_xlim(0, stats.max_score)
    scores.set_xlabel(f"score (of {stats.max_score:g} points)")
    scores.set_ylabel("students")
    scores.yaxis.get_major_locator().set_params(integer=True)
    scores.set_title(
        f"{stats.assignment}: {stats.students} students, mean {stats.mean:.1f}", loc="left"
    )
    percent = [100 * r.passed / r.graded if r.graded else 0.0 for r in stats.checks]
    worst = min(percent, default=0.0)
    colours = ["#c44e52" if p == worst and p < 100 else "#55a868" for p in percent]
    positions = list(range(len(stats.checks)))
    rates.barh(positions, percent, color=colours)
    rates.set_yticks(positions, [r.id for r in stats.checks])
    rates.invert_yaxis()
    rates.set_xlim(0, 100)
    rates.set_xlabel("passed (% of graded submissions)")
    rates.set_title("pass rate of each check", loc="left")
    for y, (p, r) in enumerate(zip(percent, stats.checks, strict=True)):
        rates.text(min(p, 100) + 1 if p < 85 else p - 1, y, f"{r.passed}/{r.graded}",
                   va="center", ha="left" if p < 85 else "right", fontsize=8)  # fmt: skip
    if not stats.checks:
        rates.text(50, 0, "nothing graded yet", ha="center", va="center")
    return figure
