"""The database on read-only media and on a full disk, for real: bubblewrap mounts the folder
read-only, or a 200 kB tmpfs over it (issue 17, section 4). Skipped where bwrap cannot run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grader.sandbox import bwrap_problem

COURSE = str(Path(sys.executable).with_name("course"))
BWRAP = ["bwrap", "--bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]

pytestmark = pytest.mark.skipif(bwrap_problem() is not None, reason=f"{bwrap_problem()}")


def _course(*args: str, db: Path, mount: list[str]) -> subprocess.CompletedProcess[str]:
    command = [*BWRAP, *mount, "--", "env", f"COURSE_DB={db}", "TZ=UTC", COURSE, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def read_only(tmp_path: Path) -> tuple[Path, list[str]]:
    """A database with one entry, in a folder the commands see read-only."""
    folder = tmp_path / "backup"
    folder.mkdir()
    db = folder / "course.db"
    made = _course("log", "--minutes", "30", "--topic", "CNN", db=db, mount=[])
    assert made.returncode == 0, made.stderr
    return db, ["--ro-bind", str(folder), str(folder)]


def test_a_read_only_database_can_be_read_and_exported(read_only: tuple[Path, list[str]]) -> None:
    db, mount = read_only
    report = _course("report", "daily", "--format", "csv", db=db, mount=mount)
    assert (report.returncode, report.stderr) == (0, "")
    assert report.stdout.splitlines()[1].split(",")[1:] == ["CNN", "30", "0.50"]
    export = _course("export", db=db, mount=mount)
    assert export.returncode == 0, export.stderr
    assert '"topic": "CNN"' in export.stdout
    assert sorted(p.name for p in db.parent.iterdir()) == ["course.db"]


def test_writing_a_read_only_database_says_what_still_works(
    read_only: tuple[Path, list[str]],
) -> None:
    db, mount = read_only
    before = db.read_bytes()
    logged = _course("log", "--minutes", "5", "--topic", "RNN", db=db, mount=mount)
    assert (logged.returncode, logged.stdout) == (3, "")
    assert logged.stderr == (
        "Error: the tracker database could not be written: attempt to write a readonly "
        "database. The database is read-only. It can still be read: reports, lists and "
        "course export work. To change it, copy it to a writable folder and set COURSE_DB "
        "to the copy\n"
    )
    assert db.read_bytes() == before


def test_a_full_disk_says_to_free_space_and_loses_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "small"
    folder.mkdir()
    db = folder / "course.db"
    text = "$(head -c 3000 /dev/zero | tr '\\0' x)"
    script = (
        "ok=0; for i in $(seq 1 200); do "
        f'if {COURSE} question add "{text} $i" >/dev/null; then ok=$((ok+1)); else break; fi; '
        "done; echo ok=$ok; "
        f"{COURSE} question add last-one; echo rc=$?; "
        f'{COURSE} export | grep -c \'"text": "x\''
    )
    done = subprocess.run(
        [*BWRAP, "--size", "200000", "--tmpfs", str(folder), "--", "env", f"COURSE_DB={db}",
         "sh", "-c", script],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert "Error: the tracker database could not be written: database or disk is full. " in (
        done.stderr
    )
    assert "The disk is full: free some space, then run the command again; nothing was lost" in (
        done.stderr
    )
    ok, rc, stored = done.stdout.split()
    assert rc == "rc=3"
    assert 1 <= int(ok.removeprefix("ok=")) < 200  # the disk filled up part way
    assert int(stored) == int(ok.removeprefix("ok="))  # every question it took is kept


def test_course_info_reads_the_schema_version_on_read_only_media(
    read_only: tuple[Path, list[str]],
) -> None:
    db, mount = read_only
    shown = _course("info", "--json", db=db, mount=mount)
    assert shown.returncode == 0, shown.stderr
    assert '"schema_version": 5' in shown.stdout
    assert '"database_problem": null' in shown.stdout
    assert sorted(p.name for p in db.parent.iterdir()) == ["course.db"]
