"""`course problem add|list|stats` end to end, on the temporary COURSE_DB and a fixed clock."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from course.cli import cli
from course.commands import context

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)  # Saturday 2026-11-21


@pytest.fixture
def problems(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The runner with the clock fixed at :data:`NOW`."""
    monkeypatch.setattr(context, "now", lambda: NOW)
    return runner


def _run(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["problem", *args])
    return result.exit_code, result.output


def _add(runner: CliRunner, *args: str) -> str:
    code, output = _run(runner, "add", *args)
    assert code == 0, output
    return output


def _lines(output: str) -> list[str]:
    return [line.rstrip() for line in output.splitlines()]


# --- add ------------------------------------------------------------------------------------


def test_add_solved(problems: CliRunner) -> None:
    output = _add(problems, "boj", "5525", "--title", "IOIOI", "--tags", "string,kmp",
                  "--minutes", "60")  # fmt: skip
    assert output == "Added boj 5525 IOIOI: solved in 1h 00m (attempt #1).\n"


def test_add_again_inherits_and_counts_attempts(problems: CliRunner) -> None:
    _add(problems, "boj", "5525", "--title", "IOIOI", "--tags", "String, KMP,,string",
         "--status", "failed", "--date", "2026-11-19")  # fmt: skip
    _add(problems, "boj", "1000", "--title", "A+B")
    assert _add(problems, "BOJ", "5525", "--minutes", "1h30m", "--date", "yesterday") == (
        "Added boj 5525 IOIOI: solved in 1h 30m (attempt #2).\n"
        "Review it again on 2026-11-23 (in 2 days).\n"
    )
    code, output = _run(problems, "list", "--site", "boj", "--json")
    assert code == 0
    assert [(item["id"], item["title"], item["tags"]) for item in json.loads(output)] == [
        (2, "A+B", []),
        (3, "IOIOI", ["string", "kmp"]),
        (1, "IOIOI", ["string", "kmp"]),
    ]


@pytest.mark.parametrize(
    ("args", "output"),
    [
        (["--status", "failed", "--minutes", "45"],
         "Added boj 1000: failed after 0h 45m (attempt #1).\n"
         "Review it again on 2026-11-22 (in 1 day).\n"),
        (["--status", "Attempted"],
         "Added boj 1000: attempted (attempt #1).\nReview it again on 2026-11-22 (in 1 day).\n"),
        (["--status", "attempted", "--minutes", "20", "--used-hint"],
         "Added boj 1000: attempted with a hint for 0h 20m (attempt #1).\n"
         "Review it again on 2026-11-22 (in 1 day).\n"),
        (["--used-hint", "--minutes", "90"],
         "Added boj 1000: solved with a hint in 1h 30m (attempt #1).\n"
         "Review it again on 2026-11-22 (in 1 day).\n"),
        (["--status", "failed", "--date", "yesterday"],
         "Added boj 1000: failed (attempt #1).\nReview it again today (2026-11-21).\n"),
        (["--status", "failed", "--date", "3 days ago"],
         "Added boj 1000: failed (attempt #1).\n"
         "Review it again today: it was due on 2026-11-19 (2 days overdue).\n"),
        (["--date", "monday"], "Added boj 1000: solved (attempt #1).\n"),
    ],
)  # fmt: skip
def test_add_outcomes_and_review_lines(problems: CliRunner, args: list[str], output: str) -> None:
    assert _add(problems, "boj", "1000", *args) == output


def test_add_reports_each_review_step(problems: CliRunner) -> None:
    _add(problems, "boj", "1000", "--status", "failed", "--date", "2026-11-08")
    assert _add(problems, "boj", "1000", "--date", "2026-11-08") == (
        "Added boj 1000: solved (attempt #2).\n"
        "Review it again today: it was due on 2026-11-09 (12 days overdue).\n"
    )
    assert _add(problems, "boj", "1000", "--date", "2026-11-10") == (
        "Added boj 1000: solved (attempt #3).\n"
        "Review it again today: it was due on 2026-11-13 (8 days overdue).\n"
    )
    assert _add(problems, "boj", "1000", "--date", "2026-11-14") == (
        "Added boj 1000: solved (attempt #4).\nReview it again today (2026-11-21).\n"
    )
    assert _add(problems, "boj", "1000") == (
        "Added boj 1000: solved (attempt #5).\n"
        "That was its 7-day review: it has left the review queue.\n"
    )
    assert _add(problems, "boj", "1000") == "Added boj 1000: solved (attempt #6).\n"


def test_add_leetcode_programmers_other(problems: CliRunner) -> None:
    assert _add(problems, "LeetCode", "Two-Sum") == "Added leetcode two-sum: solved (attempt #1).\n"
    assert _add(problems, "programmers", "42576", "--title", "완주하지 못한 선수") == (
        "Added programmers 42576 완주하지 못한 선수: solved (attempt #1).\n"
    )
    assert _add(problems, "other", "[CF] 1900A", "--url", "https://codeforces.com/1900/A") == (
        "Added other [CF] 1900A: solved (attempt #1).\n"
    )
    code, output = _run(problems, "list", "--json")
    assert code == 0
    assert [item["link"] for item in json.loads(output)] == [
        "https://codeforces.com/1900/A",
        "https://school.programmers.co.kr/learn/courses/30/lessons/42576",
        "https://leetcode.com/problems/two-sum/",
    ]


_SITES = "Use one of boj, programmers, leetcode, other"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["codeforces", "1"], f"unknown site: 'codeforces'. {_SITES}"),
        (["boj", "A5525"], "a BOJ problem number is digits: 'A5525'. "
         "Use the number in acmicpc.net/problem/<number>, e.g. 5525"),
        (["programmers", "x1"], "a programmers problem number is digits: 'x1'. Use the lesson id"
         " in school.programmers.co.kr/learn/courses/30/lessons/<id>, e.g. 42576"),
        (["leetcode", "two_sum"], "a LeetCode problem is its slug: 'two_sum'. "
         "Use the name in leetcode.com/problems/<slug>/, e.g. two-sum"),
        (["other", " "], "the problem number is empty. "
         "Name the problem, e.g. course problem add other A1"),
        (["boj", "1000", "--minutes", "-30"], "cannot read the duration: '-30'. "
         "Write it like 2h30m, 1.5h, 90m or 45 (minutes)"),
        (["boj", "1000", "--minutes", "0"], "the time spent must be more than 0 minutes: 0 min."
         " Pass e.g. --minutes 45 or --minutes 1h30m, or leave --minutes out"),
        (["boj", "1000", "--minutes", "0h0m"], "the time spent must be more than 0 minutes: "
         "0 min. Pass e.g. --minutes 45 or --minutes 1h30m, or leave --minutes out"),
        (["boj", "1000", "--minutes", "25h"], "one attempt can take at most 24 hours: 1500 min."
         " Record each day's work on the problem as its own attempt"),
        (["boj", "1000", "--minutes", "an hour"], "cannot read the duration: 'an hour'. "
         "Write it like 2h30m, 1.5h, 90m or 45 (minutes)"),
        (["boj", "1000", "--date", "2026-11-22"], "cannot record an attempt in the future: "
         "2026-11-22. Today is 2026-11-21; pass --date today or an earlier date"),
        (["boj", "1000", "--date", "someday"], "cannot read the date: 'someday'. Use today, "
         "yesterday, 3 days ago, monday, last monday or YYYY-MM-DD (2026-11-21)"),
        (["boj", "1000", "--status", "accepted"], "unknown status: 'accepted'. "
         "Use one of solved, attempted, failed"),
        (["boj", "1000", "--url", "www.acmicpc.net/problem/1000"], "the URL must start with "
         "http:// or https://: 'www.acmicpc.net/problem/1000'. "
         "Paste the whole address of the problem's page"),
    ],
)  # fmt: skip
def test_add_refuses_bad_input(problems: CliRunner, args: list[str], message: str) -> None:
    assert _run(problems, "add", *args) == (2, f"Error: {message}\n")
    assert _run(problems, "list") == (
        0,
        "No problem attempts yet. Add one with: course problem add boj 1000\n",
    )


def test_add_needs_site_and_number(problems: CliRunner) -> None:
    code, output = _run(problems, "add", "boj")
    assert code == 2
    assert output.endswith("Error: Missing argument 'NUMBER'.\n")


# --- list -----------------------------------------------------------------------------------


@pytest.fixture
def listed(problems: CliRunner) -> CliRunner:
    """Five attempts between 2026-11-17 and today, 2026-11-21."""
    _add(
        problems,
        "boj",
        "5525",
        "--title",
        "IOIOI",
        "--tags",
        "string,kmp",
        "--status",
        "failed",
        "--minutes",
        "60",
        "--date",
        "2026-11-17",
    )
    _add(
        problems,
        "leetcode",
        "two-sum",
        "--tags",
        "hash",
        "--used-hint",
        "--minutes",
        "15",
        "--date",
        "2026-11-18",
    )
    _add(problems, "boj", "5525", "--minutes", "40", "--date", "2026-11-18")
    _add(
        problems,
        "programmers",
        "42576",
        "--title",
        "완주하지 못한 선수",
        "--tags",
        "hash",
        "--status",
        "attempted",
    )
    _add(problems, "other", "[CF] 1900A", "--tags", "greedy", "--minutes", "25")
    return problems  # fmt: skip


def test_list_table(listed: CliRunner) -> None:
    code, output = _run(listed, "list")
    assert code == 0
    assert _lines(output) == [
        "┌───┬────────────┬───────────────────┬───────────────────┬─────────────┬───────────┬────────┬──────┐",
        "│ # │ Day        │ Problem           │ Title             │ Tags        │ Status    │   Time │ Hint │",  # noqa: E501
        "├───┼────────────┼───────────────────┼───────────────────┼─────────────┼───────────┼────────┼──────┤",
        "│ 5 │ 2026-11-21 │ other [CF] 1900A  │                   │ greedy      │ solved    │ 0h 25m │      │",  # noqa: E501
        "│ 4 │ 2026-11-21 │ programmers 42576 │ 완주하지 못한     │ hash        │ attempted │        │      │",  # noqa: E501
        "│   │            │                   │ 선수              │             │           │        │      │",  # noqa: E501
        "│ 3 │ 2026-11-18 │ boj 5525          │ IOIOI             │ string, kmp │ solved    │ 0h 40m │      │",  # noqa: E501
        "│ 2 │ 2026-11-18 │ leetcode two-sum  │                   │ hash        │ solved    │ 0h 15m │ yes  │",  # noqa: E501
        "│ 1 │ 2026-11-17 │ boj 5525          │ IOIOI             │ string, kmp │ failed    │ 1h 00m │      │",  # noqa: E501
        "└───┴────────────┴───────────────────┴───────────────────┴─────────────┴───────────┴────────┴──────┘",
    ]


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["--tag", "HASH"], ["4", "2"]),
        (["--status", "solved"], ["5", "3", "2"]),
        (["--site", "BOJ"], ["3", "1"]),
        (["--since", "2026-11-18"], ["5", "4", "3", "2"]),
        (["--since", "yesterday", "--tag", "hash"], ["4"]),
        (["--tag", "kmp", "--status", "failed", "--site", "boj"], ["1"]),
    ],
)
def test_list_filters(listed: CliRunner, args: list[str], ids: list[str]) -> None:
    code, output = _run(listed, "list", *args)
    assert code == 0
    rows = _lines(output)[3:-1]
    assert [cell for row in rows if (cell := row.split("│")[1].strip())] == ids


def test_list_no_match(listed: CliRunner) -> None:
    assert _run(listed, "list", "--tag", "dp") == (0, "No problem attempts match those filters.\n")
    assert _run(listed, "list", "--since", "today", "--status", "failed") == (
        0,
        "No problem attempts match those filters.\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "wrong"], "unknown status: 'wrong'. Use one of solved, attempted, failed"),
        (["--site", "baekjoon"], f"unknown site: 'baekjoon'. {_SITES}"),
        (["--tag", ""], "the tag is empty. Pass a tag such as --tag dp"),
        (["--since", "last year"], "cannot read the date: 'last year'. Use today, yesterday, "
         "3 days ago, monday, last monday or YYYY-MM-DD (2026-11-21)"),
    ],
)  # fmt: skip
def test_list_refuses_bad_filters(listed: CliRunner, args: list[str], message: str) -> None:
    assert _run(listed, "list", *args) == (2, f"Error: {message}\n")


def test_list_json(listed: CliRunner) -> None:
    code, output = _run(listed, "list", "--site", "programmers", "--json")
    assert code == 0
    assert json.loads(output) == [
        {
            "id": 4,
            "site": "programmers",
            "number": "42576",
            "title": "완주하지 못한 선수",
            "tags": ["hash"],
            "status": "attempted",
            "minutes": None,
            "used_hint": False,
            "url": None,
            "link": "https://school.programmers.co.kr/learn/courses/30/lessons/42576",
            "note": None,
            "day": "2026-11-21",
        }
    ]
    assert '"title": "완주하지 못한 선수"' in output


# --- stats ----------------------------------------------------------------------------------


def test_stats(listed: CliRunner) -> None:
    code, output = _run(listed, "stats")
    assert code == 0
    assert _lines(output) == [
        "Coding-test progress",
        "Attempts: 5, problems solved: 3, median time of a solved attempt: 0h 25m",
        "Streak: 1 day (longest: 1 day)",
        "",
        "Solved per site",
        "┌─────────────┬────────┬──────────┐",
        "│ Site        │ Solved │ Attempts │",
        "├─────────────┼────────┼──────────┤",
        "│ boj         │      1 │        2 │",
        "│ leetcode    │      1 │        1 │",
        "│ other       │      1 │        1 │",
        "│ programmers │      0 │        1 │",
        "└─────────────┴────────┴──────────┘",
        "",
        "Solved per tag",
        "┌────────┬────────┬──────────┐",
        "│ Tag    │ Solved │ Attempts │",
        "├────────┼────────┼──────────┤",
        "│ greedy │      1 │        1 │",
        "│ hash   │      1 │        2 │",
        "│ kmp    │      1 │        2 │",
        "│ string │      1 │        2 │",
        "└────────┴────────┴──────────┘",
        "",
        "Weak tags",
        "┌────────┬──────────┬───────┐",
        "│ Tag    │ Failures │ Hints │",
        "├────────┼──────────┼───────┤",
        "│ hash   │        1 │     1 │",
        "│ kmp    │        1 │     0 │",
        "│ string │        1 │     0 │",
        "└────────┴──────────┴───────┘",
        "",
        "Review queue: 2 due, 1 coming up",
        "┌────────────┬──────────────────┬───────────────────┬────────────────────┬────────┬────────────┐",
        "│ Due        │ When             │ Problem           │ Title              │   Step │ Last try   │",  # noqa: E501
        "├────────────┼──────────────────┼───────────────────┼────────────────────┼────────┼────────────┤",
        "│ 2026-11-19 │ due, 2 days late │ leetcode two-sum  │                    │  1 day │ 2026-11-18 │",  # noqa: E501
        "│ 2026-11-21 │ due today        │ boj 5525          │ IOIOI              │ 3 days │ 2026-11-18 │",  # noqa: E501
        "│ 2026-11-22 │ in 1 day         │ programmers 42576 │ 완주하지 못한 선수 │  1 day │ 2026-11-21 │",  # noqa: E501
        "└────────────┴──────────────────┴───────────────────┴────────────────────┴────────┴────────────┘",
    ]


def test_stats_empty(problems: CliRunner) -> None:
    assert _run(problems, "stats") == (
        0,
        "Coding-test progress\n"
        "No problem attempts in this period.\n"
        "Streak: 0 days (longest: 0 days)\n"
        "\n"
        "Review queue: empty (nothing failed or solved with a hint is waiting).\n",
    )


def test_stats_since_without_failures(problems: CliRunner) -> None:
    _add(problems, "boj", "1000", "--minutes", "10", "--date", "2026-11-18")
    _add(problems, "boj", "1001", "--minutes", "20", "--date", "2026-11-19")
    _add(problems, "boj", "1002", "--date", "2026-11-20", "--tags", "math", "--tags", "IO, math")
    code, output = _run(problems, "stats", "--since", "2 days ago")
    assert code == 0
    assert _lines(output) == [
        "Coding-test progress since 2026-11-19",
        "Attempts: 2, problems solved: 2, median time of a solved attempt: 0h 20m",
        "Streak: 3 days (longest: 3 days)",
        "",
        "Solved per site",
        "┌──────┬────────┬──────────┐",
        "│ Site │ Solved │ Attempts │",
        "├──────┼────────┼──────────┤",
        "│ boj  │      2 │        2 │",
        "└──────┴────────┴──────────┘",
        "",
        "Solved per tag",
        "┌──────┬────────┬──────────┐",
        "│ Tag  │ Solved │ Attempts │",
        "├──────┼────────┼──────────┤",
        "│ io   │      1 │        1 │",  # ties by name
        "│ math │      1 │        1 │",
        "└──────┴────────┴──────────┘",
        "",
        "No weak tags: no failed or hinted attempts in this period.",
        "",
        "Review queue: empty (nothing failed or solved with a hint is waiting).",
    ]


def test_stats_without_tags_or_times(problems: CliRunner) -> None:
    _add(problems, "leetcode", "two-sum", "--status", "failed")
    code, output = _run(problems, "stats")
    assert code == 0
    lines = _lines(output)
    assert lines[:3] == [
        "Coding-test progress",
        "Attempts: 1, problems solved: 0, median time of a solved attempt: -",
        "Streak: 0 days (longest: 0 days)",
    ]
    assert lines[10:13] == ["", "No tags on the attempts of this period.", ""]
    assert lines[13] == "No weak tags: no failed or hinted attempts in this period."
    assert lines[15] == "Review queue: 0 due, 1 coming up"
    assert lines[19] == (
        "│ 2026-11-22 │ in 1 day │ leetcode two-sum │       │ 1 day │ 2026-11-21 │"
    )


def test_stats_json(listed: CliRunner) -> None:
    code, output = _run(listed, "stats", "--since", "2026-11-18", "--json")
    assert code == 0
    data = json.loads(output)
    assert (data["start"], data["attempts"], data["solved"], data["median_minutes"]) == (
        "2026-11-18",
        4,
        3,
        25.0,
    )
    assert data["weak_tags"] == [{"tag": "hash", "failures": 1, "hints": 1}]
    assert (data["current_streak"], data["longest_streak"]) == (1, 1)
    assert [
        (item["number"], item["is_due"], item["overdue_days"]) for item in data["review_queue"]
    ] == [
        ("two-sum", True, 2),
        ("5525", True, 0),
        ("42576", False, 0),
    ]


def test_stats_bad_since(problems: CliRunner) -> None:
    assert _run(problems, "stats", "--since", "2026-13-01") == (
        2,
        "Error: cannot read the date: '2026-13-01'. Use today, yesterday, 3 days ago, monday,"
        " last monday or YYYY-MM-DD (2026-11-21)\n",
    )
