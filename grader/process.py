"""The one way student code is started: a supervised child process.

Both the grading runner (``python -m grader.grade_child SUITE -p grader.plugin``,
:mod:`grader.runner`) and the tools' children (``python -m grader.sample_child`` /
``grader.preview_child``, :mod:`grader.tool`) go through :func:`run_child`, which starts the
command:

- confined by a :class:`Jail`: under bubblewrap (:mod:`grader.sandbox`: read-only filesystem,
  private /tmp, no network, own PID namespace, the home, the solutions and the tracker's
  database hidden) or, with ``none``, as a plain process; either way with the scrubbed
  environment of :func:`grader.sandbox.environment` (no ``COURSE_DB``, no ``PYTHONPATH`` but
  the grader's own read-only copy, :mod:`grader.installed`), a private ``HOME`` and ``TMPDIR``
  in its working folder;
- in a working folder of the caller's (a temporary one), stdout and stderr to a log file,
  stdin closed, or carrying a :class:`grader.events.Channel`'s handshake (then the channel's
  pipe is inherited);
- in a new session, so the whole process group can be killed;
- under ``RLIMIT_AS`` = the spec's ``memory_mb`` on CPU (CUDA reserves a large address space,
  so on a GPU only the time limits apply);
- with ``--parent-pid <this pid>`` (:func:`python_command`), for the child's watchdog
  (:func:`exit_with_parent`), which ends it when this process dies;

then calls the caller's ``poll`` every 0.1 s while it runs, and kills the whole process group
past the wall-clock deadline, when ``poll`` says so, and on any way out of the call (Ctrl-C
included). Afterwards nothing the child started survives: its group is killed even when the
child itself exited, and without a sandbox this process is a child subreaper
(:func:`grader.sandbox.become_subreaper`), so descendants that left the group
(``start_new_session=True``) are re-parented here and killed too
(:func:`grader.sandbox.kill_adopted`).

Student code never runs in the calling process. This module imports nothing heavy: the
watchdog runs in the children.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from grader import sandbox
from grader.events import Channel
from grader.spec import AssignmentSpec, solutions_root

POLL_INTERVAL_S = 0.1
"""How often :func:`run_child` calls ``poll`` while the child runs, seconds."""
EXIT_GRACE_S = 5.0
"""How long a child that said it is done may take to exit by itself, seconds."""

RUNNING, DONE, STOP = "running", "done", "stop"
"""What ``poll`` tells :func:`run_child`: keep going; the child reported all it will (it gets
:data:`EXIT_GRACE_S` to exit); kill it now."""

_live: set[int] = set()
"""Pids of the children :func:`run_child` started that still run (never taken for orphans)."""

_spawning = threading.Lock()
"""Held while a child is started and added to :data:`_live`, and while orphans are swept, so
that a sweep in one thread never takes another thread's new child for an orphan."""


def python_command(module: str, args: Sequence[str]) -> list[str]:
    """``python -m <module> <args> --parent-pid <this pid>``, with this interpreter.

    The child must accept ``--parent-pid`` and call :func:`exit_with_parent` with it. This
    process's pid is passed because, by the time the child reads it, its parent may be gone.
    """
    return [sys.executable, "-m", module, *args, "--parent-pid", str(os.getpid())]


@dataclass(frozen=True)
class Jail:
    """How a child is confined (see :mod:`grader.sandbox`).

    Attributes:
        kind: ``bwrap`` (bubblewrap) or ``none`` (a plain process; the environment is still
            scrubbed).
        readable: Paths the child must read even where they lie in a hidden folder (the
            submission's folder, the data set, the assignment, the interpreter's prefixes).
        hidden: Paths the child must not see (the solutions, the tracker's database files);
            they win over ``readable``.
        env: Variables set in the child on top of the scrubbed environment (e.g. where the
            data set is: ``COURSE_DATA_DIR``).
    """

    kind: str = "none"
    readable: tuple[Path, ...] = ()
    hidden: tuple[Path, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)


def jail_for(
    spec: AssignmentSpec, submission: Path, kind: str, hidden: Sequence[Path] = ()
) -> Jail:
    """The :class:`Jail` of a child that runs ``submission`` of ``spec``.

    It may read the submission's folder (the student's helper modules), the assignment's
    folder and the data set (``COURSE_DATA_DIR`` tells it where); it must not see the reference
    solutions (unless it runs one of them: the solution is trusted) nor ``hidden`` (the
    tracker's database files).

    Args:
        spec: The assignment.
        submission: The file the child runs.
        kind: ``bwrap`` or ``none``.
        hidden: More paths to hide.
    """
    from grader.data import find_dataset

    data = find_dataset()
    readable = [submission.resolve().parent, spec.folder.resolve(), *([data] if data else [])]
    secret = [*hidden]
    solutions = solutions_root()
    if solutions is not None and not submission.resolve().is_relative_to(solutions):
        secret.append(solutions)
    env = {"COURSE_DATA_DIR": str(data)} if data else {}
    return Jail(kind, tuple(readable), tuple(secret), env)


def child_environment(
    workdir: Path, lib: Path | None = None, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The scrubbed environment of a child working in ``workdir``
    (:func:`grader.sandbox.environment`): ``HOME`` and ``TMPDIR`` are folders of ``workdir``;
    ``PYTHONPATH`` is ``lib`` (the grader's read-only copy) when given; then ``extra``."""
    home, tmp = workdir / "home", workdir / "tmp"
    home.mkdir(exist_ok=True)
    tmp.mkdir(exist_ok=True)
    extra = {**({"PYTHONPATH": str(lib)} if lib is not None else {}), **(extra or {})}
    return sandbox.environment(os.environ, home=home, tmp=tmp, extra=extra)


def interpreter_paths() -> tuple[Path, ...]:
    """What a child Python needs to read: the prefixes, the interpreter's folder and the
    ``sys.path`` entries that are installed packages (site-packages, dist-packages, or inside a
    prefix); never the script's folder or the working folder."""
    prefixes = [Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()]
    paths = [*prefixes, Path(sys.executable).resolve().parent]
    for entry in sys.path:
        path = Path(entry).resolve() if entry else None
        if path is None or not path.exists():
            continue
        installed = {"site-packages", "dist-packages"} & set(path.parts)
        if installed or any(path.is_relative_to(prefix) for prefix in prefixes):
            paths.append(path)
    return tuple(dict.fromkeys(paths))


def memory_limit(memory_mb: int, device: str) -> int | None:
    """The child's ``RLIMIT_AS`` in bytes: ``memory_mb`` MiB on ``cpu``, none on ``cuda``."""
    return memory_mb * 1024 * 1024 if device == "cpu" else None


@dataclass(frozen=True)
class Outcome:
    """How a child ended.

    Attributes:
        returncode: Its exit status; negative: killed by that signal.
        timed_out: It was killed at the deadline.
        stopped: It was killed because ``poll`` said :data:`STOP`.
        orphans: Descendants still alive after it ended, killed then.
    """

    returncode: int
    timed_out: bool
    stopped: bool = False
    orphans: int = 0


def run_child(
    argv: Sequence[str],
    *,
    workdir: Path,
    log: Path,
    memory_mb: int,
    device: str,
    deadline: float,
    poll: Callable[[], str],
    jail: Jail = Jail(),
    lib: Path | None = None,
    channel: Channel | None = None,
) -> Outcome:
    """Run ``argv`` (confined by ``jail``) to its end, the deadline or ``poll``'s stop.

    Args:
        argv: The command, e.g. from :func:`python_command`; paths in it must be absolute.
        workdir: The child's working folder (writable inside the sandbox).
        log: Where its stdout and stderr go (overwritten).
        memory_mb: Its address-space limit in MiB, applied when ``device`` is ``cpu``.
        device: ``cpu`` or ``cuda``.
        deadline: Wall-clock deadline on :func:`time.perf_counter`'s clock, seconds.
        poll: Called every 0.1 s while the child runs, and once more after it ended or was
            killed: reads what it reported so far and returns :data:`RUNNING`, :data:`DONE`
            (it reported all it will; it then gets :data:`EXIT_GRACE_S`, within the deadline,
            to exit before its group is killed, which is not counted as a time-out) or
            :data:`STOP` (kill it now).
        jail: How the child is confined.
        lib: The grader's read-only copy (:mod:`grader.installed`), the child's
            ``PYTHONPATH``.
        channel: A signed event channel: its pipe is inherited and its handshake written to
            the child's stdin; without one, stdin is ``/dev/null``.

    Returns:
        Its exit status, whether the deadline passed first or ``poll`` stopped it, and how
        many descendants outlived it.

    Raises:
        OSError: the command could not be started.
    """
    limit = memory_limit(memory_mb, device)
    env = child_environment(workdir, lib, jail.env)
    command = list(argv)
    if jail.kind == "bwrap":
        # the sandbox's --die-with-parent ends the child with this process; inside its PID
        # namespace the child's parent pid is not this one, so its watchdog is switched off
        if "--parent-pid" in command[:-1]:
            command[command.index("--parent-pid") + 1] = "0"
        readable = (*interpreter_paths(), *jail.readable, *([lib] if lib else []))
        command = sandbox.bwrap_command(
            command, workdir=workdir, readable=readable, hidden=jail.hidden, env=env, device=device
        )
    else:
        sandbox.become_subreaper()
    known = sandbox.children() | _live
    with log.open("wb") as out:
        with _spawning:  # no other thread's orphan sweep runs between the fork and the add
            proc = subprocess.Popen(
                command,
                cwd=workdir,
                stdin=subprocess.PIPE if channel else subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                pass_fds=(channel.child_fd,) if channel else (),
                preexec_fn=(lambda: limit_memory(limit)) if limit else None,
            )
            _live.add(proc.pid)
        timed_out = reported = stopped = False
        try:
            if channel is not None:
                os.close(channel.child_fd)
                assert proc.stdin is not None
                with contextlib.suppress(BrokenPipeError):
                    proc.stdin.write(channel.handshake)
                    proc.stdin.close()
            while proc.poll() is None:
                action = poll()
                if action == DONE:
                    reported = True
                    break
                if action == STOP:
                    stopped = True
                    break
                if time.perf_counter() > deadline:
                    timed_out = True
                    break
                time.sleep(POLL_INTERVAL_S)
            if reported:
                grace = min(EXIT_GRACE_S, max(0.0, deadline - time.perf_counter()))
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=grace)
        finally:  # deadline, Ctrl-C or any error here: never leave the child running
            kill_group(proc)
            proc.wait()
            _live.discard(proc.pid)
            orphans = []
            if jail.kind != "bwrap":
                # other threads' children (a cohort's workers) started since are not orphans
                with _spawning:
                    orphans = sandbox.kill_adopted(known | _live, settle_s=0.05)
    poll()
    return Outcome(proc.returncode, timed_out, stopped, len(orphans))


def limit_memory(limit: int) -> None:
    """Cap this process's address space (``RLIMIT_AS``) at ``limit`` bytes, when allowed.

    Meant as a ``preexec_fn``: it runs in the child between fork and exec.
    """
    import resource

    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group of ``proc`` (started with ``start_new_session=True``), even
    when ``proc`` itself has exited: what it left in its group dies too."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def death_reason(code: int) -> str:
    """How a child process ended, from its return code: ``exited with code 3``, ``was killed
    by SIGSEGV``."""
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def exit_with_parent(parent: int, interval_s: float = 1.0) -> None:
    """In a child: end this process (exit status 3) when ``parent`` is no longer its parent.

    The child runs in its own session (so its whole group can be killed), which also means a
    killed or crashed parent would leave it running; this watchdog thread prevents that.

    Args:
        parent: The pid the parent passed with ``--parent-pid``; 0: no watchdog (a sandbox
            that ends the child with its parent).
        interval_s: How often to look, seconds.
    """

    if parent == 0:  # the sandbox ends the child with its parent (see run_child)
        return

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(3)
            time.sleep(interval_s)

    threading.Thread(target=watch, name="course-parent-watchdog", daemon=True).start()


def exit_child(status: int) -> NoReturn:
    """In a child: flush stdout and stderr and end the process at once with ``status``.

    By then the child has written and closed what it reports. ``os._exit`` skips the
    interpreter's teardown (0.1-1 s of CPU once torch is loaded, more once ``torch._dynamo``
    is) and does not wait for threads or run atexit handlers the student's code left behind.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
