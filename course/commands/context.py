"""What every tracker command needs: the database of the current directory and the clock.

Commands call :func:`now` and :func:`today` through this module (``context.now()``), never
``datetime.now()`` or :mod:`core.clock` themselves, so that tests can fix the clock with one
monkeypatch of ``course.commands.context.now``.

:func:`open_store` is the one place a command opens the tracker database. It remembers the
file in the click context of the running command, so :func:`store_error` can name it when a
SQLite error escapes the command.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import click
from sqlite_utils import Database

from core import clock
from core.errors import CourseError, StoreError, UsageError
from grader.workspace import find_workspace
from tracker.store import (
    damaged_database,
    database_files,
    open_db,
    resolve_db_path,
    write_fix,
)

_OPENED = "course.store_path"
"""The key of :attr:`click.Context.meta` under which :func:`open_store` keeps the path."""


def store_path() -> Path:
    """The tracker database the current directory uses.

    ``$COURSE_DB``, else the database named by the workspace holding the current directory,
    else the user data directory's ``course.db``.

    Raises:
        WorkspaceError: The workspace's ``course.yaml`` is invalid.
    """
    workspace = find_workspace(Path.cwd())
    return resolve_db_path(workspace.database if workspace else None)


def private_paths() -> list[Path]:
    """What a child running student code must not see: the tracker database the current
    directory uses and the files beside it that start with its name (``-wal``, ``-shm``,
    ``-journal``, backups). Empty when the workspace's ``course.yaml`` is invalid (grading does
    not need the database to start)."""
    try:
        db = store_path()
    except CourseError:
        return []
    return database_files(db)


def open_store() -> Database:
    """Open the tracker database the current directory uses (:func:`store_path`).

    Close it when done. Inside a click command, the path is remembered for
    :func:`store_error`.

    Raises:
        StoreError: The database cannot be opened (see :func:`tracker.store.open_db`).
        WorkspaceError: The workspace's ``course.yaml`` is invalid.
    """
    path = store_path()
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[_OPENED] = path
    return open_db(path)


def store_error(error: sqlite3.DatabaseError) -> StoreError | None:
    """The error to report for a SQLite error that escaped a command, naming the database.

    Such errors are damage :func:`tracker.store.open_db` could not see (it runs ``PRAGMA
    quick_check``) or trouble outside a ``transaction`` block. The file named is the one
    :func:`open_store` opened for the running command, else the one it would open.

    Args:
        error: What SQLite raised.

    Returns:
        For a plain :class:`sqlite3.DatabaseError` (``SQLITE_CORRUPT``, ``SQLITE_NOTADB``),
        :func:`tracker.store.damaged_database`'s error; for an
        :class:`sqlite3.OperationalError` (disk I/O, locked, full), a :class:`StoreError`
        saying the database could not be used; ``None`` for the other subclasses
        (``IntegrityError``, ``ProgrammingError``, ...), which are bugs in `course` and should
        keep their traceback.
    """
    damaged = type(error) is sqlite3.DatabaseError
    if not damaged and not isinstance(error, sqlite3.OperationalError):
        return None
    path = _opened_path()
    if damaged:
        return damaged_database(path, str(error))
    return StoreError(
        f"the tracker database could not be used ({error})",
        str(path),
        write_fix(error, "Close other programs using it and check disk space and file permissions"),
    )


def confirm(prompt: str, *, done: str = "nothing was deleted") -> None:
    """Ask ``prompt`` (y/N) before a command destroys something.

    "n" (or Enter) aborts as click does: ``Aborted!``, exit 1. No answer at all (no terminal,
    input that ends, Ctrl-C) is a :class:`UsageError` (exit 2) that says to pass ``--yes``.

    Raises:
        click.Abort: the answer was no.
        UsageError: there was no answer.
    """
    try:
        agreed = click.confirm(prompt)
    except click.Abort:
        raise UsageError(
            f"{done}: the question got no answer",
            repr(prompt),
            "Answer y at a terminal, or pass --yes to skip the question",
        ) from None
    if not agreed:
        raise click.Abort()


def now() -> datetime:
    """The current moment as an aware datetime in the local time zone (:func:`core.clock.now`)."""
    return clock.now()


def today() -> date:
    """The local date of :func:`now`."""
    return now().date()


def _opened_path() -> Path:
    ctx = click.get_current_context(silent=True)
    opened = ctx.meta.get(_OPENED) if ctx is not None else None
    if isinstance(opened, Path):
        return opened
    try:
        return store_path()
    except (CourseError, OSError):  # an unreadable course.yaml: the default database
        return resolve_db_path(None)
