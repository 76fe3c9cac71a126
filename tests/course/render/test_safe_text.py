"""Safe text: user text reaches the terminal with control characters escaped and rich markup
shown as typed, and the Markdown post with Markdown and HTML escaped and only http(s) links.

The end-to-end cases run the CLI on the temporary ``COURSE_DB`` (fixtures in tests/conftest.py).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from course.app.cohort import CohortResult, CohortSummary
from course.cli import cli
from course.commands import context
from course.render.cohort import summary_table
from course.render.format import safe_text, visible
from course.render.report import markdown_code, markdown_link, markdown_text
from tracker.store import open_db

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=timezone.utc)
DAY = "2026-11-19"


# --- visible / safe_text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("CNN\x1b[2J", "CNN\\x1b[2J"),
        (
            "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
            "\\x1b]8;;http://x\\x1b\\link\\x1b]8;;\\x1b\\",
        ),
        ("line one\nline two", "line one\\nline two"),
        ("a\tb\rc", "a\\tb\\rc"),
        ("bell\x07 nul\x00 del\x7f csi\x9b", "bell\\x07 nul\\x00 del\\x7f csi\\x9b"),
        ("abc\u202edef", "abc\\u202edef"),  # right-to-left override
        ("\u2066x\u2069", "\\u2066x\\u2069"),  # isolates
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        ("a\u2028b", "a\\u2028b"),  # line separator
        ("tag\U000e0041", "tag\\U000e0041"),  # a lone tag character (ASCII smuggling)
        ("a\u200db", "a\\u200db"),  # a joiner between ASCII letters shows
        ("합성곱 신경망", "합성곱 신경망"),
        ("[bold]x[/bold] \\n C:\\temp", "[bold]x[/bold] \\n C:\\temp"),
        ("👩\u200d💻 🇰🇷 ❤️", "👩\u200d💻 🇰🇷 ❤️"),  # emoji sequences as typed
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", None),  # a flag
        ("a\u3000b\xa0c", "a\u3000b\xa0c"),  # ideographic and no-break spaces
    ],
)
def test_visible(text: str, shown: str | None) -> None:
    assert visible(text) == (text if shown is None else shown)


def test_safe_text_is_never_markup() -> None:
    console = Console(file=io.StringIO(), width=80, color_system="truecolor")
    console.print(safe_text("[bold red]x[/bold red] :smile: \x1b[31mred"))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert out == "[bold red]x[/bold red] :smile: \\x1b[31mred\n"
    assert "\x1b" not in out
    assert safe_text("CNN", style="bold").style == "bold"


# --- markdown_text / markdown_code / markdown_link -------------------------------------------


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("Q&A", "Q&amp;A"),
        ("*bold* and **strong**", "\\*bold\\* and \\*\\*strong\\*\\*"),
        ("_italic_ batch_norm __init__", "\\_italic\\_ batch_norm \\_\\_init\\_\\_"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("![img](http://x/y.png)", "!\\[img\\](http://x/y.png)"),
        ("`code` ~~gone~~ back\\slash", "\\`code\\` \\~\\~gone\\~\\~ back\\\\slash"),
        ("a | b", "a | b"),
        ("# heading", "\\# heading"),
        ("#hashtag", "\\#hashtag"),
        ("C# and #3", "C# and #3"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("---", "\\---"),
        ("1. first", "1\\. first"),
        ("2) second", "2\\) second"),
        ("3.14 is pi, 1.5x faster", "3.14 is pi, 1.5x faster"),
        ("-1 dB, self-attention, e.g. ViT.", "-1 dB, self-attention, e.g. ViT."),
        ("> quoted", "&gt; quoted"),
        ("  two\n\nlines\t here ", "two lines here"),
        ("ESC\x1b[2J here", "ESC\\\\x1b\\[2J here"),
        ("RTL\u202eevil", "RTL\\\\u202eevil"),
        ("합성곱 신경망 (CNN) 😀", "합성곱 신경망 (CNN) 😀"),
    ],
)
def test_markdown_text(text: str, markdown: str) -> None:
    assert markdown_text(text) == markdown


def test_markdown_text_in_a_cell_escapes_pipes() -> None:
    assert markdown_text("a | b", cell=True) == "a \\| b"
    assert markdown_text("<i>|</i>", cell=True) == "&lt;i&gt;\\|&lt;/i&gt;"


@pytest.mark.parametrize(
    ("tag", "markdown"),
    [
        ("dp", "`dp`"),
        ("<b>", "`<b>`"),  # a code span shows HTML as text
        ("a`b", "a\\`b"),  # a backtick would end the span: no span
        ("`) [x](javascript:alert(1)) (`", "\\`) \\[x\\](javascript:alert(1)) (\\`"),
        ("esc\x1b", "`esc\\x1b`"),
    ],
)
def test_markdown_code(tag: str, markdown: str) -> None:
    assert markdown_code(tag) == markdown


@pytest.mark.parametrize(
    ("url", "markdown"),
    [
        ("https://www.acmicpc.net/problem/5525", "[BOJ](https://www.acmicpc.net/problem/5525)"),
        ("HTTP://example.com/a?b=1&c=2#top", "[BOJ](http://example.com/a?b=1&c=2#top)"),
        (
            "https://en.wikipedia.org/wiki/A_(b) c",
            "[BOJ](https://en.wikipedia.org/wiki/A_%28b%29%20c)",
        ),
        (
            "https://x.org/a)](javascript:alert(1))",
            "[BOJ](https://x.org/a%29%5D%28javascript:alert%281%29%29)",
        ),
        ("https://x.org/<script>\x1b", "[BOJ](https://x.org/%3Cscript%3E%1B)"),
        ("https://x.org/합성곱", "[BOJ](https://x.org/%ED%95%A9%EC%84%B1%EA%B3%B1)"),
        ("javascript:alert(1)", "BOJ"),
        ("JavaScript:alert(1)", "BOJ"),
        (" java\nscript:alert(1)", "BOJ"),
        ("data:text/html,<script>alert(1)</script>", "BOJ"),
        ("file:///etc/passwd", "BOJ"),
        ("vbscript:msgbox(1)", "BOJ"),
        ("//evil.example/x", "BOJ"),
        ("problem/5525", "BOJ"),
        ("https:///no-host", "BOJ"),
        ("http://[::1", "BOJ"),  # unparsable
        (None, "BOJ"),
    ],
)
def test_markdown_link(url: str | None, markdown: str) -> None:
    assert markdown_link("BOJ", url) == markdown


# --- the terminal, end to end ----------------------------------------------------------------


@pytest.fixture
def cli_run(
    runner: CliRunner, local_tz: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    """The CLI on a fresh database, at a fixed moment (2026-11-21 15:00, local time UTC)."""
    local_tz("UTC0")
    monkeypatch.setattr(context, "now", lambda: NOW)
    return runner


def _run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def test_daily_report_shows_escapes_and_markup_as_typed(cli_run: CliRunner) -> None:
    logged = _run(
        cli_run,
        *("log", "--topic", "CNN\x1b[2J", "--minutes", "45", "--date", DAY),
        *("--note", "line one\nline two"),
    )
    assert logged == "Logged 0h 45m of CNN\\x1b[2J on 2026-11-19 (entry #1).\n"
    _run(cli_run, "log", "--topic", "[bold]x[/bold]", "--minutes", "30", "--date", DAY)
    _run(cli_run, "log", "--topic", "합성곱 신경망", "--minutes", "20", "--date", DAY)
    out = _run(cli_run, "report", "daily", "--date", DAY)
    assert "\x1b" not in out and "\u202e" not in out
    lines = _lines(out)
    top = lines.index("Entries (#: course edit / delete)")
    assert lines[top + 1 : top + 8] == [
        "┌───┬────────┬────────────────┬──────┬────────────────────┐",
        "│ # │   Time │ Topic          │ When │ Note               │",
        "├───┼────────┼────────────────┼──────┼────────────────────┤",
        "│ 1 │ 0h 45m │ CNN\\x1b[2J     │ -    │ line one\\nline two │",
        "│ 2 │ 0h 30m │ [bold]x[/bold] │ -    │                    │",
        "│ 3 │ 0h 20m │ 합성곱 신경망  │ -    │                    │",
        "└───┴────────┴────────────────┴──────┴────────────────────┘",
    ]
    assert "│ CNN\\x1b[2J     │ 0h 45m │ -                  │        - │" in lines


def test_timer_lines_escape_topic_and_note(cli_run: CliRunner) -> None:
    started = _run(cli_run, "start", "RNN\x1b[31m", "--note", "ch 5\n[red]x[/red]")
    assert started == "Started RNN\\x1b[31m at 15:00.\n"
    assert _run(cli_run, "status").splitlines()[:2] == [
        "Running: RNN\\x1b[31m since 15:00 (0h 00m).",
        "Note: ch 5\\n[red]x[/red]",
    ]


def test_question_problem_goal_and_retro_escape(cli_run: CliRunner) -> None:
    added = _run(cli_run, "question", "add", "why\x1b[2J?", "--topic", "[i]R\u202eNN")
    assert added == "Added question #1 ([i]R\\u202eNN): why\\x1b[2J?\n"
    listed = _run(cli_run, "question", "list")
    assert "why\\x1b[2J?" in listed and "[i]R\\u202eNN" in listed and "\x1b" not in listed
    problem = _run(
        cli_run,
        *("problem", "add", "other", "p\x1b[1m1", "--title", "[b]T\u200bX", "--tags", "x\x7fy"),
        *("--date", DAY),
    )
    assert problem.splitlines()[0] == "Added other p\\x1b[1m1 [b]T\\u200bX: solved (attempt #1)."
    table = _run(cli_run, "problem", "list")
    assert "p\\x1b[1m1" in table and "[b]T\\u200bX" in table and "x\\x7fy" in table
    assert "\x1b" not in table and "\x7f" not in table
    goal = _run(cli_run, "goal", "set", "--topic", "CNN\x1b[2J", "--hours", "2")
    assert goal.splitlines()[0] == "Goal set for 2026-W47: CNN\\x1b[2J 2h 00m."
    assert "│ CNN\\x1b[2J" in goal and "\x1b" not in goal
    retro = _run(cli_run, "retro", "--date", DAY, "--keep", "ok\x1b[2J", "--try", "[b]x\u202ey")
    assert "  #1  ok\\x1b[2J" in _lines(retro)
    assert "  #2  open  [b]x\\u202ey" in _lines(retro)
    assert "\x1b" not in retro and "\u202e" not in retro


# --- the Markdown post, end to end -----------------------------------------------------------


def test_markdown_post_escapes_user_text(cli_run: CliRunner, db_path: Path) -> None:
    log = ("log", "--minutes", "30", "--date", DAY)
    _run(
        cli_run, *log, "--topic", "<script>alert(1)</script>", "--note", "*bold* [x](javascript:a)"
    )
    _run(cli_run, *log, "--topic", "# CNN | 1. b_c", "--note", "line\nbreak\x1b[2J")
    _run(
        cli_run,
        *("problem", "add", "boj", "1000", "--title", "<img src=x onerror=alert(1)>"),
        *("--tags", "a`b,dp", "--url", "https://example.com/p_(1) x", "--date", DAY),
    )
    _run(cli_run, "problem", "add", "other", "evil", "--status", "failed", "--date", DAY)
    with closing(open_db(db_path)) as db:  # as an import or an old version could have stored it
        db.execute("UPDATE problems SET url = 'javascript:alert(1)' WHERE number = 'evil'")
        db.conn.commit()
    _run(cli_run, "retro", "--date", DAY, "--keep", "<b>kept</b>", "--try", "- [x] ~~done~~")
    _run(cli_run, "goal", "set", "--week", "2026-W47", "--topic", "# CNN | 1. b_c", "--hours", "1")
    _run(cli_run, "question", "add", "1. why <br>?", "--topic", "[RNN](http://x)", "--date", DAY)
    view = _run(cli_run, "report", "daily", "--date", DAY)
    assert "\x1b" not in view
    assert "&lt;" not in view and "<script>alert(1)</script>" in view  # the terminal: as typed
    post = _run(cli_run, "report", "daily", "--date", DAY, "--format", "markdown")
    assert "\x1b" not in post
    assert re.search(r"(?<!\\)\]\(javascript:", post) is None
    assert "<script" not in post and "<img" not in post
    lines = _lines(post)
    assert lines[lines.index("## Lectures and topics") + 2 : lines.index("## Assignments") - 1] == [
        "- **\\# CNN | 1. b_c**: 0h 30m",
        "  - 2026-11-19: line break\\\\x1b\\[2J",
        "- **&lt;script&gt;alert(1)&lt;/script&gt;**: 0h 30m",
        "  - 2026-11-19: \\*bold\\* \\[x\\](javascript:a)",
    ]
    assert lines[lines.index("## Coding test") + 2 : lines.index("## Retrospective (KPT)") - 1] == [
        "- [x] [BOJ 1000 &lt;img src=x onerror=alert(1)&gt;](https://example.com/p_%281%29%20x) "
        "a\\`b `dp` (solved)",
        "- [ ] other evil (failed)",
    ]
    assert "- &lt;b&gt;kept&lt;/b&gt;" in lines
    assert "- [ ] \\- \\[x\\] \\~\\~done\\~\\~" in lines
    assert "- Goals: \\# CNN | 1. b_c 50%" in lines
    assert "| 2026-W47 | \\# CNN \\| 1. b_c | 0h 30m | 1h 00m | 50% |" in lines
    assert lines[-1] == "- 1\\. why &lt;br&gt;? (\\[RNN\\](http://x))"


def test_markdown_post_of_ordinary_text_is_unchanged(cli_run: CliRunner) -> None:
    _run(
        cli_run,
        *("log", "--topic", "Self-attention", "--minutes", "30", "--date", DAY),
        *("--note", "ViT-B/16, 3.14 and batch_norm."),
    )
    post = _lines(_run(cli_run, "report", "daily", "--date", DAY, "--format", "markdown"))
    assert "- **Self-attention**: 0h 30m" in post
    assert "  - 2026-11-19: ViT-B/16, 3.14 and batch_norm." in post


def test_cohort_summary_escapes_student_names_and_notes(console: Console) -> None:
    summary = CohortSummary(
        "[b]resnet",
        [CohortResult("[red]eve\x1b[2J", "missing", 0.0, 10.0, problem="no file\n[x]")],
    )
    console.print(summary_table(summary))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b" not in out
    assert "[b]resnet: 1 submissions" in out
    assert "[red]eve\\x1b[2J" in out and "no file\\n[x]" in out
