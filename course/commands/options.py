"""Click options that several commands share, so their choices cannot drift apart."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, overload

import click

from core.errors import UsageError

DEVICES = ("auto", "cpu", "cuda")
PROFILES = ("quick", "full")

DAY_HELP = "today, yesterday, 3 days ago, monday, last monday or YYYY-MM-DD"
"""The forms of day every ``--date`` and ``--since`` takes (:func:`tracker.parsers.parse_day`)."""

DURATION_HELP = "1h30m, 1.5h, 90m or 45 (a bare number is minutes)"
"""The forms every ``--minutes`` and ``--duration`` takes (``tracker.parsers.parse_duration``)."""


MAX_ROW_ID = 2**63 - 1
"""The largest number SQLite gives a row (a signed 64-bit integer)."""


class RowId(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.5
    """The number of a stored row (``course delete 7``): ASCII digits, 1 to :data:`MAX_ROW_ID`.

    A larger number names no row; SQLite could not even be asked about it.
    """

    name = "ID"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            number = value
        else:
            text = str(value).strip()
            if not text.isascii() or not text.isdigit():
                self.fail(f"{value!r} is not a valid integer.", param, ctx)
            number = int(text)
        if not 1 <= number <= MAX_ROW_ID:
            self.fail(f"{value} names no row: numbers go from 1 to {MAX_ROW_ID}", param, ctx)
        return number


ROW_ID = RowId()
"""The type of every ``ID`` argument and option (entries, questions, retro items)."""


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


def day_option(what: str) -> Callable[[Any], Any]:
    """``--date DATE`` (default ``today``) into the ``day`` parameter; ``what`` starts its help
    (``The day you studied``), the day forms of :data:`DAY_HELP` end it."""
    return click.option(
        "--date",
        "day",
        metavar="DATE",
        default="today",
        show_default=True,
        help=f"{what}: {DAY_HELP}.",
    )


def submission_options(submission_help: str, solution_help: str) -> Callable[[Any], Any]:
    """``--submission PATH`` (a file) and ``--solution`` (a flag): what to run of a student's."""

    def apply(function: Any) -> Any:
        function = click.option("--solution", is_flag=True, help=solution_help)(function)
        return click.option(
            "--submission",
            type=click.Path(path_type=Path, dir_okay=False),
            help=submission_help,
        )(function)

    return apply


def sandbox_option() -> Callable[[Any], Any]:
    """``--sandbox auto|bwrap|none``: what confines the child that runs the student's code."""
    return click.option(
        "--sandbox",
        type=click.Choice(["auto", "bwrap", "none"]),
        default="auto",
        show_default=True,
        help="Run the student's code under bubblewrap (read-only files, no network, the "
        "tracker and solutions hidden); auto falls back to none, with a warning, where bwrap "
        "cannot run.",
    )


_SEED = re.compile(r"[0-9]+(,[0-9]+)*,?")
MAX_SEED = 2**31 - 1


class _SeedsOption(click.Option):
    """An option that takes one value or several: ``--seeds 0 1 2`` as well as ``--seeds 0,1,2``.

    Click gives an option a fixed number of values; this one also takes the words after its
    first value while they are seeds (digits), so the arguments after them stay arguments.
    """

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        for name in self.opts:
            option = getattr(parser, "_long_opt", {}).get(name)
            if option is None or not hasattr(option, "process"):
                continue  # another click: one value, commas still work
            original = option.process

            def process(value: Any, state: Any, original: Any = original) -> None:
                words = [str(value)]
                while state.rargs and _SEED.fullmatch(state.rargs[0]):
                    words.append(state.rargs.pop(0))
                original(",".join(words), state)

            option.process = process


def _parse_seeds(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, ...]:
    if value is None:
        return ()
    words = [w for w in value.replace(" ", ",").split(",") if w]
    if not words or not all(w.isascii() and w.isdigit() for w in words):
        raise click.BadParameter(
            f"{value!r} is not a list of seeds; give whole numbers such as 0 1 2"
        )
    seeds = tuple(dict.fromkeys(int(w) for w in words))
    if max(seeds) > MAX_SEED:
        raise click.BadParameter(f"{max(seeds)} is too large a seed; at most {MAX_SEED}")
    return seeds


def seeds_option(help: str) -> Callable[[Any], Any]:
    """``--seeds 0 1 2`` (or ``0,1,2``) into a tuple of distinct ints, empty when not given."""
    return click.option(
        "--seeds", cls=_SeedsOption, metavar="SEED...", callback=_parse_seeds, help=help
    )


def png_option(default: str) -> Callable[[Any], Any]:
    """``--out FILE`` for a tool's picture, ``default`` in the current folder."""
    return click.option(
        "--out",
        type=click.Path(path_type=Path, dir_okay=False),
        default=Path(default),
        show_default=True,
        help="The PNG to write (replaced if it exists); its folder must exist.",
    )


def study_time_options(what: str) -> Callable[[Any], Any]:
    """``--hours``, ``--minutes`` and ``--duration``: one study time, three ways to write it.

    ``--hours`` is a number of hours (``1.5``); ``--minutes`` and ``--duration`` both take a
    duration (:data:`DURATION_HELP`). :func:`study_minutes` turns what was given into minutes.

    Args:
        what: The help text's subject, e.g. ``"Study time"`` or ``"New study time"``.
    """

    def decorate(command: Any) -> Any:
        command = click.option(
            "--duration", metavar="DURATION", help=f"{what} such as {DURATION_HELP}."
        )(command)
        command = click.option(
            "--minutes",
            metavar="DURATION",
            help=f"{what} in minutes (90), or any duration (1h30m).",
        )(command)
        return click.option(
            "--hours", type=float, help=f"{what} in hours; fractions allowed (1.5)."
        )(command)

    return decorate


@overload
def study_minutes(
    hours: float | None, minutes: str | None, duration: str | None, *, required: Literal[True]
) -> int: ...


@overload
def study_minutes(
    hours: float | None, minutes: str | None, duration: str | None, *, required: bool = False
) -> int | None: ...


def study_minutes(
    hours: float | None, minutes: str | None, duration: str | None, *, required: bool = False
) -> int | None:
    """The study time of :func:`study_time_options`, in minutes.

    Args:
        hours: ``--hours``, a number of hours.
        minutes: ``--minutes`` as typed (a duration: ``90``, ``1h30m``).
        duration: ``--duration`` as typed.
        required: Whether one of them must be given (``course log``); otherwise at most one
            (``course edit``).

    Returns:
        The minutes (may be 0 or negative: the library refuses them), or ``None`` when none
        was given and none is required.

    Raises:
        UsageError: More than one was given, or none while ``required``; hours that are not
            a number; a duration that cannot be read.
    """
    from tracker.parsers import hours_to_minutes, parse_duration  # not for grade, aae, augment

    given = [
        name
        for name, value in (("--hours", hours), ("--minutes", minutes), ("--duration", duration))
        if value is not None
    ]
    if len(given) > 1 or (required and not given):
        raise UsageError(
            f"give {'exactly' if required else 'at most'} one of --hours, --minutes, --duration",
            " and ".join(given) if given else "none given",
            "Pass one, e.g. --hours 1.5 or --duration 1h30m"
            if required
            else "Pass one, e.g. --duration 1h30m",
        )
    if hours is not None:
        return hours_to_minutes(hours)
    text = minutes if minutes is not None else duration
    return None if text is None else parse_duration(text)
