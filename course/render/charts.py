"""Pictures drawn with matplotlib, for the people who would rather look than read.

matplotlib takes about half a second to import, so it is imported inside the functions that
draw, never at the top of this module: `course log` and the other quick commands do not pay
for it. Every figure is a :class:`matplotlib.figure.Figure` drawn by the Agg canvas (no pyplot,
no global state, no display needed) and written atomically: a PNG that exists is whole.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import UsageError
from core.files import atomic_output
from course.render.format import WEEKDAYS, format_minutes, format_percent, plural, visible
from course.render.goals import format_amount
from course.render.report import MAX_DAY_ROWS, period_title
from course.render.streak import heat_level
from tracker.dates import week_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from course.app.cohort_stats import CohortStats
    from tracker.goals import GoalProgress
    from tracker.report import BestGrade, StudyCalendar, StudyReport

DPI = 120
"""Dots per inch of every picture (a 10 x 4 inch figure is 1200 x 480 pixels)."""

CJK_FONTS = ("NanumGothic", "Noto Sans CJK KR", "Noto Sans CJK JP")
"""Fonts that draw Korean, in order of preference: NanumGothic (Debian ``fonts-nanum``), then
Noto Sans CJK (``fonts-noto-cjk``). Without any of them Korean is drawn as boxes."""

FALLBACK_FONT = "DejaVu Sans"
"""matplotlib's own font, for the glyphs the CJK font lacks (or all of them without one)."""

_CJK_FILES = ("NanumGothic.ttf", "NotoSansCJK-Regular.ttc", "NotoSansCJKkr-Regular.otf")

PALETTE = (
    "#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3",
    "#937860", "#da8bc3", "#ccb974", "#64b5cd",
)  # fmt: skip
"""Colours of the topics (most studied first) and of the assignments' trend lines."""

OTHER_COLOUR = "#b0b0b0"
"""Colour of the topics past the first :data:`MAX_TOPICS` - 1, stacked as one."""

MAX_TOPICS = len(PALETTE)
"""Topics drawn each in its own colour; with more, the least studied share one ("others")."""

GRADE_DODGE = 0.08
"""How far apart, in attempts, the grade trend draws the assignments' markers."""

HEAT_COLOURS = ("#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39")
"""The year heatmap's cells by :func:`course.render.streak.heat_level` (GitHub's greens)."""

HEAT_LABELS = ("none", "under 1 h", "1-3 h", "3-5 h", "5 h or more")
"""The legend of :data:`HEAT_COLOURS`."""

CELL_INCHES = 0.2
"""Width of one week column of the year heatmap, in inches (24 pixels at :data:`DPI`)."""


@functools.cache
def cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` that matplotlib can use, or ``None``.

    matplotlib's font list is cached on disk; a font installed after the cache was written is
    not in it, so when none is found the system's font folders are searched once for the
    files of :data:`CJK_FONTS` and those found are added.
    """
    from matplotlib import font_manager

    def known() -> str | None:
        names = {entry.name for entry in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in names), None)

    found = known()
    if found is None:
        for path in font_manager.findSystemFonts():
            if Path(path).name in _CJK_FILES:
                font_manager.fontManager.addfont(path)
        found = known()
    return found


def chart_style() -> Any:
    """The settings every picture is drawn with, as a context manager
    (:func:`matplotlib.rc_context`), never set globally: :func:`cjk_font` first with
    :data:`FALLBACK_FONT` behind it, user text never read as mathtext (a ``$`` in a topic is a
    dollar sign), and an ASCII minus sign.
    """
    import matplotlib

    cjk = cjk_font()
    return matplotlib.rc_context(
        {
            "font.family": [cjk, FALLBACK_FONT] if cjk else [FALLBACK_FONT],
            "text.parse_math": False,
            "axes.unicode_minus": False,
        }
    )


def save_png(figure: Any, path: Path, *, option: str = "--png") -> Path:
    """Write ``figure`` to ``path`` as a PNG, replacing it only once the new one is whole
    (:func:`core.files.atomic_output`), drawn in :func:`chart_style`.

    Args:
        figure: A :class:`matplotlib.figure.Figure`.
        path: The PNG to write.
        option: The command-line option that named ``path``, for the messages.

    Raises:
        UsageError: the folder does not exist or cannot be written, or ``path`` is a folder.
    """
    with atomic_output(path, option=option) as temporary, chart_style():
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


def _shown(text: str, limit: int = 32) -> str:
    """User text for a picture: one line, control characters as escapes, at most ``limit``
    characters (the rest as an ellipsis)."""
    line = visible(" ".join(text.split()))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _empty(axes: Axes, message: str) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes)


def week_figure(report: StudyReport) -> Figure:
    """A report at a glance: study time per day stacked by topic (top), each goal as a
    progress bar (bottom left) and each assignment's grade trend (bottom right).

    Periods longer than :data:`course.render.report.MAX_DAY_ROWS` days show one bar per ISO
    week, as the table view does.

    Args:
        report: The report (:func:`tracker.report.build_report`): its ``days``,
            ``day_topics``, ``topics``, ``goals`` and ``grades``.

    Returns:
        A :class:`matplotlib.figure.Figure` of 1200 x 840 pixels at :data:`DPI`. The top axes
        holds one bar per day (or week) and topic, heights in hours, each topic's bars
        stacked on those of the topics studied more; the goals axes a grey track of 100 per
        goal and over it the percentage achieved, capped at 100; the grades axes one line per
        assignment, scores as percent of its maximum, one point per attempt in order.
    """
    from matplotlib.figure import Figure

    with chart_style():
        figure = Figure(figsize=(10, 7), layout="constrained")
        grid = figure.add_gridspec(2, 2, height_ratios=(1.3, 1))
        _hours_axes(figure.add_subplot(grid[0, :]), report)
        _goals_axes(figure.add_subplot(grid[1, 0]), report.goals)
        _grades_axes(figure.add_subplot(grid[1, 1]), report.grades)
        figure.suptitle(period_title(report.period), x=0.01, ha="left", fontsize=14)
    return figure


def stacked_hours(report: StudyReport) -> tuple[list[str], list[tuple[str, list[float]]]]:
    """The bars of :func:`week_figure`'s top axes.

    Returns:
        The label of each bar (``"Mon\\n11-16"``, or ``"W47\\n11-16"`` per week for long
        periods), and per topic (most studied first; past :data:`MAX_TOPICS`, the rest summed
        as ``"N others"``) its hours in each bar.
    """
    per_day = report.period.days <= MAX_DAY_ROWS
    labels: list[str] = []
    slot: dict[date, int] = {}
    for total in report.days:
        day = total.day
        if per_day:
            labels.append(f"{WEEKDAYS[day.weekday()]}\n{day:%m-%d}")
        elif day == report.period.start or day.weekday() == 0:
            labels.append(f"{week_label(day)[5:]}\n{day:%m-%d}")
        slot[day] = len(labels) - 1
    names = [topic.topic for topic in report.topics]
    if len(names) > MAX_TOPICS:
        rest = len(names) - MAX_TOPICS + 1
        kept = {name: index for index, name in enumerate(names[: MAX_TOPICS - 1])}
        series = [*names[: MAX_TOPICS - 1], f"{rest} others"]
    else:
        kept = {name: index for index, name in enumerate(names)}
        series = names
    values = [[0.0] * len(labels) for _ in series]
    for row in report.day_topics:
        index = kept.get(row.topic, len(series) - 1)
        values[index][slot[row.day]] += row.minutes / 60
    return labels, list(zip(series, values, strict=True))


def _hours_axes(axes: Axes, report: StudyReport) -> None:
    labels, series = stacked_hours(report)
    positions = list(range(len(labels)))
    bottoms = [0.0] * len(labels)
    others = len(report.topics) > MAX_TOPICS
    handles = []
    for index, (topic, values) in enumerate(series):
        last = index == len(series) - 1
        colour = OTHER_COLOUR if others and last else PALETTE[index]
        bars = axes.bar(positions, values, width=0.7, bottom=bottoms, color=colour)
        handles.append((bars, _shown(topic, 24)))
        bottoms = [low + value for low, value in zip(bottoms, values, strict=True)]
    step = max(1, -(-len(labels) // 16))  # at most 16 labels
    axes.set_xticks(positions, [text if i % step == 0 else "" for i, text in enumerate(labels)])
    axes.set_xlim(-0.6, len(labels) - 0.4)
    axes.set_ylim(0, max(max(bottoms, default=0.0) * 1.15, 1.0))
    axes.set_ylabel("hours")
    axes.set_title(
        f"Study time: {format_minutes(report.total_minutes)} on "
        f"{report.study_days} of {plural(report.period.days, 'day')}",
        loc="left",
    )
    axes.spines[["top", "right"]].set_visible(False)
    if len(labels) <= 16:
        for x, total in zip(positions, bottoms, strict=True):
            if total > 0:
                text = format_minutes(round(total * 60))
                axes.text(x, total, text, ha="center", va="bottom", fontsize=8)
    if not series:
        axes.text(0.5, 0.5, "No study time logged in this period.", ha="center",
                  va="center", transform=axes.transAxes)  # fmt: skip
        return
    axes.legend(
        [bars for bars, _ in handles],
        [name for _, name in handles],  # explicit: a topic starting with "_" is kept
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
        title="topic",
    )


def _goals_axes(axes: Axes, goals: Sequence[GoalProgress]) -> None:
    if not goals:
        _empty(axes, "No goals set for this period.")
        return
    weeks = {progress.goal.week for progress in goals}
    positions = list(range(len(goals)))
    names = [
        _shown(g.label, 20) + (f" ({g.goal.week[5:]})" if len(weeks) > 1 else "") for g in goals
    ]
    axes.barh(positions, [100.0] * len(goals), height=0.6, color="#e6e6e6")
    shown = [min(g.percent, 100.0) for g in goals]
    colours = ["#55a868" if g.done else "#4c72b0" for g in goals]
    axes.barh(positions, shown, height=0.6, color=colours)
    for y, (progress, width) in enumerate(zip(goals, shown, strict=True)):
        text = (
            f"{format_percent(progress.percent)}  {format_amount(progress.goal, progress.actual)}"
            f" of {format_amount(progress.goal, progress.goal.target)}"
        )
        inside = width >= 60
        axes.text(width - 1.5 if inside else width + 1.5, y, text, va="center",
                  ha="right" if inside else "left", color="white" if inside else "black",
                  fontsize=9)  # fmt: skip
    axes.set_yticks(positions, names)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("achieved (% of target)")
    axes.set_title("Goals", loc="left")
    axes.spines[["top", "right"]].set_visible(False)


def grade_percents(grade: BestGrade) -> list[float]:
    """Each attempt's score as percent of the assignment's maximum, oldest first (0 when the
    maximum is not positive)."""
    if grade.max_score <= 0:
        return [0.0 for _ in grade.scores]
    return [100 * score / grade.max_score for score in grade.scores]


def _grades_axes(axes: Axes, grades: Sequence[BestGrade]) -> None:
    if not grades:
        _empty(axes, "No grade attempts in this period.")
        return
    lines = []
    for index, grade in enumerate(grades):
        percents = grade_percents(grade)
        # Each assignment a little to the side (GRADE_DODGE), so that several with the same
        # scores (five first attempts at 100 %) stay visible instead of hiding each other.
        shift = (index - (len(grades) - 1) / 2) * GRADE_DODGE
        (line,) = axes.plot(
            [attempt + shift for attempt in range(1, len(percents) + 1)],
            percents,
            marker="o",
            color=PALETTE[index % len(PALETTE)],
        )
        lines.append(line)
    most = max(len(grade.scores) for grade in grades)
    axes.set_xticks(range(1, most + 1))
    axes.set_xlim(0.7, most + 0.3)
    axes.set_ylim(0, 105)
    axes.set_xlabel("attempt")
    axes.set_ylabel("score (% of max)")
    axes.set_title("Grade trend", loc="left")
    axes.grid(axis="y", color="#e6e6e6")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(lines, [_shown(grade.assignment, 20) for grade in grades], loc="lower right",
                fontsize=9)  # fmt: skip


def year_figure(calendar: StudyCalendar) -> Figure:
    """The year heatmap of ``course report streak`` as a picture, like GitHub's contributions
    calendar: one column per week (Monday at the top), one square per day of the calendar,
    coloured by :func:`course.render.streak.heat_level` (:data:`HEAT_COLOURS`), month names
    above the week holding each month's first day, the streaks in the title.

    Args:
        calendar: Study minutes per day (:func:`tracker.report.study_calendar`).

    Returns:
        A :class:`matplotlib.figure.Figure`: :data:`CELL_INCHES` per week column plus 1.4
        inches (1440 x 336 pixels for a year of 53 columns), at most 24 inches wide. Its axes
        holds exactly one rectangle per day, at x = week column, y = weekday (0 is Monday).
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    first_monday = calendar.start - timedelta(days=calendar.start.weekday())
    weeks = (calendar.end - first_monday).days // 7 + 1
    with chart_style():
        width = min(24.0, max(6.0, 1.4 + CELL_INCHES * weeks))
        figure = Figure(figsize=(width, 2.8), layout="constrained")
        axes = figure.add_subplot()
        day = calendar.start
        while day <= calendar.end:
            column = (day - first_monday).days // 7
            colour = HEAT_COLOURS[heat_level(calendar.minutes.get(day, 0))]
            axes.add_patch(
                Rectangle((column, day.weekday()), 0.82, 0.82, color=colour, linewidth=0)
            )
            if day.day == 1 or (day == calendar.start and day.day <= 17):
                axes.text(column, -0.4, f"{day:%b}", fontsize=8, va="bottom", ha="left")
            day += timedelta(days=1)
        for weekday in (0, 2, 4):
            axes.text(-0.4, weekday + 0.41, WEEKDAYS[weekday], fontsize=8, va="center",
                      ha="right")  # fmt: skip
        axes.set_xlim(-2.2, weeks + 0.2)
        axes.set_ylim(7.2, -1.6)
        axes.set_aspect("equal")
        axes.set_axis_off()
        axes.set_title(
            f"{calendar.start.isoformat()} to {calendar.end.isoformat()}: "
            f"{plural(calendar.study_days, 'study day')}, "
            f"{format_minutes(calendar.total_minutes)}. Current streak: "
            f"{plural(calendar.current_streak, 'day')}; longest: "
            f"{plural(calendar.longest_streak, 'day')}.",
            loc="left",
            fontsize=11,
        )
        axes.legend(
            [Patch(color=colour) for colour in HEAT_COLOURS],
            list(HEAT_LABELS),
            loc="upper right",
            bbox_to_anchor=(1.0, 0.0),
            ncols=len(HEAT_COLOURS),
            frameon=False,
            fontsize=8,
            handlelength=1.0,
            handleheight=1.0,
            columnspacing=1.0,
        )
    return figure
