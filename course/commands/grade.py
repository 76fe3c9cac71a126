"""`course grade` and `course init`."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
