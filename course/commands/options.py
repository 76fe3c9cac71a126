"""Click options that several commands share, so their choices cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

DEVICES = ("auto", "cpu", "cuda")
PROFILES = ("quick", "full")


def device_option(help: str) -> Callable[[Any], Any]:
    """``--device auto|cpu|cuda`` (default ``auto``), with a help text about what runs there."""
    return click.option(
        "--device", type=click.Choice(DEVICES), default="auto", show_default=True, help=help
    )


def profile_option(help: str) -> Callable[[Any], Any]:
    """``--profile quick|full`` (default: quick on CPU, full on CUDA; resolved by the caller)."""
    return click.option(
        "--profile",
        type=click.Choice(PROFILES),
        help=f"{help}  [default: quick on CPU, full on CUDA]",
    )
