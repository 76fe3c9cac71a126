"""`course verify`: every reference solution gets full marks and every skeleton 0.

The check a TA runs after changing a suite or a profile: a threshold set too high fails the
solution, a check that passes untouched code gives the skeleton points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from grader.results import GradeReport
from grader.runner import EventCallback, default_profile, grade, resolve_device
from grader.sandbox import resolve
from grader.spec import list_assignments, load_assignment


@dataclass(frozen=True)
class Verification:
    """One assignment's verification.

    Attributes:
        name: The assignment.
        solution: The reference solution's report (every check).
        skeleton: The untouched skeleton's report.
        problems: What is wrong, one line each: checks the solution failed, checks the
            skeleton passed; empty when the assignment is sound.
    """

    name: str
    solution: GradeReport
    skeleton: GradeReport
    problems: list[str]

    @property
    def ok(self) -> bool:
        """True when the solution got full marks and the skeleton none."""
        return not self.problems


def verify(
    names: Sequence[str] = (),
    *,
    device: str = "auto",
    profile: str | None = None,
    sandbox: str = "auto",
    on_event: EventCallback | None = None,
    on_done: Callable[[Verification], None] | None = None,
) -> list[Verification]:
    """Grade each assignment's solution and skeleton.

    Args:
        names: Assignments; every one when empty.
        device: ``auto``, ``cpu`` or ``cuda``.
        profile: ``quick`` or ``full``; the device's default when ``None``.
        sandbox: ``auto``, ``bwrap`` or ``none``.
        on_event: Progress of each grading (see :class:`grader.runner.Event`).
        on_done: Called with each assignment's verification as it is made.

    Raises:
        AssignmentError: a name is not an assignment.
        EnvironmentProblem: no CUDA for ``--device cuda``, no bwrap for ``--sandbox bwrap``,
            or no data set.
    """
    specs = [load_assignment(n) for n in (names or list_assignments())]
    resolved = resolve_device(device)
    chosen = profile or default_profile(resolved)
    jail = resolve(sandbox).kind
    done: list[Verification] = []
    for spec in specs:
        solution, skeleton = (
            grade(spec, path, device=resolved, profile=chosen, sandbox=jail, on_event=on_event)
            for path in (spec.solution, spec.skeleton)
        )
        problems = [
            f"the solution {c.status} {c.id}: {c.message}".rstrip(": ")
            for c in solution.checks
            if not c.passed
        ]
        problems += [f"the skeleton passed {c.id}" for c in skeleton.checks if c.points > 0]
        if not solution.checks:
            problems.append("the solution's report has no checks")
        result = Verification(spec.name, solution, skeleton, problems)
        done.append(result)
        if on_done is not None:
            on_done(result)
    return done
