"""The one way student code is started: a supervised child process.

Both the grading runner (``python -m pytest SUITE -p grader.plugin``, :mod:`grader.runner`) and
the tools' children (``python -m grader.sample_child`` / ``grader.preview_child``,
:mod:`grader.tool`) go through :func:`run_child`, which starts the command:

- through :func:`sandbox`, the one place where a sandbox will wrap the command line;
- in a working folder of the caller's (a temporary one), stdin closed, stdout and stderr to a
  log file;
- with the environment of :func:`child_environment` (no ``PYTEST_*`` variables, no bytecode
  written, no pytest plugins auto-loaded);
- in a new session, so the whole process group can be killed;
- under ``RLIMIT_AS`` = the spec's ``memory_mb`` on CPU (CUDA reserves a large address space,
  so on a GPU only the time limits apply);
- with ``--parent-pid <this pid>`` (:func:`python_command`), for the child's watchdog
  (:func:`exit_with_parent`), which ends it when this process dies;

then calls the caller's ``poll`` every 0.1 s while it runs, and kills the whole process group
past the wall-clock deadline, and on any way out of the call (Ctrl-C included).

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

POLL_INTERVAL_S = 0.1
"""How often :func:`run_child` calls ``poll`` while the child runs, seconds."""
EXIT_GRACE_S = 5.0
"""How long a child that said it is done may take to exit by itself, seconds."""


def python_command(module: str, args: Sequence[str]) -> list[str]:
    """``python -m <module> <args> --parent-pid <this pid>``, with this interpreter.

    The child must accept ``--parent-pid`` and call :func:`exit_with_parent` with it. This
    process's pid is passed because, by the time the child reads it, its parent may be gone.
    """
    return [sys.executable, "-m", module, *args, "--parent-pid", str(os.getpid())]


def sandbox(argv: Sequence[str]) -> list[str]:
    """The command line that actually runs, for the child's command ``argv``.

    The one place a sandbox (bubblewrap: read-only filesystem, no network, private /tmp) will
    wrap the command. None yet: the command is returned as it is.
    """
    return list(argv)


def child_environment() -> dict[str, str]:
    """This process's environment for a child: without ``PYTEST_*`` variables (the caller may
    itself run under pytest), with ``PYTHONDONTWRITEBYTECODE=1`` (no ``__pycache__`` beside
    the student's file) and ``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1`` (the user's pytest plugins do
    not load in the grading child)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    return env


def memory_limit(memory_mb: int, device: str) -> int | None:
    """The child's ``RLIMIT_AS`` in bytes: ``memory_mb`` MiB on ``cpu``, none on ``cuda``."""
    return memory_mb * 1024 * 1024 if device == "cpu" else None


@dataclass(frozen=True)
class Outcome:
    """How a child ended.

    Attributes:
        returncode: Its exit status; negative: killed by that signal.
        timed_out: It was killed at the deadline.
    """

    returncode: int
    timed_out: bool


def run_child(
    argv: Sequence[str],
    *,
    workdir: Path,
    log: Path,
    memory_mb: int,
    device: str,
    deadline: float,
    poll: Callable[[], bool],
) -> Outcome:
    """Run ``argv`` (through :func:`sandbox`) to its end or the deadline.

    Args:
        argv: The command, e.g. from :func:`python_command`; paths in it must be absolute.
        workdir: The child's working folder.
        log: Where its stdout and stderr go (overwritten).
        memory_mb: Its address-space limit in MiB, applied when ``device`` is ``cpu``.
        device: ``cpu`` or ``cuda``.
        deadline: Wall-clock deadline on :func:`time.perf_counter`'s clock, seconds.
        poll: Called every 0.1 s while the child runs, and once more after it ended or was
            killed: reads what it reported so far. Returning ``True`` means it reported all it
            will; it then gets :data:`EXIT_GRACE_S` (within the deadline) to exit before its
            group is killed, which is not counted as a time-out.

    Returns:
        Its exit status, and whether the deadline passed first.

    Raises:
        OSError: the command could not be started.
    """
    limit = memory_limit(memory_mb, device)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            sandbox(argv),
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=child_environment(),
            start_new_session=True,
            preexec_fn=(lambda: limit_memory(limit)) if limit else None,
        )
        timed_out = reported = False
        try:
            while proc.poll() is None:
                if poll():
                    reported = True
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
            if proc.poll() is None:
                kill_group(proc)
            proc.wait()
    poll()
    return Outcome(proc.returncode, timed_out)


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
        parent: The pid the parent passed with ``--parent-pid``.
        interval_s: How often to look, seconds.
    """

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(3)
            time.sleep(interval_s)

    threading.Thread(target=watch, name="course-parent-watchdog", daemon=True).start()
