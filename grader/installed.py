"""The grader's own files as a grading child sees them: a fresh copy per child, checked after.

A child that runs student code can write wherever the user can when there is no sandbox, so it
could edit the installed suite or plugin (or the assignment's ``assignment.yaml``) and pass
every later grade. So the child never runs the installed files: :func:`make_copy` reads the
``grader`` and ``core`` packages and the assignment's spec into memory and writes them to a
folder of their own (read-only, the child's ``PYTHONPATH``; under bubblewrap it is mounted
read-only), and :meth:`GraderCopy.changes` tells, after the child ended, which of the copied
files or of the installed originals differ from what was read, and puts the originals back.
A change is tampering (:mod:`grader.runner` marks the attempt). The compiled ``__pycache__``
files of the originals are copied (and checked) too, with the sources' modification times, so
the child does not compile the grader again.

This module imports nothing heavy.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import core
import grader

PACKAGES = (grader, core)
"""The packages a grading child imports from the copy."""


@dataclass
class GraderCopy:
    """The copy a child runs, and what its files held when it was made.

    Attributes:
        root: The folder holding ``grader/`` and ``core/`` (the child's ``PYTHONPATH``).
        spec_folder: The copied assignment folder (its ``assignment.yaml``).
        suite: The copied suite.
        files: For each copied file, its original path, its copy's path and its bytes.
    """

    root: Path
    spec_folder: Path
    suite: Path
    files: list[tuple[Path, Path, bytes]] = field(default_factory=list)

    def changes(self) -> list[str]:
        """What differs now from when the copy was made: ``installed grader/suites/x.py`` or
        ``copied grader/plugin.py``, one entry per file; installed originals are put back.

        A missing or unreadable file counts as changed.
        """
        found: list[str] = []
        for source, copy, content in self.files:
            name = copy.relative_to(self.root).as_posix()
            if _read(copy) != content:
                found.append(f"copied {name}")
            if _read(source) != content:
                found.append(f"installed {name}")
                with contextlib.suppress(OSError):
                    source.write_bytes(content)
        return found


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def make_copy(dest: Path, spec_folder: Path | None = None, suite: Path | None = None) -> GraderCopy:
    """Copy the ``grader`` and ``core`` packages (their ``.py`` files), ``spec_folder``'s
    ``assignment.yaml`` and the suite into ``dest`` (made, must not exist), read-only.

    Args:
        dest: The copy's folder.
        spec_folder: The assignment's folder; none for the tools' children.
        suite: The hidden suite (in ``grader/suites``, or anywhere for the project's tests);
            none for the tools' children.

    Returns:
        The copy.
    """
    dest.mkdir(parents=True)
    suite = suite.resolve() if suite is not None else None
    result = GraderCopy(
        dest,
        dest / "assignment" / (spec_folder.name if spec_folder else "none"),
        dest / "suite" / (suite.name if suite else "none"),
    )
    for package in PACKAGES:
        top = Path(str(package.__file__)).resolve().parent
        for source in sorted(top.rglob("*.py")):
            if "__pycache__" in source.parts:
                continue
            copy = dest / top.name / source.relative_to(top)
            result.files.append((source, copy, source.read_bytes()))
            cached = Path(importlib.util.cache_from_source(str(source)))
            if cached.is_file():  # compiled already: the child need not compile it again
                copied = Path(importlib.util.cache_from_source(str(copy)))
                result.files.append((cached, copied, cached.read_bytes()))
            if source == suite:
                result.suite = copy
    if suite is not None and not result.suite.is_relative_to(dest / "grader"):
        result.files.append((suite, result.suite, suite.read_bytes()))
    if spec_folder is not None:
        spec = (spec_folder / "assignment.yaml").resolve()
        result.files.append((spec, result.spec_folder / "assignment.yaml", spec.read_bytes()))
    for source, copy, content in result.files:
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(content)
        # the same modification time as the original, so that its compiled file stays valid
        stamp = source.stat()
        os.utime(copy, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    _read_only(dest)
    return result


def _read_only(folder: Path) -> None:
    """Take write permission away from everything under ``folder`` (files first)."""
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        mode = path.stat().st_mode
        path.chmod(stat.S_IMODE(mode) & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    folder.chmod(stat.S_IMODE(folder.stat().st_mode) & ~stat.S_IWUSR)


def remove_copy(folder: Path) -> None:
    """Give write permission back under ``folder`` so that it can be deleted."""
    if not folder.exists():
        return
    for root, dirs, _ in os.walk(folder):
        os.chmod(root, 0o755)
        for name in dirs:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(root, name), 0o755)
