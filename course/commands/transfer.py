"""`course export` and `course import`: the whole tracker database as one JSON file."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import click

from core.errors import UsageError
from course.commands import context
from course.render.format import plural
from tracker.store import SCHEMA_VERSION
from tracker.transfer import export_database, import_file


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
        exported = export_database(db, now=context.now(), out=out, force=force)
    if out is None:
        click.echo(exported.text.encode("utf-8"), nl=False)  # bytes: UTF-8 whatever the locale
        return
    click.echo(
        f"Exported {plural(exported.rows, 'row')} from {plural(exported.tables, 'table')} "
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
    with closing(context.open_store()) as db:
        imported = import_file(db, file, now=context.now(), replace=replace)
    if imported.backup is not None:
        click.echo(f"Backed up the database to {imported.backup}.")
    if imported.upgraded:
        click.echo(
            f"The file has schema version {imported.schema_version}; "
            f"its rows were upgraded to version {SCHEMA_VERSION}."
        )
    click.echo(f"Imported {plural(imported.rows, 'row')} from {file} into {imported.database}:")
    name_width = max(len(name) for name in imported.counts)
    count_width = max(len(str(count)) for count in imported.counts.values())
    for name, count in imported.counts.items():
        click.echo(f"  {name:<{name_width}}  {count:>{count_width}}")


COMMANDS: list[click.Command] = [export_command, import_command]
