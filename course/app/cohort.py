"""A cohort run: find the submissions, skip what the gradebook holds, grade the rest on a
local pool of workers (:mod:`grader.cohort`), store each result the moment it is graded
(:mod:`course.app.gradebook`)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from core.errors import EnvironmentProblem, UsageError
from course.app import gradebook
from grader.cohort import Submission, find_submissions, grade_cohort, workers_for
from grader.results import GradeReport
from grader.runner import default_profile, resolve_device
from grader.sandbox import resolve
from grader.spec import load_assignment
from tracker.store import database_files

SUITE_POINTS = 100.0
"""The points of every suite (its checks add up to 100; the solutions' 100/100 tests assert
it): the max score stored for a student with nothing to grade."""


def grader_version() -> str:
    """The installed `course` version, part of every gradebook key."""
    try:
        return version("course-toolkit")
    except PackageNotFoundError:  # pragma: no cover - a source tree without metadata
        return "0+unknown"


@dataclass(frozen=True)
class CohortResult:
    """One submission's outcome in a run.

    Attributes:
        student: The student's name.
        status: ``graded``, ``missing`` (nothing to grade) or ``skipped`` (already in the
            gradebook with the same key).
        score: Points earned (0 when missing; the stored score when skipped).
        max_score: Points available.
        report: The new report; ``None`` when missing or skipped.
        problem: Why it is missing; ``""`` otherwise.
    """

    student: str
    status: str
    score: float
    max_score: float
    report: GradeReport | None = None
    problem: str = ""


@dataclass(frozen=True)
class CohortPlan:
    """What a run is about to do, given to ``on_start`` before the first grading.

    Attributes:
        total: Submissions found.
        todo: Those to grade now (the rest are in the gradebook already).
        workers: Grading workers.
        device: ``cpu`` or ``cuda``.
        profile: ``quick`` or ``full``.
        sandbox: ``bwrap`` or ``none``.
        backend: ``local`` or ``ray``.
    """

    total: int
    todo: int
    workers: int
    device: str
    profile: str
    sandbox: str
    backend: str = "local"


@dataclass
class CohortSummary:
    """A finished run.

    Attributes:
        assignment: e.g. ``resnet``.
        results: One per submission found, sorted by student.
        warning: The one line to show when grading ran without a sandbox; ``None`` otherwise.
    """

    assignment: str
    results: list[CohortResult] = field(default_factory=list)
    warning: str | None = None

    def count(self, status: str) -> int:
        """How many results have ``status``."""
        return sum(1 for r in self.results if r.status == status)


def run_cohort(
    name: str,
    source: Path,
    *,
    gradebook_path: Path,
    workers: int = 0,
    device: str = "auto",
    profile: str | None = None,
    sandbox: str = "bwrap",
    regrade: bool = False,
    timeout_s: float | None = None,
    per_gpu: int = 1,
    on_start: Callable[[CohortPlan], None] | None = None,
    on_result: Callable[[CohortResult], None] | None = None,
    private: Sequence[Path] = (),
    backend: str = "local",
    ray_address: str | None = None,
    task_cpus: float = 1.0,
    task_gpus: float | None = None,
) -> CohortSummary:
    """Grade every submission of assignment ``name`` in ``source`` into the gradebook.

    Args:
        name: Assignment name, e.g. ``resnet``.
        source: A folder of submissions or a zip of one (see :mod:`grader.cohort`).
        gradebook_path: The gradebook file (created when missing).
        workers: Grading workers; 0: one per GPU on CUDA, one on the CPU.
        device: ``auto``, ``cpu`` or ``cuda``.
        profile: ``quick`` or ``full``; the device's default when ``None``.
        sandbox: ``bwrap`` (required by default: the run refuses to start without it) or
            ``none`` (the summary then carries a warning).
        regrade: Grade again what the gradebook already holds.
        timeout_s: Wall-clock limit per submission in seconds; the profile's by default.
        per_gpu: Workers per GPU on CUDA.
        on_start: Called once with the plan, before the first grading.
        on_result: Called with each result as it is stored (from the thread that graded it).
        private: More paths no grading child may see (the tracker's database); the
            submissions, the gradebook and its ``-wal`` / ``-shm`` files are always hidden.
        backend: ``local`` (a pool of ``workers`` threads here) or ``ray`` (one Ray task per
            submission, :mod:`grader.cohort_ray`; ``workers`` and ``per_gpu`` are then unused).
        ray_address: The Ray cluster (``auto``, ``host:6379``); a local one when ``None``.
        task_cpus: CPUs each Ray task asks for.
        task_gpus: GPUs each Ray task asks for (fractions share a GPU); 1 on CUDA, 0 on the
            CPU when ``None``.

    Returns:
        The summary, every submission found in it.

    Raises:
        AssignmentError: ``name`` is not an assignment.
        UsageError: bad ``source``, ``workers``, ``per_gpu``, ``timeout_s`` or ``sandbox``.
        EnvironmentProblem: ``sandbox`` is ``bwrap`` and bubblewrap does not work here (pass
            ``--sandbox none`` to grade without one), or CUDA is asked for and missing.
        StoreError: the gradebook cannot be opened or written.
    """
    spec = load_assignment(name)
    if backend not in ("local", "ray"):
        raise UsageError("unknown backend", backend, "use local or ray")
    if sandbox not in ("bwrap", "none"):
        raise UsageError("a cohort run needs --sandbox bwrap or none", sandbox, "pass bwrap")
    if timeout_s is not None and timeout_s <= 0:
        raise UsageError("--timeout-s must be positive", timeout_s, "pass --timeout-s 600")
    try:
        jail = resolve(sandbox)
    except EnvironmentProblem as exc:
        raise EnvironmentProblem(
            "a cohort run grades untrusted code and needs the bwrap sandbox",
            exc.value,
            "install the bubblewrap package, or pass --sandbox none to grade without one",
        ) from exc
    warning = (
        "no sandbox (--sandbox none): student code runs with your user's rights"
        if jail.kind == "none"
        else None
    )
    resolved = resolve_device(device)
    chosen = profile or default_profile(resolved)
    spec.profile(chosen)  # an unknown profile fails here, before anything runs
    pool = workers_for(workers, resolved, per_gpu)
    version_ = grader_version()
    summary = CohortSummary(name, warning=warning)

    def key(sub: Submission) -> gradebook.Key:
        return gradebook.Key(name, sub.student, sub.sha256, chosen, resolved, version_)

    with tempfile.TemporaryDirectory(prefix="course-cohort-zip-") as unpack:
        submissions = find_submissions(source, spec.module, Path(unpack))
        with closing(gradebook.open_gradebook(gradebook_path)) as db:
            done = set() if regrade else gradebook.graded_keys(db)
            stored = {e.student: e for e in gradebook.latest(db, name)}
        todo: list[Submission] = []
        for sub in submissions:
            if key(sub) not in done:
                todo.append(sub)
                continue
            entry = stored.get(sub.student)
            score = entry.report.score if entry and entry.report else 0.0
            total = entry.max_score if entry else SUITE_POINTS
            summary.results.append(CohortResult(sub.student, "skipped", score, total))
        if on_start is not None:
            plan = CohortPlan(
                len(submissions), len(todo), len(pool), resolved, chosen, jail.kind, backend
            )
            on_start(plan)
        book = database_files(gradebook_path.resolve())  # with its -wal, -shm and backups
        hidden = [*private, source.resolve(), *book, Path(unpack)]

        def done_one(sub: Submission, report: GradeReport | None, problem: str) -> None:
            total = report.max_score if report else SUITE_POINTS
            with closing(gradebook.open_gradebook(gradebook_path)) as db:
                gradebook.store(db, key(sub), report, problem, total, sub.normalised)
            result = CohortResult(
                sub.student,
                "graded" if report else "missing",
                report.score if report else 0.0,
                total,
                report,
                problem,
            )
            summary.results.append(result)
            if on_result is not None:
                on_result(result)

        if backend == "ray":
            from grader.cohort_ray import grade_cohort_ray

            gpus = task_gpus if task_gpus is not None else (1.0 if resolved == "cuda" else 0.0)
            grade_cohort_ray(
                spec, todo, device=resolved, profile=chosen, sandbox=jail.kind,
                on_done=done_one, num_cpus=task_cpus, num_gpus=gpus, address=ray_address,
                timeout_s=timeout_s, hidden=hidden,
            )  # fmt: skip
        else:
            grade_cohort(
                spec, todo, workers=pool, device=resolved, profile=chosen, sandbox=jail.kind,
                on_done=done_one, timeout_s=timeout_s, hidden=hidden,
            )  # fmt: skip
    summary.results.sort(key=lambda r: r.student)
    return summary
