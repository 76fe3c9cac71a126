"""Entries keep the zone they were logged in; clock times DST skips are refused, repeated ones
resolved (issue 17, section 2). Fixed clock, TZ set per test (POSIX strings, so no tz
database is needed)."""

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
from tracker.store import open_db

SEOUL = "KST-9"
NEW_YORK = "EST5EDT,M3.2.0,M11.1.0"
BERLIN = "CET-1CEST,M3.5.0,M10.5.0/3"
UTC = timezone.utc


@dataclass
class Clock:
    now: datetime


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock(datetime(2026, 11, 21, 1, 0, tzinfo=UTC))
    monkeypatch.setattr(context, "now", lambda: fixed.now.astimezone())
    return fixed


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args))


def ok(runner: CliRunner, *args: str) -> str:
    result = run(runner, *args)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return result.stdout


def entries(db_path: Path) -> list[dict[str, Any]]:
    with closing(open_db(db_path)) as db:
        return [
            {key: row[key] for key in ("day", "minutes", "started_at", "ended_at", "utc_offset")}
            for row in db.query("SELECT * FROM study_log ORDER BY id")
        ]


def test_a_timer_started_in_seoul_and_stopped_in_new_york_is_on_seouls_day(
    runner: CliRunner, clock: Clock, db_path: Path, local_tz: Callable[[str], None]
) -> None:
    local_tz(SEOUL)
    clock.now = datetime(
        2026, 11, 21, 1, 0, tzinfo=UTC
    )  # 10:00 in Seoul, 20:00 the day before in New York
    assert ok(runner, "start", "CNN") == "Started CNN at 10:00.\n"
    local_tz(NEW_YORK)
    clock.now = datetime(2026, 11, 21, 2, 30, tzinfo=UTC)
    assert ok(runner, "stop") == "Stopped CNN: 1h 30m on 2026-11-21 (entry #1).\n"
    assert entries(db_path) == [
        {
            "day": "2026-11-21",
            "minutes": 90,
            "started_at": "2026-11-21T01:00:00Z",
            "ended_at": "2026-11-21T02:30:00Z",
            "utc_offset": 540,
        }
    ]


def test_an_entry_logged_in_seoul_can_be_edited_from_new_york(
    runner: CliRunner, clock: Clock, db_path: Path, local_tz: Callable[[str], None]
) -> None:
    """Seoul is already on 2026-11-21 while New York is on the 20th: editing the topic, or
    the study time, keeps the entry on Seoul's day with Seoul's clock times."""
    local_tz(SEOUL)
    clock.now = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    ok(runner, "start", "CNN")
    clock.now = datetime(2026, 11, 21, 2, 30, tzinfo=UTC)
    ok(runner, "stop")
    ok(runner, "log", "--minutes", "30", "--topic", "RNN")  # untimed, on Seoul's 21st
    local_tz(NEW_YORK)
    clock.now = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # 22:00 on the 20th in New York
    assert ok(runner, "edit", "1", "--topic", "합성곱").startswith("Updated entry #1")
    assert ok(runner, "edit", "2", "--topic", "LSTM").startswith("Updated entry #2")
    ok(runner, "edit", "1", "--duration", "1h")
    assert entries(db_path)[0] == {
        "day": "2026-11-21",
        "minutes": 60,
        "started_at": "2026-11-21T01:00:00Z",
        "ended_at": "2026-11-21T02:00:00Z",
        "utc_offset": 540,
    }
    report = ok(runner, "report", "daily", "--date", "2026-11-21")
    assert "10:00-11:00 +09:00" in report


def test_a_clock_time_dst_skips_is_refused(
    runner: CliRunner, clock: Clock, db_path: Path, local_tz: Callable[[str], None]
) -> None:
    local_tz(BERLIN)
    clock.now = datetime(2026, 3, 29, 10, 0, tzinfo=UTC)  # 12:00 CEST
    result = run(runner, "start", "CNN", "--at", "02:30")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: that clock time does not exist here: the clocks skip it (daylight saving "
        "time): '02:30' (2026-03-29 02:30). Pass a time an hour later or earlier\n",
    )
    assert entries(db_path) == []


def test_a_clock_time_dst_repeats_is_the_first_of_the_two(
    runner: CliRunner, clock: Clock, db_path: Path, local_tz: Callable[[str], None]
) -> None:
    local_tz(BERLIN)
    clock.now = datetime(2026, 10, 25, 3, 0, tzinfo=UTC)  # 04:00 CET, after the change
    ok(runner, "start", "CNN", "--at", "02:30")  # 02:30 CEST = 00:30 UTC, not 01:30 UTC
    ok(runner, "stop")
    assert entries(db_path) == [
        {
            "day": "2026-10-25",
            "minutes": 150,
            "started_at": "2026-10-25T00:30:00Z",
            "ended_at": "2026-10-25T03:00:00Z",
            "utc_offset": 120,
        }
    ]


def test_moving_an_entry_onto_the_dst_gap_names_the_missing_time(
    runner: CliRunner, clock: Clock, db_path: Path, local_tz: Callable[[str], None]
) -> None:
    local_tz(BERLIN)
    clock.now = datetime(2026, 3, 28, 1, 30, tzinfo=UTC)  # 02:30 CET on the 28th
    ok(runner, "start", "CNN", "--at", "01:30")
    ok(runner, "stop")
    clock.now = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
    before = entries(db_path)
    result = run(runner, "edit", "1", "--date", "2026-03-29")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: that clock time does not exist here: the clocks skip it (daylight saving "
        "time): '02:30 on 2026-03-29' (2026-03-29 02:30). Pass a time an hour later or "
        "earlier\n",
    )
    assert entries(db_path) == before
    ok(runner, "edit", "1", "--date", "2026-03-27")  # a day without a change moves as before
    assert entries(db_path)[0]["started_at"] == "2026-03-27T00:30:00Z"


def test_entries_before_offsets_were_stored_read_in_the_system_zone(
    runner: CliRunner, clock: Clock, db_path: Path, local_tz: Callable[[str], None]
) -> None:
    local_tz(SEOUL)
    clock.now = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    ok(runner, "start", "CNN")
    clock.now = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
    ok(runner, "stop")
    with closing(open_db(db_path)) as db:
        db.execute("UPDATE study_log SET utc_offset = NULL")
        db.conn.commit()
    report = ok(runner, "report", "daily", "--date", "2026-11-21")
    assert "10:00-11:00" in report and "+09:00" not in report
    assert timedelta(hours=9) == datetime(2026, 11, 21, tzinfo=UTC).astimezone().utcoffset()
