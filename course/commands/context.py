"""What every tracker command needs: the database of the current directory and the clock.

Commands call :func:`now` and :func:`today` through this module (``context.now()``), never
``datetime.now()`` themselves, so that tests can fix the clock with one monkeypatch of
``course.commands.context.now``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlite_utils import Database

from grader.workspace import find_workspace
from tracker.store import open_db, resolve_db_path


def open_store() -> Database:
    """Open the tracker database the current directory uses.

    ``$COURSE_DB``, else the database named by the workspace holding the current directory,
    else the user data directory's ``course.db``. Close it when done.

    Raises:
        StoreError: The database cannot be opened (see :func:`tracker.store.open_db`).
        WorkspaceError: The workspace's ``course.yaml`` is invalid.
    """
    workspace = find_workspace(Path.cwd())
    return open_db(resolve_db_path(workspace.database if workspace else None))


def now() -> datetime:
    """The current moment as an aware datetime in the local time zone."""
    return datetime.now().astimezone()


def today() -> date:
    """The local date of :func:`now`."""
    return now().date()
