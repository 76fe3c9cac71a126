"""``course undo``: take back the last change a tracker command made (one level).

The technique is SQLite's own ("Automatic Undo/Redo Using SQLite", sqlite.org): triggers on
every table a tracker command writes record, for each row inserted, updated or deleted, the
SQL statement that reverses it, in ``undo_log``. Each write transaction
(:func:`tracker.store.transaction`) starts a new group (``undo_state.grp``); the first row it
changes drops the groups before it, so the log always holds exactly the last change that
wrote something, and survives across processes because it is in the database. Undoing runs
the group's statements newest first, with the triggers switched off (``undo_state.active``),
and then empties the log: there is nothing to redo, and a second ``undo`` says so.

Grade attempts are not undone: the grader writes them, not a tracker command, so they are
neither recorded nor do they end the group a tracker command made.

The triggers' SQL is generated here from :data:`UNDO_COLUMNS`, the columns of schema version
5, and listed in :data:`tracker.store.OUR_TRIGGERS` so the foreign-trigger check knows them.
A later migration that changes these tables must call :func:`install_triggers` again.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from sqlite_utils import Database

from core.errors import UsageError

UNDO_COLUMNS: dict[str, tuple[str, ...]] = {
    "study_log": (
        "id", "day", "minutes", "topic", "note", "created_at", "started_at", "ended_at",
        "updated_at", "utc_offset",
    ),
    "timer": ("id", "topic", "note", "started_at", "utc_offset"),
    "retro_items": (
        "id", "day", "kind", "text", "status", "carried_from", "reviewed_on", "created_at",
    ),
    "problems": (
        "id", "site", "number", "title", "status", "minutes", "used_hint", "url", "note", "day",
        "created_at",
    ),
    "problem_tags": ("problem_id", "tag"),
    "goals": ("id", "week", "kind", "topic", "target", "created_at", "updated_at"),
    "questions": ("id", "text", "topic", "day", "created_at", "answer", "answered_at"),
}  # fmt: skip
"""The tables whose changes can be undone, with their columns at schema version 5."""

NOUNS = {
    "study_log": ("study entry", "study entries"),
    "timer": ("timer", "timers"),
    "retro_items": ("retro item", "retro items"),
    "problems": ("coding-test attempt", "coding-test attempts"),
    "problem_tags": ("tag", "tags"),
    "goals": ("goal", "goals"),
    "questions": ("question", "questions"),
}
"""How :func:`undo_last`'s summary names each table's rows (one, many)."""

STATE_TABLES = ("undo_log", "undo_state")
"""The tables undo keeps its log in; they are not data: exports leave them out."""

_STATE_SQL = (
    "CREATE TABLE undo_log (seq INTEGER PRIMARY KEY, grp INTEGER NOT NULL, "
    "tbl TEXT NOT NULL, op TEXT NOT NULL, sql TEXT NOT NULL)",
    "CREATE INDEX idx_undo_log_grp ON undo_log(grp)",
    "CREATE TABLE undo_state (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "grp INTEGER NOT NULL, active INTEGER NOT NULL CHECK (active IN (0, 1)))",
    "INSERT INTO undo_state (id, grp, active) VALUES (1, 0, 1)",
)


def _q(name: str) -> str:
    return '"' + name + '"'


def _trigger(table: str, op: str, columns: tuple[str, ...]) -> str:
    if op == "insert":
        reverse = f"'DELETE FROM {_q(table)} WHERE rowid = ' || new.rowid"
    elif op == "update":
        sets = " || ', ' || ".join(f"'{_q(c)} = ' || quote(old.{_q(c)})" for c in columns)
        reverse = f"'UPDATE {_q(table)} SET ' || {sets} || ' WHERE rowid = ' || old.rowid"
    else:
        names = ", ".join(_q(c) for c in columns)
        values = " || ', ' || ".join(f"quote(old.{_q(c)})" for c in columns)
        reverse = (
            f"'INSERT INTO {_q(table)} (rowid, {names}) VALUES (' || old.rowid || ', ' || "
            f"{values} || ')'"
        )
    return (
        f"CREATE TRIGGER course_undo_{table}_{op} AFTER {op.upper()} ON {table} "
        "WHEN (SELECT active FROM undo_state) = 1 BEGIN "
        "DELETE FROM undo_log WHERE grp <> (SELECT grp FROM undo_state); "
        "INSERT INTO undo_log (grp, tbl, op, sql) VALUES "
        f"((SELECT grp FROM undo_state), '{table}', '{op}', {reverse}); END"
    )


TRIGGERS: dict[str, str] = {
    f"course_undo_{table}_{op}": _trigger(table, op, columns)
    for table, columns in UNDO_COLUMNS.items()
    for op in ("insert", "update", "delete")
}
"""Every undo trigger by name, with the exact SQL ``sqlite_master`` keeps for it."""


def create_state(db: Database) -> None:
    """Make ``undo_log`` and ``undo_state`` and the triggers (schema version 5)."""
    for statement in _STATE_SQL:
        db.execute(statement)
    install_triggers(db)


def install_triggers(db: Database) -> None:
    """(Re)make the undo triggers from :data:`TRIGGERS`."""
    for name, sql in TRIGGERS.items():
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
        db.execute(sql)


@dataclass(frozen=True)
class Undone:
    """What :func:`undo_last` took back.

    Attributes:
        changes: How many rows of each table were taken back, per kind of change the
            command had made (``("study_log", "insert"): 1`` = a study entry it added is
            gone again), in the order the command made them.
    """

    changes: dict[tuple[str, str], int]

    @property
    def rows(self) -> int:
        """Rows put back as they were, in all."""
        return sum(self.changes.values())


def undo_last(db: Database) -> Undone:
    """Take back the last change a tracker command made, in one transaction.

    Raises:
        UsageError: There is nothing to undo (nothing written yet, or the last change was
            already undone).
        StoreError: The database could not be written; nothing changes.
    """
    from tracker.store import transaction

    with transaction(db):
        rows = db.execute(
            "SELECT tbl, op, sql FROM undo_log WHERE grp = (SELECT max(grp) FROM undo_log) "
            "ORDER BY seq"
        ).fetchall()
        if not rows:
            raise UsageError(
                "there is nothing to undo",
                fix="Undo takes back only the last change, once; see what is stored with "
                "course report daily",
            )
        db.execute("PRAGMA defer_foreign_keys = ON")
        db.execute("UPDATE undo_state SET active = 0")
        for _, _, sql in reversed(rows):
            db.execute(sql)
        db.execute("DELETE FROM undo_log")
        db.execute("UPDATE undo_state SET active = 1")
    counts: Counter[tuple[str, str]] = Counter((table, op) for table, op, _ in rows)
    return Undone(dict(counts))


def begin_group(db: Database) -> None:
    """Start a new undo group (called by :func:`tracker.store.transaction` at ``BEGIN``);
    nothing for a database without undo (an older schema, the cohort gradebook)."""
    try:
        db.execute("UPDATE undo_state SET grp = grp + 1")
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
