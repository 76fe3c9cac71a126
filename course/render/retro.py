"""Rendering for ``course retro``: one day's KPT retro; a span's items and Try follow-up.

:func:`span_view` is the retrospective section of ``course report``, whose Markdown post uses
:data:`TRY_MARKS` and :func:`try_follow_up` too. The student's texts go through
:func:`course.render.format.visible` (control characters as escapes such as ``\\x1b`` and
``\\n``) and are passed to rich as :class:`rich.text.Text`, so square brackets in an item are
shown as typed, never read as markup.
"""

from __future__ import annotations

from datetime import date

from rich.console import Console, Group, RenderableType
from rich.text import Text

from course.render.format import WEEKDAYS, format_percent, plural, safe_text, visible
from tracker.retro import KIND_NAMES, RetroDay, RetroItem, RetroSummary

INDENT = 2
"""Cells the items are indented by under their heading."""

TRY_MARKS = {"open": "[ ]", "kept": "[x]", "dropped": "[-]", "carried": "[>]"}
"""How a Try item's follow-up is marked in ``course report`` (table view and Markdown)."""


def format_rate(rate: float | None) -> str:
    """A completion rate as a whole percentage: ``2 / 3`` -> ``"67%"``, ``None`` -> ``"n/a"``."""
    if rate is None:
        return "n/a"
    return format_percent(rate * 100)


def saved_line(items: int, reviews: int) -> str:
    """The confirmation after writing: ``Saved 3 items and reviewed 1 Try item.``"""
    parts = []
    if items:
        parts.append(f"saved {plural(items, 'item')}")
    if reviews:
        parts.append(f"reviewed {plural(reviews, 'Try item')}")
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


def try_follow_up(summary: RetroSummary | None) -> str:
    """How a span's Try items went, on one line.

    Example: ``Try follow-up: 2 kept, 1 dropped, 0 carried, 1 open; 67% of reviewed tries kept``
    (``Try follow-up: no Try items in this period.`` when there are none).
    """
    if summary is None or not summary.tries:
        return "Try follow-up: no Try items in this period."
    rate = summary.completion_rate
    done = "no Try reviewed yet" if rate is None else f"{format_rate(rate)} of reviewed tries kept"
    return (
        f"Try follow-up: {summary.kept} kept, {summary.dropped} dropped, "
        f"{summary.carried} carried, {summary.open} open; {done}"
    )


def span_view(summary: RetroSummary | None) -> RenderableType:
    """The KPT items written in a span, each with its day, Try items marked by their follow-up
    (:data:`TRY_MARKS`), then :func:`try_follow_up`; one line saying so when there are none.
    """
    if summary is None or not (summary.keeps or summary.problems or summary.tries):
        return Text("No retrospective in this period (course retro --keep ... --try ...).")
    lines: list[RenderableType] = [Text("Retrospective (KPT)", style="italic")]
    for title, items in (("Keep", summary.keeps), ("Problem", summary.problems)):
        lines.append(Text(f"{title}:", style="bold"))
        lines.extend(_dated_line("  - ", item) for item in items)
        if not items:
            lines.append(Text("  (none)"))
    lines.append(Text("Try:", style="bold"))
    lines.extend(
        _dated_line(f"  {TRY_MARKS.get(item.status or '', '[ ]')} ", item) for item in summary.tries
    )
    if not summary.tries:
        lines.append(Text("  (none)"))
    lines.append(Text(try_follow_up(summary)))
    return Group(*lines)


def _dated_line(prefix: str, item: RetroItem) -> Text:
    return Text(f"{prefix}{visible(item.text)} ({item.day.isoformat()})")


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
        line.append_text(safe_text(item.text))
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
            + safe_text(item.text)
            for item in items
        )
    )
