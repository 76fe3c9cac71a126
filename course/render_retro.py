"""Rendering for ``course retro``: one day's KPT retro and a span's Try completion rate.

The student's texts are passed to rich as :class:`rich.text.Text`, so square brackets in an
item are shown as typed, never read as markup.
"""

from __future__ import annotations

from datetime import date

from rich.console import Console, Group, RenderableType
from rich.text import Text

from tracker.retro import KIND_NAMES, RetroDay, RetroItem, RetroSummary

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
INDENT = 2
"""Cells the items are indented by under their heading."""


def format_rate(rate: float | None) -> str:
    """A completion rate as a whole percentage: ``2 / 3`` -> ``"67%"``, ``None`` -> ``"n/a"``."""
    if rate is None:
        return "n/a"
    return f"{round(rate * 100)}%"


def saved_line(items: int, reviews: int) -> str:
    """The confirmation after writing: ``Saved 3 items and reviewed 1 Try item.``"""
    parts = []
    if items:
        parts.append(f"saved {_plural(items, 'item')}")
    if reviews:
        parts.append(f"reviewed {_plural(reviews, 'Try item')}")
    text = " and ".join(parts) or "nothing written"
    return text[0].upper() + text[1:] + "."


def retro_view(retro: RetroDay, *, today: date) -> RenderableType:
    """The retro of ``retro.day`` and, when there are any, the earlier Try items still open.

    Args:
        retro: The day (:func:`tracker.retro.retro_day`).
        today: The local date; the hint names ``--date`` when ``retro.day`` is another day.
    """
    day = retro.day
    parts: list[RenderableType] = [
        Text(f"Retro of {WEEKDAYS[day.weekday()]} {day.isoformat()}", style="bold")
    ]
    if retro.is_empty:
        parts.append(Text("Nothing written for this day yet."))
    else:
        for kind, items in (
            ("keep", retro.keeps),
            ("problem", retro.problems),
            ("try", retro.tries),
        ):
            parts.append(Text(KIND_NAMES[kind], style="bold"))
            parts.append(_items_table(items, with_status=kind == "try"))
    if retro.earlier_open:
        date_option = "" if day == today else f" --date {day.isoformat()}"
        parts += [
            Text(),
            Text("Open Try items from earlier days", style="bold"),
            _earlier_table(retro.earlier_open),
            Text(
                f"Mark each: course retro{date_option} --kept ID (it held), --dropped ID "
                "or --carried ID."
            ),
        ]
    return Group(*parts)


def print_retro(console: Console, retro: RetroDay, *, today: date) -> None:
    """Print :func:`retro_view` of ``retro`` on ``console``."""
    console.print(retro_view(retro, today=today))


def summary_view(summary: RetroSummary) -> RenderableType:
    """Counts of a span's items and how its Try items went, with the completion rate.

    Example::

        Retros 2026-11-16 to 2026-11-22: 3 Keep, 2 Problem, 4 Try
        Try items: 2 kept, 1 dropped, 0 carried, 1 open
        Completion rate: 67% (2 of 3 reviewed Try items kept)
    """
    span = f"{summary.start.isoformat()} to {summary.end.isoformat()}"
    counts = f"{len(summary.keeps)} Keep, {len(summary.problems)} Problem, {len(summary.tries)} Try"
    statuses = (
        f"Try items: {summary.kept} kept, {summary.dropped} dropped, "
        f"{summary.carried} carried, {summary.open} open"
    )
    if summary.completion_rate is None:
        rate = "Completion rate: n/a (no Try item reviewed yet)"
    else:
        rate = (
            f"Completion rate: {format_rate(summary.completion_rate)} "
            f"({summary.kept} of {_plural(summary.reviewed, 'reviewed Try item')} kept)"
        )
    return Group(Text(f"Retros {span}: {counts}", style="bold"), Text(statuses), Text(rate))


def _items_table(items: list[RetroItem], *, with_status: bool) -> RenderableType:
    if not items:
        return Text(" " * INDENT + "none", style="dim")
    id_width = max(len(f"#{item.id}") for item in items)
    status_width = max(len(item.status or "") for item in items)
    lines = []
    for item in items:
        line = Text(" " * INDENT + f"#{item.id}".ljust(id_width) + "  ")
        if with_status:
            line.append((item.status or "").ljust(status_width) + "  ")
        line.append_text(Text(item.text))
        if item.carried_from is not None:
            line.append(f"  (carried from #{item.carried_from})", style="dim")
        lines.append(line)
    return Group(*lines)


def _earlier_table(items: list[RetroItem]) -> RenderableType:
    id_width = max(len(f"#{item.id}") for item in items)
    return Group(
        *(
            Text(" " * INDENT + f"#{item.id}".ljust(id_width) + "  ")
            + Text(f"{WEEKDAYS[item.day.weekday()]} {item.day.isoformat()}  ")
            + Text(item.text)
            for item in items
        )
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
