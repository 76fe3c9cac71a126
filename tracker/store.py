"""The tracker's SQLite file: where it lives, opening it safely, schema and migrations.

The database is ordinary SQLite made with sqlite-utils, so ``sqlite-utils`` and Datasette
open it as they open any other file. Conventions for every table:

- minutes are ``INTEGER``; days are ISO dates (``TEXT 'YYYY-MM-DD'``, the local day);
- timestamps are UTC ISO-8601 strings such as ``2026-11-21T04:49:00Z``, written by
  :func:`core.clock.utc_timestamp` and read back by :func:`read_timestamp`;
- every write happens in one transaction (:func:`transaction`).

The schema version is ``PRAGMA user_version``; :data:`MIGRATIONS` lists the forward
migrations in order (``MIGRATIONS[0]`` makes version 1). ``PRAGMA application_id`` marks
the file as a `course` database, so another program's SQLite file is never touched.

The schema's only triggers are the undo log's (:data:`OUR_TRIGGERS`, :mod:`tracker.undo`),
known by name and exact SQL: any other trigger in the file was added by someone else,
possibly code being graded that rewrites stored grades as they are written.
:func:`foreign_triggers` finds them and :func:`foreign_triggers_error` is the error that names
them; :func:`tracker.grades.record_attempt` refuses to write while there are any.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import platformdirs
from sqlite_utils import Database

from core.clock import parse_utc_timestamp
from core.errors import EnvironmentProblem, StoreError
from tracker import undo

Migration = Callable[[Database], None]
"""A forward migration: changes the schema by one version, inside a transaction."""

APPLICATION_ID = 0x434F5552
"""``PRAGMA application_id`` of a `course` database (the bytes ``COUR``)."""

BUSY_TIMEOUT_MS = 5000
"""How long a write waits for another process's lock, in milliseconds."""

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite 3 database file."""

OUR_TRIGGERS: Mapping[str, str] = undo.TRIGGERS
"""The triggers the schema makes, by name, each with its exact ``sqlite_master.sql``: the
undo log's (:mod:`tracker.undo`), from schema version 5 on.

A trigger counts as ours only when both its name and its SQL match, so a foreign trigger
cannot pass by taking one of these names.
"""

_MOVE_IT = "Move the file away, or set COURSE_DB to the path of another file"


def resolve_db_path(workspace_db: Path | None = None) -> Path:
    """Where the tracker database lives.

    Args:
        workspace_db: The database the current workspace's ``course.yaml`` names, if any.

    Returns:
        ``$COURSE_DB`` when set, else ``workspace_db``, else ``course.db`` in the user data
        directory (e.g. ``~/.local/share/course/course.db`` on Linux).
    """
    env = os.environ.get("COURSE_DB")
    if env:
        return Path(env).expanduser()
    if workspace_db is not None:
        return workspace_db
    return platformdirs.user_data_path("course") / "course.db"


def open_db(path: Path, *, migrations: Sequence[Migration] | None = None) -> Database:
    """Open (creating or upgrading as needed) the tracker database at ``path``.

    Makes missing parent folders, turns on WAL mode, a busy timeout and foreign keys, and
    applies pending migrations, each in its own transaction. Before upgrading a file that
    already holds a schema, copies it to ``<name>.bak-v<old version>`` beside it.

    A file that is not a `course` database, or that SQLite finds damaged (``PRAGMA
    quick_check``, about 1 ms for a 4000-row database), is refused and left byte for byte as
    it was.

    Args:
        path: The database file.
        migrations: The forward migrations, oldest first; :data:`MIGRATIONS` when omitted.

    Returns:
        An open sqlite-utils database; close it (``db.close()``) when done.

    Raises:
        StoreError: ``path`` is not a SQLite file, is another program's SQLite database,
            is damaged, was made by a newer `course`, or cannot be created, read, backed up
            or upgraded.
    """
    steps = MIGRATIONS if migrations is None else tuple(migrations)
    if path.is_file() and not writable(path):
        return _open_read_only(path, latest=len(steps))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            "cannot make the folder for the tracker database",
            str(path.parent),
            f"{exc.strerror or exc}; set COURSE_DB to a writable path",
        ) from exc
    version = _check_existing(path, latest=len(steps))
    try:
        db = Database(path, execute_plugins=False)  # no sqlite-utils plugins: 20-40 ms
    except sqlite3.Error as exc:
        raise StoreError("cannot open the tracker database", str(path), str(exc)) from exc
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        _enable_wal(db)
        _migrate(db, path, steps, version)
    except sqlite3.Error as exc:
        db.close()
        raise StoreError(
            "cannot prepare the tracker database", str(path), f"{exc}; {write_fix(exc, _MOVE_IT)}"
        ) from exc
    except BaseException:
        db.close()
        raise
    return db


def writable(path: Path) -> bool:
    """Whether `course` may write the database at ``path``: the file and its folder (where
    SQLite keeps ``-wal`` and ``-shm``) are writable. False on read-only media."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


READ_ONLY_FIX = (
    "It can still be read: reports, lists and course export work. To change it, copy it to "
    "a writable folder and set COURSE_DB to the copy"
)


def write_fix(error: sqlite3.Error, otherwise: str) -> str:
    """How to fix what SQLite said when it could not write: free space for a full disk, a
    writable copy for a read-only file, closing other programs for a lock; else
    ``otherwise``."""
    lowered = str(error).lower()
    if "full" in lowered:
        return "The disk is full: free some space, then run the command again; nothing was lost"
    if "readonly" in lowered or "read-only" in lowered:
        return f"The database is read-only. {READ_ONLY_FIX}"
    if "locked" in lowered or "busy" in lowered:
        return "Another program is writing it: close it (or wait), then run the command again"
    return otherwise


def _open_read_only(path: Path, *, latest: int) -> Database:
    """Open a database `course` may not write (read-only media, a file without write
    permission), for reading: ``mode=ro``, and ``immutable=1`` when its folder cannot hold
    the ``-shm`` file a WAL database needs. Nothing is created beside it.

    Raises:
        StoreError: as :func:`open_db`; also when the file was made by an older `course` and
            would need upgrading, which a read-only file cannot be.
    """
    version = _check_existing(path, latest=latest)
    if version < latest:
        raise StoreError(
            f"the tracker database is read-only and has schema version {version}, older than "
            f"this course's {latest}",
            str(path),
            "Copy it to a writable folder and set COURSE_DB to the copy: it is upgraded there",
        )
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except sqlite3.Error as exc:
        raise StoreError("cannot open the tracker database", str(path), str(exc)) from exc
    return Database(conn, execute_plugins=False)


def file_schema_version(path: Path) -> int:
    """The schema version of the existing database file ``path``, read through the same
    read-only connection as :func:`open_db`'s checks (immutable on read-only media); nothing
    is created or changed.

    Raises:
        sqlite3.Error: SQLite cannot read the file.
    """
    with closing(sqlite3.connect(_read_only_uri(path), uri=True)) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _read_only_uri(path: Path) -> str:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    return uri if os.access(path.parent, os.W_OK) else f"{uri}&immutable=1"


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction: everything in the block is committed together or not at all.

    Nested blocks become savepoints. (With sqlite-utils 4, ``with db.conn:`` would *not*
    group several inserts: each sqlite-utils write commits on its own unless a transaction
    is already open, which this opens.)

    Raises:
        StoreError: SQLite could not write (database locked by another program past the
            busy timeout, disk full, read-only file). The transaction is rolled back.
    """
    try:
        if db.conn.in_transaction:
            with db.atomic():  # a savepoint inside the open transaction
                yield db
        else:
            # IMMEDIATE takes the write lock before the first read, so a read-then-write (the
            # day's total, then the insert) waits out another writer for the busy timeout
            # instead of failing at once with "database is locked" (a deferred BEGIN cannot
            # upgrade its read lock after another process has committed).
            db.execute("BEGIN IMMEDIATE")
            try:
                undo.begin_group(db)
                yield db
            except BaseException:
                if db.conn.in_transaction:
                    db.execute("ROLLBACK")
                raise
            try:
                db.execute("COMMIT")
            except BaseException:
                if db.conn.in_transaction:
                    db.execute("ROLLBACK")
                raise
    except sqlite3.OperationalError as exc:
        raise StoreError(
            "the tracker database could not be written",
            str(exc),
            write_fix(exc, "Close other programs using it and check disk space and permissions"),
        ) from exc


def insert(db: Database, table: str, record: dict[str, Any]) -> int:
    """Insert ``record`` into ``table`` (whose primary key is ``id``) and return its ``id``.

    Call it inside :func:`transaction` when it is one of several writes that belong together.
    """
    inserted = db.table(table).insert(record)
    if inserted.last_pk is None:  # pragma: no cover - SQLite always gives a rowid table an id
        raise StoreError(f"SQLite gave no id to the new {table} row", record)
    return int(inserted.last_pk)


def database_files(path: Path) -> list[Path]:
    """``path`` and the files beside it that start with its name (``-wal``, ``-shm``,
    ``-journal``, ``.bak-v*`` backups): what a child running student code must not see."""
    siblings = (
        sorted(path.parent.glob(glob.escape(path.name) + "*")) if path.parent.is_dir() else []
    )
    return [path, *[p for p in siblings if p != path]]


def schema_version(db: Database) -> int:
    """The database's schema version (``PRAGMA user_version``)."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def database_file(db: Database) -> Path:
    """The file of an open database (``PRAGMA database_list``).

    Returns:
        The path SQLite opened; an empty path (``Path("")``, whose ``name`` is ``""``) for
        an in-memory or temporary database.
    """
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file)
    raise EnvironmentProblem("SQLite did not name the database's file")  # pragma: no cover


def shell_word(db: Database) -> str:
    """The database's file as one shell word, for commands shown in messages.

    Returns:
        The path, quoted when it holds spaces or other special characters
        (:func:`shlex.quote`); ``course.db`` for an in-memory database.
    """
    path = database_file(db)
    return shlex.quote(str(path)) if path.name else "course.db"


def read_timestamp(text: object) -> datetime:
    """A timestamp read from a row, as an aware UTC datetime.

    The parsing is :func:`core.clock.parse_utc_timestamp`'s; this only turns a value it
    cannot read into the error for a damaged row.

    Args:
        text: The stored value, e.g. ``"2026-11-21T04:49:00Z"``.

    Raises:
        StoreError: ``text`` is not a stored timestamp (the file was edited by another
            program).
    """
    moment = parse_utc_timestamp(text)
    if moment is None:
        raise StoreError(
            "the tracker database holds a time it cannot read",
            repr(text),
            "Times are stored as YYYY-MM-DDTHH:MM:SSZ (UTC); fix that row with sqlite-utils",
        )
    return moment


@dataclass(frozen=True)
class Trigger:
    """A trigger found in the database (``sqlite_master`` or ``sqlite_temp_master``).

    Attributes:
        name: The trigger's name.
        table: The table (or view) it is on.
        sql: Its ``CREATE TRIGGER`` statement.
        temporary: Whether it is a ``TEMP`` trigger: it lives only in the connection that made
            it, so only code in this process can have made it, and it ends with the process.
    """

    name: str
    table: str
    sql: str
    temporary: bool = False


def foreign_triggers(db: Database) -> list[Trigger]:
    """The triggers in the database that the schema did not make (not in :data:`OUR_TRIGGERS`).

    Looks at the file's triggers and at the connection's temporary ones; one query, cheap
    enough to run before every write that must not be tampered with.

    Args:
        db: The tracker database.

    Returns:
        The foreign triggers, the file's first, each group by name; empty when there are none.
    """
    rows = db.execute(
        "SELECT name, tbl_name, sql, 0 FROM sqlite_master WHERE type = 'trigger' "
        "UNION ALL "
        "SELECT name, tbl_name, sql, 1 FROM sqlite_temp_master WHERE type = 'trigger' "
        "ORDER BY 4, 1"
    ).fetchall()
    return [
        Trigger(name, table, sql or "", bool(temporary))
        for name, table, sql, temporary in rows
        if temporary or OUR_TRIGGERS.get(name) != sql
    ]


def foreign_triggers_error(db: Database, triggers: Sequence[Trigger]) -> StoreError:
    """The error for a database holding triggers `course` did not make.

    Args:
        db: The tracker database.
        triggers: What :func:`foreign_triggers` found (at least one).

    Returns:
        A :class:`StoreError` (exit 3) naming each trigger and its table, and saying how to
        list and drop them: ``sqlite-utils triggers FILE`` and ``sqlite3 FILE 'DROP TRIGGER
        NAME'``.
    """
    one = len(triggers) == 1
    what = (
        f"the tracker database has {'a trigger' if one else f'{len(triggers)} triggers'} "
        "course did not make, which could rewrite stored grades"
    )
    names = ", ".join(
        f"{trigger.name} on {trigger.table}" + (" (temporary)" if trigger.temporary else "")
        for trigger in triggers
    )
    fix = ["Nothing was stored"]
    stored = [trigger for trigger in triggers if not trigger.temporary]
    if stored:
        file = shell_word(db)
        drop = "; ".join(f"DROP TRIGGER {_identifier(trigger.name)}" for trigger in stored)
        it = "it" if len(stored) == 1 else "them"
        was = "it was" if len(stored) == 1 else "they were"
        fix.append(
            f"List the triggers with: sqlite-utils triggers {file}; drop {it} with: "
            f"sqlite3 {file} {shlex.quote(drop)}, then grade again (attempts stored while "
            f"{was} there may be wrong)"
        )
    if len(stored) < len(triggers):
        fix.append("A temporary trigger lives only in this process: run the command again")
    return StoreError(what, names, ". ".join(fix))


def _identifier(name: str) -> str:
    """``name`` as a SQL identifier: as it is when plain, else in double quotes."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return name
    return '"' + name.replace('"', '""') + '"'


# --- opening --------------------------------------------------------------------------------

Kind = Literal["new", "course", "foreign"]


def _check_existing(path: Path, *, latest: int) -> int:
    """The schema version of the file at ``path`` (0 when new), refusing what is not ours.

    Reads only, through a read-only connection, so a refused file is never modified. The
    ``-wal`` and ``-shm`` files SQLite makes for that connection on a WAL-mode file are
    removed again when the file is refused and they were not there before: the WAL only
    while it is empty (so no other process's writes can be lost), the index only once no
    WAL is left, since an index without a WAL holds nothing.
    """
    wal, shm = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
    had_wal, had_shm = wal.exists(), shm.exists()
    try:
        return _classify_file(path, latest=latest)
    except StoreError:
        try:
            if not had_wal and wal.exists() and wal.stat().st_size == 0:
                wal.unlink()
            if not had_shm and not wal.exists():
                shm.unlink(missing_ok=True)
        except OSError:
            pass
        raise


def _classify_file(path: Path, *, latest: int) -> int:
    if path.is_dir():
        raise StoreError("the tracker database path is a folder", str(path), _MOVE_IT)
    try:
        if not path.exists() or path.stat().st_size == 0:
            return 0
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(
            "cannot read the tracker database", str(path), exc.strerror or str(exc)
        ) from exc
    if header != SQLITE_HEADER:
        raise StoreError("not a SQLite database", str(path), _MOVE_IT)
    try:
        with closing(sqlite3.connect(_read_only_uri(path), uri=True)) as conn:
            kind, version = _classify(conn)
            damage = _quick_check(conn) if kind == "course" else None
    except sqlite3.OperationalError as exc:
        raise StoreError(
            "cannot read the tracker database", str(path), f"{exc}; {write_fix(exc, _MOVE_IT)}"
        ) from exc
    except sqlite3.DatabaseError as exc:  # SQLITE_CORRUPT, SQLITE_NOTADB
        raise damaged_database(path, str(exc)) from exc
    if damage is not None:
        raise damaged_database(path, damage)
    if kind == "foreign":
        raise StoreError(
            "not a course database (it belongs to another program)", str(path), _MOVE_IT
        )
    if version > latest:
        raise StoreError(
            f"the tracker database has schema version {version}, made by a newer course "
            f"(this one knows up to {latest})",
            str(path),
            "Upgrade course (pip install -U course-toolkit), or set COURSE_DB to another file",
        )
    return version


def damaged_database(path: Path, detail: str) -> StoreError:
    """The error for a tracker database SQLite finds damaged (corrupt pages, cut short).

    Args:
        path: The database file.
        detail: What SQLite said, e.g. ``"database disk image is malformed"``.

    Returns:
        A :class:`StoreError` (exit 3) naming the file and how to get the data back.
    """
    return StoreError(
        f"the tracker database is damaged ({detail})",
        str(path),
        "It was left as it was. Move it away, then restore a backup: course import FILE, "
        "or copy back one of the .bak-* files beside it",
    )


def _quick_check(conn: sqlite3.Connection) -> str | None:
    """The first problem ``PRAGMA quick_check`` finds, or ``None`` when the file is sound.

    It reads every page once (about 1 ms for a 4000-row, 600 kB database) and checks the
    b-tree structure, but not that indexes match their tables (``integrity_check`` does).
    """
    rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check(1)").fetchall()]
    if rows == ["ok"]:
        return None
    lines = [line for row in rows for line in row.splitlines() if not line.startswith("***")]
    return lines[0] if lines else "quick_check failed"


def _classify(conn: sqlite3.Connection) -> tuple[Kind, int]:
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view', 'index', 'trigger')"
    ).fetchone()[0]
    if application_id == APPLICATION_ID:
        return "course", version
    if application_id == 0 and version == 0 and tables == 0:
        return "new", 0
    return "foreign", version


# --- migrations -----------------------------------------------------------------------------


def _enable_wal(db: Database) -> None:
    """Switch ``db`` to write-ahead logging, waiting up to :data:`BUSY_TIMEOUT_MS` for the
    other processes that have the file open.

    The switch needs the only lock on the file, and SQLite answers "database is locked" at
    once, without its busy timeout, when another connection holds a lock it would have to
    wait for (several processes creating the database together): so it is tried again.

    Raises:
        sqlite3.OperationalError: Still locked after :data:`BUSY_TIMEOUT_MS`, or another
            failure.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "database is locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(0.01)


def _migrate(db: Database, path: Path, steps: Sequence[Migration], current: int) -> None:
    if current >= len(steps):
        return
    backup = _backup(db, path, current) if current > 0 else None
    for version in range(current + 1, len(steps) + 1):
        try:
            with transaction(db):
                if schema_version(db) >= version:  # another process upgraded it meanwhile
                    continue
                steps[version - 1](db)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {version}")
        except (sqlite3.Error, StoreError) as exc:
            kept = f"; the copy made before upgrading is {backup}" if backup else ""
            raise StoreError(
                f"cannot upgrade the tracker database to schema version {version}",
                str(path),
                f"{exc}{kept}",
            ) from exc


def _backup(db: Database, path: Path, version: int) -> Path:
    """Copy the database to ``<name>.bak-v<version>`` (never over an existing file)."""
    return backup_db(db, path, f"bak-v{version}")


def backup_db(db: Database, path: Path, suffix: str, *, before: str = "upgrading it") -> Path:
    """Copy the open database ``db`` to ``<name>.<suffix>`` beside its file ``path``.

    Uses SQLite's backup API, so the copy is consistent even while other processes write,
    and includes what is still in the write-ahead log. Never overwrites a file: when
    ``<name>.<suffix>`` exists, ``-2``, ``-3``, ... is appended.

    Args:
        db: The open database.
        path: Its file.
        suffix: What follows the file name, e.g. ``"bak-v1"`` or
            ``"bak-import-20261121T044900Z"``.
        before: What the copy is made before, for the error message.

    Returns:
        The copy's path.

    Raises:
        StoreError: The copy could not be written (disk full, folder not writable).
    """
    target = path.with_name(f"{path.name}.{suffix}")
    number = 2
    while target.exists():
        target = path.with_name(f"{path.name}.{suffix}-{number}")
        number += 1
    try:
        with closing(sqlite3.connect(target)) as copy:
            db.conn.backup(copy)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(
            f"cannot back up the tracker database before {before}",
            str(target),
            f"{exc}; free some disk space or check the folder's permissions",
        ) from exc
    return target


def _v1_initial(db: Database) -> None:
    """Version 1: the study log and the grade history."""
    db.table("study_log").create(
        {"id": int, "day": str, "minutes": int, "topic": str, "note": str, "created_at": str},
        pk="id",
        not_null={"day", "minutes", "topic", "created_at"},
    )
    db.table("grade_attempts").create(
        {
            "id": int,
            "assignment": str,
            "score": float,
            "max_score": float,
            "device": str,
            "profile": str,
            "duration_s": float,
            "submission": str,
            "submission_sha256": str,
            "started_at": str,
            "day": str,
            "note": str,
        },
        pk="id",
        not_null={"assignment", "score", "max_score", "started_at", "day"},
    )
    db.table("grade_checks").create(
        {
            "id": int,
            "attempt_id": int,
            "check_id": str,
            "title": str,
            "status": str,
            "points": float,
            "max_points": float,
            "visibility": str,
            "message": str,
        },
        pk="id",
        foreign_keys=[("attempt_id", "grade_attempts", "id")],
        not_null={"attempt_id", "check_id", "status", "points", "max_points"},
    )
    db.table("study_log").create_index(["day"])
    db.table("grade_attempts").create_index(["day"])
    db.table("grade_attempts").create_index(["assignment"])
    db.table("grade_checks").create_index(["attempt_id"])


_V2_TABLES = """
CREATE TABLE timer (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    topic TEXT NOT NULL,
    note TEXT,
    started_at TEXT NOT NULL
);
CREATE TABLE retro_items (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('keep', 'problem', 'try')),
    text TEXT NOT NULL,
    status TEXT CHECK (status IN ('open', 'kept', 'dropped', 'carried')),
    carried_from INTEGER REFERENCES retro_items(id) ON DELETE SET NULL,
    reviewed_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_retro_items_day ON retro_items(day);
CREATE TABLE problems (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL CHECK (site IN ('boj', 'programmers', 'leetcode', 'other')),
    number TEXT NOT NULL,
    title TEXT,
    status TEXT NOT NULL CHECK (status IN ('solved', 'attempted', 'failed')),
    minutes INTEGER,
    used_hint INTEGER NOT NULL DEFAULT 0,
    url TEXT,
    note TEXT,
    day TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_problems_day ON problems(day);
CREATE INDEX idx_problems_site_number ON problems(site, number);
CREATE TABLE problem_tags (
    problem_id INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (problem_id, tag)
);
CREATE INDEX idx_problem_tags_tag ON problem_tags(tag);
CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    week TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('hours', 'problems', 'topic_hours')),
    topic TEXT NOT NULL DEFAULT '',
    target REAL NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (week, kind, topic)
);
CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    topic TEXT,
    day TEXT NOT NULL,
    created_at TEXT NOT NULL,
    answer TEXT,
    answered_at TEXT
);
"""


def _v2_study_tracker(db: Database) -> None:
    """Version 2: timer entries, KPT retrospectives, coding-test problems, goals, questions.

    ``study_log`` gains ``started_at`` / ``ended_at`` (UTC, set for entries made by
    ``course start``/``stop``, used to warn about overlaps) and ``updated_at``. The running
    timer is the one row a ``CHECK (id = 1)`` allows in ``timer``.
    """
    table = db.table("study_log")
    for column in ("started_at", "ended_at", "updated_at"):
        table.add_column(column, str)
    for statement in _V2_TABLES.split(";"):
        if statement.strip():
            db.execute(statement)


def _v3_grade_sandbox(db: Database) -> None:
    """Version 3: ``grade_attempts`` records how the graded code was confined.

    ``sandbox`` is the sandbox the grader ran the student's code in (``"bwrap"`` or
    ``"none"``; ``NULL`` for attempts stored before version 3). ``tampered`` is 1 when the
    grader found that code tampering with grading, else 0 (``NOT NULL DEFAULT 0``, so every
    earlier attempt reads 0).
    """
    db.execute("ALTER TABLE grade_attempts ADD COLUMN sandbox TEXT")
    db.execute(
        "ALTER TABLE grade_attempts ADD COLUMN tampered INTEGER NOT NULL DEFAULT 0 "
        "CHECK (tampered IN (0, 1))"
    )


def _v4_utc_offsets(db: Database) -> None:
    """Version 4: timed entries and the running timer keep the UTC offset of their start.

    ``study_log.utc_offset`` and ``timer.utc_offset`` are minutes east of UTC (540 in Seoul),
    so an entry's day and clock times stay those of the zone it was logged in
    (:mod:`tracker.zones`). ``NULL`` for untimed entries and for everything stored before
    version 4, which is read in the system's zone as before.
    """
    db.execute("ALTER TABLE study_log ADD COLUMN utc_offset INTEGER")
    db.execute("ALTER TABLE timer ADD COLUMN utc_offset INTEGER")


def _v5_undo(db: Database) -> None:
    """Version 5: the undo log of ``course undo`` (:mod:`tracker.undo`): ``undo_log``,
    ``undo_state`` and a trigger per table and kind of change. Later migrations that change
    the tracked tables call :func:`tracker.undo.install_triggers` again."""
    undo.create_state(db)


MIGRATIONS: tuple[Migration, ...] = (
    _v1_initial,
    _v2_study_tracker,
    _v3_grade_sandbox,
    _v4_utc_offsets,
    _v5_undo,
)
"""Forward migrations, oldest first: ``MIGRATIONS[n - 1]`` turns version ``n - 1`` into ``n``."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The schema version this code makes and understands."""
