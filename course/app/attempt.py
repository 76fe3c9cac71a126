"""One grade attempt: prepare, grade in a child process, record in the tracker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from core.errors import CourseError
from grader.attempt import prepare
from grader.results import GradeReport
from grader.runner import EventCallback, grade
from tracker.grades import record_attempt


@dataclass(frozen=True)
class AttemptOutcome:
    """A graded and (when the database allowed it) recorded attempt.

    Attributes:
        report: The grade report.
        attempt_id: Row id in the tracker's ``grade_attempts``; ``None`` when not recorded.
        store_error: Why the attempt could not be recorded; ``None`` when it was.
        warning: The one line to show when no sandbox could be used (``--sandbox auto``
            without a working bubblewrap); ``None`` otherwise.
    """

    report: GradeReport
    attempt_id: int | None
    store_error: str | None
    warning: str | None = None


def run_attempt(
    name: str,
    *,
    submission: Path | None = None,
    solution: bool = False,
    device: str = "auto",
    profile: str | None = None,
    cwd: Path | None = None,
    on_event: EventCallback | None = None,
    open_store: Callable[[], Database] | None = None,
    sandbox: str = "auto",
    hidden: Sequence[Path] = (),
) -> AttemptOutcome:
    """Grade assignment ``name`` and store the attempt in the tracker.

    Args:
        name: Assignment name, e.g. ``"resnet"``.
        submission: The file to grade; found in the workspace holding ``cwd`` when ``None``.
        solution: Grade the reference solution instead (teaching assistants, demos).
        device: ``auto``, ``cpu`` or ``cuda``.
        profile: ``quick`` or ``full``; ``quick`` on CPU and ``full`` on CUDA when ``None``.
        cwd: Where to look for the workspace; the current directory by default.
        on_event: Progress callback (see :class:`grader.runner.Event`).
        open_store: Opens the tracker database; the attempt is not stored when ``None``.
        sandbox: ``auto``, ``bwrap`` or ``none`` (see :func:`grader.sandbox.resolve`).
        hidden: Paths the grading child must not see (the tracker's database files).

    Raises:
        AssignmentError: unknown assignment or profile.
        UsageError, WorkspaceError: no file to grade.
        EnvironmentProblem, DataError: no CUDA when asked for, no data, grading could not start.
    """
    ready = prepare(
        name,
        submission=submission,
        solution=solution,
        device=device,
        profile=profile,
        cwd=cwd,
        sandbox=sandbox,
    )
    report = grade(
        ready.spec,
        ready.submission,
        device=ready.device,
        profile=ready.profile,
        on_event=on_event,
        sandbox=ready.sandbox.kind,
        hidden=hidden,
    )
    warning = ready.sandbox.warning
    if open_store is None:
        return AttemptOutcome(report, None, None, warning)
    try:
        with closing(open_store()) as db:
            attempt_id = record_attempt(db, report.to_dict())
    except CourseError as error:
        return AttemptOutcome(report, None, error.message, warning)
    return AttemptOutcome(report, attempt_id, None, warning)
