"""The one exception hierarchy of `course`.

Library code raises these; the CLI turns them into ``Error: <what, the value, how to fix>``
in one place (:meth:`course.cli.CourseGroup.invoke`) and exits with :attr:`CourseError.exit_code`.
"""

from __future__ import annotations

_MISSING = object()


class CourseError(Exception):
    """Base of every error `course` reports to a person.

    Args:
        what: What is wrong, e.g. ``"hours must be positive"``.
        value: The offending value, shown with ``repr`` (omit when there is none).
        fix: How to fix it, e.g. ``"pass --hours 1.5"``.
    """

    exit_code = 2

    def __init__(self, what: str, value: object = _MISSING, fix: str | None = None) -> None:
        self.what = what
        self.value = value
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one-line text shown after ``Error:``."""
        text = self.what
        if self.value is not _MISSING:
            text += f": {self.value!r}" if not isinstance(self.value, str) else f": {self.value}"
        if self.fix:
            text += f". {self.fix}"
        return text


class UsageError(CourseError):
    """Bad input from the person at the keyboard (exit 2)."""

    exit_code = 2


class AssignmentError(UsageError):
    """Unknown assignment or an invalid ``assignment.yaml`` (exit 2)."""


class WorkspaceError(UsageError):
    """No submission could be found, or a workspace cannot be made (exit 2)."""


class SubmissionError(CourseError):
    """The student's code failed while a tool ran it outside grading (exit 1).

    It raised, exited, crashed, hung past the time limit or returned the wrong shape, e.g.
    while ``course aae samples`` trained it. The message says what happened and where:
    ``your code raised ValueError: ... (aae.py, line 80, in train_step)``.
    """

    exit_code = 1


class EnvironmentProblem(CourseError):
    """The machine lacks something: data set, CUDA, a writable directory (exit 3)."""

    exit_code = 3


class DataError(EnvironmentProblem):
    """Fashion-MNIST is missing, unreadable or fails its checksum (exit 3)."""


class StoreError(EnvironmentProblem):
    """The tracker database cannot be opened or is not a `course` database (exit 3)."""
