"""`course export` and `course import`: the whole tracker database as one JSON file."""

from __future__ import annotations

from contextlib import closing
from datetime import timezone
from pathlib import Path

import click

from core.errors import UsageError
from course.commands import context
from tracker.store import SCHEMA_VERSION, backup_db
from tracker.transfer import (
    check_export,
    count_rows,
    database_file,
    export_data,
    export_json,
    load_export,
    read_export,
    total_rows,
    write_export,
)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@click.command("export")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json"]),
    default="json",
    show_default=True,
    help="The file format.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Write to FILE (atomically) instead of standard output.",
)
@click.option("--force", is_flag=True, help="Replace FILE when it exists.")
def export_command(output_format: str, out: Path | None, force: bool) -> None:
    """Write everything in the tracker database as JSON: course export --out backup.json."""
    if force and out is None:
        raise UsageError("--force only applies to --out FILE", fix="Pass --out backup.json")
    with closing(context.open_store()) as db:
        if out is not None and out.resolve() == database_file(db).resolve():
            raise UsageError(
                "--out names the tracker database itself", str(out), "Name another file"
            )
        data = export_data(db, now=context.now())
    text = export_json(data)
    if out is None:
        click.echo(text.encode("utf-8"), nl=False)  # bytes: UTF-8 whatever the locale
        return
    write_export(out, text, force=force)
    tables = data["tables"]
    click.echo(
        f"Exported {_plural(count_rows(tables), 'row')} from {_plural(len(tables), 'table')} "
        f"to {out}.",
        err=True,
    )


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--replace",
    is_flag=True,
    help="Replace everything in the tracker database (it is backed up first).",
)
def import_command(file: Path, replace: bool) -> None:
    """Restore a file written by course export: course import backup.json."""
    export = check_export(read_export(file), source=str(file))
    with closing(context.open_store()) as db:
        path = database_file(db)
        if replace and total_rows(db):
            stamp = context.now().astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            backup = backup_db(db, path, f"bak-import-{stamp}", before="replacing its contents")
            click.echo(f"Backed up the database to {backup}.")
        counts = load_export(db, export, replace=replace)
    if export.schema_version < SCHEMA_VERSION:
        click.echo(
            f"The file has schema version {export.schema_version}; "
            f"its rows were upgraded to version {SCHEMA_VERSION}."
        )
    click.echo(f"Imported {_plural(sum(counts.values()), 'row')} from {file} into {path}:")
    name_width = max(len(name) for name in counts)
    count_width = max(len(str(count)) for count in counts.values())
    for name, count in counts.items():
        click.echo(f"  {name:<{name_width}}  {count:>{count_width}}")


COMMANDS: list[click.Command] = [export_command, import_command]
