"""Export and import: the whole tracker database as one JSON document (``course export``).

An export is a JSON object::

    {
      "format": "course-export",
      "schema_version": 3,
      "exported_at": "2026-11-21T04:49:00Z",
      "tables": {"study_log": [{"id": 1, "day": "2026-11-16", ...}, ...], ...}
    }

``tables`` holds every table of the schema (SQLite's own tables and full-text-search
tables excluded), in the order the schema made them, each a list of rows ordered by primary
key with every column, ids included, so that links between rows (``grade_checks.attempt_id``,
``problem_tags.problem_id``, ``retro_items.carried_from``) survive a round trip. Values are
JSON strings, numbers and ``null``; a BLOB (which no `course` table declares, but SQLite lets
any column hold) is ``{"base64": "..."}``.

Importing checks the whole document in a scratch database first (format, schema version,
tables, columns, types, ``NOT NULL``, ``CHECK`` and foreign keys), upgrading an export made
by an older `course` with the ordinary migrations, and then writes it in one transaction.

``course export`` calls :func:`export_database` and ``course import`` calls
:func:`import_file`; the other functions are their steps.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core.clock import utc_timestamp
from core.errors import EnvironmentProblem, UsageError
from tracker.rows import check_rows
from tracker.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    backup_db,
    database_file,
    open_db,
    schema_version,
    transaction,
)
from tracker.undo import STATE_TABLES

EXPORT_FORMAT = "course-export"
"""The ``"format"`` marker of an export."""

Row = dict[str, Any]
Tables = dict[str, list[Row]]

_FROM_EXPORT = "Pass a file written by course export"


@dataclass(frozen=True)
class CheckedExport:
    """An export that passed every check, its rows upgraded to the current schema.

    Attributes:
        schema_version: The schema version the export was made with.
        tables: Rows per table at :data:`tracker.store.SCHEMA_VERSION`, as
            :func:`export_data` would give them.
    """

    schema_version: int
    tables: Tables

    @property
    def rows(self) -> int:
        """The number of rows in all tables."""
        return sum(len(rows) for rows in self.tables.values())


@dataclass(frozen=True)
class Exported:
    """What :func:`export_database` wrote.

    Attributes:
        text: The export as JSON text (:func:`export_json`).
        rows: Rows in all tables.
        tables: How many tables the export holds.
        path: The file written, or ``None`` when the text was only returned.
    """

    text: str
    rows: int
    tables: int
    path: Path | None = None


@dataclass(frozen=True)
class Imported:
    """What :func:`import_file` did.

    Attributes:
        source: The export file read.
        database: The tracker database's file.
        schema_version: The schema version the export was made with; its rows were
            upgraded to :data:`tracker.store.SCHEMA_VERSION` when it is older.
        counts: Rows written per table, for every table (0 for empty ones), in schema order.
        backup: The copy of the database made before replacing its rows, or ``None`` when
            none was made (no ``replace``, or a database without rows).
    """

    source: Path
    database: Path
    schema_version: int
    counts: dict[str, int]
    backup: Path | None = None

    @property
    def rows(self) -> int:
        """Rows written in all tables."""
        return sum(self.counts.values())

    @property
    def upgraded(self) -> bool:
        """Whether the export was made with an older schema and its rows were upgraded."""
        return self.schema_version < SCHEMA_VERSION


def export_database(
    db: Database, *, now: datetime, out: Path | None = None, force: bool = False
) -> Exported:
    """Export every row of the database (:func:`export_data`), to a file when ``out`` is given.

    Args:
        db: The tracker database.
        now: The moment of export, stored as UTC ``exported_at``.
        out: The file to write atomically (:func:`write_export`); ``None`` only returns the
            text.
        force: Replace ``out`` when it exists.

    Returns:
        The JSON text, how many rows and tables it holds, and the file written.

    Raises:
        UsageError: ``out`` is the database's own file, exists (without ``force``), is a
            folder, or its folder does not exist.
        EnvironmentProblem: The file could not be written.
    """
    if out is not None and out.resolve() == database_file(db).resolve():
        raise UsageError("--out names the tracker database itself", str(out), "Name another file")
    data = export_data(db, now=now)
    text = export_json(data)
    if out is not None:
        write_export(out, text, force=force)
    return Exported(text, count_rows(data["tables"]), len(data["tables"]), out)


def import_file(db: Database, path: Path, *, now: datetime, replace: bool = False) -> Imported:
    """Restore an export file into the tracker database.

    Reads the file (:func:`read_export`) and checks all of it (:func:`check_export`) before
    the database is touched. With ``replace``, a database that holds rows is first copied to
    ``<name>.bak-import-<UTC time>`` beside it (:func:`tracker.store.backup_db`, never over
    an earlier copy); then the rows are written in one transaction (:func:`load_export`).

    Args:
        db: The tracker database.
        path: The export file.
        now: The moment of import, which names the backup (``bak-import-20261121T044900Z``).
        replace: Replace every row already in the database. Without it, a database that
            holds any row is refused.

    Returns:
        What was written, the file's schema version and the backup made.

    Raises:
        UsageError: See :func:`read_export`, :func:`check_export` and :func:`load_export`.
            Nothing is written.
        StoreError: The backup or the rows could not be written; no row is.
    """
    export = check_export(read_export(path), source=str(path), today=now.astimezone().date())
    database = database_file(db)
    backup = None
    if replace and total_rows(db):
        stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        backup = backup_db(db, database, f"bak-import-{stamp}", before="replacing its contents")
    counts = load_export(db, export, replace=replace)
    return Imported(path, database, export.schema_version, counts, backup)


def table_names(db: Database) -> list[str]:
    """The tables an export holds, in the order the schema made them.

    Leaves out SQLite's own tables (``sqlite_sequence``, ``sqlite_stat1``), undo's log
    (:data:`tracker.undo.STATE_TABLES`), virtual tables
    (full-text search) and their shadow tables, which SQLite fills itself.
    """
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
    ).fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return [
        name
        for name, _ in rows
        if not name.startswith("sqlite_")
        and name not in STATE_TABLES
        and name not in virtual
        and not any(name.startswith(f"{parent}_") for parent in virtual)
    ]


def export_data(db: Database, *, now: datetime) -> dict[str, Any]:
    """Every row of every table, as one JSON-ready object.

    The tables are read in one read transaction, so the export is consistent even while
    another process writes.

    Args:
        db: The tracker database.
        now: The moment of export, stored as UTC ``exported_at``.

    Returns:
        ``{"format": "course-export", "schema_version": N, "exported_at": "...",
        "tables": {table: [row, ...]}}``, rows ordered by primary key with all columns.
    """
    with db.atomic():
        tables = _read_tables(db)
        version = schema_version(db)
    return {
        "format": EXPORT_FORMAT,
        "schema_version": version,
        "exported_at": utc_timestamp(now),
        "tables": tables,
    }


def export_json(data: Mapping[str, Any]) -> str:
    """An export as JSON text: UTF-8 characters kept as they are, indented by 2, keys in the
    order :func:`export_data` gives them (the same for the same database), ending in a
    newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def count_rows(tables: Mapping[str, list[Row]]) -> int:
    """The number of rows in ``tables`` (an export's ``"tables"``)."""
    return sum(len(rows) for rows in tables.values())


def write_export(path: Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically: a temporary file beside it, then a rename.

    A failure leaves any earlier file at ``path`` as it was.

    Args:
        path: The file to write.
        text: The export (:func:`export_json`).
        force: Replace ``path`` when it exists.

    Raises:
        UsageError: ``path`` exists (without ``force``), is a folder, or its folder does not
            exist.
        EnvironmentProblem: The file could not be written (disk full, no permission).
    """
    if path.is_dir():
        raise UsageError("the output path is a folder", str(path), "Name a file, e.g. backup.json")
    if path.exists() and not force:
        raise UsageError(
            "the output file already exists",
            str(path),
            "Pass --force to replace it, or name another file",
        )
    folder = path.parent
    if not folder.is_dir():
        raise UsageError("the output file's folder does not exist", str(folder), "Create it first")
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as file:
            file.write(text.encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as exc:
        raise EnvironmentProblem(
            "cannot write the export", str(path), exc.strerror or str(exc)
        ) from exc
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def read_export(path: Path) -> dict[str, Any]:
    """Read an export file: UTF-8 JSON holding one object.

    Args:
        path: The file.

    Returns:
        The parsed JSON object (not yet checked: see :func:`check_export`).

    Raises:
        UsageError: The file cannot be read, is not UTF-8, is not JSON (the message gives
            the line and column), or does not hold a JSON object.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(
            "cannot read the export file",
            str(path),
            f"{exc.strerror or exc}; pass the path of a file written by course export",
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            "the export file is not UTF-8 text",
            f"{path} (byte {exc.start + 1})",
            _FROM_EXPORT,
        ) from exc
    try:
        data = json.loads(text)
    except RecursionError:
        raise UsageError(
            "the export file nests its JSON too deeply", str(path), _FROM_EXPORT
        ) from None
    except json.JSONDecodeError as exc:
        raise UsageError(
            "the export file is not valid JSON",
            f"{path} (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            _FROM_EXPORT,
        ) from exc
    if not isinstance(data, dict):
        raise UsageError(
            f"not a course export (the file holds a JSON {_json_type(data)}, not an object)",
            str(path),
            _FROM_EXPORT,
        )
    return data


def check_export(
    data: Mapping[str, Any], *, source: str = "the export", today: date | None = None
) -> CheckedExport:
    """Check an export completely, without touching the tracker database.

    The rows are loaded into a scratch database with the export's own schema version
    (``open_db(scratch, migrations=MIGRATIONS[:version])``), so SQLite checks every
    ``NOT NULL``, ``CHECK``, ``UNIQUE`` and foreign key; an export from an older `course`
    is then upgraded by the ordinary migrations and read back. Last, every row must hold
    what a command could have written (:func:`tracker.rows.check_rows`: real days in range,
    whole minutes from 1 to 1440, text that is not blank, finite numbers, ...).

    Args:
        data: The parsed export (:func:`export_data`, :func:`read_export`).
        source: What to call it in messages, e.g. the file's path.
        today: The local date, to refuse days in the future (default: the system's).

    Returns:
        The rows at the current schema version.

    Raises:
        UsageError: The format marker is missing or wrong; the schema version is not a whole
            number, or is newer than this `course` knows; a table or column is unknown; a
            value is not text, a number, ``null`` or ``{"base64": ...}``; or the rows break
            a rule of the schema or of the commands (the message names the table, row and
            column).
        StoreError: The scratch database could not be made.
    """
    if not isinstance(data, Mapping):
        raise UsageError(
            f"not a course export (it is a JSON {_json_type(data)}, not an object)",
            source,
            _FROM_EXPORT,
        )
    found = data.get("format")
    if found != EXPORT_FORMAT:
        what = '"format" is missing' if found is None else f'"format" is {found!r}'
        raise UsageError(
            f"not a course export ({what}, not {EXPORT_FORMAT!r})", source, _FROM_EXPORT
        )
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise UsageError(
            f"the export's schema_version must be a whole number from 1 to {SCHEMA_VERSION}",
            f"{version!r} in {source}",
            _FROM_EXPORT,
        )
    if version > SCHEMA_VERSION:
        raise UsageError(
            f"the export has schema version {version}, made by a newer course "
            f"(this one knows up to {SCHEMA_VERSION})",
            source,
            "Upgrade course (pip install -U course-toolkit) and import it again",
        )
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise UsageError(
            'the export\'s "tables" must be an object of table names and rows',
            f"{_json_type(tables)} in {source}",
            _FROM_EXPORT,
        )
    with _scratch_database() as path:
        with closing(open_db(path, migrations=MIGRATIONS[:version])) as scratch:
            _check_shape(scratch, tables, source)
            _load(scratch, tables, source)
        if version < SCHEMA_VERSION:
            open_db(path).close()  # the ordinary migrations upgrade the rows
        with closing(open_db(path)) as scratch, scratch.atomic():
            upgraded = _read_tables(scratch)
    check_rows(upgraded, today=today or date.today(), source=source)
    return CheckedExport(version, upgraded)


def load_export(db: Database, export: CheckedExport, *, replace: bool = False) -> dict[str, int]:
    """Write a checked export into the tracker database, in one transaction.

    Args:
        db: The tracker database.
        export: From :func:`check_export`.
        replace: Delete every row already in the database first. Without it, a database
            that holds any row is refused.

    Returns:
        Rows written per table, for every table (0 for empty ones), in schema order.

    Raises:
        UsageError: The database already holds rows and ``replace`` is false, or the rows
            break one of its rules. Nothing is written.
        StoreError: The database could not be written; nothing is.
    """
    names = table_names(db)
    unknown = [name for name in export.tables if name not in names]
    if unknown:
        raise UsageError(
            "the tracker database has no table for these rows",
            ", ".join(unknown),
            "Upgrade course, or set COURSE_DB to a new file and import there",
        )
    with transaction(db):
        held = {name: _count(db, name) for name in names}
        if any(held.values()) and not replace:
            total = sum(held.values())
            raise UsageError(
                "the tracker database already holds data",
                f"{total} {_plural(total, 'row')} in "
                f"{', '.join(name for name in names if held[name])}",
                "Pass --replace to replace all of it (a backup is made first), "
                "or set COURSE_DB to a new file and import there",
            )
        db.execute("PRAGMA defer_foreign_keys = ON")
        if replace:
            for name in reversed(names):
                db.execute(f"DELETE FROM {_quote(name)}")
        _load(db, export.tables, "the export")
    return {name: len(export.tables.get(name, [])) for name in names}


def total_rows(db: Database) -> int:
    """The number of rows in all the tables an export holds."""
    return sum(_count(db, name) for name in table_names(db))


# --- helpers --------------------------------------------------------------------------------


@contextmanager
def _scratch_database() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="course-import-") as folder:
        yield Path(folder) / "import.db"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count(db: Database, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0])


def _order(db: Database, table: str) -> str:
    pks = db.table(table).pks
    return ", ".join("rowid" if pk == "rowid" else _quote(pk) for pk in pks)


def _read_tables(db: Database) -> Tables:
    tables: Tables = {}
    for name in table_names(db):
        cursor = db.execute(f"SELECT * FROM {_quote(name)} ORDER BY {_order(db, name)}")
        columns = [column[0] for column in cursor.description]
        tables[name] = [
            {column: _to_json(value) for column, value in zip(columns, row, strict=True)}
            for row in cursor.fetchall()
        ]
    return tables


def _to_json(value: object) -> object:
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    return value


def _columns(db: Database, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info({_quote(table)})").fetchall()]


def _check_shape(db: Database, tables: Mapping[str, Any], source: str) -> None:
    names = table_names(db)
    for name, rows in tables.items():
        if name not in names:
            raise UsageError(
                "the export has a table this course does not know",
                f"{name!r} in {source}",
                f"The tables are: {', '.join(names)}; remove it, or import with the course "
                "that wrote the file",
            )
        if not isinstance(rows, list):
            raise UsageError(
                f"the export's table {name} must be a list of rows",
                f"{_json_type(rows)} in {source}",
                _FROM_EXPORT,
            )
        columns = _columns(db, name)
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                raise UsageError(
                    f"row {number} of {name} must be an object of columns and values",
                    f"{_json_type(row)} in {source}",
                    _FROM_EXPORT,
                )
            for column, value in row.items():
                if column not in columns:
                    raise UsageError(
                        "the export has a column this course does not know",
                        f"{name}.{column} (row {number}) in {source}",
                        f"The columns of {name} are: {', '.join(columns)}",
                    )
                _from_json(value, f"{name} row {number}, column {column}", source)


def _from_json(value: object, where: str, source: str) -> object:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(
                "the export holds text that is not valid Unicode (a lone surrogate)",
                f"{where}: {ascii(value)[:60]} in {source}",
                "Fix that row, or export again from the database it came from",
            ) from None
        return value
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None  # SQLite stores NaN as NULL
        return value
    if isinstance(value, dict) and list(value) == ["base64"] and isinstance(value["base64"], str):
        try:
            return base64.b64decode(value["base64"], validate=True)
        except binascii.Error as exc:
            raise UsageError(
                "the export holds a BLOB that is not valid base64", f"{where} in {source}"
            ) from exc
    raise UsageError(
        "the export holds a value SQLite cannot store",
        f"{where}: {json.dumps(value, ensure_ascii=False)[:60]} in {source}",
        'Values must be text, numbers, null or {"base64": "..."}',
    )


def _load(db: Database, tables: Mapping[str, list[Row]], source: str) -> None:
    """Insert the rows in one transaction; foreign keys are checked once all are in."""
    with transaction(db):
        db.execute("PRAGMA defer_foreign_keys = ON")
        for name in table_names(db):
            for number, row in enumerate(tables.get(name, []), start=1):
                columns = list(row)
                values = [_from_json(row[column], "", source) for column in columns]
                sql = (
                    f"INSERT INTO {_quote(name)} ({', '.join(map(_quote, columns))}) "
                    f"VALUES ({', '.join('?' * len(columns))})"
                    if columns
                    else f"INSERT INTO {_quote(name)} DEFAULT VALUES"
                )
                try:
                    db.execute(sql, values)
                except (sqlite3.IntegrityError, OverflowError) as exc:
                    raise UsageError(
                        f"the export breaks a rule of the database ({exc})",
                        f"{name} row {number} in {source}",
                        "Fix that row, or export again from the database it came from",
                    ) from exc
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            table, rowid, parent, _ = broken[0]
            raise UsageError(
                f"the export breaks a rule of the database (a {table} row refers to a "
                f"{parent} row that is not there)",
                f"{table} row with rowid {rowid} in {source}",
                "Fix that row, or export again from the database it came from",
            )


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"
