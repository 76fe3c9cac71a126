"""Helpers the ``test_<name>_suite.py`` files share to read a :class:`GradeReport`."""

from __future__ import annotations

from pathlib import Path

from grader.results import GradeReport


def failing(report: GradeReport) -> dict[str, str]:
    """``{check id: status}`` of every check that did not pass."""
    return {c.id: c.status for c in report.checks if not c.passed}


def message(report: GradeReport, check_id: str) -> str:
    """The message of the one check called ``check_id``."""
    (check,) = [c for c in report.checks if c.id == check_id]
    return check.message


def line_of(path: Path, text: str) -> int:
    """1-based number of the first line of ``path`` that contains ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)
