"""Run student code in a child process that reports JSON lines: both sides of the protocol.

The tools that run a student's code outside grading (``course aae samples``, ``course augment
preview``) start ``python -m <module> ...`` with :func:`run_json_child`, the way
:mod:`grader.runner` starts the grading process: a temporary working folder, stdin closed, its
own session, ``RLIMIT_AS`` = the spec's ``memory_mb`` on CPU, ``--parent-pid`` for a watchdog
that ends it when the caller dies, ``PYTHONDONTWRITEBYTECODE=1``, and a wall-clock deadline
after which its whole process group is killed. Student code never runs in the calling process.

The child reports JSON objects, one a line, on the stdout it was started with:

- ``{"event": "progress", "step": s, "total": t}``: progress of a long stage (training), passed
  to the caller's ``on_progress(step, total)``;
- ``{"event": "stage", "name": ...}``: the child began a stage (e.g. ``build``), so a timeout
  message can say where it hung;
- ``{"event": "done", ...}``: finished; the other fields are the tool's result;
- ``{"event": "error", "message": ..., "kind": "submission" | "data"}``: the student's code
  failed (the message names the exception and the line of the student's file) or the data set
  is missing.

Its stderr (and anything the student's code prints) goes to a log file in the temporary folder;
the log's last lines are quoted when the child dies without reporting.

The child side (the second half of this module) keeps the original stdout for events
(:func:`claim_stdout`), turns every exception of student code into one ``error`` event whose
message names the deepest line of the student's file (:func:`stage`, :func:`describe`) and
wraps a tool's ``run`` in :func:`child_main`. These helpers import nothing heavy; torch is
imported by the tools' child modules only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NoReturn

from core.errors import DataError, SubmissionError, UsageError
from grader.runner import death_reason, kill_group, limit_memory

ProgressCallback = Callable[[int, int], None]
"""``on_progress(step, total)``: progress of a long stage, step 0 when it starts."""

_LOG_TAIL_LINES = 5
_LOG_TAIL_CHARS = 600
_EXIT_GRACE_S = 5.0
_MESSAGE_LIMIT = 400
_PROGRESS_INTERVAL_S = 0.2


# --- parent side ------------------------------------------------------------------------------


@dataclass
class ChildProgress:
    """How far the child got, from its events; what a timeout message is built from.

    Attributes:
        started: A ``progress`` event arrived.
        step: The last ``progress`` event's step.
        total: The last ``progress`` event's total.
        stage: The last ``stage`` event's name; ``""`` before any.
    """

    started: bool = False
    step: int = 0
    total: int = 0
    stage: str = ""


def run_json_child(
    module: str,
    args: Sequence[str],
    *,
    memory_mb: int,
    device: str,
    limit_s: float,
    timeout_message: Callable[[ChildProgress], str],
    process: str,
    on_progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Run ``python -m <module> <args> --parent-pid <pid>`` to its report, death or deadline.

    Args:
        module: The child's module, e.g. ``grader.sample_child``; it must accept
            ``--parent-pid`` (see :func:`child_main`).
        args: Its other arguments; paths in them must be absolute (it runs in a temporary
            folder).
        memory_mb: ``RLIMIT_AS`` of the child in MiB, applied when ``device`` is ``cpu``.
        device: ``cpu`` or ``cuda``.
        limit_s: Wall-clock limit of the whole child, seconds (> 0).
        timeout_message: Builds the error message when the deadline passes, from how far the
            child got.
        process: How the child is named in the message when it dies without reporting, e.g.
            ``the sampling process`` (``the sampling process exited with code 3 (...)``).
        on_progress: Called in this process as ``on_progress(step, total)`` for each
            ``progress`` event.

    Returns:
        The ``done`` event, ``event`` key included.

    Raises:
        SubmissionError: the child reported an error of the student's code, died without a
            report (the message quotes its log's last lines) or ran past the deadline (the
            message is ``timeout_message``'s).
        DataError: the child reported that the data set is missing.
    """
    with tempfile.TemporaryDirectory(prefix="course-child-") as tmp:
        workdir = Path(tmp)
        command = [
            sys.executable, "-m", module, *args, "--parent-pid", str(os.getpid()),
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env.update(PYTHONDONTWRITEBYTECODE="1")
        memory = memory_mb * 1024 * 1024 if device == "cpu" else None
        log = workdir / "child.log"
        deadline = time.perf_counter() + limit_s
        progress = ChildProgress()
        report: dict[str, Any] | None = None
        timed_out = False
        with log.open("wb") as err:
            proc = subprocess.Popen(
                command,
                cwd=workdir,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=err,
                env=env,
                start_new_session=True,
                preexec_fn=(lambda: limit_memory(memory)) if memory else None,
            )
            try:
                assert proc.stdout is not None
                lines = _read_lines(proc.stdout)
                while report is None:
                    remaining = deadline - time.perf_counter()
                    if remaining <= 0:
                        timed_out = True
                        break
                    try:
                        line = lines.get(timeout=min(remaining, 0.1))
                    except queue.Empty:
                        continue
                    if line is None:  # the child closed its stdout: it ended
                        break
                    report = _handle(line, progress, on_progress)
                if report is not None:  # it reported; give it a moment to exit by itself
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(
                            timeout=min(_EXIT_GRACE_S, max(0.0, deadline - time.perf_counter()))
                        )
            finally:  # deadline, Ctrl-C or any error here: never leave the child running
                if proc.poll() is None:
                    kill_group(proc)
                proc.wait()
        tail = _log_tail(log)
    if report is not None and report["event"] == "error":
        message = str(report.get("message", ""))
        if report.get("kind") == "data":
            raise DataError(message)
        raise SubmissionError(message)
    if report is not None:
        return report
    if timed_out:
        raise SubmissionError(timeout_message(progress))
    raise SubmissionError(
        f"{process} {death_reason(proc.returncode)} ({tail}): look for os._exit in your code; "
        "otherwise it crashed in native code or ran out of memory"
    )


@contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """A temporary file beside ``out`` that replaces ``out`` when the block ends without error.

    The file is made (empty) in ``out``'s folder, so the final ``os.replace`` never crosses
    file systems; an error in the block leaves any earlier ``out`` as it was and removes the
    temporary file.

    Raises:
        UsageError: ``out``'s folder is missing or not writable, or ``out`` is a folder.
    """
    folder = out.parent
    if not folder.is_dir():
        raise UsageError(
            "the folder to write the picture in does not exist",
            str(folder),
            "make it first, or pass another --out",
        )
    if out.is_dir():
        raise UsageError("--out is a folder, not a file", str(out), "pass a file name, e.g. x.png")
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError("cannot write in the folder", str(folder), str(exc)) from exc
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _read_lines(stream: IO[bytes]) -> queue.Queue[bytes | None]:
    """Lines of ``stream`` as a thread reads them; ``None`` at the end."""
    lines: queue.Queue[bytes | None] = queue.Queue()

    def pump() -> None:
        try:
            for line in stream:
                lines.put(line)
        finally:
            lines.put(None)

    threading.Thread(target=pump, name="course-child-reader", daemon=True).start()
    return lines


def _handle(
    line: bytes, progress: ChildProgress, on_progress: ProgressCallback | None
) -> dict[str, Any] | None:
    """Apply one line of the child's stdout; the event when it is ``done`` or ``error``."""
    try:
        event = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(event, dict):
        return None
    kind = event.get("event")
    if kind == "progress":
        progress.started = True
        progress.step, progress.total = int(event["step"]), int(event["total"])
        if on_progress is not None:
            on_progress(progress.step, progress.total)
        return None
    if kind == "stage":
        progress.stage = str(event.get("name", ""))
        return None
    if kind in ("done", "error"):
        return event
    return None


def _log_tail(log: Path) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "it wrote nothing"
    tail = " | ".join(lines[-_LOG_TAIL_LINES:])
    if len(tail) > _LOG_TAIL_CHARS:
        tail = "\u2026" + tail[-(_LOG_TAIL_CHARS - 1) :]
    return f"last output: {tail}"


# --- child side -------------------------------------------------------------------------------


class Failure(Exception):
    """Ends the child with an ``error`` event.

    Args:
        message: What the student is shown.
        kind: ``submission`` (their code) or ``data`` (the data set is missing).
    """

    def __init__(self, message: str, kind: str = "submission") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


class Events:
    """Writes JSON events, one a line, flushed at once, to ``stream``."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def emit(self, event: str, **fields: Any) -> None:
        """Write ``{"event": event, **fields}`` as one line."""
        self._stream.write(json.dumps({"event": event, **fields}) + "\n")
        self._stream.flush()


def claim_stdout() -> Events:
    """Keep the original stdout for events and point fd 1 (and ``sys.stdout``) at stderr."""
    sys.stdout.flush()
    events_fd = os.dup(1)  # not inherited by processes the student's code may start
    os.dup2(2, 1)
    return Events(os.fdopen(events_fd, "w", encoding="utf-8"))


def where(tb: types.TracebackType | None, submission: Path) -> str:
    """`` (aae.py, line 42, in forward)`` for the deepest frame of ``tb`` in ``submission``,
    else ``""``."""
    target = os.path.realpath(submission)
    for frame in reversed(traceback.extract_tb(tb)):
        if os.path.realpath(frame.filename) == target:
            return f" ({submission.name}, line {frame.lineno}, in {frame.name})"
    return ""


def describe(exc: BaseException, submission: Path, stage: str) -> str:
    """The student-facing message of an exception raised while ``stage`` ran.

    ``not implemented yet: <text> (aae.py, line N, in f)`` for a ``NotImplementedError``
    from their file, ``your code called sys.exit(3) (...)``, ``your code raised
    ValueError: <text> (...)``; an exception raised outside their file (e.g. by
    :func:`grader.generative.train_aae` about what ``train_step`` returned) reads
    ``<stage> failed: TypeError: <text>``. At most 400 characters, first line of the text only.
    """
    location = where(exc.__traceback__, submission)
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else ""
    name = type(exc).__name__
    if isinstance(exc, SystemExit):
        message = f"your code called sys.exit({exc.code!r}){location}"
    elif location and isinstance(exc, NotImplementedError):
        message = f"not implemented yet{': ' + text if text else ''}{location}"
    elif location:
        message = f"your code raised {name}{': ' + text if text else ''}{location}"
    else:
        message = f"{stage} failed: {name}{': ' + text if text else ''}"
    if len(message) > _MESSAGE_LIMIT:
        message = message[: _MESSAGE_LIMIT - 1] + "\u2026"
    return message


@contextmanager
def stage(name: str, submission: Path) -> Iterator[None]:
    """Turn any exception raised in the block into a :class:`Failure` describing it."""
    try:
        yield
    except Failure:
        raise
    except BaseException as exc:
        raise Failure(describe(exc, submission, name)) from None


def progress_reporter(events: Events) -> ProgressCallback:
    """``on_step(step, total)`` that emits ``progress`` at most 5 times a second, and the last."""
    last = -math.inf

    def report(step: int, total: int) -> None:
        nonlocal last
        now = time.perf_counter()
        if step == total or now - last >= _PROGRESS_INTERVAL_S:
            last = now
            events.emit("progress", step=step, total=total)

    return report


def child_main(
    parser: argparse.ArgumentParser,
    run: Callable[[argparse.Namespace, Events], dict[str, Any]],
    argv: list[str] | None = None,
) -> int:
    """Parse the command line, claim stdout, start the watchdog, run and report.

    Args:
        parser: The child's command line; it must define ``--parent-pid`` (an int, or
            ``None``: no watchdog).
        run: Does the work and returns the ``done`` event's fields (JSON-serialisable); raises
            :class:`Failure` for an ``error`` event.
        argv: Arguments instead of ``sys.argv[1:]``.

    Returns:
        The exit status: 0 ``done`` reported, 1 ``error`` reported.
    """
    args = parser.parse_args(argv)
    events = claim_stdout()
    if args.parent_pid:
        from grader.plugin import exit_with_parent

        exit_with_parent(args.parent_pid)
    try:
        done = run(args, events)
    except Failure as failure:
        events.emit("error", message=failure.message, kind=failure.kind)
        return 1
    events.emit("done", **done)
    return 0


def exit_child(status: int) -> NoReturn:
    """Flush stdout and stderr and end the process at once with ``status``.

    ``os._exit`` does not wait for threads the student's code may have left running.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
