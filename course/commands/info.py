"""`course info`: where the database, the data set and the workspace are; device and sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import click

from course.commands import context


@click.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead.")
def info_command(as_json: bool) -> None:
    """Where your database, data set and workspace are, the schema version, the device torch
    sees and the sandbox grading uses. Changes nothing."""
    from course.app.info import gather_info
    from course.render.info import info_lines

    info = gather_info(Path.cwd(), context.store_path())
    if as_json:
        click.echo(json.dumps(info.to_json(), ensure_ascii=False, indent=2))
        return
    for line in info_lines(info):
        click.echo(line)


COMMANDS: list[click.Command] = [info_command]
