"""`course verify`: every reference solution gets full marks and every skeleton 0.

The check a TA runs after changing a suite or a profile: a threshold set too high fails the
solution, a check that passes untouched code gives the skeleton points. With seeds, the
solution's training checks are run again under each seed and what they measured is kept:
the margin of each over its threshold is the calibration of the profile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from grader.results import CheckResult, GradeReport, Measurement, Status
from grader.runner import EventCallback, default_profile, grade, resolve_device
from grader.sandbox import resolve
from grader.spec import list_assignments, load_assignment


@dataclass(frozen=True)
class SeedRun:
    """One training check of the solution under one seed.

    Attributes:
        check: The check's id, e.g. ``accuracy``.
        seed: The attempt's seed (torch's global seed and the batch order).
        status: The check's status under this seed.
        measurement: What it measured against its threshold; ``None`` when it stopped first.
        duration_s: The check's wall time in seconds.
    """

    check: str
    seed: int
    status: Status
    measurement: Measurement | None
    duration_s: float


@dataclass(frozen=True)
class Verification:
    """One assignment's verification.

    Attributes:
        name: The assignment.
        solution: The reference solution's report (every check).
        skeleton: The untouched skeleton's report.
        problems: What is wrong, one line each: checks the solution failed (under any
            seed), checks the skeleton passed; empty when the assignment is sound.
        seeds: The solution's training checks under each seed asked for, by check then seed;
            empty without seeds.
    """

    name: str
    solution: GradeReport
    skeleton: GradeReport
    problems: list[str]
    seeds: list[SeedRun] = field(default_factory=list)

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
    seeds: Sequence[int] = (),
    on_event: EventCallback | None = None,
    on_done: Callable[[Verification], None] | None = None,
) -> list[Verification]:
    """Grade each assignment's solution and skeleton.

    Args:
        names: Assignments; every one when empty.
        device: ``auto``, ``cpu`` or ``cuda``.
        profile: ``quick`` or ``full``; the device's default when ``None``.
        sandbox: ``auto``, ``bwrap`` or ``none``.
        seeds: Seeds to run the solution's training checks under (seed 0 is the ordinary
            attempt, reused); none when empty. Each other seed costs one more attempt that
            runs only the training checks.
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
        problems = _failures(solution)
        problems += [f"the skeleton passed {c.id}" for c in skeleton.checks if c.points > 0]
        if not solution.checks:
            problems.append("the solution's report has no checks")
        # the training checks are those that measured something; seed 0 is the attempt above
        training = [c for c in solution.checks if c.measurement is not None]
        runs = [_seed_run(c, 0) for c in training] if 0 in seeds else []
        others = [c.id for c in solution.checks if c.measurement is None]
        for seed in dict.fromkeys(s for s in seeds if s != 0):
            report = grade(
                spec, spec.solution, device=resolved, profile=chosen, sandbox=jail,
                on_event=on_event, skip=others, seed=seed,
            )  # fmt: skip
            runs += [_seed_run(c, seed) for c in report.checks]
            problems += _failures(report, f" with seed {seed}")
        order = {c.id: i for i, c in enumerate(solution.checks)}
        rank = {s: i for i, s in enumerate(seeds)}
        runs.sort(key=lambda r: (order[r.check], rank[r.seed]))
        result = Verification(spec.name, solution, skeleton, problems, runs)
        done.append(result)
        if on_done is not None:
            on_done(result)
    return done


def _failures(report: GradeReport, where: str = "") -> list[str]:
    """``the solution failed accuracy<where>: <message>`` for each check it did not pass."""
    return [
        f"the solution {c.status} {c.id}{where}: {c.message}".rstrip(": ")
        for c in report.checks
        if not c.passed
    ]


def _seed_run(check: CheckResult, seed: int) -> SeedRun:
    return SeedRun(check.id, seed, check.status, check.measurement, check.duration_s)
