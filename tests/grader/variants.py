"""Submissions made by editing a reference solution: the wrong (and the alternative) versions
every hidden suite is tested against.

A variant is a list of ``(old, new)`` text replacements applied to ``solutions/<module>``.
Keeping them as edits (not copies) means a change to the solution carries into every variant,
and an edit whose ``old`` text no longer appears exactly once fails loudly instead of testing
something else.
"""

from __future__ import annotations

from pathlib import Path

from grader.spec import SOLUTIONS

Edits = list[tuple[str, str]]


def wrong_header(assignment: str, text: str) -> tuple[str, str]:
    """The edit that replaces a solution's first docstring line with a WRONG-ON-PURPOSE note.

    Args:
        assignment: As the solution's first line names it, e.g. ``"LSTM"``.
        text: What is wrong, starting ``WRONG ON PURPOSE (grader test fixture): ...``.
    """
    first = f'"""Reference solution of the {assignment} assignment.\n'
    return (
        first,
        f'"""{text}\n\nOtherwise a copy of the reference solution of the {assignment} '
        "assignment.\n",
    )


def edited_source(module: str, name: str, edits: Edits) -> str:
    """``solutions/<module>`` with ``edits`` applied in order.

    Raises:
        AssertionError: an edit's ``old`` text is not in the (partly edited) source exactly once.
    """
    text = (SOLUTIONS / module).read_text(encoding="utf-8")
    for old, new in edits:
        count = text.count(old)
        assert count == 1, f"variant {name}: edit text found {count} times in the solution"
        text = text.replace(old, new)
    return text


def write_edited(module: str, name: str, edits: Edits, folder: Path) -> Path:
    """Write the edited solution to ``folder/<module>`` and return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / module
    path.write_text(edited_source(module, name, edits), encoding="utf-8")
    return path
