"""`course retro` end to end on the temporary COURSE_DB: options, --show and the editor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from course.cli import cli
from course.commands import context
from course.commands import retro as retro_command
from course.render.retro import format_rate, print_retro, saved_line, span_view
from tracker.retro import RetroDay, RetroItem, RetroSummary
from tracker.store import open_db

# Saturday 2026-11-21, 13:49 in a fixed UTC+9 zone (Seoul), so the local day is fixed too.
NOW = datetime(2026, 11, 21, 13, 49, tzinfo=timezone(timedelta(hours=9)))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "now", lambda: NOW)


def _retro(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, ["retro", *args])


def _ok(runner: CliRunner, *args: str) -> str:
    result = _retro(runner, *args)
    assert result.exit_code == 0, result.output
    return result.output


def _rows(db_path: Path) -> list[dict[str, Any]]:
    with closing(open_db(db_path)) as db:
        return list(db.query("SELECT id, day, kind, text, status, carried_from FROM retro_items"))


@pytest.fixture
def yesterday(runner: CliRunner) -> CliRunner:
    """The retro of Friday the 20th: keep #1, problem #2, tries #3 and #4."""
    _ok(
        runner,
        "--date",
        "yesterday",
        "--keep",
        "finished the LSTM lab",
        "--problem",
        "slept at 3 am",
        "--try",
        "read the ResNet paper",
        "--try",
        "bed by 1 am [really]",
    )
    return runner


# --- options --------------------------------------------------------------------------------


def test_retro_with_options(runner: CliRunner, db_path: Path) -> None:
    output = _ok(
        runner,
        "--date",
        "2026-11-20",
        "--keep",
        "finished the LSTM lab",
        "--keep",
        "합성곱 신경망 정리",
        "--try",
        " read the ResNet paper ",
    )
    assert output == (
        "Saved 3 items.\n"
        "Retro of Fri 2026-11-20\n"
        "Keep\n"
        "  #1  finished the LSTM lab\n"
        "  #2  합성곱 신경망 정리\n"
        "Problem\n"
        "  none\n"
        "Try\n"
        "  #3  open  read the ResNet paper\n"
    )
    with closing(open_db(db_path)) as db:
        created = {row["created_at"] for row in db.query("SELECT created_at FROM retro_items")}
    assert created == {"2026-11-21T04:49:00Z"}


def test_today_lists_yesterdays_open_tries(yesterday: CliRunner) -> None:
    assert _ok(yesterday, "--keep", "went to the study group") == (
        "Saved 1 item.\n"
        "Retro of Sat 2026-11-21\n"
        "Keep\n"
        "  #5  went to the study group\n"
        "Problem\n"
        "  none\n"
        "Try\n"
        "  none\n"
        "\n"
        "Open Try items from earlier days\n"
        "  #3  Fri 2026-11-20  read the ResNet paper\n"
        "  #4  Fri 2026-11-20  bed by 1 am [really]\n"
        "Mark each: course retro --kept ID (it held), --dropped ID or --carried ID.\n"
    )


def test_review_and_carry(yesterday: CliRunner, db_path: Path) -> None:
    output = _ok(yesterday, "--kept", "3", "--carried", "4", "--try", "wake up at 8")
    assert output == (
        "Saved 1 item and reviewed 2 Try items.\n"
        "Retro of Sat 2026-11-21\n"
        "Keep\n"
        "  none\n"
        "Problem\n"
        "  none\n"
        "Try\n"
        "  #5  open  bed by 1 am [really]  (carried from #4)\n"
        "  #6  open  wake up at 8\n"
    )
    assert _rows(db_path)[2:] == [
        {
            "id": 3,
            "day": "2026-11-20",
            "kind": "try",
            "text": "read the ResNet paper",
            "status": "kept",
            "carried_from": None,
        },
        {
            "id": 4,
            "day": "2026-11-20",
            "kind": "try",
            "text": "bed by 1 am [really]",
            "status": "carried",
            "carried_from": None,
        },
        {
            "id": 5,
            "day": "2026-11-21",
            "kind": "try",
            "text": "bed by 1 am [really]",
            "status": "open",
            "carried_from": 4,
        },
        {
            "id": 6,
            "day": "2026-11-21",
            "kind": "try",
            "text": "wake up at 8",
            "status": "open",
            "carried_from": None,
        },
    ]


def test_review_only(yesterday: CliRunner) -> None:
    output = _ok(yesterday, "--dropped", "4")
    assert output.splitlines()[:2] == ["Reviewed 1 Try item.", "Retro of Sat 2026-11-21"]
    assert output.splitlines()[-3:] == [
        "Open Try items from earlier days",
        "  #3  Fri 2026-11-20  read the ResNet paper",
        "Mark each: course retro --kept ID (it held), --dropped ID or --carried ID.",
    ]


def test_show_a_past_day_names_its_date(yesterday: CliRunner, db_path: Path) -> None:
    _ok(yesterday, "--date", "2026-11-19", "--try", "older")  # #5, open
    before = _rows(db_path)
    assert _ok(yesterday, "--show", "--date", "yesterday") == (
        "Retro of Fri 2026-11-20\n"
        "Keep\n"
        "  #1  finished the LSTM lab\n"
        "Problem\n"
        "  #2  slept at 3 am\n"
        "Try\n"
        "  #3  open  read the ResNet paper\n"
        "  #4  open  bed by 1 am [really]\n"
        "\n"
        "Open Try items from earlier days\n"
        "  #5  Thu 2026-11-19  older\n"
        "Mark each: course retro --date 2026-11-20 --kept ID (it held), --dropped ID or "
        "--carried ID.\n"
    )
    assert _rows(db_path) == before


def test_no_options_without_a_terminal_shows(runner: CliRunner, db_path: Path) -> None:
    assert _ok(runner) == "Retro of Sat 2026-11-21\nNothing written for this day yet.\n"
    assert not db_path.with_name("retro-draft-2026-11-21.md").exists()
    assert _rows(db_path) == []


def test_future_date_refused(runner: CliRunner, db_path: Path) -> None:
    for args in (["--keep", "x"], ["--show"], []):
        result = _retro(runner, "--date", "2026-11-22", *args)
        assert (result.exit_code, result.output) == (
            2,
            "Error: a retro cannot be for a future day: 2026-11-22. "
            "Today is 2026-11-21; pass --date today or an earlier date\n",
        )
    assert _rows(db_path) == []


def test_bad_date(runner: CliRunner) -> None:
    result = _retro(runner, "--date", "11/20", "--keep", "x")
    assert result.exit_code == 2
    assert result.output.startswith("Error: cannot read the date: '11/20'. ")


def test_unknown_id_writes_nothing(yesterday: CliRunner, db_path: Path) -> None:
    before = _rows(db_path)
    result = _retro(yesterday, "--keep", "not stored", "--kept", "3", "--carried", "42")
    assert (result.exit_code, result.output) == (
        2,
        "Error: no retro item with that id: 42. See the open Try items with course retro --show\n",
    )
    assert _rows(db_path) == before


def test_not_a_try_refused(yesterday: CliRunner) -> None:
    result = _retro(yesterday, "--kept", "2")
    assert (result.exit_code, result.output) == (
        2,
        "Error: retro item #2 is a Problem item, not a Try: 'slept at 3 am'. "
        "Only Try items are marked kept, dropped or carried\n",
    )


def test_blank_text_refused(runner: CliRunner, db_path: Path) -> None:
    result = _retro(runner, "--keep", "ok", "--problem", "   ")
    assert (result.exit_code, result.output) == (
        2,
        "Error: a Problem item is empty: '   '. Write some text, e.g. --problem 'slept at 3 am'\n",
    )
    assert _rows(db_path) == []


def test_show_with_items_refused(runner: CliRunner, db_path: Path) -> None:
    result = _retro(runner, "--show", "--try", "x")
    assert (result.exit_code, result.output) == (
        2,
        "Error: --show only prints the retro: it was given with items or reviews to write. "
        "Leave out --show to write them, or the others to only look\n",
    )
    assert _rows(db_path) == []


def test_id_must_be_a_number(runner: CliRunner) -> None:
    result = _retro(runner, "--kept", "three")
    assert result.exit_code == 2
    assert "'three' is not a valid integer" in result.output


# --- the editor -----------------------------------------------------------------------------


class FakeEditor:
    """Stands in for click.edit: records the text it was given, returns a prepared answer."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.given: list[str] = []

    def __call__(self, text: str, **options: Any) -> str | None:
        self.given.append(text)
        if callable(self.answer):
            return str(self.answer(text))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer  # type: ignore[no-any-return]


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retro_command, "_stdin_is_tty", lambda: True)


@pytest.fixture
def editor(monkeypatch: pytest.MonkeyPatch, terminal: None) -> Iterator[FakeEditor]:
    fake = FakeEditor(None)
    monkeypatch.setattr(click, "edit", fake)
    yield fake


def _fill(text: str) -> str:
    return (
        text.replace("[ ] #3", "[k] #3")
        .replace("[ ] #4", "[c] #4")
        .replace("## Keep\n", "## Keep\n- went to the study group\n")
        .replace("## Try\n", "## Try\n- wake up at 8\n")
    )


def test_editor_template_and_write(yesterday: CliRunner, editor: FakeEditor) -> None:
    editor.answer = _fill
    assert _ok(yesterday) == (
        "Saved 2 items and reviewed 2 Try items.\n"
        "Retro of Sat 2026-11-21\n"
        "Keep\n"
        "  #5  went to the study group\n"
        "Problem\n"
        "  none\n"
        "Try\n"
        "  #6  open  bed by 1 am [really]  (carried from #4)\n"
        "  #7  open  wake up at 8\n"
    )
    (template,) = editor.given
    assert template.splitlines()[:9] == [
        "# Retro of Saturday 2026-11-21",
        "#",
        "# Try items still open from earlier days. Between the brackets write",
        "#   k  kept: it held, or it is done",
        "#   d  dropped: you give it up",
        "#   c  carried: try it again (a new Try on 2026-11-21)",
        "# or leave the brackets empty to keep it open.",
        "[ ] #3 (2026-11-20) read the ResNet paper",
        "[ ] #4 (2026-11-20) bed by 1 am [really]",
    ]


def test_editor_for_another_day(yesterday: CliRunner, editor: FakeEditor) -> None:
    editor.answer = lambda text: text.replace("## Problem\n", "## Problem\nno sleep\n")
    output = _ok(yesterday, "--date", "2026-11-19")
    assert editor.given[0].startswith("# Retro of Thursday 2026-11-19\n#\n# No Try items")
    assert output.splitlines()[:5] == [
        "Saved 1 item.",
        "Retro of Thu 2026-11-19",
        "Keep",
        "  none",
        "Problem",
    ]


def test_editor_quit_without_saving(
    yesterday: CliRunner, db_path: Path, editor: FakeEditor
) -> None:
    before = _rows(db_path)
    assert _ok(yesterday) == "Nothing written.\n"
    assert _rows(db_path) == before


def test_editor_left_empty(yesterday: CliRunner, db_path: Path, editor: FakeEditor) -> None:
    before = _rows(db_path)
    editor.answer = lambda text: text
    assert _ok(yesterday) == "Nothing written.\n"
    editor.answer = ""
    assert _ok(yesterday) == "Nothing written.\n"
    assert _rows(db_path) == before


def test_editor_parse_error_keeps_the_text(
    yesterday: CliRunner, db_path: Path, editor: FakeEditor
) -> None:
    before = _rows(db_path)
    draft = db_path.with_name("retro-draft-2026-11-21.md")
    bad = "[x] #3 (2026-11-20) read the ResNet paper\n## Keep\n- 오늘 배운 것: attention\n"
    editor.answer = bad
    result = _retro(yesterday)
    assert (result.exit_code, result.output) == (
        2,
        "Error: line 1 of the retro has an unknown mark: "
        "'[x] #3 (2026-11-20) read the ResNet paper'. Write k (kept), d (dropped) or c "
        "(carried) between the brackets, or leave them empty. "
        f"Your text is saved in {draft}: run course retro again to fix it\n",
    )
    assert draft.read_text(encoding="utf-8") == bad
    assert _rows(db_path) == before

    # The next run opens the draft, not a fresh template, and removes it once written.
    editor.answer = lambda text: text.replace("[x]", "[d]")
    output = _ok(yesterday)
    assert editor.given[-1] == bad
    assert output.splitlines()[:4] == [
        "Saved 1 item and reviewed 1 Try item.",
        "Retro of Sat 2026-11-21",
        "Keep",
        "  #5  오늘 배운 것: attention",
    ]
    assert not draft.exists()


def test_editor_write_error_keeps_the_text(
    yesterday: CliRunner, db_path: Path, editor: FakeEditor
) -> None:
    """A review refused by the library (here: the item was reviewed meanwhile) keeps it too."""

    def review_meanwhile(text: str) -> str:
        with closing(open_db(db_path)) as db:
            db.execute("UPDATE retro_items SET status = 'dropped' WHERE id = 3")
            db.conn.commit()
        return text.replace("[ ] #3", "[k] #3").replace("## Try\n", "## Try\nnew\n")

    editor.answer = review_meanwhile
    result = _retro(yesterday, "--date", "today")
    draft = db_path.with_name("retro-draft-2026-11-21.md")
    assert result.exit_code == 2
    assert result.output == (
        "Error: Try #3 is already dropped: 'read the ResNet paper'. Only open Try items can "
        "be marked. See the open Try items with course retro --show. "
        f"Your text is saved in {draft}: run course retro again to fix it\n"
    )
    assert "## Try\nnew\n" in draft.read_text(encoding="utf-8")
    assert [row["text"] for row in _rows(db_path) if row["text"] == "new"] == []


def test_editor_draft_of_a_past_day_names_the_date(
    yesterday: CliRunner, db_path: Path, editor: FakeEditor
) -> None:
    editor.answer = "stray line\n"
    result = _retro(yesterday, "--date", "yesterday")
    draft = db_path.with_name("retro-draft-2026-11-20.md")
    assert result.exit_code == 2
    assert result.output.endswith(
        f"Your text is saved in {draft}: run course retro --date 2026-11-20 again to fix it\n"
    )
    assert draft.read_text(encoding="utf-8") == "stray line\n"


def test_editor_quit_with_a_draft_keeps_it(
    yesterday: CliRunner, db_path: Path, editor: FakeEditor
) -> None:
    draft = db_path.with_name("retro-draft-2026-11-21.md")
    draft.write_text("## Keep\nhalf done\n", encoding="utf-8")
    assert _ok(yesterday) == (
        "Nothing written.\n"
        f"Your earlier text is still in {draft}; delete it for a fresh template.\n"
    )
    assert editor.given == ["## Keep\nhalf done\n"]
    assert draft.exists()


def test_editor_cleared_draft_is_removed(
    yesterday: CliRunner, db_path: Path, editor: FakeEditor
) -> None:
    draft = db_path.with_name("retro-draft-2026-11-21.md")
    draft.write_text("## Keep\nhalf done\n", encoding="utf-8")
    editor.answer = "## Keep\n"
    assert _ok(yesterday) == "Nothing written.\n"
    assert not draft.exists()


def test_editor_that_cannot_run(runner: CliRunner, db_path: Path, editor: FakeEditor) -> None:
    editor.answer = click.ClickException("vi: Editing failed: [Errno 2] No such file: 'vi'")
    result = _retro(runner)
    assert (result.exit_code, result.output) == (
        2,
        "Error: the editor could not be run: vi: Editing failed: [Errno 2] No such file: 'vi'. "
        "Set $EDITOR to an editor you have (e.g. export EDITOR=nano), or pass the retro as "
        "options: --keep TEXT --problem TEXT --try TEXT\n",
    )
    assert _rows(db_path) == []


# --- the real click.edit with $EDITOR -------------------------------------------------------


def test_real_editor_from_environment(
    yesterday: CliRunner, monkeypatch: pytest.MonkeyPatch, terminal: None
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "sed -i -e 's/^\\[ \\] #3/[d] #3/' -e '/^## Keep/a pair work'")
    output = _ok(yesterday)
    assert output.splitlines()[:4] == [
        "Saved 1 item and reviewed 1 Try item.",
        "Retro of Sat 2026-11-21",
        "Keep",
        "  #5  pair work",
    ]


def test_real_editor_that_fails(
    runner: CliRunner, db_path: Path, monkeypatch: pytest.MonkeyPatch, terminal: None
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "false")
    result = _retro(runner)
    assert (result.exit_code, result.output) == (
        2,
        "Error: the editor could not be run: false: Editing failed. "
        "Set $EDITOR to an editor you have (e.g. export EDITOR=nano), or pass the retro as "
        "options: --keep TEXT --problem TEXT --try TEXT\n",
    )
    assert _rows(db_path) == []


# --- rendering ------------------------------------------------------------------------------


def test_span_view_without_reviews_shows_markup_as_typed(console: Console) -> None:
    day = date(2026, 11, 16)
    summary = RetroSummary(
        day,
        date(2026, 11, 22),
        keeps=[RetroItem(1, day, "keep", "[bold]not bold[/bold]", None, None, None)],
        tries=[RetroItem(2, day, "try", "x", "open", None, None)],
        open=1,
    )
    console.print(span_view(summary))
    assert console.file.getvalue() == (  # type: ignore[attr-defined]
        "Retrospective (KPT)\n"
        "Keep:\n"
        "  - [bold]not bold[/bold] (2026-11-16)\n"
        "Problem:\n"
        "  (none)\n"
        "Try:\n"
        "  [ ] x (2026-11-16)\n"
        "Try follow-up: 0 kept, 0 dropped, 0 carried, 1 open; no Try reviewed yet\n"
    )


@pytest.mark.parametrize(
    "summary", [None, RetroSummary(date(2026, 11, 16), date(2026, 11, 22))], ids=["none", "empty"]
)
def test_span_view_of_nothing(console: Console, summary: RetroSummary | None) -> None:
    console.print(span_view(summary))
    assert console.file.getvalue() == (  # type: ignore[attr-defined]
        "No retrospective in this period (course retro --keep ... --try ...).\n"
    )


@pytest.mark.parametrize(
    ("rate", "shown"), [(None, "n/a"), (0.0, "0%"), (2 / 3, "67%"), (0.125, "12%"), (1.0, "100%")]
)
def test_format_rate(rate: float | None, shown: str) -> None:
    assert format_rate(rate) == shown


@pytest.mark.parametrize(
    ("items", "reviews", "line"),
    [
        (1, 0, "Saved 1 item."),
        (3, 0, "Saved 3 items."),
        (0, 1, "Reviewed 1 Try item."),
        (2, 2, "Saved 2 items and reviewed 2 Try items."),
        (0, 0, "Nothing written."),
    ],
)
def test_saved_line(items: int, reviews: int, line: str) -> None:
    assert saved_line(items, reviews) == line


def test_retro_view_shows_markup_as_typed(console: Console) -> None:
    day = date(2026, 11, 21)
    retro = RetroDay(
        day,
        keeps=[],
        problems=[RetroItem(10, day, "problem", "[bold]not bold[/bold]", None, None, None)],
        tries=[RetroItem(9, day, "try", "x", "kept", None, None)],
        earlier_open=[],
    )
    print_retro(console, retro, today=day)
    assert console.file.getvalue() == (  # type: ignore[attr-defined]
        "Retro of Sat 2026-11-21\n"
        "Keep\n"
        "  none\n"
        "Problem\n"
        "  #10  [bold]not bold[/bold]\n"
        "Try\n"
        "  #9  kept  x\n"
    )
