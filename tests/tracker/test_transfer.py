"""tracker.transfer: export, import, round trips and every export that is refused."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import closing
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from core.errors import EnvironmentProblem, StoreError, UsageError
from tracker.store import MIGRATIONS, backup_db, database_file, insert, open_db, transaction
from tracker.study import log_study
from tracker.transfer import (
    EXPORT_FORMAT,
    Exported,
    check_export,
    count_rows,
    export_data,
    export_database,
    export_json,
    import_file,
    load_export,
    read_export,
    table_names,
    total_rows,
    write_export,
)

NOW = datetime(2026, 11, 21, 4, 49, tzinfo=timezone.utc)
DAY = date(2026, 11, 16)
TABLES = [
    "study_log",
    "grade_attempts",
    "grade_checks",
    "timer",
    "retro_items",
    "problems",
    "problem_tags",
    "goals",
    "questions",
]


def fill_every_table(db: Database) -> None:
    """Realistic rows in every table: unicode, NULLs, floats, links, the running timer."""
    stamp = "2026-11-16T09:00:00Z"
    with transaction(db):
        for row in [
            {"day": "2026-11-16", "minutes": 120, "topic": "CNN", "note": None},
            {
                "day": "2026-11-17",
                "minutes": 95,
                "topic": "합성곱 신경망",
                "note": "커널 3x3 🧠 — ok",
            },
            {
                "day": "2026-11-18",
                "minutes": 50,
                "topic": "RNN [draft]",
                "note": 'quotes " and \\ and\nnew line',
                "started_at": "2026-11-18T01:00:00Z",
                "ended_at": "2026-11-18T01:50:00Z",
                "updated_at": "2026-11-18T02:00:00Z",
            },
        ]:
            insert(db, "study_log", {"created_at": stamp, **row})
        for score, duration, confined in [
            (8.5, 12.345678, {"sandbox": "bwrap", "tampered": 1}),
            (7.25, 0.1, {}),  # as stored before schema version 3: sandbox NULL, tampered 0
        ]:
            attempt = insert(
                db,
                "grade_attempts",
                {
                    **confined,
                    "assignment": "resnet",
                    "score": score,
                    "max_score": 10.0,
                    "device": "cpu",
                    "profile": "quick",
                    "duration_s": duration,
                    "submission": "/home/학생/course/resnet.py",
                    "submission_sha256": "ab" * 32,
                    "started_at": stamp,
                    "day": "2026-11-16",
                    "note": "",
                },
            )
            for check, status, points in [("shapes", "passed", 2.0), ("train", "failed", 0.0)]:
                insert(
                    db,
                    "grade_checks",
                    {
                        "attempt_id": attempt,
                        "check_id": check,
                        "title": f"{check} check",
                        "status": status,
                        "points": points,
                        "max_points": 2.5,
                        "visibility": "hidden" if status == "failed" else "visible",
                        "message": None if status == "passed" else "accuracy 0.61 < 0.8",
                    },
                )
        insert(db, "timer", {"id": 1, "topic": "ViT", "note": None, "started_at": stamp})
        keep = insert(
            db,
            "retro_items",
            {
                "day": "2026-11-16",
                "kind": "try",
                "text": "일찍 자기",
                "status": "carried",
                "created_at": stamp,
            },
        )
        for row in [
            {"kind": "try", "text": "일찍 자기", "status": "open", "carried_from": keep},
            {"kind": "keep", "text": "daily review", "status": None},
            {"kind": "problem", "text": "too many tabs", "reviewed_on": "2026-11-18"},
        ]:
            insert(db, "retro_items", {"day": "2026-11-17", "created_at": stamp, **row})
        for site, number, tags in [
            ("boj", "1000", ["math", "구현"]),
            ("leetcode", "two-sum", ["dp"]),
        ]:
            problem = insert(
                db,
                "problems",
                {
                    "site": site,
                    "number": number,
                    "title": "A+B" if site == "boj" else None,
                    "status": "solved" if site == "boj" else "attempted",
                    "minutes": 15 if site == "boj" else None,
                    "used_hint": 1 if site == "leetcode" else 0,
                    "url": None,
                    "note": "",
                    "day": "2026-11-17",
                    "created_at": stamp,
                },
            )
            for tag in tags:
                db.execute(
                    "INSERT INTO problem_tags (problem_id, tag) VALUES (?, ?)", [problem, tag]
                )
        for kind, topic, target in [("hours", "", 12.5), ("topic_hours", "CNN", 4.0)]:
            insert(
                db,
                "goals",
                {
                    "week": "2026-W47",
                    "kind": kind,
                    "topic": topic,
                    "target": target,
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            )
        for text, answer in [("Why BatchNorm before ReLU?", "Either works"), ("왜?", None)]:
            insert(
                db,
                "questions",
                {
                    "text": text,
                    "topic": "CNN",
                    "day": "2026-11-17",
                    "created_at": stamp,
                    "answer": answer,
                    "answered_at": stamp if answer else None,
                },
            )


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


@pytest.fixture
def full(db: Database) -> Database:
    fill_every_table(db)
    return db


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "fresh.db")) as database:
        yield database


def _import(db: Database, data: Mapping[str, Any], *, replace: bool = False) -> dict[str, int]:
    """:func:`import_file` on ``data`` written to a file, as ``course import`` runs it."""
    path = database_file(db).with_name("import.json")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return import_file(db, path, now=NOW, replace=replace).counts


def _export(**tables: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": EXPORT_FORMAT, "schema_version": 2, "tables": tables}


def _export_v3(**tables: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": EXPORT_FORMAT, "schema_version": 5, "tables": tables}


def _attempt_row(**changes: Any) -> dict[str, Any]:
    return {
        "id": 1,
        "assignment": "resnet",
        "score": 8.5,
        "max_score": 10.0,
        "started_at": "2026-11-16T09:00:00Z",
        "day": "2026-11-16",
        **changes,
    }


def _study_row(**changes: Any) -> dict[str, Any]:
    return {
        "id": 1,
        "day": "2026-11-16",
        "minutes": 30,
        "topic": "CNN",
        "created_at": "2026-11-16T09:00:00Z",
        **changes,
    }


def _usage(data: dict[str, Any]) -> str:
    with pytest.raises(UsageError) as caught:
        check_export(data, source="backup.json")
    assert caught.value.exit_code == 2
    return caught.value.message


# --- export ---------------------------------------------------------------------------------


def test_export_of_one_entry(db: Database) -> None:
    log_study(db, minutes=90, topic="CNN", day=DAY, today=DAY, now=NOW)
    assert export_data(db, now=NOW) == {
        "format": "course-export",
        "schema_version": 5,
        "exported_at": "2026-11-21T04:49:00Z",
        "tables": {
            "study_log": [
                {
                    "id": 1,
                    "day": "2026-11-16",
                    "minutes": 90,
                    "topic": "CNN",
                    "note": None,
                    "created_at": "2026-11-21T04:49:00Z",
                    "started_at": None,
                    "ended_at": None,
                    "updated_at": None,
                    "utc_offset": None,
                }
            ],
            **{name: [] for name in TABLES[1:]},
        },
    }


def test_export_orders_rows_by_primary_key(db: Database) -> None:
    with transaction(db):
        for number in (7, 3):
            insert(
                db,
                "problems",
                {
                    "id": number,
                    "site": "boj",
                    "number": str(number),
                    "status": "solved",
                    "day": "2026-11-16",
                    "created_at": "t",
                },
            )
        for problem, tag in [(7, "b"), (3, "z"), (7, "a")]:
            db.execute("INSERT INTO problem_tags VALUES (?, ?)", [problem, tag])
    tables = export_data(db, now=NOW)["tables"]
    assert [row["id"] for row in tables["problems"]] == [3, 7]
    assert tables["problem_tags"] == [
        {"problem_id": 3, "tag": "z"},
        {"problem_id": 7, "tag": "a"},
        {"problem_id": 7, "tag": "b"},
    ]


def test_table_names_leave_out_sqlite_and_full_text_tables(db: Database) -> None:
    db.execute("CREATE VIRTUAL TABLE questions_fts USING fts5(text)")
    db.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY AUTOINCREMENT)")
    db.execute("INSERT INTO counter DEFAULT VALUES")
    assert "sqlite_sequence" in db.table_names()
    assert "questions_fts_data" in db.table_names()
    assert table_names(db) == [*TABLES, "counter"]


def test_export_json_is_utf8_indented_and_stable(full: Database) -> None:
    text = export_json(export_data(full, now=NOW))
    assert "합성곱 신경망" in text
    assert text.startswith('{\n  "format": "course-export",\n  "schema_version": 5,\n')
    assert text.endswith("}\n")
    assert export_json(export_data(full, now=NOW)) == text
    assert count_rows(json.loads(text)["tables"]) == total_rows(full) == 23


# --- round trips ----------------------------------------------------------------------------


def test_round_trip_through_json_is_lossless(full: Database, fresh: Database) -> None:
    first = export_data(full, now=NOW)
    assert all(first["tables"][name] for name in TABLES)  # every table has rows
    counts = _import(fresh, json.loads(export_json(first)))
    assert counts == {name: len(first["tables"][name]) for name in TABLES}
    second = export_data(fresh, now=NOW)
    assert second == first
    assert second["tables"]["timer"] == [
        {
            "id": 1,
            "topic": "ViT",
            "note": None,
            "started_at": "2026-11-16T09:00:00Z",
            "utc_offset": None,
        }
    ]
    assert fresh.execute("PRAGMA foreign_key_check").fetchall() == []
    assert [row["carried_from"] for row in second["tables"]["retro_items"]] == [None, 1, None, None]
    assert [(row["sandbox"], row["tampered"]) for row in second["tables"]["grade_attempts"]] == [
        ("bwrap", 1),
        (None, 0),
    ]


def test_an_export_of_a_damaged_database_is_refused_on_import(
    db: Database, fresh: Database
) -> None:
    """A BLOB note and an infinite goal (SQLite takes them; no command writes them) are
    exported faithfully, and refused on import, naming the row and column."""
    with transaction(db):
        insert(db, "study_log", _study_row(note=b"\x00\xffraw"))
    first = export_data(db, now=NOW)
    assert first["tables"]["study_log"][0]["note"] == {"base64": "AP9yYXc="}
    with pytest.raises(UsageError) as caught:
        _import(fresh, json.loads(export_json(first)))
    assert caught.value.message.startswith(
        "the export holds a value no command would store (note must be text): "
        "study_log row 1, note = a BLOB in "
    )
    with transaction(db):
        db.execute("DELETE FROM study_log")
        db.execute(
            "INSERT INTO goals (week, kind, target, created_at, updated_at) "
            "VALUES ('2026-W47', 'hours', 1e999, '2026-11-16T01:00:00Z', '2026-11-16T01:00:00Z')"
        )
    with pytest.raises(UsageError) as caught:
        _import(fresh, json.loads(export_json(export_data(db, now=NOW))))
    assert caught.value.message.startswith(
        "the export holds a value no command would store (target must be a finite number): "
        "goals row 1, target = inf in "
    )
    assert total_rows(fresh) == 0


def test_replace_swaps_everything_for_the_export(full: Database, fresh: Database) -> None:
    log_study(fresh, minutes=30, topic="old", day=DAY, today=DAY, now=NOW)
    data = export_data(full, now=NOW)
    assert _import(fresh, data, replace=True)["study_log"] == 3
    assert export_data(fresh, now=NOW) == data


def test_import_into_a_database_with_rows_is_refused(full: Database, fresh: Database) -> None:
    log_study(fresh, minutes=30, topic="mine", day=DAY, today=DAY, now=NOW)
    before = export_data(fresh, now=NOW)
    with pytest.raises(UsageError) as caught:
        _import(fresh, export_data(full, now=NOW))
    assert caught.value.message == (
        "the tracker database already holds data: 1 row in study_log. "
        "Pass --replace to replace all of it (a backup is made first), "
        "or set COURSE_DB to a new file and import there"
    )
    assert export_data(fresh, now=NOW) == before


def test_a_failed_import_leaves_the_database_as_it_was(full: Database, fresh: Database) -> None:
    data = export_data(full, now=NOW)
    log_study(fresh, minutes=30, topic="mine", day=DAY, today=DAY, now=NOW)
    # questions is the last table written: everything else is deleted and written first
    fresh.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON questions BEGIN SELECT RAISE(ABORT, 'no'); END"
    )
    before = export_data(fresh, now=NOW)
    with pytest.raises(UsageError) as caught:
        _import(fresh, data, replace=True)
    assert caught.value.message == (
        "the export breaks a rule of the database (no): questions row 1 in the export. "
        "Fix that row, or export again from the database it came from"
    )
    assert export_data(fresh, now=NOW) == before
    assert not fresh.conn.in_transaction


def test_export_from_schema_version_1_is_upgraded(tmp_path: Path, fresh: Database) -> None:
    with closing(open_db(tmp_path / "old.db", migrations=MIGRATIONS[:1])) as old:
        log_study(old, minutes=45, topic="RNN", day=DAY, today=DAY, now=NOW)
        data = export_data(old, now=NOW)
    assert data["schema_version"] == 1
    assert list(data["tables"]) == ["study_log", "grade_attempts", "grade_checks"]
    checked = check_export(data)
    assert checked.schema_version == 1
    assert checked.rows == 1
    assert _import(fresh, data) == {name: int(name == "study_log") for name in TABLES}
    assert list(fresh.table("study_log").rows) == [
        {
            "id": 1,
            "day": "2026-11-16",
            "minutes": 45,
            "topic": "RNN",
            "note": None,
            "created_at": "2026-11-21T04:49:00Z",
            "started_at": None,
            "ended_at": None,
            "updated_at": None,
            "utc_offset": None,
        }
    ]


def test_export_from_schema_version_2_imports_with_the_new_columns_empty(
    tmp_path: Path, fresh: Database
) -> None:
    with closing(open_db(tmp_path / "old.db", migrations=MIGRATIONS[:2])) as old:
        with transaction(old):
            attempt = insert(
                old,
                "grade_attempts",
                {
                    "assignment": "resnet",
                    "score": 8.5,
                    "max_score": 10.0,
                    "started_at": "2026-11-16T09:00:00Z",
                    "day": "2026-11-16",
                },
            )
            insert(
                old,
                "grade_checks",
                {
                    "attempt_id": attempt,
                    "check_id": "shapes",
                    "status": "passed",
                    "points": 2.5,
                    "max_points": 2.5,
                },
            )
        data = export_data(old, now=NOW)
    assert data["schema_version"] == 2
    assert "sandbox" not in data["tables"]["grade_attempts"][0]
    path = tmp_path / "v2.json"
    path.write_text(export_json(data), encoding="utf-8")
    imported = import_file(fresh, path, now=NOW)
    assert (imported.schema_version, imported.upgraded, imported.rows) == (2, True, 2)
    assert list(fresh.table("grade_attempts").rows) == [
        {
            "id": 1,
            "assignment": "resnet",
            "score": 8.5,
            "max_score": 10.0,
            "device": None,
            "profile": None,
            "duration_s": None,
            "submission": None,
            "submission_sha256": None,
            "started_at": "2026-11-16T09:00:00Z",
            "day": "2026-11-16",
            "note": None,
            "sandbox": None,
            "tampered": 0,
        }
    ]
    assert [row["attempt_id"] for row in fresh.table("grade_checks").rows] == [1]


def test_load_export_refuses_tables_the_database_lacks(tmp_path: Path, full: Database) -> None:
    checked = check_export(export_data(full, now=NOW))
    with closing(open_db(tmp_path / "old.db", migrations=MIGRATIONS[:1])) as old:
        with pytest.raises(UsageError) as caught:
            load_export(old, checked)
        assert old.table("study_log").count == 0
    assert caught.value.message == (
        "the tracker database has no table for these rows: timer, retro_items, problems, "
        "problem_tags, goals, questions. "
        "Upgrade course, or set COURSE_DB to a new file and import there"
    )


# --- what the commands call -----------------------------------------------------------------


def test_export_database(full: Database, tmp_path: Path) -> None:
    text = export_json(export_data(full, now=NOW))
    assert export_database(full, now=NOW) == Exported(text, 23, 9)
    out = tmp_path / "backup.json"
    assert export_database(full, now=NOW, out=out) == Exported(text, 23, 9, out)
    assert out.read_text(encoding="utf-8") == text
    with pytest.raises(UsageError) as caught:
        export_database(full, now=NOW, out=tmp_path / "course.db", force=True)
    assert caught.value.message == (
        f"--out names the tracker database itself: {tmp_path / 'course.db'}. Name another file"
    )


def test_import_file_backs_up_a_database_with_rows_before_replacing(
    full: Database, fresh: Database, tmp_path: Path
) -> None:
    source = tmp_path / "backup.json"
    source.write_text(export_json(export_data(full, now=NOW)), encoding="utf-8")
    first = import_file(fresh, source, now=NOW, replace=True)  # nothing to back up yet
    assert (first.source, first.database, first.schema_version) == (
        source,
        tmp_path / "fresh.db",
        5,
    )
    assert (first.backup, first.rows, first.upgraded) == (None, 23, False)
    before = export_data(fresh, now=NOW)
    again = import_file(fresh, source, now=NOW, replace=True)
    assert again.backup == tmp_path / "fresh.db.bak-import-20261121T044900Z"
    with closing(open_db(again.backup)) as copy:
        assert export_data(copy, now=NOW) == before


# --- refused exports ------------------------------------------------------------------------

FIX = "Pass a file written by course export"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"tables": {}},
            f"not a course export (\"format\" is missing, not 'course-export'): backup.json. {FIX}",
        ),
        (
            {"format": "other-app", "tables": {}},
            "not a course export (\"format\" is 'other-app', not 'course-export'): "
            f"backup.json. {FIX}",
        ),
        (
            {"format": EXPORT_FORMAT, "tables": {}},
            "the export's schema_version must be a whole number from 1 to 5: "
            f"None in backup.json. {FIX}",
        ),
        (
            {"format": EXPORT_FORMAT, "schema_version": "2", "tables": {}},
            "the export's schema_version must be a whole number from 1 to 5: "
            f"'2' in backup.json. {FIX}",
        ),
        (
            {"format": EXPORT_FORMAT, "schema_version": True, "tables": {}},
            "the export's schema_version must be a whole number from 1 to 5: "
            f"True in backup.json. {FIX}",
        ),
        (
            {"format": EXPORT_FORMAT, "schema_version": 0, "tables": {}},
            "the export's schema_version must be a whole number from 1 to 5: "
            f"0 in backup.json. {FIX}",
        ),
        (
            {"format": EXPORT_FORMAT, "schema_version": 6, "tables": {}},
            "the export has schema version 6, made by a newer course (this one knows up to 5): "
            "backup.json. Upgrade course (pip install -U course-toolkit) and import it again",
        ),
        (
            {"format": EXPORT_FORMAT, "schema_version": 2},
            'the export\'s "tables" must be an object of table names and rows: '
            f"null in backup.json. {FIX}",
        ),
        (
            _export(moods=[]),
            "the export has a table this course does not know: 'moods' in backup.json. "
            "The tables are: study_log, grade_attempts, grade_checks, timer, retro_items, "
            "problems, problem_tags, goals, questions; remove it, or import with the course "
            "that wrote the file",
        ),
        (
            {"format": EXPORT_FORMAT, "schema_version": 1, "tables": {"timer": []}},
            "the export has a table this course does not know: 'timer' in backup.json. "
            "The tables are: study_log, grade_attempts, grade_checks; remove it, or import "
            "with the course that wrote the file",
        ),
        (
            _export(study_log={"id": 1}),
            f"the export's table study_log must be a list of rows: object in backup.json. {FIX}",
        ),
        (
            _export(study_log=[_study_row(), [1, 2]]),
            "row 2 of study_log must be an object of columns and values: "
            f"array in backup.json. {FIX}",
        ),
        (
            _export(study_log=[_study_row(mood="good")]),
            "the export has a column this course does not know: study_log.mood (row 1) in "
            "backup.json. The columns of study_log are: id, day, minutes, topic, note, "
            "created_at, started_at, ended_at, updated_at",
        ),
        (
            _export(study_log=[_study_row(note=["a", "b"])]),
            'the export holds a value SQLite cannot store: study_log row 1, column note: ["a", '
            '"b"] in backup.json. Values must be text, numbers, null or {"base64": "..."}',
        ),
        (
            _export(study_log=[_study_row(note={"base64": "***"})]),
            "the export holds a BLOB that is not valid base64: "
            "study_log row 1, column note in backup.json",
        ),
        (
            _export(study_log=[_study_row(), _study_row(topic="RNN")]),
            "the export breaks a rule of the database (UNIQUE constraint failed: study_log.id): "
            "study_log row 2 in backup.json. "
            "Fix that row, or export again from the database it came from",
        ),
        (
            _export(study_log=[_study_row(minutes=None)]),
            "the export breaks a rule of the database (NOT NULL constraint failed: "
            "study_log.minutes): study_log row 1 in backup.json. "
            "Fix that row, or export again from the database it came from",
        ),
        (
            _export(study_log=[_study_row(minutes=2**63)]),
            "the export breaks a rule of the database (Python int too large to convert to "
            "SQLite INTEGER): study_log row 1 in backup.json. "
            "Fix that row, or export again from the database it came from",
        ),
        (
            _export(retro_items=[{"day": "d", "kind": "wish", "text": "t", "created_at": "t"}]),
            "the export breaks a rule of the database (CHECK constraint failed: kind IN "
            "('keep', 'problem', 'try')): retro_items row 1 in backup.json. "
            "Fix that row, or export again from the database it came from",
        ),
        (
            _export(grade_attempts=[_attempt_row(sandbox="bwrap")]),
            "the export has a column this course does not know: grade_attempts.sandbox (row 1) "
            "in backup.json. The columns of grade_attempts are: id, assignment, score, "
            "max_score, device, profile, duration_s, submission, submission_sha256, started_at, "
            "day, note",
        ),
        (
            _export_v3(grade_attempts=[_attempt_row(tampered=2)]),
            "the export breaks a rule of the database (CHECK constraint failed: tampered IN "
            "(0, 1)): grade_attempts row 1 in backup.json. "
            "Fix that row, or export again from the database it came from",
        ),
        (
            _export_v3(grade_attempts=[_attempt_row(tampered=None)]),
            "the export breaks a rule of the database (NOT NULL constraint failed: "
            "grade_attempts.tampered): grade_attempts row 1 in backup.json. "
            "Fix that row, or export again from the database it came from",
        ),
        (
            _export(
                grade_checks=[
                    {
                        "id": 5,
                        "attempt_id": 99,
                        "check_id": "c",
                        "status": "passed",
                        "points": 1.0,
                        "max_points": 1.0,
                    }
                ]
            ),
            "the export breaks a rule of the database (a grade_checks row refers to a "
            "grade_attempts row that is not there): grade_checks row with rowid 5 in "
            "backup.json. Fix that row, or export again from the database it came from",
        ),
    ],
    ids=[
        "no-format",
        "wrong-format",
        "no-version",
        "text-version",
        "bool-version",
        "zero-version",
        "newer-version",
        "no-tables",
        "unknown-table",
        "table-of-a-later-version",
        "rows-not-a-list",
        "row-not-an-object",
        "unknown-column",
        "array-value",
        "bad-base64",
        "duplicate-id",
        "null-in-not-null",
        "integer-too-large",
        "check-constraint",
        "v3-column-in-a-v2-export",
        "tampered-not-0-or-1",
        "tampered-null",
        "dangling-foreign-key",
    ],
)
def test_bad_exports_are_refused(data: dict[str, Any], message: str, fresh: Database) -> None:
    assert _usage(data) == message
    with pytest.raises(UsageError):
        _import(fresh, data)
    assert total_rows(fresh) == 0


def test_an_export_that_is_not_an_object() -> None:
    with pytest.raises(UsageError) as caught:
        check_export([1, 2], source="backup.json")  # type: ignore[arg-type]
    assert caught.value.message == (
        f"not a course export (it is a JSON array, not an object): backup.json. {FIX}"
    )


def test_default_source_in_messages() -> None:
    with pytest.raises(UsageError, match=r"^not a course export .*: the export\. "):
        check_export({})


# --- files ----------------------------------------------------------------------------------


def test_read_export_reads_what_write_export_wrote(tmp_path: Path, full: Database) -> None:
    data = export_data(full, now=NOW)
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "backup.json"
    write_export(path, export_json(data))
    assert read_export(path) == data
    assert path.read_bytes() == export_json(data).encode("utf-8")
    assert [p.name for p in path.parent.iterdir()] == ["backup.json"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'{"format": "course-export",\n  "tables": [1,]}',
            "the export file is not valid JSON: {path} (line 2, column 16: Expecting value). "
            + FIX,
        ),
        (
            b"",
            "the export file is not valid JSON: {path} (line 1, column 1: Expecting value). " + FIX,
        ),
        (b'{"a": "\xff"}', "the export file is not UTF-8 text: {path} (byte 8). " + FIX),
        (
            b"[1, 2]",
            "not a course export (the file holds a JSON array, not an object): {path}. " + FIX,
        ),
    ],
    ids=["bad-json", "empty", "not-utf8", "array"],
)
def test_unreadable_export_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "backup.json"
    path.write_bytes(content)
    with pytest.raises(UsageError) as caught:
        read_export(path)
    assert caught.value.message == message.format(path=path)


def test_missing_export_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        read_export(tmp_path / "nope.json")
    assert caught.value.message == (
        f"cannot read the export file: {tmp_path / 'nope.json'}. "
        "No such file or directory; pass the path of a file written by course export"
    )
    with pytest.raises(UsageError, match=r"^cannot read the export file: .*Is a directory"):
        read_export(tmp_path)


def test_write_export_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    path.write_text("earlier")
    with pytest.raises(UsageError) as caught:
        write_export(path, "{}\n")
    assert caught.value.message == (
        f"the output file already exists: {path}. Pass --force to replace it, or name another file"
    )
    assert path.read_text() == "earlier"
    write_export(path, "{}\n", force=True)
    assert path.read_text() == "{}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.json"]


def test_write_export_refuses_folders(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        write_export(tmp_path, "{}", force=True)
    assert caught.value.message == (
        f"the output path is a folder: {tmp_path}. Name a file, e.g. backup.json"
    )
    with pytest.raises(UsageError) as caught:
        write_export(tmp_path / "no" / "backup.json", "{}")
    assert caught.value.message == (
        f"the output file's folder does not exist: {tmp_path / 'no'}. Create it first"
    )


def test_failed_write_keeps_the_earlier_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "backup.json"
    path.write_text("earlier")

    def full_disk(source: str, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(EnvironmentProblem) as caught:
        write_export(path, "{}", force=True)
    assert caught.value.message == f"cannot write the export: {path}. No space left on device"
    assert caught.value.exit_code == 3
    assert path.read_text() == "earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.json"]


# --- backups and paths ----------------------------------------------------------------------


def test_backup_db_copies_and_never_overwrites(tmp_path: Path, full: Database) -> None:
    path = tmp_path / "course.db"
    first = backup_db(full, path, "bak-import-20261121T044900Z")
    second = backup_db(full, path, "bak-import-20261121T044900Z")
    assert first == tmp_path / "course.db.bak-import-20261121T044900Z"
    assert second == tmp_path / "course.db.bak-import-20261121T044900Z-2"
    for copy in (first, second):
        with closing(open_db(copy)) as backup:
            assert export_data(backup, now=NOW) == export_data(full, now=NOW)


def test_backup_db_reports_a_folder_it_cannot_write(tmp_path: Path, full: Database) -> None:
    with pytest.raises(StoreError) as caught:
        backup_db(full, tmp_path / "gone" / "course.db", "bak-x", before="replacing it")
    assert caught.value.message.startswith(
        f"cannot back up the tracker database before replacing it: "
        f"{tmp_path / 'gone' / 'course.db.bak-x'}. unable to open database file; "
    )
