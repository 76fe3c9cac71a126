"""`course.render.charts`: the weekly picture, the year heatmap, the CJK font, and the post's
link to the picture (`course.render.report.with_picture`)."""

from __future__ import annotations

import struct
import warnings
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from course.render import charts
from course.render.charts import (
    HEAT_COLOURS,
    OTHER_COLOUR,
    PALETTE,
    save_png,
    week_figure,
    year_figure,
)
from course.render.report import with_picture
from tracker.goals import Goal, GoalProgress
from tracker.report import (
    BestGrade,
    DayTopic,
    DayTotal,
    StudyCalendar,
    StudyReport,
    TopicTotal,
    last_days_period,
    week_period,
)

MONDAY = date(2026, 11, 16)  # 2026-W47


def _report(
    rows: list[tuple[int, str, int]],
    *,
    goals: list[GoalProgress] | None = None,
    grades: list[BestGrade] | None = None,
    days: int = 7,
) -> StudyReport:
    """A report of ``rows`` (day offset from MONDAY, topic, minutes) over W47 (or the ``days``
    days from MONDAY), totals computed as `build_report` does."""
    period = (
        week_period(2026, 47) if days == 7 else last_days_period(days, MONDAY + timedelta(days - 1))
    )
    day_topics = sorted(
        (DayTopic(MONDAY + timedelta(offset), topic, minutes) for offset, topic, minutes in rows),
        key=lambda row: (row.day, row.topic),
    )
    per_day: dict[date, int] = {}
    per_topic: dict[str, int] = {}
    for row in day_topics:
        per_day[row.day] = per_day.get(row.day, 0) + row.minutes
        per_topic[row.topic] = per_topic.get(row.topic, 0) + row.minutes
    return StudyReport(
        period=period,
        days=[
            DayTotal(period.start + timedelta(i), per_day.get(period.start + timedelta(i), 0))
            for i in range(period.days)
        ],
        topics=[
            TopicTotal(t, m) for t, m in sorted(per_topic.items(), key=lambda i: (-i[1], i[0]))
        ],
        total_minutes=sum(per_day.values()),
        day_topics=day_topics,
        goals=goals or [],
        grades=grades or [],
    )


WEEK = [(0, "CNN", 120), (1, "합성곱 신경망", 90), (3, "RNN", 45), (3, "CNN", 30)]
GOALS = [
    GoalProgress(Goal(1, "2026-W47", "hours", None, 10.0), 4.75, date(2026, 11, 21)),
    GoalProgress(Goal(2, "2026-W47", "topic_hours", "CNN", 2.0), 2.5, date(2026, 11, 21)),
    GoalProgress(Goal(3, "2026-W47", "problems", None, 2.0), 1.0, date(2026, 11, 21)),
]
RESNET = BestGrade("resnet", 8.5, 10.0, 3, date(2026, 11, 20), scores=(6.0, 8.5, 7.0))
LSTM = BestGrade("lstm", 90.0, 100.0, 2, date(2026, 11, 19), scores=(45.0, 90.0))


def _size(png: Path) -> tuple[int, int]:
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _texts(axes: Any) -> list[str]:
    return [text.get_text() for text in axes.texts]


# --- the weekly picture -----------------------------------------------------------------------


def test_week_figure_stacks_each_days_hours_by_topic() -> None:
    figure = week_figure(_report(WEEK, goals=GOALS, grades=[RESNET, LSTM]))
    hours, goals, grades = figure.axes
    # one bar per day and topic (7 x 3), topics most studied first, stacked in that order
    assert len(hours.patches) == 7 * 3
    assert [len(bars) for bars in hours.containers] == [7, 7, 7]
    heights = [[round(p.get_height(), 4) for p in bars] for bars in hours.containers]
    assert heights == [
        [2.0, 0, 0, 0.5, 0, 0, 0],  # CNN (2h 30m)
        [0, 1.5, 0, 0, 0, 0, 0],  # 합성곱 신경망 (1h 30m)
        [0, 0, 0, 0.75, 0, 0, 0],  # RNN (0h 45m)
    ]
    tops = [
        round(max(p.get_y() + p.get_height() for p in bars), 4)
        for bars in zip(*hours.containers, strict=True)
    ]
    assert tops == [2.0, 1.5, 0, 1.25, 0, 0, 0]  # each day's hours
    assert hours.containers[2][3].get_y() == pytest.approx(0.5)  # RNN on top of CNN on Thu
    assert hours.containers[1][0].get_facecolor()[:3] == pytest.approx(
        tuple(int(PALETTE[1][i : i + 2], 16) / 255 for i in (1, 3, 5))
    )
    assert [t.get_text() for t in hours.get_legend().get_texts()] == ["CNN", "합성곱 신경망", "RNN"]
    assert [t.get_text() for t in hours.get_xticklabels()] == [
        "Mon\n11-16", "Tue\n11-17", "Wed\n11-18", "Thu\n11-19", "Fri\n11-20", "Sat\n11-21",
        "Sun\n11-22",
    ]  # fmt: skip
    assert _texts(hours) == ["2h 00m", "1h 30m", "1h 15m"]  # the totals above the bars
    assert hours.get_title(loc="left") == "Study time: 4h 45m on 3 of 7 days"
    assert figure._suptitle.get_text() == "Week 2026-W47: 2026-11-16 to 2026-11-22"
    assert goals.get_title(loc="left") == "Goals"
    assert grades.get_title(loc="left") == "Grade trend"


def test_week_figure_draws_goals_as_progress_bars() -> None:
    goals = week_figure(_report(WEEK, goals=GOALS)).axes[1]
    track, done = goals.containers
    assert [p.get_width() for p in track] == [100.0, 100.0, 100.0]
    assert [p.get_width() for p in done] == pytest.approx([47.5, 100.0, 50.0])  # capped at 100
    assert [t.get_text() for t in goals.get_yticklabels()] == [
        "Study time",
        "CNN",
        "Problems solved",
    ]
    assert _texts(goals) == [
        "48%  4h 45m of 10h 00m",
        "125%  2h 30m of 2h 00m",
        "50%  1 of 2",
    ]
    assert goals.get_xlim() == (0.0, 100.0)


def test_week_figure_names_the_week_of_each_goal_when_there_are_several() -> None:
    later = GoalProgress(Goal(4, "2026-W48", "hours", None, 5.0), 1.0, date(2026, 11, 23))
    goals = week_figure(_report(WEEK, goals=[GOALS[0], later], days=8)).axes[1]
    assert [t.get_text() for t in goals.get_yticklabels()] == [
        "Study time (W47)",
        "Study time (W48)",
    ]


def test_week_figure_plots_each_assignments_scores_as_percent() -> None:
    grades = week_figure(_report(WEEK, grades=[LSTM, RESNET])).axes[2]
    xs = [list(line.get_xdata()) for line in grades.lines]
    assert xs == [pytest.approx([0.96, 1.96]), pytest.approx([1.04, 2.04, 3.04])]  # dodged
    assert [list(line.get_ydata()) for line in grades.lines] == [[45.0, 90.0], [60.0, 85.0, 70.0]]
    assert [line.get_marker() for line in grades.lines] == ["o", "o"]
    assert [t.get_text() for t in grades.get_legend().get_texts()] == ["lstm", "resnet"]
    assert grades.get_ylim() == (0.0, 105.0)


def test_week_figure_of_an_empty_week_says_so() -> None:
    figure = week_figure(_report([]))
    hours, goals, grades = figure.axes
    assert len(hours.patches) == 0
    assert _texts(hours) == ["No study time logged in this period."]
    assert _texts(goals) == ["No goals set for this period."]
    assert _texts(grades) == ["No grade attempts in this period."]


def test_week_figure_stacks_the_least_studied_topics_as_others() -> None:
    rows = [(0, f"topic {i:02d}", 100 - i) for i in range(12)]
    hours = week_figure(_report(rows)).axes[0]
    legend = [t.get_text() for t in hours.get_legend().get_texts()]
    assert legend == [*(f"topic {i:02d}" for i in range(8)), "4 others"]
    assert len(hours.patches) == 7 * 9
    others = hours.containers[-1]
    assert others[0].get_height() == pytest.approx(sum(100 - i for i in range(8, 12)) / 60)
    assert others[0].get_facecolor()[:3] == pytest.approx((176 / 255,) * 3)
    assert OTHER_COLOUR == "#b0b0b0"


def test_week_figure_of_a_long_period_draws_a_bar_per_week() -> None:
    rows = [(0, "CNN", 60), (6, "CNN", 30), (7, "RNN", 45), (39, "CNN", 15)]
    hours = week_figure(_report(rows, days=40)).axes[0]
    labels = [t.get_text() for t in hours.get_xticklabels()]
    assert labels == [
        "W47\n11-16",
        "W48\n11-23",
        "W49\n11-30",
        "W50\n12-07",
        "W51\n12-14",
        "W52\n12-21",
    ]
    heights = [[round(p.get_height(), 4) for p in bars] for bars in hours.containers]
    assert heights == [[1.5, 0, 0, 0, 0, 0.25], [0, 0.75, 0, 0, 0, 0]]


def test_week_figure_shows_user_text_as_typed() -> None:
    rows = [(0, "Transformer $x^2$", 60), (1, "_private", 30), (2, "a\x1b[2Jb\nc", 20)]
    figure = week_figure(_report(rows))
    legend = figure.axes[0].get_legend().get_texts()
    assert [t.get_text() for t in legend] == ["Transformer $x^2$", "_private", "a\\x1b[2Jb c"]
    assert [t.get_parse_math() for t in legend] == [False, False, False]  # no mathtext
    figure.canvas.draw()  # an unbalanced or odd $ cannot break drawing


def test_save_png_writes_the_week_at_1200_by_840(tmp_path: Path) -> None:
    png = save_png(week_figure(_report(WEEK, goals=GOALS, grades=[RESNET])), tmp_path / "w.png")
    assert _size(png) == (1200, 840)


# --- the year heatmap -------------------------------------------------------------------------


def _calendar(days: int = 365, minutes: dict[date, int] | None = None) -> StudyCalendar:
    end = date(2026, 11, 21)
    return StudyCalendar(end - timedelta(days - 1), end, minutes or {}, 2, 5)


def test_year_figure_has_a_square_per_day_in_53_week_columns(tmp_path: Path) -> None:
    minutes = {date(2026, 11, 16): 30, date(2026, 11, 17): 90, date(2026, 11, 19): 200,
               date(2026, 11, 21): 400}  # fmt: skip
    figure = year_figure(_calendar(minutes=minutes))
    (axes,) = figure.axes
    cells = axes.patches
    assert len(cells) == 365
    assert len({cell.get_x() for cell in cells}) == 53  # 2025-11-22 (a Saturday) to 2026-11-21
    assert {cell.get_y() for cell in cells} == set(range(7))  # Monday (0) at the top
    first, last = cells[0], cells[-1]
    assert (first.get_x(), first.get_y(), last.get_x(), last.get_y()) == (0, 5, 52, 5)
    at = {(cell.get_x(), cell.get_y()): cell.get_facecolor() for cell in cells}

    def rgb(colour: str) -> tuple[float, ...]:
        return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    assert [at[(52, weekday)][:3] for weekday in range(6)] == [
        pytest.approx(rgb(HEAT_COLOURS[level])) for level in (1, 2, 0, 3, 0, 4)
    ]
    assert axes.get_title(loc="left") == (
        "2025-11-22 to 2026-11-21: 4 study days, 12h 00m. Current streak: 2 days; longest: 5 days."
    )
    months = [t.get_text() for t in axes.texts if t.get_text() not in ("Mon", "Wed", "Fri")]
    # the first column holds 2025-11-22: too late in November to name it beside December's
    assert months == ["Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                      "Sep", "Oct", "Nov"]  # fmt: skip
    assert [t.get_text() for t in axes.get_legend().get_texts()] == [
        "none", "under 1 h", "1-3 h", "3-5 h", "5 h or more",
    ]  # fmt: skip
    assert _size(save_png(figure, tmp_path / "year.png")) == (1440, 336)


def test_year_figure_of_a_short_span_is_at_least_6_inches_wide(tmp_path: Path) -> None:
    figure = year_figure(_calendar(days=60))
    assert len(figure.axes[0].patches) == 60
    assert _size(save_png(figure, tmp_path / "y.png")) == (720, 336)


# --- Korean -------------------------------------------------------------------------------------


def _drawn(figure: Any, path: Path) -> list[str]:
    """Draw ``figure`` into ``path``; the warnings about glyphs missing from the fonts."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save_png(figure, path)
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_korean_topics_are_drawn_with_the_cjk_font(tmp_path: Path) -> None:
    font = charts.cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-nanum)")
    from matplotlib.font_manager import FontProperties, findfont

    figure = week_figure(_report(WEEK, goals=GOALS))
    (korean,) = [
        t for t in figure.axes[0].get_legend().get_texts() if t.get_text() == "합성곱 신경망"
    ]
    assert korean.get_fontfamily()[0] == font
    path = findfont(korean.get_fontproperties(), fallback_to_default=False)
    assert FontProperties(fname=path).get_name() == font
    if font == "NanumGothic":
        assert Path(path).name == "NanumGothic.ttf"
    assert _drawn(figure, tmp_path / "w.png") == []


def test_without_a_cjk_font_korean_falls_back_to_dejavu(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    figure = week_figure(_report(WEEK))
    (korean,) = [
        t for t in figure.axes[0].get_legend().get_texts() if t.get_text() == "합성곱 신경망"
    ]
    assert korean.get_fontfamily() == ["DejaVu Sans"]
    missing = _drawn(figure, tmp_path / "w.png")
    assert missing and all("DejaVu Sans" in message for message in missing)  # drawn as boxes


# --- the post's link to the picture ---------------------------------------------------------


def test_with_picture_puts_the_image_under_the_title() -> None:
    post = "# Weekly retrospective 2026-W47\n\n_2026-11-16 to 2026-11-22_\n\n## Summary\n"
    assert with_picture(post, "week.png", "Study time, 2026-W47") == (
        "# Weekly retrospective 2026-W47\n\n"
        "![Study time, 2026-W47](week.png)\n\n"
        "_2026-11-16 to 2026-11-22_\n\n## Summary\n"
    )


@pytest.mark.parametrize(
    ("image", "link"),
    [
        ("pics/my week (1).png", "pics/my%20week%20%281%29.png"),
        (".demo/week.png", ".demo/week.png"),
        ("주간 [1].png", "%EC%A3%BC%EA%B0%84%20%5B1%5D.png"),
        ("javascript:alert(1).png", "javascript%3Aalert%281%29.png"),
    ],
)
def test_with_picture_percent_encodes_the_path(image: str, link: str) -> None:
    assert with_picture("# T\n\nbody\n", image, "a [b] <c>") == (
        f"# T\n\n![a \\[b\\] &lt;c&gt;]({link})\n\nbody\n"
    )


def test_with_picture_of_a_post_without_a_title_puts_it_first() -> None:
    assert with_picture("body\n", "w.png", "w") == "![w](w.png)\n\nbody\n"
