"""``course info``: where everything `course` uses is, and what this machine can do.

Composes the tracker (the database file and its schema version, read without changing the
file), the grader (the workspace, Fashion-MNIST, the sandbox) and torch (the device it
sees). Nothing is created or written: ``course info`` on a machine without a database says
so rather than making one.
"""

from __future__ import annotations

import platform
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from core.errors import CourseError


@dataclass(frozen=True)
class Info:
    """What ``course info`` shows.

    Attributes:
        version: `course`'s version.
        python: The Python version (``3.12.3``).
        database: The tracker database this folder uses (``$COURSE_DB``, the workspace's,
            or the user data folder's).
        schema_version: Its schema version; ``None`` when the file does not exist yet or
            cannot be read (see ``database_problem``).
        schema_latest: The schema version this `course` writes.
        database_problem: Why the database could not be read, else ``None``.
        workspace: The folder holding ``course.yaml`` above the current one, or ``None``.
        dataset: The Fashion-MNIST folder, or ``None`` when it is not found.
        torch: torch's version, or ``None`` when it cannot be imported.
        device: What grading runs on: ``"cuda (NVIDIA H200)"`` or ``"cpu"``.
        sandbox: ``"bwrap"`` when bubblewrap can confine student code here, else
            ``"none (<why>)"``.
    """

    version: str
    python: str
    database: Path
    schema_version: int | None
    schema_latest: int
    database_problem: str | None
    workspace: Path | None
    dataset: Path | None
    torch: str | None
    device: str
    sandbox: str

    def to_json(self) -> dict[str, Any]:
        """The fields as JSON values (paths as strings)."""
        return {
            key: str(value) if isinstance(value, Path) else value
            for key, value in asdict(self).items()
        }


def gather_info(cwd: Path, database: Path) -> Info:
    """Look everything up, changing nothing.

    Args:
        cwd: The folder the workspace is searched from.
        database: The tracker database the command would use.

    Returns:
        The :class:`Info`; what cannot be found is ``None`` or says why.
    """
    from course import __version__
    from grader.data import find_dataset
    from grader.sandbox import bwrap_problem
    from grader.workspace import find_workspace
    from tracker.store import SCHEMA_VERSION

    try:
        workspace = find_workspace(cwd)
    except CourseError:
        workspace = None
    version, problem = _schema_version(database)
    torch_version, device = _torch()
    why = bwrap_problem()
    return Info(
        version=__version__,
        python=platform.python_version(),
        database=database,
        schema_version=version,
        schema_latest=SCHEMA_VERSION,
        database_problem=problem,
        workspace=workspace.root if workspace else None,
        dataset=find_dataset(),
        torch=torch_version,
        device=device,
        sandbox="bwrap" if why is None else f"none ({why})",
    )


def _schema_version(path: Path) -> tuple[int | None, str | None]:
    if not path.exists():
        return None, "not created yet: the first tracker command makes it"
    from tracker.store import file_schema_version

    try:
        return file_schema_version(path), None
    except sqlite3.Error as exc:
        return None, f"cannot be read: {exc}"


def _torch() -> tuple[str | None, str]:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return None, "cpu"
    if torch.cuda.is_available():
        return str(torch.__version__), f"cuda ({torch.cuda.get_device_name(0)})"
    return str(torch.__version__), "cpu"
