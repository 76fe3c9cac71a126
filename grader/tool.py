"""The skeleton both tools share: a child that runs a student's file and draws one PNG.

``course aae samples`` (:mod:`grader.samples` / :mod:`grader.sample_child`) and ``course
augment preview`` (:mod:`grader.preview` / :mod:`grader.preview_child`) are each a parent, which
checks its arguments and calls :func:`run_tool`, and a child module, whose ``main`` is
:func:`tool_main` around the tool's own ``run``.

Parent side, :func:`run_tool`: the submission must exist; the PNG goes to a temporary file
beside ``--out`` that replaces it only when all went well
(:func:`core.files.atomic_output`); the child
``python -m <module> <args> --submission ... --out ... --channel --parent-pid ...`` runs
under :func:`grader.process.run_child` (own session, sandbox, scrubbed environment, the
grader's read-only copy, ``RLIMIT_AS`` on CPU, watchdog, deadline that kills its process group)
in a temporary folder that also holds its log (stdout and stderr) and the picture it draws.
The child reads a signed channel's handshake from stdin (:func:`grader.events.open_channel`)
before it imports the student's file; its events are the tool vocabulary of
:mod:`grader.events` (``--events FILE`` writes them to a file instead, for tests):

- ``{"event": "progress", "step": s, "total": t}``: progress of a long stage (training),
  passed to ``on_progress(step, total)``;
- ``{"event": "stage", "name": ...}``: the child began a stage, so a timeout message can say
  where it hung;
- ``{"event": "done", ..., "width": w, "height": h}``: finished; the picture is written;
- ``{"event": "error", "message": ..., "kind": "submission" | "data"}``: the student's code
  failed (the message names the exception and the line of the student's file) or the data set
  is missing.

When the child dies without reporting, the error quotes its log's last lines.

Child side: :func:`tool_main` parses the command line (the tool's arguments and the common
ones), starts the watchdog, runs the tool and reports ``done`` or ``error``; :func:`stage` and
:func:`load_submission` turn failures of the student's code into :class:`Failure` with
:func:`grader.student.describe`'s message. Nothing here imports torch.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import DataError, SubmissionError, UsageError
from core.files import atomic_output
from grader.events import (
    TOOL,
    EventWriter,
    ProgressCallback,
    SignedWriter,
    Writer,
    open_channel,
    read_handshake,
)
from grader.installed import make_copy, remove_copy
from grader.process import (
    DONE,
    RUNNING,
    Jail,
    death_reason,
    exit_with_parent,
    python_command,
    run_child,
)
from grader.student import SubmissionImportError, describe, import_submission

if TYPE_CHECKING:
    import types

    from PIL import Image

_LOG_TAIL_LINES = 5
_LOG_TAIL_CHARS = 600


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

    def apply(self, event: dict[str, Any], on_progress: ProgressCallback | None) -> bool:
        """Take in one event; ``True`` when it is the child's report (``done`` or ``error``)."""
        kind = event["event"]
        if kind == "progress":
            self.started = True
            self.step, self.total = int(event["step"]), int(event["total"])
            if on_progress is not None:
                on_progress(self.step, self.total)
        elif kind == "stage":
            self.stage = str(event.get("name", ""))
        return kind in ("done", "error")


def run_tool(
    module: str,
    args: Sequence[str],
    *,
    submission: Path,
    out: Path,
    memory_mb: int,
    device: str,
    limit_s: float,
    timeout_message: Callable[[ChildProgress], str],
    process: str,
    on_progress: ProgressCallback | None = None,
    jail: Jail | None = None,
) -> dict[str, Any]:
    """Run the tool's child on ``submission`` to its report, death or deadline.

    Args:
        module: The child's module, e.g. ``grader.sample_child`` (its ``main`` is
            :func:`tool_main`).
        args: The tool's own arguments; paths in them must be absolute (the child runs in a
            temporary folder).
        submission: The student's file.
        out: Where the PNG goes; its folder must exist.
        memory_mb: ``RLIMIT_AS`` of the child in MiB, applied when ``device`` is ``cpu``.
        device: ``cpu`` or ``cuda``.
        limit_s: Wall-clock limit of the whole child, seconds (> 0).
        timeout_message: Builds the error message when the deadline passes, from how far the
            child got.
        process: How the child is named when it dies without reporting, e.g. ``the sampling
            process`` (``the sampling process exited with code 3 (...)``).
        on_progress: Called in this process as ``on_progress(step, total)`` for each
            ``progress`` event.
        jail: How the child is confined (:func:`grader.process.jail_for`); a plain process
            with the scrubbed environment by default.

    Returns:
        The ``done`` event, ``event`` key included; ``out`` is written.

    Raises:
        UsageError: the submission file does not exist, ``out``'s folder is missing or not
            writable, or ``out`` is a folder.
        SubmissionError: the child reported an error of the student's code, died without a
            report (the message quotes its log's last lines) or ran past the deadline (the
            message is ``timeout_message``'s).
        DataError: the child reported that the data set is missing.
    """
    if not submission.is_file():
        raise UsageError("submission file not found", str(submission), "check the path")
    with atomic_output(out) as tmp_png, tempfile.TemporaryDirectory(prefix="course-child-") as tmp:
        workdir = Path(tmp) / "work"
        workdir.mkdir()
        log = workdir / "child.log"
        copy = make_copy(Path(tmp) / "lib")
        command = python_command(
            module,
            [
                *args,
                "--submission", str(submission.resolve()),
                "--out", str(workdir / "out.png"),
                "--channel",
            ],
        )  # fmt: skip
        progress = ChildProgress()
        report: dict[str, Any] | None = None
        channel = open_channel()
        reader = channel.reader
        try:

            def poll() -> str:
                nonlocal report
                while report is None and (found := reader.read()):
                    for event in found:
                        if progress.apply(event, on_progress):
                            report = event
                            break
                return RUNNING if report is None else DONE

            try:
                outcome = run_child(
                    command,
                    workdir=workdir,
                    log=log,
                    memory_mb=memory_mb,
                    device=device,
                    deadline=time.perf_counter() + limit_s,
                    poll=poll,
                    jail=jail or Jail(),
                    lib=copy.root,
                    channel=channel,
                )
            finally:
                changes = copy.changes()
                remove_copy(copy.root)
        finally:
            reader.close()
        if reader.problem is not None:
            raise SubmissionError(f"{process}'s report was tampered with: {reader.problem}")
        if changes:
            raise SubmissionError(
                "your code changed the grader's files, which is tampering: " + ", ".join(changes)
            )
        if report is not None and report["event"] == "error":
            message = str(report.get("message", ""))
            if report.get("kind") == "data":
                raise DataError(message)
            raise SubmissionError(message)
        if report is not None:
            # drawn in the child's own folder (the only one it may write in a sandbox)
            shutil.copyfile(workdir / "out.png", tmp_png)
            return report
        if outcome.timed_out:
            raise SubmissionError(timeout_message(progress))
        raise SubmissionError(
            f"{process} {death_reason(outcome.returncode)} ({_log_tail(log)}): look for os._exit "
            "in your code; otherwise it crashed in native code or ran out of memory"
        )


def _log_tail(log: Path) -> str:
    """``last output: <its last 5 non-blank lines joined by |, at most 600 characters>``."""
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


@contextmanager
def stage(name: str, submission: Path) -> Iterator[None]:
    """Turn any exception raised in the block into a :class:`Failure` describing it
    (:func:`grader.student.describe` with ``stage=name``)."""
    try:
        yield
    except Failure:
        raise
    except BaseException as exc:
        raise Failure(describe(exc, submission, stage=name)) from None


def load_submission(path: Path) -> types.ModuleType:
    """Import the student's file (:func:`grader.student.import_submission`).

    Raises:
        Failure: it is missing, has a syntax error, or raised or exited while imported.
    """
    try:
        return import_submission(path)
    except SubmissionImportError as exc:
        raise Failure(str(exc)) from None


ToolRun = Callable[[argparse.Namespace, Writer], "tuple[Image.Image, dict[str, Any]]"]
"""A tool's work in the child: ``run(args, events)`` returns the picture and the ``done``
event's other fields (JSON-serialisable); it raises :class:`Failure` for an ``error`` event."""


def tool_main(
    module: str,
    description: str | None,
    add_arguments: Callable[[argparse.ArgumentParser], None],
    run: ToolRun,
    argv: list[str] | None = None,
) -> int:
    """The child's ``main``: parse, start the watchdog, run, save the PNG and report.

    Args:
        module: The child's module, for ``--help``.
        description: Its ``--help`` text.
        add_arguments: Adds the tool's own arguments; the common ones (``--submission``,
            ``--out``, ``--events FILE`` or ``--channel``, ``--parent-pid``) are added here.
        run: The tool's work (:data:`ToolRun`).
        argv: Arguments instead of ``sys.argv[1:]``.

    Returns:
        The exit status: 0 ``done`` reported, 1 ``error`` reported.
    """
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=description)
    parser.add_argument("--submission", required=True, help="path of the student's file")
    add_arguments(parser)
    parser.add_argument("--out", required=True, help="where the PNG goes")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--events", help="the JSON-lines events file (for tests)")
    where.add_argument(
        "--channel", action="store_true", help="a signed channel's handshake arrives on stdin"
    )
    parser.add_argument("--parent-pid", type=int, help="exit when this is no longer the parent")
    args = parser.parse_args(argv)
    if args.parent_pid:
        exit_with_parent(args.parent_pid)
    events: Writer
    if args.channel:  # before the student's file is imported
        events = SignedWriter.from_handshake(read_handshake(), TOOL)
    else:
        events = EventWriter(Path(args.events), TOOL)
    try:
        image, done = run(args, events)
    except Failure as failure:
        events.emit("error", message=failure.message, kind=failure.kind)
        return 1
    image.save(args.out, format="PNG")
    events.emit("done", **done, width=image.width, height=image.height)
    return 0
