"""The tracker database under stress: concurrent writers, killed writers, damaged files."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

import course.commands.study
from core.errors import StoreError
from course.cli import cli
from tracker.store import insert, open_db, schema_version, transaction
from tracker.study import log_study

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 11, 16)
MOVE_IT = "Move the file away, or set COURSE_DB to the path of another file"
RESTORE = (
    "It was left as it was. Move it away, then restore a backup: course import FILE, "
    "or copy back one of the .bak-* files beside it"
)


def _start(script: str, *args: object) -> subprocess.Popen[str]:
    """Run ``script`` in a new Python process that imports this checkout's packages."""
    return subprocess.Popen(
        [sys.executable, "-c", script, str(ROOT), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM study_log").fetchone()[0])


def _integrity(path: Path) -> list[tuple[str]]:
    with closing(open_db(path)) as db:
        return db.execute("PRAGMA integrity_check").fetchall()


# --- concurrent writers ---------------------------------------------------------------------

WRITER = """
import sys, time
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tracker.store import open_db
from tracker.study import log_study
path, number, go = Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
day = date(2026, 11, 1) + timedelta(days=number)
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
for entry in range(100):
    with closing(open_db(path)) as db:  # one open per entry, as `course log` does
        log_study(db, minutes=1 + entry % 5, topic=f"writer {number}", day=day,
                  today=date(2026, 11, 21))
"""


def test_eight_concurrent_writers_lose_no_entry(tmp_path: Path) -> None:
    path = tmp_path / "course.db"
    open_db(path).close()
    go = tmp_path / "go"
    writers = [_start(WRITER, path, number, go) for number in range(8)]
    for writer in writers:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "ready\n"
    go.touch()  # all eight start writing at once
    outcomes = [(writer.wait(timeout=60), writer.communicate()[1]) for writer in writers]
    assert [(code, errors.splitlines()[-1:]) for code, errors in outcomes] == [(0, [])] * 8
    with closing(open_db(path)) as db:
        per_writer = db.execute(
            "SELECT topic, day, count(*), sum(minutes) FROM study_log GROUP BY topic ORDER BY topic"
        ).fetchall()
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert per_writer == [
        (f"writer {n}", (date(2026, 11, 1) + timedelta(days=n)).isoformat(), 100, 300)
        for n in range(8)
    ]
    assert _count(path) == 800


OPENER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tracker.store import open_db
path, go = Path(sys.argv[2]), Path(sys.argv[3])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
open_db(path).close()
"""


def test_eight_processes_creating_the_database_at_once(tmp_path: Path) -> None:
    path = tmp_path / "course.db"
    go = tmp_path / "go"
    openers = [_start(OPENER, path, go) for _ in range(8)]
    for opener in openers:
        assert opener.stdout is not None
        assert opener.stdout.readline() == "ready\n"
    go.touch()  # all eight find no database and make its schema at once
    outcomes = [(opener.wait(timeout=60), opener.communicate()[1]) for opener in openers]
    assert [(code, errors.splitlines()[-1:]) for code, errors in outcomes] == [(0, [])] * 8
    with closing(open_db(path)) as db:
        assert schema_version(db) == 5
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


# --- writers killed mid-write ---------------------------------------------------------------

ROW = "{'day': '2026-11-16', 'minutes': 1, 'topic': 'kill', 'note': 'x' * 300, 'created_at': 't'}"

KILLED_INSIDE = f"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tracker.store import insert, open_db, transaction
db = open_db(Path(sys.argv[2]))
with transaction(db):
    for _ in range(100):
        insert(db, "study_log", {ROW})
db.execute("PRAGMA cache_size = 5")  # uncommitted pages spill into the WAL file
with transaction(db):
    count = 0
    while True:
        insert(db, "study_log", {ROW})
        count += 1
        if count == 2000:
            print("inside", flush=True)
"""


def test_writer_killed_inside_a_transaction_leaves_what_was_committed(tmp_path: Path) -> None:
    path = tmp_path / "course.db"
    open_db(path).close()
    writer = _start(KILLED_INSIDE, path)
    assert writer.stdout is not None
    assert writer.stdout.readline() == "inside\n", writer.communicate()[1]
    wal = path.with_name("course.db-wal")
    assert wal.stat().st_size > 2000 * 300  # the uncommitted rows are on disk
    writer.send_signal(signal.SIGKILL)
    assert writer.wait(timeout=10) == -signal.SIGKILL
    assert _integrity(path) == [("ok",)]
    assert _count(path) == 100
    with closing(open_db(path)) as db:  # and it takes new writes
        log_study(db, minutes=5, topic="after", day=DAY, today=DAY)
    assert _count(path) == 101


KILLED_ANYWHERE = f"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tracker.store import insert, open_db, transaction
db = open_db(Path(sys.argv[2]))
db.execute("PRAGMA cache_size = 5")
print("started", flush=True)
while True:
    with transaction(db):
        for _ in range(50):
            insert(db, "study_log", {ROW})
    print(db.execute("SELECT count(*) FROM study_log").fetchone()[0], flush=True)
"""


@pytest.mark.parametrize("seed", range(3))
def test_writer_killed_at_any_moment_leaves_whole_transactions(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "course.db"
    open_db(path).close()
    pause = random.Random(seed).uniform(0.0, 0.15)
    for _ in range(2):
        writer = _start(KILLED_ANYWHERE, path)
        assert writer.stdout is not None
        assert writer.stdout.readline() == "started\n", writer.communicate()[1]
        time.sleep(pause)
        writer.send_signal(signal.SIGKILL)
        reported, errors = writer.communicate(timeout=10)
        assert (writer.returncode, errors) == (-signal.SIGKILL, "")
        committed = [int(line) for line in reported.split()]
        count = _count(path)
        assert count % 50 == 0
        assert count >= (committed[-1] if committed else 0)
        assert _integrity(path) == [("ok",)]


# --- damaged and foreign files --------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a course database with 300 entries, checkpointed into one file."""
    path = tmp_path_factory.mktemp("real") / "course.db"
    with closing(open_db(path)) as db, transaction(db):
        for number in range(300):
            insert(
                db,
                "study_log",
                {
                    "day": (DAY - timedelta(days=number)).isoformat(),
                    "minutes": 30,
                    "topic": f"topic {number}",
                    "note": "note " * 20,
                    "created_at": "2026-11-16T09:00:00Z",
                },
            )
    assert not path.with_name("course.db-wal").exists()
    return path.read_bytes()


def _overwrite_page(data: bytes, page: int) -> bytes:
    """``data`` with SQLite page ``page`` (numbered from 1) replaced by random bytes."""
    size = int.from_bytes(data[16:18], "big")
    garbage = random.Random(page).randbytes(size)
    return data[: (page - 1) * size] + garbage + data[page * size :]


def _other_program(path: Path, real: bytes) -> bytes:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('mine')")
    return path.read_bytes()


def _assert_nothing_beside(path: Path) -> None:
    """No file but ``path``: the empty WAL and index SQLite's read-only check of a WAL-mode
    file makes are removed again when the file is refused (issue 17)."""
    assert sorted(p.name for p in path.parent.iterdir()) == ["course.db"]


DAMAGED = "the tracker database is damaged ({detail}): {path}. " + RESTORE
MALFORMED = DAMAGED.replace("{detail}", "database disk image is malformed")

CASES: dict[str, tuple[Callable[[Path, bytes], bytes], str]] = {
    "random-bytes": (
        lambda path, real: random.Random(1).randbytes(8192),
        "not a SQLite database: {path}. " + MOVE_IT,
    ),
    "text": (
        lambda path, real: b"day,minutes,topic\n2026-11-16,120,CNN\n" * 50,
        "not a SQLite database: {path}. " + MOVE_IT,
    ),
    "truncated": (lambda path, real: real[:20000], MALFORMED),
    "truncated-in-page-1": (lambda path, real: real[:1000], MALFORMED),
    "page-overwritten": (
        lambda path, real: _overwrite_page(real, 4),
        DAMAGED.replace("{detail}", "Page 4: btreeInitPage() returns error code 11"),
    ),
    "schema-overwritten": (
        lambda path, real: real[:100] + _overwrite_page(real, 1)[100:],
        MALFORMED,
    ),
    "header-overwritten": (
        lambda path, real: real[:16] + bytes(84) + real[100:],
        DAMAGED.replace("{detail}", "file is not a database"),
    ),
    "another-program": (
        _other_program,
        "not a course database (it belongs to another program): {path}. " + MOVE_IT,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_damaged_or_foreign_file_is_refused_and_unchanged(
    tmp_path: Path, real: bytes, case: str
) -> None:
    make, message = CASES[case]
    path = tmp_path / "course.db"
    content = make(path, real)
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        open_db(path)
    assert (caught.value.message, caught.value.exit_code) == (message.format(path=path), 3)
    assert path.read_bytes() == content
    _assert_nothing_beside(path)


@pytest.mark.parametrize("case", list(CASES))
def test_course_log_on_a_damaged_file_says_so_and_changes_nothing(
    runner: CliRunner, db_path: Path, real: bytes, case: str
) -> None:
    make, message = CASES[case]
    content = make(db_path, real)
    db_path.write_bytes(content)
    result = runner.invoke(cli, ["log", "--minutes", "30", "--topic", "CNN"])
    assert (result.exit_code, result.output) == (3, f"Error: {message.format(path=db_path)}\n")
    assert db_path.read_bytes() == content
    for command in (["export"], ["import", str(db_path), "--replace"]):
        assert runner.invoke(cli, command).exit_code in (2, 3)
    assert db_path.read_bytes() == content
    _assert_nothing_beside(db_path)


def test_zero_length_file_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "course.db"
    path.touch()
    with closing(open_db(path)) as db:
        assert schema_version(db) == 5


# --- sqlite3 errors that escape a command ---------------------------------------------------


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            sqlite3.DatabaseError("database disk image is malformed"),
            MALFORMED,
        ),
        (
            sqlite3.OperationalError("disk I/O error"),
            "the tracker database could not be used (disk I/O error): {path}. "
            "Close other programs using it and check disk space and file permissions",
        ),
    ],
    ids=["corrupt", "io-error"],
)
def test_sqlite_errors_escaping_a_command_become_an_error_line(
    runner: CliRunner,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: sqlite3.Error,
    line: str,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(course.commands.study, "log_study", broken)
    result = runner.invoke(cli, ["log", "--minutes", "30", "--topic", "CNN"])
    assert (result.exit_code, result.output) == (3, f"Error: {line.format(path=db_path)}\n")


def test_sqlite_programming_errors_keep_their_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise sqlite3.IntegrityError("NOT NULL constraint failed: study_log.topic")

    monkeypatch.setattr(course.commands.study, "log_study", broken)
    result = runner.invoke(cli, ["log", "--minutes", "30", "--topic", "CNN"])
    assert isinstance(result.exception, sqlite3.IntegrityError)
    assert result.output == ""
