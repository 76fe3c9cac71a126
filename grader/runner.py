"""Grade a submission in a child process: ``python -m pytest SUITE -p grader.plugin``.

Student code never runs in the caller's process. The child is started and supervised by
:func:`grader.process.run_child` (own session, wall-clock deadline that kills the process group,
memory limit, stdin closed, watchdog on this process) and appends the grading events of
:mod:`grader.events` to an events file (see :mod:`grader.plugin`); this module follows that
file while the child runs, reports progress through a callback and, when the child dies in the
middle of a check (``os._exit``, a segfault, the memory limit), records that check as an error
and starts a new child for the checks left.

:func:`grade_many` grades several trusted submissions (the project's own variants) in one child,
for the project's tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
import time
from collections.abc import Callable, Collection, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.clock import utc_timestamp
from core.errors import DataError, EnvironmentProblem, UsageError
from grader.events import EventReader
from grader.process import Outcome, death_reason, python_command, run_child
from grader.results import CheckResult, GradeReport, Status
from grader.spec import AssignmentSpec

__all__ = [
    "MAX_RESTARTS",
    "Event",
    "EventCallback",
    "death_reason",
    "default_profile",
    "grade",
    "grade_many",
    "resolve_device",
    "sha256_file",
]

MAX_RESTARTS = 3


@dataclass(frozen=True)
class Event:
    """Something the CLI may show while grading runs.

    Attributes:
        kind: ``start`` (a check began), ``progress`` (training step), ``result`` (check done).
        check_id: The check's id.
        title: The check's title.
        step: Training step (``progress`` only).
        total: Training steps in all (``progress`` only).
        status: The check's status (``result`` only).
    """

    kind: str
    check_id: str
    title: str
    step: int = 0
    total: int = 0
    status: str = ""


EventCallback = Callable[[Event], None]


def resolve_device(requested: str) -> str:
    """``auto`` becomes ``cuda`` when a CUDA device is usable, else ``cpu``.

    Raises:
        UsageError: ``requested`` is not auto, cpu or cuda.
        EnvironmentProblem: ``cuda`` was asked for and torch sees no CUDA device.
    """
    if requested not in ("auto", "cpu", "cuda"):
        raise UsageError("unknown device", requested, "use auto, cpu or cuda")
    if requested == "cpu":
        return "cpu"
    import torch

    available = torch.cuda.is_available()
    if requested == "cuda" and not available:
        raise EnvironmentProblem(
            "--device cuda was asked for but torch sees no CUDA device",
            torch.__version__,
            "use --device cpu (or auto), or install a CUDA build of torch on a GPU machine",
        )
    return "cuda" if available else "cpu"


def default_profile(device: str) -> str:
    """``quick`` on CPU, ``full`` on CUDA."""
    return "full" if device == "cuda" else "quick"


def sha256_file(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class _Attempt:
    """What the events of one submission's children said so far."""

    meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    running: str | None = None
    environment: str | None = None
    finished: bool = False

    def apply(self, event: dict[str, Any], on_event: EventCallback | None) -> None:
        """Take in one event of the grading vocabulary; pass check events to ``on_event``."""
        kind = event["event"]
        if kind == "collected":
            for meta in event["checks"]:
                self.meta.setdefault(meta["id"], meta)
            return
        if kind == "environment":
            self.environment = str(event.get("message", ""))
            return
        if kind == "finished":
            self.finished = True
            return
        cid = str(event.get("id", ""))
        title = str(self.meta.get(cid, {}).get("title", cid))
        if kind == "start":
            self.running = cid
            out = Event("start", cid, title)
        elif kind == "progress":
            out = Event("progress", cid, title, step=int(event["step"]), total=int(event["total"]))
        elif kind == "result":
            self.results[cid] = event
            self.running = None
            out = Event("result", cid, title, status=str(event["status"]))
        else:
            return
        if on_event is not None:
            on_event(out)


def grade(
    spec: AssignmentSpec,
    submission: Path,
    *,
    device: str = "cpu",
    profile: str = "quick",
    on_event: EventCallback | None = None,
    timeout_s: float | None = None,
    skip: Collection[str] = (),
) -> GradeReport:
    """Run the assignment's hidden suite against ``submission`` and score it.

    Args:
        spec: The assignment.
        submission: The student's file.
        device: ``cpu`` or ``cuda`` (already resolved, see :func:`resolve_device`).
        profile: ``quick`` or ``full``.
        on_event: Called in this process for each check start, training progress and result.
        timeout_s: Wall-clock limit of the whole attempt in seconds; the profile's by default.
        skip: Check ids not to run (they are left out of the report); for the project's tests.

    Returns:
        The report; every check of the suite appears, run or not.

    Raises:
        UsageError: the submission file does not exist.
        DataError: the suite needs data the machine lacks.
        EnvironmentProblem: the grading process could not start or collect the suite.
    """
    budget = spec.profile(profile)
    if not submission.is_file():
        raise UsageError("submission file not found", str(submission), "check the path")
    started_at = utc_timestamp()
    digest = sha256_file(submission)
    limit = budget.timeout_s if timeout_s is None else timeout_s
    start = time.perf_counter()
    deadline = start + limit
    state = _Attempt()
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        workdir = Path(tmp)
        (workdir / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        for attempt in range(MAX_RESTARTS + 1):
            events = workdir / f"events-{attempt}.jsonl"
            log = workdir / f"child-{attempt}.log"
            skipped = ",".join([*skip, *state.results])
            args = _pytest_args(spec, submission, device, profile, events, workdir, skipped)
            events.touch()
            with EventReader(events) as reader:

                def poll(reader: EventReader = reader) -> bool:
                    for event in reader.read():
                        state.apply(event, on_event)
                    # once the suite has finished, a thread or an atexit handler of the
                    # submission that never ends does not hold the attempt to its limit
                    return state.finished

                outcome = _run_grading_child(spec, device, args, workdir, log, deadline, poll)
            running = state.running
            if outcome.timed_out:
                notes.append(f"grading stopped at the attempt's {limit:.0f} s limit")
                if running:
                    state.results[running] = {
                        "status": "timeout",
                        "message": f"still running when the attempt hit its {limit:.0f} s limit",
                    }
                break
            if not state.meta:
                tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise EnvironmentProblem(
                    "the grading process could not collect the suite", str(spec.suite), tail.strip()
                )
            if running is None:
                break
            reason = death_reason(outcome.returncode)
            restarted = " and was restarted" if attempt < MAX_RESTARTS else ""
            notes.append(f"the grading process {reason} during {running!r}{restarted}")
            state.results[running] = {
                "status": "error",
                "message": f"the grading process {reason} while this check ran "
                "(os._exit, a crash in native code, or running out of memory)",
            }
            state.running = None
            if all(cid in state.results for cid in state.meta):
                break
        else:  # the process died on every try: the checks left were never run
            tries = MAX_RESTARTS + 1
            notes.append(f"grading stopped after the grading process died {tries} times")
            for cid in state.meta:
                state.results.setdefault(
                    cid,
                    {
                        "status": "error",
                        "message": f"not run: the grading process died {tries} times before "
                        "this check (see the checks above)",
                    },
                )
    if state.environment:
        raise DataError("grading needs data this machine lacks", state.environment)
    return _report(
        spec,
        submission,
        state,
        device=device,
        profile=profile,
        limit=limit,
        notes=notes,
        started_at=started_at,
        digest=digest,
        duration_s=time.perf_counter() - start,
    )


def grade_many(
    spec: AssignmentSpec,
    submissions: Sequence[Path],
    *,
    device: str = "cpu",
    profile: str = "quick",
    skip: Collection[str] = (),
    timeout_s: float | None = None,
) -> list[GradeReport]:
    """Grade several TRUSTED submissions in one child process, for the project's own tests.

    One child (``python -m grader.batch``) runs the suite once per submission, in order, in the
    same process (``pytest.main`` each time, with its own events file and ``--submission``),
    which saves starting Python and importing torch for each. There is no isolation between
    the submissions: what one leaves behind (modules its file imported, global state of torch
    or of the suite's module, threads) is there for the next. Use it only for files whose
    behaviour is known, such as the variants the project's tests make from the solutions;
    students' files go through :func:`grade`.

    A crash costs time, never a wrong report: when the child dies, or a submission runs past
    its limit (``timeout_s``, counted from when the previous one finished), every submission
    it had not finished (and one whose run went wrong in any other way: a check without a
    result, missing data, a suite that cannot be collected) is graded again on its own with
    :func:`grade`.

    Args:
        spec: The assignment.
        submissions: The files, in order.
        device: ``cpu`` or ``cuda`` (already resolved, see :func:`resolve_device`).
        profile: ``quick`` or ``full``.
        skip: Check ids not to run, for every submission.
        timeout_s: Wall-clock limit of each submission in seconds; the profile's by default.

    Returns:
        One report per submission, in order, each equal to what ``grade(spec, submission,
        device=device, profile=profile, skip=skip, timeout_s=timeout_s)`` returns except for
        the durations and ``started_at``.

    Raises:
        UsageError: a submission file does not exist.
        DataError: the suite needs data the machine lacks.
        EnvironmentProblem: the grading process could not start or collect the suite.
    """
    budget = spec.profile(profile)
    for submission in submissions:
        if not submission.is_file():
            raise UsageError("submission file not found", str(submission), "check the path")
    limit = budget.timeout_s if timeout_s is None else timeout_s
    digests = [sha256_file(s) for s in submissions]
    states = [_Attempt() for _ in submissions]
    started_at = [""] * len(submissions)
    starts = [0.0] * len(submissions)
    ends = [0.0] * len(submissions)
    done = 0  # submissions the child has finished
    with tempfile.TemporaryDirectory(prefix="course-grade-many-") as tmp, ExitStack() as files:
        workdir = Path(tmp)
        (workdir / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        runs: list[list[str]] = []
        readers: list[EventReader] = []
        for index, submission in enumerate(submissions):
            events = workdir / f"events-{index}.jsonl"
            runs.append(
                _pytest_args(spec, submission, device, profile, events, workdir, ",".join(skip))
            )
            events.touch()
            readers.append(files.enter_context(EventReader(events)))
        job = workdir / "job.json"
        job.write_text(json.dumps(runs), encoding="utf-8")
        if submissions:
            started_at[0], starts[0] = utc_timestamp(), time.perf_counter()

        def poll() -> bool:
            nonlocal done
            while done < len(submissions):
                for event in readers[done].read():
                    states[done].apply(event, None)
                now = time.perf_counter()
                if not states[done].finished:
                    if now > starts[done] + limit:
                        raise _SubmissionTimeout
                    return False
                ends[done] = now
                done += 1
                if done < len(submissions):
                    started_at[done], starts[done] = utc_timestamp(), now
            return True

        if submissions:
            command = python_command("grader.batch", ["--job", str(job)])
            # past a submission's limit, poll raises: the child is killed, and what it had
            # not finished is graded alone below
            with contextlib.suppress(_SubmissionTimeout):
                run_child(
                    command,
                    workdir=workdir,
                    log=workdir / "child.log",
                    memory_mb=spec.memory_mb,
                    device=device,
                    deadline=time.perf_counter() + limit * len(submissions),
                    poll=poll,
                )
    reports: list[GradeReport] = []
    for index, submission in enumerate(submissions):
        state = states[index]
        clean = (
            index < done
            and state.meta
            and state.running is None
            and state.environment is None
            and all(cid in state.results for cid in state.meta)
        )
        if not clean:
            reports.append(
                grade(
                    spec, submission, device=device, profile=profile, skip=skip, timeout_s=timeout_s
                )
            )
            continue
        report = _report(
            spec,
            submission,
            state,
            device=device,
            profile=profile,
            limit=limit,
            notes=[],
            started_at=started_at[index],
            digest=digests[index],
            duration_s=ends[index] - starts[index],
        )
        reports.append(report)
    return reports


class _SubmissionTimeout(Exception):
    """A submission of :func:`grade_many`'s child ran past its limit (the child is killed)."""


def _pytest_args(
    spec: AssignmentSpec,
    submission: Path,
    device: str,
    profile: str,
    events: Path,
    workdir: Path,
    skip: str,
) -> list[str]:
    """pytest's arguments for grading ``submission`` (after ``python -m pytest``)."""
    args = [
        str(spec.suite),
        "-p", "grader.plugin", "-c", str(workdir / "pytest.ini"), "--rootdir", str(workdir),
        "-p", "no:cacheprovider", "-q", "--tb=short", "--no-header",
        "--assignment-dir", str(spec.folder), "--submission", str(submission.resolve()),
        "--device", device, "--profile", profile, "--results", str(events),
    ]  # fmt: skip
    if skip:
        args += ["--skip-checks", skip]
    return args


def _run_grading_child(
    spec: AssignmentSpec,
    device: str,
    args: list[str],
    workdir: Path,
    log: Path,
    deadline: float,
    poll: Callable[[], bool],
) -> Outcome:
    """Run ``python -m pytest <args>`` (with ``--parent-pid``) to its end or the deadline."""
    return run_child(
        python_command("pytest", args),
        workdir=workdir,
        log=log,
        memory_mb=spec.memory_mb,
        device=device,
        deadline=deadline,
        poll=poll,
    )


def _report(
    spec: AssignmentSpec,
    submission: Path,
    state: _Attempt,
    *,
    device: str,
    profile: str,
    limit: float,
    notes: list[str],
    started_at: str,
    digest: str,
    duration_s: float,
) -> GradeReport:
    """The report of one submission from what its children said."""
    checks = [_check(cid, meta, state.results.get(cid), limit) for cid, meta in state.meta.items()]
    return GradeReport(
        assignment=spec.name,
        score=sum(c.points for c in checks),
        max_score=sum(c.max_points for c in checks),
        device=device,
        profile=profile,
        duration_s=duration_s,
        checks=checks,
        submission=str(submission.resolve()),
        submission_sha256=digest,
        started_at=started_at,
        note="; ".join(notes),
    )


def _check(
    cid: str, meta: dict[str, Any], result: dict[str, Any] | None, limit: float
) -> CheckResult:
    status: Status
    if result is None:
        status, message = "timeout", f"not run: the attempt hit its {limit:.0f} s limit first"
    else:
        status, message = result["status"], str(result.get("message", ""))
    max_points = float(meta["points"])
    hidden = meta.get("visibility") == "hidden"
    return CheckResult(
        id=cid,
        title=str(meta["title"]),
        status=status,
        points=max_points if status == "passed" else 0.0,
        max_points=max_points,
        visibility="hidden" if hidden else "visible",
        message="" if hidden else message,
        hint=None if hidden else meta.get("hint"),
        duration_s=float(result.get("duration_s", 0.0)) if result else 0.0,
    )
