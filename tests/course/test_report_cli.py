"""`course report daily|weekly|monthly|streak` end to end, on the temporary COURSE_DB."""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from course.cli import cli
from course.commands import context
from grader.results import GradeReport
from tests.fresh import fresh_python
from tracker.grades import record_attempt
from tracker.store import open_db

BOX = "┌┬┐│├┼┤└┴┘"
NOW = datetime(2026, 11, 21, 15, 0, tzinfo=timezone.utc)  # Saturday of 2026-W47


@pytest.fixture
def utc_local_time(local_tz: Callable[[str], None]) -> None:
    """Grade attempts get their day in local time: make that UTC."""
    local_tz("UTC0")


def _run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def week(
    runner: CliRunner, db_path: Path, utc_local_time: None, monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    """A week of everything in 2026-W47 (16 to 22 November), one entry in W46."""
    monkeypatch.setattr(context, "now", lambda: NOW)
    log = ("log", "--topic")
    _run(
        runner, *log, "CNN", "--hours", "2", "--date", "2026-11-16", "--note", "ResNet | bottleneck"
    )
    _run(runner, *log, "합성곱 신경망", "--duration", "1h30m", "--date", "2026-11-17")
    _run(runner, *log, "RNN", "--minutes", "45", "--date", "2026-11-19")
    _run(runner, *log, "CNN", "--hours", "0.5", "--date", "2026-11-19")
    _run(runner, *log, "ViT", "--hours", "3", "--date", "2026-11-15")
    with closing(open_db(db_path)) as db:
        for score, day in [(6.0, "17"), (8.5, "18"), (7.0, "20")]:
            record_attempt(
                db,
                GradeReport(
                    "resnet",
                    score,
                    10.0,
                    "cpu",
                    "quick",
                    3.0,
                    started_at=f"2026-11-{day}T12:00:00Z",
                ).to_dict(),
            )
    _run(
        runner,
        "problem",
        "add",
        "boj",
        "5525",
        "--title",
        "IOIOI",
        "--tags",
        "string,kmp",
        "--minutes",
        "60",
        "--used-hint",
        "--date",
        "2026-11-18",
    )
    _run(
        runner,
        "problem",
        "add",
        "leetcode",
        "two-sum",
        "--status",
        "failed",
        "--minutes",
        "30",
        "--date",
        "2026-11-19",
    )
    _run(
        runner,
        "retro",
        "--date",
        "2026-11-19",
        "--keep",
        "daily TIL",
        "--problem",
        "slept late",
        "--try",
        "bed by 1 am",
        "--try",
        "read the ViT paper",
    )
    _run(runner, "retro", "--date", "2026-11-20", "--kept", "3", "--carried", "4")
    _run(runner, "goal", "set", "--week", "--hours", "10", "--problems", "2")
    _run(runner, "goal", "set", "--week", "--topic", "CNN", "--hours", "2")
    _run(runner, "question", "add", "Why does LSTM use tanh?", "--topic", "RNN")
    return runner


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


TABLE = [
    "Week 2026-W47: 2026-11-16 to 2026-11-22",
    "4h 45m of study on 3 of 7 days · 1 problem solved · 1 open question",
    "",
    "Study time per day",
    "┌───────┬────────────┬────────┬──────────────────────┐",
    "│ Day   │ Date       │   Time │                      │",
    "├───────┼────────────┼────────┼──────────────────────┤",
    "│ Mon   │ 2026-11-16 │ 2h 00m │ ████████████████████ │",
    "│ Tue   │ 2026-11-17 │ 1h 30m │ ███████████████      │",
    "│ Wed   │ 2026-11-18 │ 0h 00m │                      │",
    "│ Thu   │ 2026-11-19 │ 1h 15m │ ████████████         │",
    "│ Fri   │ 2026-11-20 │ 0h 00m │                      │",
    "│ Sat   │ 2026-11-21 │ 0h 00m │                      │",
    "│ Sun   │ 2026-11-22 │ 0h 00m │                      │",
    "├───────┼────────────┼────────┼──────────────────────┤",
    "│ Total │            │ 4h 45m │                      │",
    "└───────┴────────────┴────────┴──────────────────────┘",
    "",
    "Topics: time and grades",
    "┌───────────────┬────────┬────────────────────┬──────────┐",
    "│ Topic         │   Time │ Assignments (best) │ Attempts │",
    "├───────────────┼────────┼────────────────────┼──────────┤",
    "│ CNN           │ 2h 30m │ resnet 8.5/10      │        3 │",
    "│ 합성곱 신경망 │ 1h 30m │ -                  │        - │",
    "│ RNN           │ 0h 45m │ -                  │        - │",
    "└───────────────┴────────┴────────────────────┴──────────┘",
    "",
    "Grade attempts",
    "┌────────────┬────────┬──────────┬─────────────┬──────────────┐",
    "│ Assignment │   Best │ Attempts │ Trend       │ Last attempt │",
    "├────────────┼────────┼──────────┼─────────────┼──────────────┤",
    "│ resnet     │ 8.5/10 │        3 │ 6 → 8.5 → 7 │ 2026-11-20   │",
    "└────────────┴────────┴──────────┴─────────────┴──────────────┘",
    "",
    "Goals",
    "┌──────────┬─────────────────┬────────┬─────────┬──────────┐",
    "│ Week     │ Goal            │   Done │  Target │ Achieved │",
    "├──────────┼─────────────────┼────────┼─────────┼──────────┤",
    "│ 2026-W47 │ Study time      │ 4h 45m │ 10h 00m │      48% │",
    "│ 2026-W47 │ CNN             │ 2h 30m │  2h 00m │     125% │",
    "│ 2026-W47 │ Problems solved │      1 │       2 │      50% │",
    "└──────────┴─────────────────┴────────┴─────────┴──────────┘",
    "",
    "Coding-test problems: 1 solved",
    "┌────────────┬──────────────────┬───────┬─────────────┬───────────────┬────────┐",
    "│ Day        │ Problem          │ Title │ Tags        │ Result        │   Time │",
    "├────────────┼──────────────────┼───────┼─────────────┼───────────────┼────────┤",
    "│ 2026-11-18 │ boj 5525         │ IOIOI │ string, kmp │ solved (hint) │ 1h 00m │",
    "│ 2026-11-19 │ leetcode two-sum │       │             │ failed        │ 0h 30m │",
    "└────────────┴──────────────────┴───────┴─────────────┴───────────────┴────────┘",
    "",
    "Retrospective (KPT)",
    "Keep:",
    "  - daily TIL (2026-11-19)",
    "Problem:",
    "  - slept late (2026-11-19)",
    "Try:",
    "  [x] bed by 1 am (2026-11-19)",
    "  [>] read the ViT paper (2026-11-19)",
    "  [ ] read the ViT paper (2026-11-20)",
    "Try follow-up: 1 kept, 0 dropped, 1 carried, 1 open; 50% of reviewed tries kept",
    "",
    "Open questions",
    "  #1 [RNN] Why does LSTM use tanh?",
]

MARKDOWN = [
    "# Weekly retrospective 2026-W47",
    "",
    "_2026-11-16 to 2026-11-22_",
    "",
    "## Summary",
    "",
    "- Study time: **4h 45m** on 3 of 7 days",
    "- Coding-test problems solved: **1**",
    "- Goals: Study time 48%, CNN 125%, Problems solved 50%",
    "",
    "## Lectures and topics",
    "",
    "- **CNN**: 2h 30m",
    "  - 2026-11-16: ResNet | bottleneck",
    "- **합성곱 신경망**: 1h 30m",
    "- **RNN**: 0h 45m",
    "",
    "## Assignments",
    "",
    "| Assignment | Topic | Best | Attempts | Trend |",
    "| --- | --- | ---: | ---: | --- |",
    "| resnet | CNN | 8.5/10 | 3 | 6 → 8.5 → 7 |",
    "",
    "## Coding test",
    "",
    "- [x] [BOJ 5525 IOIOI](https://www.acmicpc.net/problem/5525) `string` `kmp` (solved, 1h 00m, hint)",  # noqa: E501
    "- [ ] [LeetCode two-sum](https://leetcode.com/problems/two-sum/) (failed, 0h 30m)",
    "",
    "## Retrospective (KPT)",
    "",
    "### Keep",
    "",
    "- daily TIL",
    "",
    "### Problem",
    "",
    "- slept late",
    "",
    "### Try",
    "",
    "- [x] bed by 1 am",
    "- [>] read the ViT paper",
    "- [ ] read the ViT paper",
    "",
    "Try follow-up: 1 kept, 0 dropped, 1 carried, 1 open; 50% of reviewed tries kept",
    "",
    "## Goals",
    "",
    "| Week | Goal | Done | Target | Achieved |",
    "| --- | --- | ---: | ---: | ---: |",
    "| 2026-W47 | Study time | 4h 45m | 10h 00m | 48% |",
    "| 2026-W47 | CNN | 2h 30m | 2h 00m | 125% |",
    "| 2026-W47 | Problems solved | 1 | 2 | 50% |",
    "",
    "## Open questions",
    "",
    "- Why does LSTM use tanh? (RNN)",
]

LAST40 = [
    "The last 40 days: 2026-10-13 to 2026-11-21",
    "7h 45m of study on 4 of 40 days · 1 problem solved · 1 open question",
    "",
    "Study time per week",
    "┌──────────┬────────────┬────────┬──────────────────────┐",
    "│ Week     │ From       │   Time │                      │",
    "├──────────┼────────────┼────────┼──────────────────────┤",
    "│ 2026-W42 │ 2026-10-13 │ 0h 00m │                      │",
    "│ 2026-W43 │ 2026-10-19 │ 0h 00m │                      │",
    "│ 2026-W44 │ 2026-10-26 │ 0h 00m │                      │",
    "│ 2026-W45 │ 2026-11-02 │ 0h 00m │                      │",
    "│ 2026-W46 │ 2026-11-09 │ 3h 00m │ █████████████        │",
    "│ 2026-W47 │ 2026-11-16 │ 4h 45m │ ████████████████████ │",
    "├──────────┼────────────┼────────┼──────────────────────┤",
    "│ Total    │            │ 7h 45m │                      │",
    "└──────────┴────────────┴────────┴──────────────────────┘",
]

STREAK = [
    "     Oct Nov",
    "Mon  ·······▒",
    "Tue  ·······▒",
    "Wed ·········",
    "Thu ········▒",
    "Fri ·········",
    "Sat ·········",
    "Sun ·······▓",
    "",
    "2026-09-23 to 2026-11-21: 4 study days, 7h 45m. Current streak: 0 days; longest: 3 days.",
    "Less · ░ ▒ ▓ █ More (none, under 1 h, 1-3 h, 3-5 h, 5 h or more)",
]


def test_report_weekly_table(week: CliRunner) -> None:
    assert _lines(_run(week, "report", "weekly", "--week", "2026-W47")) == TABLE


def test_report_weekly_is_this_week_by_default(week: CliRunner) -> None:
    assert _run(week, "report", "weekly") == _run(week, "report", "weekly", "--week", "this")
    assert _lines(_run(week, "report", "weekly", "--week", "last"))[0] == (
        "Week 2026-W46: 2026-11-09 to 2026-11-15"
    )


def test_report_weekly_markdown_post(week: CliRunner) -> None:
    assert _lines(_run(week, "report", "weekly", "--format", "markdown")) == MARKDOWN


def test_report_weekly_csv(week: CliRunner) -> None:
    assert _run(week, "report", "weekly", "--format", "csv") == (
        "day,topic,minutes,hours\n"
        "2026-11-16,CNN,120,2.00\n"
        "2026-11-17,합성곱 신경망,90,1.50\n"
        "2026-11-19,CNN,30,0.50\n"
        "2026-11-19,RNN,45,0.75\n"
    )


def test_report_weekly_json(week: CliRunner) -> None:
    text = _run(week, "report", "weekly", "--format", "json")
    assert text == _run(week, "report", "weekly", "--json")  # the older flag still works
    data = json.loads(text)
    assert data["period"] == {
        "kind": "weekly",
        "label": "2026-W47",
        "start": "2026-11-16",
        "end": "2026-11-22",
        "days": 7,
    }
    assert (data["total_minutes"], data["study_days"], data["problems_solved"]) == (285, 3, 1)
    assert data["grades"] == [
        {
            "assignment": "resnet",
            "topic": "CNN",
            "best_score": 8.5,
            "max_score": 10.0,
            "attempts": 3,
            "last_day": "2026-11-20",
            "scores": [6.0, 8.5, 7.0],
        }
    ]
    assert [(g["label"], g["percent"]) for g in data["goals"]] == [
        ("Study time", 47.5),
        ("CNN", 125.0),
        ("Problems solved", 50.0),
    ]
    assert data["retro"]["completion_rate"] == 0.5
    assert [q["text"] for q in data["open_questions"]] == ["Why does LSTM use tanh?"]
    assert '"topic": "합성곱 신경망"' in text  # not \\uXXXX escapes


def test_report_daily(week: CliRunner) -> None:
    lines = _lines(_run(week, "report", "daily", "--date", "2026-11-19"))
    assert lines[:2] == [
        "Day 2026-11-19 (Thu)",
        "1h 15m of study on 1 of 1 day · 0 problems solved · 1 open question",
    ]
    assert "│ Thu   │ 2026-11-19 │ 1h 15m │ ████████████████████ │" in lines
    top = lines.index("Entries (#: course edit / delete)")
    assert lines[top + 1 : top + 7] == [
        "┌───┬────────┬───────┬──────┬──────┐",
        "│ # │   Time │ Topic │ When │ Note │",
        "├───┼────────┼───────┼──────┼──────┤",
        "│ 3 │ 0h 45m │ RNN   │ -    │      │",
        "│ 4 │ 0h 30m │ CNN   │ -    │      │",
        "└───┴────────┴───────┴──────┴──────┘",
    ]
    assert _lines(_run(week, "report", "daily"))[0] == "Day 2026-11-21 (Sat)"


def test_report_weekly_entries_lists_each_entry_with_its_number(week: CliRunner) -> None:
    lines = _lines(_run(week, "report", "weekly", "--week", "2026-W47", "--entries"))
    top = lines.index("Entries (#: course edit / delete)")
    assert lines[top + 1 : top + 9] == [
        "┌───┬────────────────┬────────┬───────────────┬──────┬─────────────────────┐",
        "│ # │ Date           │   Time │ Topic         │ When │ Note                │",
        "├───┼────────────────┼────────┼───────────────┼──────┼─────────────────────┤",
        "│ 1 │ Mon 2026-11-16 │ 2h 00m │ CNN           │ -    │ ResNet | bottleneck │",
        "│ 2 │ Tue 2026-11-17 │ 1h 30m │ 합성곱 신경망 │ -    │                     │",
        "│ 3 │ Thu 2026-11-19 │ 0h 45m │ RNN           │ -    │                     │",
        "│ 4 │ Thu 2026-11-19 │ 0h 30m │ CNN           │ -    │                     │",
        "└───┴────────────────┴────────┴───────────────┴──────┴─────────────────────┘",
    ]
    without = _lines(_run(week, "report", "weekly", "--week", "2026-W47"))
    assert "Entries (#: course edit / delete)" not in without
    shown = json.loads(_run(week, "report", "weekly", "--last", "7", "--entries", "--json"))
    assert [entry["id"] for entry in shown["entries"]] == [5, 1, 2, 3, 4]  # from 11-15
    empty = _lines(_run(week, "report", "weekly", "--week", "2026-W40", "--entries"))
    assert "No study entries in this period." in empty


def test_report_last_days_shows_weeks_past_a_month(week: CliRunner) -> None:
    lines = _lines(_run(week, "report", "monthly", "--last", "40"))
    assert lines[: len(LAST40)] == LAST40


def test_report_monthly(week: CliRunner) -> None:
    data = json.loads(_run(week, "report", "monthly", "--month", "2026-11", "--format", "json"))
    assert (data["period"]["label"], data["period"]["days"], data["total_minutes"]) == (
        "2026-11",
        30,
        465,
    )


def test_report_streak(week: CliRunner) -> None:
    assert _lines(_run(week, "report", "streak", "--days", "60")) == STREAK
    data = json.loads(_run(week, "report", "streak", "--json"))
    assert (data["study_days"], data["current_streak"], data["longest_streak"]) == (4, 0, 3)


def test_report_korean_topics_line_up(week: CliRunner) -> None:
    _run(
        week, "log", "--minutes", "20", "--topic", "순환 신경망 (RNN) 복습", "--date", "2026-11-18"
    )
    lines = _run(week, "report", "weekly").splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("Topics: time and grades"))
    table = lines[top + 1 : top + 9]
    assert table[0].startswith("┌") and table[-1].startswith("└")
    assert any("순환 신경망 (RNN) 복습" in line for line in table)
    borders = [_border_columns(line) for line in table]
    assert borders == [borders[0]] * len(table)
    assert {cell_len(line) for line in table} == {cell_len(table[0])}


def test_report_empty_week(runner: CliRunner) -> None:
    lines = _lines(_run(runner, "report", "weekly", "--week", "2026-W01"))
    assert lines[:2] == [
        "Week 2026-W01: 2025-12-29 to 2026-01-04",
        "0h 00m of study on 0 of 7 days · 0 problems solved · 0 open questions",
    ]
    assert lines[7] == "│ Mon   │ 2025-12-29 │ 0h 00m │                      │"
    assert lines[-11:] == [
        "No study time logged in this period.",
        "",
        "No grade attempts in this period.",
        "",
        "No goals set for this period (course goal set --week --hours 40).",
        "",
        "No coding-test problems in this period.",
        "",
        "No retrospective in this period (course retro --keep ... --try ...).",
        "",
        "No open questions.",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["weekly", "--week", "2026-W99"],
            "Error: not an ISO week: '2026-W99'. "
            "Use YYYY-Www (e.g. 2026-W47, weeks 01 to 52 or 53), this or last\n",
        ),
        (
            ["monthly", "--month", "2026-13"],
            "Error: not a month: '2026-13'. Use YYYY-MM (e.g. 2026-11), this or last\n",
        ),
        (
            ["daily", "--date", "someday"],
            "Error: cannot read the date: 'someday'. Use today, yesterday, 3 days ago, monday,"
            " last monday or YYYY-MM-DD (2026-11-21)\n",
        ),
        (
            ["weekly", "--week", "last", "--last", "7"],
            "Error: --last cannot be combined with a chosen period: --week last."
            " Pass one of them\n",
        ),
        (
            ["daily", "--last", "0"],
            "Error: --last takes a number of days from 1 to 3660: 0. Pass e.g. --last 14\n",
        ),
        (
            ["streak", "--days", "0"],
            "Error: --days takes a number of days from 1 to 3660: 0. Pass e.g. --days 14\n",
        ),
    ],
)
def test_report_bad_input(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(cli, ["report", *args])
    assert (result.exit_code, result.output) == (2, message)


def test_report_unknown_format_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "weekly", "--format", "pdf"])
    assert result.exit_code == 2
    assert "Invalid value for '--format': 'pdf' is not one of" in result.output


def _border_columns(line: str) -> list[int]:
    """Terminal columns (cells, wide characters counting 2) of the box characters in a line."""
    columns, column = [], 0
    for char in line:
        if char in BOX:
            columns.append(column)
        column += cell_len(char)
    return columns


# --- pictures: --png ------------------------------------------------------------------------


def _png_size(png: Path) -> tuple[int, int]:
    """The PNG's width and height in pixels, from its IHDR header (after the signature)."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_report_weekly_png_beside_the_table(week: CliRunner, tmp_path: Path) -> None:
    png = tmp_path / "week.png"
    png.write_bytes(b"an older picture")
    result = week.invoke(cli, ["report", "weekly", "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert _lines(result.stdout) == TABLE
    assert result.stderr == f"Wrote {png}\n"
    assert _png_size(png) == (1200, 840)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".week.png")] == []


@pytest.mark.parametrize("output_format", ["json", "csv"])
def test_report_weekly_png_keeps_stdout_for_tools(
    week: CliRunner, tmp_path: Path, output_format: str
) -> None:
    png = tmp_path / "week.png"
    plain = _run(week, "report", "weekly", "--format", output_format)
    result = week.invoke(cli, ["report", "weekly", "--format", output_format, "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert (result.stdout, result.stderr) == (plain, f"Wrote {png}\n")
    assert _png_size(png) == (1200, 840)


def test_report_weekly_markdown_links_the_png(
    week: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pics").mkdir()
    args = ["report", "weekly", "--format", "markdown", "--png", "pics/my week (1).png"]
    result = week.invoke(cli, args)
    assert result.exit_code == 0, result.output
    image = "![Study time per day, goals and grades, 2026-W47](pics/my%20week%20%281%29.png)"
    assert _lines(result.stdout) == [*MARKDOWN[:2], image, "", *MARKDOWN[2:]]
    assert result.stderr == "Wrote pics/my week (1).png\n"
    assert _png_size(tmp_path / "pics" / "my week (1).png") == (1200, 840)


def test_report_weekly_png_of_the_last_days(week: CliRunner, tmp_path: Path) -> None:
    png = tmp_path / "last.png"
    result = week.invoke(
        cli, ["report", "weekly", "--last", "14", "--format", "csv", "--png", str(png)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "2026-11-15,ViT,180,3.00"  # W46's Sunday is in it
    assert _png_size(png) == (1200, 840)


@pytest.mark.parametrize("args", [["weekly"], ["weekly", "--format", "markdown"], ["streak"]])
def test_report_png_in_a_missing_folder_exits_2(
    week: CliRunner, tmp_path: Path, args: list[str]
) -> None:
    png = tmp_path / "nope" / "week.png"
    result = week.invoke(cli, ["report", *args, "--png", str(png)])
    assert (result.exit_code, result.stdout) == (2, "")  # nothing shown before the error
    assert result.stderr == (
        f"Error: the folder to write the picture in does not exist: {png.parent}. make it "
        "first, or pass another --png\n"
    )


def test_report_png_that_is_a_folder_exits_2(week: CliRunner, tmp_path: Path) -> None:
    result = week.invoke(cli, ["report", "weekly", "--png", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--png': File '{tmp_path}' is a directory."
    )


def test_report_streak_png(week: CliRunner, tmp_path: Path) -> None:
    png = tmp_path / "year.png"
    result = week.invoke(cli, ["report", "streak", "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert _lines(result.stdout)[-2].startswith("2025-11-22 to 2026-11-21: 4 study days, 7h 45m.")
    assert result.stderr == f"Wrote {png}\n"
    assert _png_size(png) == (1440, 336)  # 53 week columns
    result = week.invoke(cli, ["report", "streak", "--days", "60", "--json", "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["study_days"] == 4
    assert _png_size(png) == (720, 336)


def test_report_without_png_loads_no_matplotlib(db_path: Path) -> None:
    code = (
        "import sys\n"
        "from course.cli import cli\n"
        "for args in (['log', '--minutes', '30', '--topic', '합성곱 신경망'], ['report', 'weekly'],"
        " ['report', 'streak']):\n"
        "    try:\n"
        "        cli(args)\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, exc.code\n"
        "print('matplotlib' in sys.modules, file=sys.stderr)\n"
    )
    assert fresh_python(code).stderr == "False\n"
