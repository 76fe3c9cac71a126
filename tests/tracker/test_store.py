"""tracker.store: locating, opening, refusing and migrating the database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timezone
from pathlib import Path

import platformdirs
import pytest
from sqlite_utils import Database

import tracker.store
from core.errors import StoreError
from tracker.grades import Attempt, attempts
from tracker.store import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    Trigger,
    database_file,
    foreign_triggers,
    open_db,
    read_timestamp,
    resolve_db_path,
    schema_version,
    transaction,
)
from tracker.study import log_study

DAY = date(2026, 11, 16)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "course.db"


@pytest.fixture
def db(path: Path) -> Iterator[Database]:
    with closing(open_db(path)) as database:
        yield database


def _pragma(path: Path, name: str) -> object:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]


def _add_mood_column(db: Database) -> None:
    db.table("study_log").add_column("mood", str)


# --- resolve_db_path ------------------------------------------------------------------------


def test_resolve_prefers_course_db_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COURSE_DB", str(tmp_path / "env.db"))
    assert resolve_db_path(tmp_path / "ws.db") == tmp_path / "env.db"


def test_resolve_uses_workspace_then_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("COURSE_DB", raising=False)
    assert resolve_db_path(tmp_path / "ws.db") == tmp_path / "ws.db"
    assert resolve_db_path() == platformdirs.user_data_path("course") / "course.db"


# --- a new database -------------------------------------------------------------------------


def test_new_database_has_wal_schema_v5_and_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "course.db"
    with closing(open_db(path)) as db:
        assert db.journal_mode == "wal"
        assert schema_version(db) == SCHEMA_VERSION == 5
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert db.table_names() == [
            "study_log",
            "grade_attempts",
            "grade_checks",
            "timer",
            "retro_items",
            "problems",
            "problem_tags",
            "goals",
            "questions",
            "undo_log",
            "undo_state",
        ]
        assert db.table("study_log").columns_dict == {
            "id": int,
            "day": str,
            "minutes": int,
            "topic": str,
            "note": str,
            "created_at": str,
            "started_at": str,
            "ended_at": str,
            "updated_at": str,
            "utc_offset": int,
        }
        assert {tuple(index.columns) for index in db.table("grade_attempts").indexes} == {
            ("day",),
            ("assignment",),
        }
        assert [tuple(index.columns) for index in db.table("study_log").indexes] == [("day",)]
    assert _pragma(path, "user_version") == 5
    assert _pragma(path, "application_id") == APPLICATION_ID
    assert not list(tmp_path.glob("deep/er/*.bak-*"))


def test_empty_file_becomes_a_course_database(path: Path) -> None:
    path.touch()
    with closing(open_db(path)) as db:
        assert schema_version(db) == 5


def test_reopening_is_idempotent(path: Path) -> None:
    with closing(open_db(path)) as db:
        schema = db.schema
    with closing(open_db(path)) as db:
        assert db.schema == schema
        assert schema_version(db) == 5
    assert sorted(p.name for p in path.parent.iterdir()) == ["course.db"]


def test_study_entry_survives_reopen(path: Path) -> None:
    now = datetime(2026, 11, 16, 12, 0, tzinfo=timezone.utc)
    with closing(open_db(path)) as db:
        log_study(db, minutes=90, topic="CNN", day=DAY, today=DAY, now=now)
    with closing(open_db(path)) as db:
        assert list(db.table("study_log").rows) == [
            {
                "id": 1,
                "day": "2026-11-16",
                "minutes": 90,
                "topic": "CNN",
                "note": None,
                "created_at": "2026-11-16T12:00:00Z",
                "started_at": None,
                "ended_at": None,
                "updated_at": None,
                "utc_offset": None,
            }
        ]


# --- files that are not ours ----------------------------------------------------------------


def test_non_sqlite_file_is_refused_and_unchanged(path: Path) -> None:
    content = b"name,minutes\nCNN,120\n" * 10
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        open_db(path)
    assert caught.value.message == (
        f"not a SQLite database: {path}. "
        "Move the file away, or set COURSE_DB to the path of another file"
    )
    assert caught.value.exit_code == 3
    assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == ["course.db"]


def test_foreign_sqlite_database_is_refused_and_untouched(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('mine')")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a course database") as caught:
        open_db(path)
    assert str(path) in caught.value.message
    assert "COURSE_DB" in caught.value.message
    assert path.read_bytes() == before
    assert _pragma(path, "journal_mode") == "delete"
    assert sorted(p.name for p in path.parent.iterdir()) == ["course.db"]


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        open_db(tmp_path)


def test_newer_schema_is_refused(path: Path) -> None:
    open_db(path).close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version = 7")
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        open_db(path)
    assert caught.value.message == (
        "the tracker database has schema version 7, made by a newer course "
        f"(this one knows up to {SCHEMA_VERSION}): {path}. "
        "Upgrade course (pip install -U course-toolkit), or set COURSE_DB to another file"
    )
    assert path.read_bytes() == before


# --- migrations -----------------------------------------------------------------------------


def test_migration_backs_up_the_old_file_first(path: Path) -> None:
    with closing(open_db(path)) as db:
        log_study(db, minutes=45, topic="RNN", day=DAY, today=DAY)

    with closing(open_db(path, migrations=[*MIGRATIONS, _add_mood_column])) as db:
        assert schema_version(db) == SCHEMA_VERSION + 1
        assert "mood" in db.table("study_log").columns_dict

    backup = path.with_name(f"course.db.bak-v{SCHEMA_VERSION}")
    assert _pragma(backup, "user_version") == SCHEMA_VERSION
    with closing(Database(backup)) as old:
        assert "mood" not in old.table("study_log").columns_dict
        assert [row["topic"] for row in old.table("study_log").rows] == ["RNN"]


def test_version_1_database_upgrades_to_5_keeping_its_rows(path: Path) -> None:
    with closing(open_db(path, migrations=MIGRATIONS[:1])) as db:
        db.table("study_log").insert(
            {"day": "2026-11-16", "minutes": 45, "topic": "RNN", "created_at": "t"}
        )
    with closing(open_db(path)) as db:
        assert schema_version(db) == 5
        assert [(row["topic"], row["started_at"]) for row in db.table("study_log").rows] == [
            ("RNN", None)
        ]
        assert db["timer"].count == 0
    assert _pragma(path.with_name("course.db.bak-v1"), "user_version") == 1


def test_version_2_database_upgrades_to_5_keeping_its_attempts(path: Path) -> None:
    attempt = {
        "assignment": "resnet",
        "score": 8.5,
        "max_score": 10.0,
        "device": "cpu",
        "profile": "quick",
        "duration_s": 12.5,
        "submission": "resnet.py",
        "submission_sha256": "ab" * 32,
        "started_at": "2026-11-21T04:49:00Z",
        "day": "2026-11-21",
        "note": "",
    }
    with closing(open_db(path, migrations=MIGRATIONS[:2])) as db:
        assert schema_version(db) == 2
        assert "sandbox" not in db.table("grade_attempts").columns_dict
        db.table("grade_attempts").insert(attempt)
    with closing(open_db(path)) as db:
        assert schema_version(db) == 5
        columns = db.execute("PRAGMA table_info(grade_attempts)").fetchall()
        assert [tuple(column[1:5]) for column in columns[-2:]] == [
            ("sandbox", "TEXT", 0, None),
            ("tampered", "INTEGER", 1, "0"),
        ]
        assert list(db.table("grade_attempts").rows) == [
            {"id": 1, **attempt, "sandbox": None, "tampered": 0}
        ]
        assert attempts(db) == [
            Attempt(
                id=1,
                assignment="resnet",
                score=8.5,
                max_score=10.0,
                device="cpu",
                profile="quick",
                duration_s=12.5,
                started_at="2026-11-21T04:49:00Z",
                day=date(2026, 11, 21),
                note="",
                sandbox="",
                tampered=False,
            )
        ]
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            db.execute("UPDATE grade_attempts SET tampered = 2")
        with pytest.raises(sqlite3.IntegrityError, match="NOT NULL constraint failed"):
            db.execute("UPDATE grade_attempts SET tampered = NULL")
    backup = path.with_name("course.db.bak-v2")
    assert _pragma(backup, "user_version") == 2
    with closing(Database(backup)) as old:
        assert "tampered" not in old.table("grade_attempts").columns_dict


def test_migration_never_overwrites_an_earlier_backup(path: Path) -> None:
    open_db(path).close()
    earlier = path.with_name(f"course.db.bak-v{SCHEMA_VERSION}")
    earlier.write_bytes(b"an older backup")
    open_db(path, migrations=[*MIGRATIONS, _add_mood_column]).close()
    assert earlier.read_bytes() == b"an older backup"
    second = path.with_name(f"course.db.bak-v{SCHEMA_VERSION}-2")
    assert _pragma(second, "user_version") == SCHEMA_VERSION


def test_failed_migration_rolls_back_and_keeps_the_version(path: Path) -> None:
    open_db(path).close()

    def broken(db: Database) -> None:
        db.table("mood").create({"id": int}, pk="id")
        db.execute("SELECT * FROM no_such_table")

    with pytest.raises(
        StoreError,
        match=f"cannot upgrade the tracker database to schema version {SCHEMA_VERSION + 1}",
    ):
        open_db(path, migrations=[*MIGRATIONS, broken])
    with closing(open_db(path)) as db:
        assert schema_version(db) == SCHEMA_VERSION
        assert "mood" not in db.table_names()


# --- transactions and timestamps ------------------------------------------------------------


def test_transaction_rolls_back_and_reports_sqlite_failures(db: Database) -> None:
    with (
        pytest.raises(StoreError, match="the tracker database could not be written"),
        transaction(db),
    ):
        db.table("study_log").insert(
            {"day": "2026-11-16", "minutes": 5, "topic": "x", "created_at": "t"}
        )
        raise sqlite3.OperationalError("database is locked")
    assert db.table("study_log").count == 0


def test_read_timestamp() -> None:
    assert read_timestamp("2026-11-21T04:49:07Z") == datetime(
        2026, 11, 21, 4, 49, 7, tzinfo=timezone.utc
    )
    with pytest.raises(StoreError) as caught:
        read_timestamp("2026-11-21 04:49")
    assert caught.value.message == (
        "the tracker database holds a time it cannot read: '2026-11-21 04:49'. Times are "
        "stored as YYYY-MM-DDTHH:MM:SSZ (UTC); fix that row with sqlite-utils"
    )
    assert caught.value.exit_code == 3


def test_database_file(path: Path, db: Database) -> None:
    assert database_file(db) == path


# --- triggers -------------------------------------------------------------------------------


def test_the_schema_makes_only_the_undo_triggers(db: Database) -> None:
    made = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    assert dict(made) == tracker.store.OUR_TRIGGERS
    assert len(made) == 21  # 7 tables x insert, update, delete
    assert foreign_triggers(db) == []


def test_foreign_triggers_lists_the_files_then_the_temporary_ones(db: Database) -> None:
    zeta = "CREATE TRIGGER zeta AFTER INSERT ON study_log BEGIN SELECT 1; END"
    alpha = "CREATE TRIGGER alpha BEFORE DELETE ON grade_checks BEGIN SELECT 1; END"
    temp = "CREATE TEMP TRIGGER mid AFTER UPDATE ON main.grade_attempts BEGIN SELECT 1; END"
    for statement in (zeta, alpha, temp):
        db.execute(statement)
    assert foreign_triggers(db) == [
        Trigger("alpha", "grade_checks", alpha),
        Trigger("zeta", "study_log", zeta),
        Trigger("mid", "grade_attempts", temp.replace("TEMP ", ""), temporary=True),
    ]


def test_an_undo_trigger_with_other_sql_is_foreign(db: Database) -> None:
    """Replacing one of the undo triggers by one that rewrites grades is caught: the name
    alone does not make a trigger ours."""
    name = "course_undo_study_log_insert"
    db.execute(f"DROP TRIGGER {name}")
    impostor = (
        f"CREATE TRIGGER {name} AFTER INSERT ON study_log BEGIN "
        "UPDATE grade_attempts SET score = max_score; END"
    )
    db.execute(impostor)
    assert foreign_triggers(db) == [Trigger(name, "study_log", impostor)]


def test_a_trigger_is_ours_only_by_name_and_sql(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = "CREATE TRIGGER keep AFTER INSERT ON study_log BEGIN SELECT 1; END"
    monkeypatch.setattr(tracker.store, "OUR_TRIGGERS", {**tracker.store.OUR_TRIGGERS, "keep": ours})
    db.execute(ours)
    assert foreign_triggers(db) == []
    db.execute("DROP TRIGGER keep")
    impostor = "CREATE TRIGGER keep AFTER INSERT ON study_log BEGIN DELETE FROM study_log; END"
    db.execute(impostor)
    assert foreign_triggers(db) == [Trigger("keep", "study_log", impostor)]


def _locked_for(monkeypatch: pytest.MonkeyPatch, tries: int) -> list[int]:
    """Make switching to WAL answer "database is locked" for its first ``tries`` attempts, as
    SQLite does when several processes create the database at once."""
    calls = [0]
    switch = Database.enable_wal

    def enable_wal(self: Database) -> None:
        calls[0] += 1
        if calls[0] <= tries:
            raise sqlite3.OperationalError("database is locked")
        switch(self)

    monkeypatch.setattr(Database, "enable_wal", enable_wal)
    return calls


def test_a_locked_switch_to_wal_is_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _locked_for(monkeypatch, 3)
    path = tmp_path / "course.db"
    with closing(open_db(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert schema_version(db) == len(tracker.store.MIGRATIONS)
    assert calls == [4]


def test_a_switch_to_wal_locked_past_the_busy_timeout_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tracker.store, "BUSY_TIMEOUT_MS", 200)
    calls = _locked_for(monkeypatch, 10_000)
    path = tmp_path / "course.db"
    with pytest.raises(StoreError) as info:
        open_db(path)
    assert info.value.message.startswith(
        f"cannot prepare the tracker database: {path}. database is locked; "
    )
    assert 2 <= calls[0] <= 21  # tried again every 10 ms, not in a busy loop
