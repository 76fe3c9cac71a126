"""Grade a submission in a child process: ``python -m grader.grade_child SUITE -p grader.plugin``.

Student code never runs in the caller's process. The child is started and supervised by
:func:`grader.process.run_child` (own session, sandbox, scrubbed environment, wall-clock
deadline that kills the process group, memory limit, watchdog on this process, no descendant
left behind) from a fresh read-only copy of the grader (:mod:`grader.installed`), and sends
the grading events of :mod:`grader.events` over a signed channel (see :mod:`grader.plugin`).
This module follows them while the child runs and holds the child to the protocol, in order:
``collected``, then ``start`` / ``progress`` / ``result`` for each collected check in turn,
then ``finished``. Anything else (an unsigned or replayed line, a check out of turn, a second
``collected``), a grader file changed on disk, or a check whose result says the student's code
replaced what the suite relies on (:mod:`grader.integrity`) is tampering: the attempt is
marked ``tampered``, the child is stopped and the checks without a trusted result score 0.

A check that runs past its limit (plus :data:`CHECK_GRACE_S`) is stopped from here even when
the student's code switched the child's own timer off; when the child dies in the middle of a
check (``os._exit``, a segfault, the memory limit) or between two checks, that check is
recorded as an error (naming the student's line from faulthandler's dump in the child's log
when there is one) and a new child is started for the checks left.

:func:`grade_many` grades several trusted submissions (the project's own variants) in one child,
for the project's tests.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import math
import tempfile
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from core.clock import utc_timestamp
from core.errors import DataError, EnvironmentProblem, UsageError
from grader.events import Channel, EventReader, open_channel
from grader.installed import make_copy, remove_copy
from grader.process import (
    DONE,
    RUNNING,
    STOP,
    Jail,
    Outcome,
    death_reason,
    jail_for,
    python_command,
    run_child,
)
from grader.results import CheckResult, GradeReport, Measurement, Status
from grader.spec import AssignmentSpec
from grader.student import clip, printable, where_in_dump

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
CHECK_GRACE_S = 10.0
"""How long past a check's own limit this process waits before it stops the child, seconds
(the child's timer normally ends the check at its limit)."""
STATUSES = frozenset(get_args(Status))
"""The statuses a ``result`` event may carry."""


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


class _Tampering(Exception):
    """The child broke the event protocol; the message says how."""


@dataclass
class _Attempt:
    """What the events of one submission's children said so far, held to the protocol.

    ``order`` is the current child's collected checks; ``next`` the index of the one due.
    """

    meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    running: str | None = None
    running_since: float = 0.0
    environment: str | None = None
    finished: bool = False
    order: list[str] = field(default_factory=list)
    next: int = 0
    collected: bool = False
    tampered: list[str] = field(default_factory=list)

    def new_child(self) -> None:
        """A new child starts: it must begin with ``collected`` again."""
        self.order, self.next, self.collected, self.finished = [], 0, False, False
        self.running = None

    def apply(self, event: dict[str, Any], on_event: EventCallback | None) -> None:
        """Take in one event of the grading vocabulary; pass check events to ``on_event``.

        Raises:
            _Tampering: the event breaks the protocol.
        """
        kind = event["event"]
        if self.finished:
            raise _Tampering(f"a {kind!r} event after the session finished")
        if not self.collected:
            if kind != "collected":
                raise _Tampering(f"a {kind!r} event before the checks were collected")
            self._collect(event)
            return
        if kind == "collected":
            raise _Tampering("the checks were collected twice")
        if kind == "environment":
            self.environment = str(event.get("message", ""))
            return
        if kind == "finished":
            if self.running is None and self.next < len(self.order):
                raise _Tampering("the session finished before every check ran")
            self.finished = True
            return
        cid = str(event.get("id"))
        title = str(self.meta.get(cid, {}).get("title", cid))
        if kind == "start":
            if self.running is not None or self.next >= len(self.order):
                raise _Tampering(f"check {cid!r} started out of turn")
            if cid != self.order[self.next]:
                raise _Tampering(f"check {cid!r} started where {self.order[self.next]!r} was due")
            self.running, self.running_since = cid, time.perf_counter()
            out = Event("start", cid, title)
        elif kind == "progress":
            if cid != self.running:
                raise _Tampering(f"progress of {cid!r}, which is not running")
            out = Event("progress", cid, title, step=int(event["step"]), total=int(event["total"]))
        elif kind == "result":
            if cid != self.running:
                raise _Tampering(f"a result for {cid!r}, which is not running")
            if event.get("status") not in STATUSES:
                raise _Tampering(f"a result with status {event.get('status')!r}")
            if event.get("tampered"):
                self.tampered += [str(name) for name in event["tampered"]]
            self.results[cid] = event
            self.running = None
            self.next += 1
            out = Event("result", cid, title, status=str(event["status"]))
        else:
            raise _Tampering(f"an event of unknown kind {kind!r}")
        if on_event is not None:
            on_event(out)

    def _collect(self, event: dict[str, Any]) -> None:
        checks = event.get("checks")
        if not isinstance(checks, list) or not all(
            isinstance(c, dict) and isinstance(c.get("id"), str) for c in checks
        ):
            raise _Tampering("a malformed list of checks")
        ids = [c["id"] for c in checks]
        if self.meta:
            left = [cid for cid in self.meta if cid not in self.results]
            if ids != [cid for cid in left if cid in ids] or not set(ids) <= set(left):
                raise _Tampering("a restarted child collected other checks")
        for meta in checks:
            self.meta.setdefault(meta["id"], meta)
        self.order, self.next, self.collected = ids, 0, True

    def overrun(self) -> str | None:
        """The running check, when it is past its limit plus :data:`CHECK_GRACE_S`."""
        if self.running is None:
            return None
        limit = float(self.meta.get(self.running, {}).get("limit_s") or 0)
        if limit and time.perf_counter() > self.running_since + limit + CHECK_GRACE_S:
            return self.running
        return None


def grade(
    spec: AssignmentSpec,
    submission: Path,
    *,
    device: str = "cpu",
    profile: str = "quick",
    on_event: EventCallback | None = None,
    timeout_s: float | None = None,
    skip: Collection[str] = (),
    sandbox: str = "none",
    hidden: Sequence[Path] = (),
    env: Mapping[str, str] | None = None,
    seed: int = 0,
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
        sandbox: ``bwrap`` or ``none`` (already resolved, see :func:`grader.sandbox.resolve`).
        hidden: Files and folders the child must not see besides the solutions (the tracker's
            database); hidden only by ``bwrap``.
        env: Variables set in the grading child on top of its scrubbed environment (a cohort
            worker's ``OMP_NUM_THREADS`` and ``CUDA_VISIBLE_DEVICES``).
        seed: torch's seed at the start of every check and the training checks' batch order;
            other seeds than 0 are for calibrating a profile (``course verify --seeds``).

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
    jail = jail_for(spec, submission, sandbox, hidden)
    if env:
        jail = dataclasses.replace(jail, env={**jail.env, **env})
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        workdir = Path(tmp) / "work"
        workdir.mkdir()
        (workdir / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        for attempt in range(MAX_RESTARTS + 1):
            copy = make_copy(Path(tmp) / f"lib-{attempt}", spec.folder, spec.suite)
            log = workdir / f"child-{attempt}.log"
            skipped = ",".join([*skip, *state.results])
            args = _pytest_args(
                copy.suite, copy.spec_folder, submission, device, profile, workdir,
                skipped, seed=seed,
            )  # fmt: skip
            channel = open_channel()
            state.new_child()
            problem: list[str] = []  # why the child is not trusted, when it is not
            overrun: list[str] = []  # the check stopped from here for running too long

            def poll(
                channel: Channel = channel,
                problem: list[str] = problem,
                overrun: list[str] = overrun,
            ) -> str:
                if problem:
                    return STOP
                try:
                    for event in channel.reader.read():
                        state.apply(event, on_event)
                except _Tampering as exc:
                    problem.append(str(exc))
                if channel.reader.problem is not None:
                    problem.append(channel.reader.problem)
                if problem:
                    return STOP
                if (late := state.overrun()) is not None:
                    overrun.append(late)
                    return STOP
                # once the suite has finished, a thread or an atexit handler of the
                # submission that never ends does not hold the attempt to its limit
                return DONE if state.finished else RUNNING

            try:
                outcome = _run_grading_child(
                    spec, device, args, workdir, log, deadline, poll, jail, copy.root, channel
                )
            finally:
                channel.reader.close()
                changes = copy.changes()
                remove_copy(copy.root)
            if changes:
                problem.append("your code changed the grader's files: " + ", ".join(changes))
            running = state.running
            log_text = log.read_text(encoding="utf-8", errors="replace")
            if problem:
                _stop_for_tampering(state, problem[0], notes)
                break
            if outcome.timed_out:
                notes.append(f"grading stopped at the attempt's {limit:.0f} s limit")
                if running:
                    state.results[running] = {
                        "status": "timeout",
                        "message": f"still running when the attempt hit its {limit:.0f} s limit"
                        + where_in_dump(log_text, submission),
                    }
                break
            if not state.meta:
                raise EnvironmentProblem(
                    "the grading process could not collect the suite",
                    str(spec.suite),
                    log_text[-2000:].strip(),
                )
            if all(cid in state.results for cid in state.meta):
                break
            restarted = " and was restarted" if attempt < MAX_RESTARTS else ""
            reason = death_reason(outcome.returncode)
            if overrun:
                late = overrun[0]
                seconds = float(state.meta[late].get("limit_s") or 0)
                notes.append(f"{late!r} ran past its {seconds:.0f} s limit{restarted}")
                location = where_in_dump(log_text, submission) or " (no line: no stack dump)"
                state.results[late] = {
                    "status": "timeout",
                    "message": clip(
                        f"did not finish within {seconds:.0f} s, and its own timer did not stop "
                        f"it{location}"
                    ),
                }
            elif running is not None:
                notes.append(f"the grading process {reason} during {running!r}{restarted}")
                location = where_in_dump(log_text, submission)
                state.results[running] = {
                    "status": "error",
                    "message": clip(
                        f"the grading process {reason} while this check ran{location}"
                        + (
                            ""
                            if location
                            else " (os._exit, a crash in native code, or running out of memory)"
                        )
                    ),
                }
            else:
                notes.append(f"the grading process {reason} between two checks{restarted}")
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
    if state.tampered and not any(n.startswith("tampering") for n in notes):
        notes.insert(0, f"tampering: your code replaced {', '.join(dict.fromkeys(state.tampered))}")
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
        sandbox=jail.kind,
    )


def _stop_for_tampering(state: _Attempt, reason: str, notes: list[str]) -> None:
    """Every check without a trusted result becomes an error naming ``reason``."""
    notes.append(f"tampering: {reason}")
    state.tampered.append(reason)
    message = clip(f"not graded: the grading process was stopped for tampering ({reason})")
    for cid in state.meta:
        if cid not in state.results:
            state.results[cid] = {"status": "error", "message": message}
    state.running = None


def grade_many(
    spec: AssignmentSpec,
    submissions: Sequence[Path],
    *,
    device: str = "cpu",
    profile: str = "quick",
    skip: Collection[str] = (),
    timeout_s: float | None = None,
    skips: Sequence[Collection[str]] | None = None,
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
        skips: Check ids not to run, one collection per submission, instead of ``skip``.

    Returns:
        One report per submission, in order, each equal to what ``grade(spec, submission,
        device=device, profile=profile, skip=skip, timeout_s=timeout_s)`` returns (with that
        submission's ``skips`` entry as ``skip`` when given) except for the durations and
        ``started_at``.

    Raises:
        UsageError: a submission file does not exist.
        DataError: the suite needs data the machine lacks.
        EnvironmentProblem: the grading process could not start or collect the suite.
    """
    budget = spec.profile(profile)
    for submission in submissions:
        if not submission.is_file():
            raise UsageError("submission file not found", str(submission), "check the path")
    if skips is None:
        skips = [skip] * len(submissions)
    if len(skips) != len(submissions):
        raise UsageError(
            "one skip list per submission is needed",
            f"{len(skips)} for {len(submissions)}",
            "pass as many as there are submissions, or skip for all",
        )
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
                _pytest_args(
                    spec.suite,
                    spec.folder,
                    submission,
                    device,
                    profile,
                    workdir,
                    ",".join(skips[index]),
                    events,
                )
            )
            events.touch()
            readers.append(files.enter_context(EventReader(events)))
        job = workdir / "job.json"
        job.write_text(json.dumps(runs), encoding="utf-8")
        if submissions:
            started_at[0], starts[0] = utc_timestamp(), time.perf_counter()

        def poll() -> str:
            nonlocal done
            while done < len(submissions):
                try:
                    for event in readers[done].read():
                        states[done].apply(event, None)
                except _Tampering as exc:  # a bug, not a student: grade it alone below
                    raise _SubmissionTimeout from exc
                now = time.perf_counter()
                if not states[done].finished:
                    if now > starts[done] + limit:
                        raise _SubmissionTimeout
                    return RUNNING
                ends[done] = now
                done += 1
                if done < len(submissions):
                    started_at[done], starts[done] = utc_timestamp(), now
            return DONE

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
                    jail=jail_for(spec, submissions[0], "none", ()),
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
                    spec,
                    submission,
                    device=device,
                    profile=profile,
                    skip=skips[index],
                    timeout_s=timeout_s,
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
    suite: Path,
    spec_folder: Path,
    submission: Path,
    device: str,
    profile: str,
    workdir: Path,
    skip: str,
    events: Path | None = None,
    *,
    seed: int = 0,
) -> list[str]:
    """pytest's arguments for grading ``submission`` (after ``python -m grader.grade_child``):
    events to the file ``events`` (the trusted batch) or, without one, over the signed channel."""
    args = [
        str(suite),
        "-p", "grader.plugin", "-c", str(workdir / "pytest.ini"), "--rootdir", str(workdir),
        "-p", "no:cacheprovider", "-q", "--tb=native", "--no-header",
        "--assignment-dir", str(spec_folder), "--submission", str(submission.resolve()),
        "--device", device, "--profile", profile,
    ]  # fmt: skip
    args += ["--results", str(events)] if events is not None else ["--channel"]
    if skip:
        args += ["--skip-checks", skip]
    if seed:
        args += ["--seed", str(seed)]
    return args


def _run_grading_child(
    spec: AssignmentSpec,
    device: str,
    args: list[str],
    workdir: Path,
    log: Path,
    deadline: float,
    poll: Callable[[], str],
    jail: Jail,
    lib: Path,
    channel: Channel,
) -> Outcome:
    """Run ``python -m grader.grade_child <args>`` (pytest; with ``--parent-pid``) to its end or
    the deadline."""
    return run_child(
        python_command("grader.grade_child", args),
        workdir=workdir,
        log=log,
        memory_mb=spec.memory_mb,
        device=device,
        deadline=deadline,
        poll=poll,
        jail=jail,
        lib=lib,
        channel=channel,
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
    sandbox: str = "none",
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
        note=printable("; ".join(notes)),
        sandbox=sandbox,
        tampered=bool(state.tampered),
    )


def _check(
    cid: str, meta: dict[str, Any], result: dict[str, Any] | None, limit: float
) -> CheckResult:
    status: Status
    if result is None:
        status, message = "timeout", f"not run: the attempt hit its {limit:.0f} s limit first"
    else:
        status, message = result["status"], printable(str(result.get("message", "")))
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
        measurement=None if hidden or result is None else _measurement(result.get("measurement")),
    )


def _measurement(raw: object) -> Measurement | None:
    """A result event's measurement, or ``None`` when there is none or it is malformed."""
    if not isinstance(raw, dict):
        return None
    try:
        value, threshold = float(raw["value"]), float(raw["threshold"])
    except (KeyError, TypeError, ValueError):
        return None
    if not math.isfinite(threshold):
        return None
    return Measurement(
        name=printable(str(raw.get("name", "")))[:80],
        value=value,
        threshold=threshold,
        higher_is_better=raw.get("higher_is_better") is not False,
    )
