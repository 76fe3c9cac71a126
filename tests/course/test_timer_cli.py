"""`course start` / `stop` / `status` / `edit` / `delete` end to end, on the temporary COURSE_DB.

The clock is fixed through ``course.commands.context.now`` and local time is KST (UTC+9),
so a mix-up of UTC and local time shows as a 9-hour difference on any machine.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from course.cli import cli
from course.commands import context
from course.commands.timer import COMMANDS
from tests.course.durations import BAD_MINUTES
from tracker.store import open_db

KST = timezone(timedelta(hours=9))


def kst(hour: int, minute: int, day: int = 21) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=KST)


@dataclass
class Clock:
    """What ``context.now()`` returns; tests move it forward."""

    now: datetime


@pytest.fixture(autouse=True)
def korean_time(local_tz: Callable[[str], None]) -> None:
    local_tz("KST-9")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock(kst(14, 5))  # Saturday 2026-11-21
    monkeypatch.setattr(context, "now", lambda: fixed.now)
    return fixed


def run(runner: CliRunner, *args: str, input: str | None = None) -> Result:
    return runner.invoke(cli, list(args), input=input)


def ok(runner: CliRunner, *args: str) -> str:
    result = run(runner, *args)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return result.stdout


def rows(db_path: Path, table: str) -> list[dict[str, Any]]:
    with closing(open_db(db_path)) as db:
        return list(db.query(f"SELECT * FROM {table} ORDER BY rowid"))


def session(runner: CliRunner, clock: Clock, topic: str, start: datetime, end: datetime) -> None:
    """A timer entry from ``start`` to ``end`` (clock left at ``end``)."""
    clock.now = start
    ok(runner, "start", topic)
    clock.now = end
    ok(runner, "stop")


def test_commands_have_the_names_the_cli_maps() -> None:
    assert [command.name for command in COMMANDS] == ["start", "stop", "status", "edit", "delete"]


# --- start / status / stop --------------------------------------------------------------------


def test_start_status_stop(runner: CliRunner, clock: Clock, db_path: Path) -> None:
    assert ok(runner, "start", "CNN", "--note", "chapter 5") == "Started CNN at 14:05.\n"
    clock.now = kst(15, 30)
    assert ok(runner, "status") == (
        "Running: CNN since 14:05 (1h 25m).\nNote: chapter 5\nLogged today: 0h 00m.\n"
    )
    assert ok(runner, "stop") == "Stopped CNN: 1h 25m on 2026-11-21 (entry #1).\n"
    assert rows(db_path, "timer") == []
    assert rows(db_path, "study_log") == [
        {
            "id": 1,
            "day": "2026-11-21",
            "minutes": 85,
            "topic": "CNN",
            "note": "chapter 5",
            "created_at": "2026-11-21T06:30:00Z",
            "started_at": "2026-11-21T05:05:00Z",
            "ended_at": "2026-11-21T06:30:00Z",
            "updated_at": None,
            "utc_offset": 540,
        }
    ]
    assert ok(runner, "status") == "No timer running.\nLogged today: 1h 25m.\n"


def test_status_without_a_timer(runner: CliRunner, clock: Clock) -> None:
    assert ok(runner, "status") == "No timer running.\nLogged today: 0h 00m.\n"


def test_start_takes_a_topic_of_several_words(runner: CliRunner, clock: Clock) -> None:
    assert (
        ok(runner, "start", "합성곱", "신경망", "복습") == "Started 합성곱 신경망 복습 at 14:05.\n"
    )


@pytest.mark.parametrize(
    ("at", "line"),
    [
        ("13:40", "Started CNN at 13:40."),
        ("15m ago", "Started CNN at 13:50."),
        ("1.5h ago", "Started CNN at 12:35."),
        ("yesterday 23:30", "Started CNN at 2026-11-20 23:30."),
        ("2026-11-20 16:00", "Started CNN at 2026-11-20 16:00."),
        ("now", "Started CNN at 14:05."),
    ],
)
def test_start_at(runner: CliRunner, clock: Clock, at: str, line: str) -> None:
    assert ok(runner, "start", "CNN", "--at", at) == f"{line}\n"


def test_second_start_fails_and_keeps_the_first(
    runner: CliRunner, clock: Clock, db_path: Path
) -> None:
    ok(runner, "start", "CNN", "--note", "first")
    timer = rows(db_path, "timer")
    clock.now = kst(14, 30)
    result = run(runner, "start", "RNN")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: a timer is already running: CNN since 14:05 (25 min). Stop it with course stop\n",
    )
    assert rows(db_path, "timer") == timer
    assert timer == [
        {
            "id": 1,
            "topic": "CNN",
            "note": "first",
            "started_at": "2026-11-21T05:05:00Z",
            "utc_offset": 540,
        }
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["start", "CNN", "--at", "14:10"],
            "Error: cannot start a timer in the future: 14:10. It is 14:05 now; pass a time "
            "that has passed, with its day if that is not today (--at 'yesterday 14:10')\n",
        ),
        (
            ["start", "CNN", "--at", "2pm"],
            "Error: cannot read the time: '2pm'. "
            "Use HH:MM (14:05), yesterday 23:30, YYYY-MM-DD HH:MM, 15m ago or now\n",
        ),
        (
            ["start", "CNN", "--at", "25:00"],
            "Error: not a time of day: '25:00'. Hours go from 0 to 23, minutes to 59\n",
        ),
        (
            ["start", "CNN", "--at", "2 days ago 10:00"],
            "Error: a timer cannot start more than 24 hours ago: 2026-11-19 10:00. "
            "Log earlier study with course log --duration 1h30m --date yesterday\n",
        ),
        (["start", " "], "Error: the topic is empty. Name what you study, e.g. course start CNN\n"),
    ],
)
def test_start_refuses(
    runner: CliRunner, clock: Clock, db_path: Path, args: list[str], message: str
) -> None:
    result = run(runner, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert rows(db_path, "timer") == []


def test_start_needs_a_topic(runner: CliRunner, clock: Clock) -> None:
    result = run(runner, "start")
    assert result.exit_code == 2
    assert "Missing argument 'TOPIC...'" in result.stderr


def test_stop_at_and_note(runner: CliRunner, clock: Clock, db_path: Path) -> None:
    ok(runner, "start", "CNN", "--note", "chapter 5")
    clock.now = kst(16, 0)
    assert ok(runner, "stop", "--at", "15:00", "--note", "done") == (
        "Stopped CNN: 0h 55m on 2026-11-21 (entry #1).\n"
    )
    [entry] = rows(db_path, "study_log")
    assert (entry["note"], entry["ended_at"]) == ("chapter 5; done", "2026-11-21T06:00:00Z")


def test_stop_after_midnight_logs_on_the_start_day(runner: CliRunner, clock: Clock) -> None:
    clock.now = kst(23, 30, day=20)
    ok(runner, "start", "RNN")
    clock.now = kst(0, 40)
    assert ok(runner, "stop") == "Stopped RNN: 1h 10m on 2026-11-20 (entry #1).\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["stop", "--at", "15:00"],
            "Error: cannot stop the timer in the future: 15:00. It is 14:35 now; pass a time "
            "that has passed, with its day if that is not today (--at 'yesterday 15:00')\n",
        ),
        (
            ["stop", "--at", "14:00"],
            "Error: the timer cannot stop before it started: 14:00 is before CNN's start at "
            "14:05. Pass a later --at, or discard the timer with course stop --cancel\n",
        ),
        (
            ["stop", "--at", "14:05"],
            "Error: the timer has run for less than a minute: CNN since 14:05 (0 min). Nothing "
            "was logged and it is still running: stop it later, or discard it with "
            "course stop --cancel\n",
        ),
        (
            ["stop", "--cancel", "--at", "14:30", "--note", "x"],
            "Error: --cancel logs nothing, so it takes no --at or --note: --at and --note. "
            "Leave them out, or leave out --cancel to log the time\n",
        ),
    ],
)
def test_stop_refuses_and_keeps_the_timer(
    runner: CliRunner, clock: Clock, db_path: Path, args: list[str], message: str
) -> None:
    ok(runner, "start", "CNN")
    clock.now = kst(14, 35)
    result = run(runner, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert [row["topic"] for row in rows(db_path, "timer")] == ["CNN"]
    assert rows(db_path, "study_log") == []


@pytest.mark.parametrize("args", [["stop"], ["stop", "--cancel"]])
def test_stop_without_a_timer(runner: CliRunner, clock: Clock, args: list[str]) -> None:
    result = run(runner, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: no timer is running. Start one with course start TOPIC\n",
    )


def test_stop_cancel_discards(runner: CliRunner, clock: Clock, db_path: Path) -> None:
    ok(runner, "start", "CNN")
    clock.now = kst(14, 30)
    assert ok(runner, "stop", "--cancel") == (
        "Discarded the CNN timer started at 14:05 (0h 25m); nothing was logged.\n"
    )
    assert rows(db_path, "timer") == []
    assert rows(db_path, "study_log") == []


def test_stop_warns_about_overlapping_entries(runner: CliRunner, clock: Clock) -> None:
    session(runner, clock, "RNN", kst(13, 10), kst(13, 40))  # entry 1
    session(runner, clock, "ViT", kst(13, 50), kst(14, 20))  # entry 2
    ok(runner, "log", "--hours", "2", "--topic", "by hand")  # entry 3: no times, no warning
    clock.now = kst(15, 0)
    ok(runner, "start", "CNN", "--at", "13:30")
    result = run(runner, "stop", "--at", "14:00")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "Stopped CNN: 0h 30m on 2026-11-21 (entry #4).\n",
        "Warning: entry #4 overlaps entry #1: RNN, 13:10-13:40 on 2026-11-21.\n"
        "Warning: entry #4 overlaps entry #2: ViT, 13:50-14:20 on 2026-11-21.\n",
    )


def test_forgotten_timer(runner: CliRunner, clock: Clock, db_path: Path) -> None:
    clock.now = kst(15, 0, day=20)
    ok(runner, "start", "CNN")
    clock.now = kst(15, 5)
    status = run(runner, "status")
    assert (status.exit_code, status.stdout, status.stderr) == (
        0,
        "Running: CNN since 2026-11-20 15:00 (24h 05m).\nLogged today: 0h 00m.\n",
        "Warning: the timer has run for more than 24 hours. If you forgot to stop it, pass "
        "when you stopped: course stop --at 'YYYY-MM-DD HH:MM'; or discard it with course "
        "stop --cancel.\n",
    )
    stop = run(runner, "stop")
    assert (stop.exit_code, stop.stderr) == (
        2,
        "Error: the timer would log more than 24 hours: CNN since 2026-11-20 15:00 (24h 05m). "
        "If you forgot to stop it, pass when you stopped: course stop --at 'YYYY-MM-DD HH:MM'; "
        "or discard it with course stop --cancel\n",
    )
    assert ok(runner, "stop", "--at", "yesterday 17:30") == (
        "Stopped CNN: 2h 30m on 2026-11-20 (entry #1).\n"
    )
    assert len(rows(db_path, "study_log")) == 1


def test_stop_respects_24_hours_per_day(runner: CliRunner, clock: Clock) -> None:
    ok(runner, "log", "--hours", "23.5", "--topic", "ViT")
    ok(runner, "start", "CNN", "--at", "13:00")
    result = run(runner, "stop")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: a day has only 24 hours: 2026-11-21 already has 1410 min logged, adding 65 min "
        "makes 1475 min. At most 30 more minutes fit on that day\n",
    )
    assert ok(runner, "stop", "--at", "13:30") == "Stopped CNN: 0h 30m on 2026-11-21 (entry #2).\n"


# --- edit -----------------------------------------------------------------------------------


def test_edit_an_entry_logged_by_hand(runner: CliRunner, clock: Clock, db_path: Path) -> None:
    ok(runner, "log", "--hours", "2", "--topic", "CNN", "--date", "2026-11-16", "--note", "ch 5")
    assert ok(runner, "edit", "1", "--duration", "1h30m") == (
        "Updated entry #1: 1h 30m of CNN on 2026-11-16.\n"
        "Note: ch 5\n"
        "Was: 2h 00m of CNN on 2026-11-16.\n"
    )
    assert ok(runner, "edit", "1", "--topic", "RNN", "--date", "yesterday", "--note", "") == (
        "Updated entry #1: 1h 30m of RNN on 2026-11-20.\n"
        "Was: 1h 30m of CNN on 2026-11-16.\n"
        "Old note: ch 5\n"
    )
    assert ok(runner, "edit", "1", "--hours", "0.75", "--date", "last monday") == (
        "Updated entry #1: 0h 45m of RNN on 2026-11-16.\nWas: 1h 30m of RNN on 2026-11-20.\n"
    )
    assert ok(runner, "edit", "1", "--minutes", "50") == (
        "Updated entry #1: 0h 50m of RNN on 2026-11-16.\nWas: 0h 45m of RNN on 2026-11-16.\n"
    )
    [row] = rows(db_path, "study_log")
    assert (row["minutes"], row["topic"], row["note"], row["updated_at"]) == (
        50,
        "RNN",
        None,
        "2026-11-21T05:05:00Z",
    )


@pytest.mark.parametrize(
    ("minutes", "shown", "stored"),
    [
        ("1h30m", "1h 30m", 90),
        ("1.5h", "1h 30m", 90),
        ("90m", "1h 30m", 90),
        ("90", "1h 30m", 90),
        ("0.5h", "0h 30m", 30),
    ],
)
def test_edit_minutes_take_a_duration(
    runner: CliRunner, clock: Clock, db_path: Path, minutes: str, shown: str, stored: int
) -> None:
    ok(runner, "log", "--hours", "2", "--topic", "CNN", "--date", "2026-11-16")
    result = run(runner, "edit", "1", "--minutes", minutes)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        f"Updated entry #1: {shown} of CNN on 2026-11-16.\nWas: 2h 00m of CNN on 2026-11-16.\n",
        "",
    )
    assert [row["minutes"] for row in rows(db_path, "study_log")] == [stored]


@pytest.mark.parametrize(("minutes", "message"), BAD_MINUTES)
def test_edit_minutes_refuses_what_is_not_a_duration(
    runner: CliRunner, clock: Clock, db_path: Path, minutes: str, message: str
) -> None:
    ok(runner, "log", "--hours", "2", "--topic", "CNN", "--date", "2026-11-16")
    before = rows(db_path, "study_log")
    result = run(runner, "edit", "1", "--minutes", minutes)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert rows(db_path, "study_log") == before


def test_edit_a_timer_entry(runner: CliRunner, clock: Clock) -> None:
    session(runner, clock, "CNN", kst(14, 5), kst(15, 30))
    assert ok(runner, "edit", "1", "--start", "13:30") == (
        "Updated entry #1: 2h 00m of CNN on 2026-11-21, 13:30-15:30.\n"
        "Was: 1h 25m of CNN on 2026-11-21, 14:05-15:30.\n"
    )
    assert ok(runner, "edit", "1", "--duration", "45m") == (
        "Updated entry #1: 0h 45m of CNN on 2026-11-21, 13:30-14:15.\n"
        "Was: 2h 00m of CNN on 2026-11-21, 13:30-15:30.\n"
    )
    # A clock time alone is on the entry's own day, even after --date moved it.
    assert ok(runner, "edit", "1", "--date", "monday") == (
        "Updated entry #1: 0h 45m of CNN on 2026-11-16, 13:30-14:15.\n"
        "Was: 0h 45m of CNN on 2026-11-21, 13:30-14:15.\n"
    )
    assert ok(runner, "edit", "1", "--start", "9:00", "--end", "10:00") == (
        "Updated entry #1: 1h 00m of CNN on 2026-11-16, 09:00-10:00.\n"
        "Was: 0h 45m of CNN on 2026-11-16, 13:30-14:15.\n"
    )
    assert ok(runner, "edit", "1", "--date", "yesterday", "--end", "11:00") == (
        "Updated entry #1: 2h 00m of CNN on 2026-11-20, 09:00-11:00.\n"
        "Was: 1h 00m of CNN on 2026-11-16, 09:00-10:00.\n"
    )


def test_edit_warns_when_new_times_overlap(runner: CliRunner, clock: Clock) -> None:
    session(runner, clock, "RNN", kst(9, 0), kst(10, 0))
    session(runner, clock, "CNN", kst(10, 30), kst(11, 0))
    result = run(runner, "edit", "2", "--start", "9:45")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "Updated entry #2: 1h 15m of CNN on 2026-11-21, 09:45-11:00.\n"
        "Was: 0h 30m of CNN on 2026-11-21, 10:30-11:00.\n",
        "Warning: entry #2 overlaps entry #1: RNN, 09:00-10:00 on 2026-11-21.\n",
    )
    assert ok(runner, "edit", "2", "--topic", "ViT").startswith("Updated entry #2: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["edit", "9", "--minutes", "30"],
            "Error: no study entry with that id: 9. "
            "See a day's entries and their numbers with course report daily --date DAY\n",
        ),
        (
            ["edit", "9", "--start", "10:00"],
            "Error: no study entry with that id: 9. "
            "See a day's entries and their numbers with course report daily --date DAY\n",
        ),
        (
            ["edit", "1"],
            "Error: nothing to change: entry #1. Pass at least one of --hours, --minutes, "
            "--duration, --topic, --date, --note, --start or --end\n",
        ),
        (
            ["edit", "1", "--hours", "1", "--duration", "1h"],
            "Error: give at most one of --hours, --minutes, --duration: --hours and --duration. "
            "Pass one, e.g. --duration 1h30m\n",
        ),
        (
            ["edit", "1", "--duration", "1d"],
            "Error: cannot read the duration: '1d'. "
            "Write it like 2h30m, 1.5h, 90m or 45 (minutes)\n",
        ),
        (
            ["edit", "1", "--minutes", "0"],
            "Error: study time must be more than 0 minutes: 0 min. "
            "Pass e.g. --hours 1.5, --minutes 90 or --duration 1h30m\n",
        ),
        (
            ["edit", "1", "--date", "2026-11-22"],
            "Error: cannot log study time in the future: 2026-11-22. "
            "Today is 2026-11-21; pass --date today or an earlier date\n",
        ),
        (
            ["edit", "1", "--date", "11/20"],
            "Error: cannot read the date: '11/20'. Use today, yesterday, 3 days ago, monday, "
            "last monday or YYYY-MM-DD (2026-11-21)\n",
        ),
        (
            ["edit", "1", "--topic", ""],
            "Error: the topic is empty. Name what you studied, e.g. --topic CNN\n",
        ),
        (
            ["edit", "1", "--end", "14:30"],
            "Error: the entry cannot end in the future: 2026-11-21 14:30. "
            "It is 2026-11-21 14:05 now; pass an earlier --end or a shorter study time\n",
        ),
        (
            ["edit", "1", "--end", "12:00"],
            "Error: the end is not after the start: 2026-11-21 13:00 to 2026-11-21 12:00. "
            "Pass an --end later than the --start\n",
        ),
        (
            ["edit", "1", "--start", "noon"],
            "Error: cannot read the time: 'noon'. "
            "Use HH:MM (14:05), yesterday 23:30, YYYY-MM-DD HH:MM, 15m ago or now\n",
        ),
    ],
)
def test_edit_refuses(
    runner: CliRunner, clock: Clock, db_path: Path, args: list[str], message: str
) -> None:
    session(runner, clock, "CNN", kst(13, 0), kst(14, 0))
    clock.now = kst(14, 5)
    before = rows(db_path, "study_log")
    result = run(runner, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert rows(db_path, "study_log") == before


def test_edit_needs_a_numeric_id(runner: CliRunner, clock: Clock) -> None:
    result = run(runner, "edit", "seven", "--minutes", "30")
    assert result.exit_code == 2
    assert "'seven' is not a valid integer" in result.stderr


# --- delete ---------------------------------------------------------------------------------


def test_delete_with_yes(runner: CliRunner, clock: Clock, db_path: Path) -> None:
    session(runner, clock, "CNN", kst(12, 40), kst(14, 5))
    ok(runner, "log", "--minutes", "30", "--topic", "RNN")
    assert ok(runner, "delete", "1", "--yes") == "Deleted entry #1: 1h 25m of CNN on 2026-11-21.\n"
    assert [row["id"] for row in rows(db_path, "study_log")] == [2]


def test_delete_asks_first(runner: CliRunner, clock: Clock, db_path: Path) -> None:
    ok(runner, "log", "--minutes", "30", "--topic", "RNN")
    result = run(runner, "delete", "1", input="y\n")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "Delete entry #1: 0h 30m of RNN on 2026-11-21? [y/N]: y\n"
        "Deleted entry #1: 0h 30m of RNN on 2026-11-21.\n",
        "",
    )
    assert rows(db_path, "study_log") == []


@pytest.mark.parametrize("answer", ["n\n", "\n"])
def test_delete_declined_keeps_the_entry(
    runner: CliRunner, clock: Clock, db_path: Path, answer: str
) -> None:
    ok(runner, "log", "--minutes", "30", "--topic", "RNN")
    result = run(runner, "delete", "1", input=answer)
    assert result.exit_code == 1
    assert result.stdout.startswith("Delete entry #1: 0h 30m of RNN on 2026-11-21? [y/N]: ")
    assert result.stderr == "Aborted!\n"
    assert [row["topic"] for row in rows(db_path, "study_log")] == ["RNN"]


def test_delete_without_an_answer_says_to_pass_yes(
    runner: CliRunner, clock: Clock, db_path: Path
) -> None:
    """No terminal (input that ends): an Error line naming --yes, exit 2, the entry kept."""
    ok(runner, "log", "--minutes", "30", "--topic", "RNN")
    result = run(runner, "delete", "1", input="")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: nothing was deleted: the question got no answer: "
        "'Delete entry #1: 0h 30m of RNN on 2026-11-21?'. "
        "Answer y at a terminal, or pass --yes to skip the question\n",
    )
    assert [row["topic"] for row in rows(db_path, "study_log")] == ["RNN"]


def test_delete_unknown_id(runner: CliRunner, clock: Clock) -> None:
    result = run(runner, "delete", "3", input="y\n")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: no study entry with that id: 3. "
        "See a day's entries and their numbers with course report daily --date DAY\n",
    )
