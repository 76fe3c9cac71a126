"""Rendering ``course info``: one line per thing, what it is and where, or how to get it."""

from __future__ import annotations

from course.app.info import Info
from course.render.format import visible


def info_lines(info: Info) -> list[str]:
    """``info`` as aligned lines, e.g. ``Database   /home/me/.local/share/course/course.db
    (schema version 3 of 3)``."""
    if info.schema_version is not None:
        schema = f"schema version {info.schema_version} of {info.schema_latest}"
    else:
        schema = info.database_problem or "unknown"
    torch = f"torch {info.torch}" if info.torch else "torch not installed"
    rows = [
        ("Database", f"{visible(str(info.database))} ({schema})"),
        (
            "Workspace",
            visible(str(info.workspace)) if info.workspace else "none (course init makes one)",
        ),
        (
            "Data set",
            visible(str(info.dataset))
            if info.dataset
            else "Fashion-MNIST not found (course data fetches it)",
        ),
        ("Device", f"{info.device}, {torch}"),
        ("Sandbox", info.sandbox),
    ]
    width = max(len(name) for name, _ in rows)
    return [f"course {info.version} (Python {info.python})"] + [
        f"{name.ljust(width)}  {value}" for name, value in rows
    ]
