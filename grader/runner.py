"""Grade a submission in a child process: ``python -m pytest SUITE -p grader.plugin``.

Student code never runs in the caller's process. The child appends JSON events to a results
file (see :mod:`grader.plugin`); this module follows that file while the child runs, reports
progress through a callback, enforces the attempt's wall-clock limit (the whole process group
is killed) and, when the child dies in the middle of a check (``os._exit``, a segfault, the
memory limit), records that check as an error and starts a new child for the checks left.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.clock import utc_timestamp
from core.errors import DataError, EnvironmentProblem, UsageError
from grader.results import CheckResult, GradeReport, Status
from grader.spec import AssignmentSpec

MAX_RESTARTS = 3
_POLL_S = 0.1


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
    meta: dict[str, dict[str, Any]]
    results: dict[str, dict[str, Any]]
    running: str | None = None
    environment: str | None = None


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
    state = _Attempt(meta={}, results={})
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        workdir = Path(tmp)
        (workdir / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        for attempt in range(MAX_RESTARTS + 1):
            events = workdir / f"events-{attempt}.jsonl"
            log = workdir / f"child-{attempt}.log"
            skipped = ",".join([*skip, *state.results])
            code, timed_out = _run_child(
                spec,
                submission,
                device,
                profile,
                events,
                log,
                workdir,
                skipped,
                deadline,
                state,
                on_event,
            )
            running = state.running
            if timed_out:
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
            reason = death_reason(code)
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
    checks = [_check(cid, meta, state.results.get(cid), limit) for cid, meta in state.meta.items()]
    return GradeReport(
        assignment=spec.name,
        score=sum(c.points for c in checks),
        max_score=sum(c.max_points for c in checks),
        device=device,
        profile=profile,
        duration_s=time.perf_counter() - start,
        checks=checks,
        submission=str(submission.resolve()),
        submission_sha256=digest,
        started_at=started_at,
        note="; ".join(notes),
    )


def _run_child(
    spec: AssignmentSpec,
    submission: Path,
    device: str,
    profile: str,
    events: Path,
    log: Path,
    workdir: Path,
    skip: str,
    deadline: float,
    state: _Attempt,
    on_event: EventCallback | None,
) -> tuple[int, bool]:
    """Run one child to its end or the deadline; returns (exit code, timed out)."""
    events.touch()
    command = [
        sys.executable, "-m", "pytest", str(spec.suite),
        "-p", "grader.plugin", "-c", str(workdir / "pytest.ini"), "--rootdir", str(workdir),
        "-p", "no:cacheprovider", "-q", "--tb=short", "--no-header",
        "--assignment-dir", str(spec.folder), "--submission", str(submission.resolve()),
        "--device", device, "--profile", profile, "--results", str(events),
        "--parent-pid", str(os.getpid()),
    ]  # fmt: skip
    if skip:
        command += ["--skip-checks", skip]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    memory = spec.memory_mb * 1024 * 1024 if device == "cpu" else None
    with log.open("wb") as out, events.open("r", encoding="utf-8") as reader:
        proc = subprocess.Popen(
            command,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            preexec_fn=(lambda: limit_memory(memory)) if memory else None,
        )
        timed_out = False
        try:
            while proc.poll() is None:
                _follow(reader, state, on_event)
                if time.perf_counter() > deadline:
                    timed_out = True
                    break
                time.sleep(_POLL_S)
        finally:  # deadline, Ctrl-C or any error here: never leave the child running
            if proc.poll() is None:
                kill_group(proc)
            proc.wait()
        _follow(reader, state, on_event)
    return proc.returncode, timed_out


def limit_memory(limit: int) -> None:
    """Cap this process's address space (``RLIMIT_AS``) at ``limit`` bytes, when allowed.

    Meant as a ``preexec_fn``: it runs in the child between fork and exec.
    """
    import resource

    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group of ``proc`` (started with ``start_new_session=True``)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _follow(reader: Any, state: _Attempt, on_event: EventCallback | None) -> None:
    """Apply every complete event line written since the last call."""
    while True:
        position = reader.tell()
        line = reader.readline()
        if not line.endswith("\n"):
            reader.seek(position)
            return
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        kind = event.get("event")
        if kind == "collected":
            for meta in event["checks"]:
                state.meta.setdefault(meta["id"], meta)
            continue
        if kind == "environment":
            state.environment = str(event.get("message", ""))
            continue
        cid = str(event.get("id", ""))
        title = str(state.meta.get(cid, {}).get("title", cid))
        if kind == "start":
            state.running = cid
            out = Event("start", cid, title)
        elif kind == "progress":
            out = Event("progress", cid, title, step=int(event["step"]), total=int(event["total"]))
        elif kind == "result":
            state.results[cid] = event
            state.running = None
            out = Event("result", cid, title, status=str(event["status"]))
        else:
            continue
        if on_event is not None:
            on_event(out)


def death_reason(code: int) -> str:
    """How a child process ended, from its return code: ``exited with code 3``, ``was killed
    by SIGSEGV``."""
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


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
