"""Rendering ``course undo``: what was taken back."""

from __future__ import annotations

from tracker.undo import NOUNS, Undone

_DONE = {
    "insert": "removed {} it added",
    "update": "put back {} it changed",
    "delete": "brought back {} it deleted",
}


def undone_line(undone: Undone) -> str:
    """``Undid the last change: removed 1 study entry it added.``"""
    parts = []
    for (table, op), count in undone.changes.items():
        one, many = NOUNS.get(table, ("row", "rows"))
        parts.append(_DONE[op].format(f"{count} {one if count == 1 else many}"))
    return f"Undid the last change: {'; '.join(parts)}."
