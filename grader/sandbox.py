"""The sandbox student code runs in: bubblewrap when it works, and descendant cleanup without it.

A grading child (``python -m grader.grade_child SUITE -p grader.plugin ...``, started by
:func:`grader.process.run_child`) runs a student's untrusted file. This module builds what keeps
that file away from the rest of the machine:

- :func:`resolve` turns ``--sandbox auto|bwrap|none`` into a :class:`Sandbox`, probing
  bubblewrap once per process (:func:`bwrap_problem`);
- :func:`environment` is the scrubbed environment of the child (an allowlist, no secrets);
- :func:`bwrap_command` is the bubblewrap command line: read-only filesystem, the home and the
  solutions hidden, a private ``/tmp``, no network, its own PID namespace;
- :func:`become_subreaper`, :func:`children` and :func:`kill_adopted` find and end the
  descendants that escaped the child's process group when there is no sandbox.

With bubblewrap, the child runs in its own PID namespace: when the namespace's init (bwrap's
pid 1) dies, the kernel kills every process left in it, whatever session or group it put itself
in. Without it, a grandchild started with ``start_new_session=True`` escapes
:func:`grader.process.kill_group`; once this process is a child subreaper, such orphans are
re-parented to it (not to PID 1), so :func:`kill_adopted` can still find and end them.

Environment:
    ``COURSE_SANDBOX_PROBE=fail`` makes :func:`bwrap_problem` report bubblewrap as unusable
    (reason ``"COURSE_SANDBOX_PROBE=fail"``) without running it; for tests, and to check the
    fallback on a machine where bubblewrap works. Call ``bwrap_problem.cache_clear()`` after
    changing it within a process.

This module imports only the standard library and :mod:`core.errors`, and never prints.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import glob
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from core.errors import EnvironmentProblem, UsageError

MODES = ("auto", "bwrap", "none")
"""The values of ``--sandbox``."""

PROBE_ENV = "COURSE_SANDBOX_PROBE"
"""Set to ``fail`` to make :func:`bwrap_problem` report bubblewrap as unusable."""

PROBE_TIMEOUT_S = 10.0
"""How long the bubblewrap probe may take, seconds."""

NAMESPACE_FLAGS = (
    "--unshare-all",
    "--die-with-parent",
    "--new-session",
    "--cap-drop",
    "ALL",
)
"""The bwrap flags that isolate the child, shared by the probe and :func:`bwrap_command`.

``--unshare-all``: new user (when possible), mount, PID, IPC, UTS, cgroup and network
namespaces, so no network but loopback. ``--die-with-parent``: the sandbox ends when the process
that started bwrap dies. ``--new-session``: its own session, so it cannot push keystrokes into
the caller's terminal (``TIOCSTI``). ``--cap-drop ALL``: bwrap 0.8.0 accepts it run as root, and
without it a root caller's child keeps every capability (enough to remount ``/`` read-write).
"""

PR_SET_CHILD_SUBREAPER = 36
"""``prctl`` option, from ``<linux/prctl.h>``."""

ALLOWED_ENV = frozenset(
    {
        "PATH",
        "LANG",
        "LANGUAGE",
        "TZ",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "CUDA_VISIBLE_DEVICES",
        "CUDA_DEVICE_ORDER",
        "NVIDIA_VISIBLE_DEVICES",
        "LD_LIBRARY_PATH",
        "VIRTUAL_ENV",
        "CUBLAS_WORKSPACE_CONFIG",
        "PYTORCH_CUDA_ALLOC_CONF",
    }
)
"""The variables :func:`environment` keeps, with every ``LC_*`` one."""

_NO_EXTRA: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Sandbox:
    """The sandbox grading children run in.

    Attributes:
        kind: ``bwrap`` (bubblewrap) or ``none``.
        warning: One line to show the person when ``auto`` fell back to no sandbox, else
            ``None``.
    """

    kind: str
    warning: str | None = None


@functools.cache
def bwrap_problem() -> str | None:
    """Why bubblewrap cannot sandbox children here, or ``None`` when it can.

    Runs ``bwrap <NAMESPACE_FLAGS> --ro-bind / / --dev /dev --proc /proc -- true`` once per
    process (cached: ``bwrap_problem.cache_clear()`` probes again) with a
    :data:`PROBE_TIMEOUT_S` time limit. ``COURSE_SANDBOX_PROBE=fail`` in the environment makes
    it fail without running anything.

    Returns:
        ``None``, or a short reason: ``"bwrap is not installed"``, ``"bwrap cannot create
        namespaces here: <first line of its stderr>"``, ``"COURSE_SANDBOX_PROBE=fail"``.
    """
    if os.environ.get(PROBE_ENV) == "fail":
        return f"{PROBE_ENV}=fail"
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bwrap is not installed"
    true = shutil.which("true") or "/bin/true"
    command = [bwrap, *NAMESPACE_FLAGS, "--ro-bind", "/", "/", "--dev", "/dev"]
    command += ["--proc", "/proc", "--", true]
    prefix = "bwrap cannot create namespaces here"
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"{prefix}: it ran past {PROBE_TIMEOUT_S:g} s"
    except OSError as exc:
        return f"{prefix}: {exc}"
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        return f"{prefix}: {lines[0].strip() if lines else f'exit status {done.returncode}'}"
    return None


def resolve(mode: str) -> Sandbox:
    """The sandbox for ``--sandbox <mode>``.

    Args:
        mode: ``auto`` (bubblewrap when it works here, else none with a warning), ``bwrap``
            (bubblewrap or an error) or ``none``.

    Raises:
        UsageError: ``mode`` is not one of :data:`MODES`.
        EnvironmentProblem: ``mode`` is ``bwrap`` and bubblewrap does not work here.
    """
    if mode not in MODES:
        raise UsageError("unknown sandbox", mode, "use auto, bwrap or none")
    if mode == "none":
        return Sandbox("none")
    problem = bwrap_problem()
    if problem is None:
        return Sandbox("bwrap")
    if mode == "bwrap":
        raise EnvironmentProblem(
            "the bwrap sandbox does not work here",
            problem,
            "install the bubblewrap package, or pass --sandbox none",
        )
    return Sandbox(
        "none",
        f"no sandbox: {problem}; student code runs with your user's rights "
        "(install bubblewrap, or pass --sandbox none to silence this)",
    )


def environment(
    base: Mapping[str, str],
    *,
    home: Path,
    tmp: Path,
    extra: Mapping[str, str] = _NO_EXTRA,
) -> dict[str, str]:
    """The scrubbed environment of a grading child.

    Only an allowlist of ``base`` is kept, since anything else may be a secret (``AWS_*``,
    ``GITHUB_TOKEN``), point the child at our state (``COURSE_DB`` and every ``COURSE_*``,
    ``HOME``) or change how Python or pytest start (``PYTHONPATH``, ``PYTHONSTARTUP``,
    ``PYTHONHOME``, ``PYTEST_*``). Kept:

    - ``PATH``: to find programs;
    - ``LANG``, ``LANGUAGE``, ``LC_*``, ``TZ``: text encoding and local time, as the caller's;
    - ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``: the thread counts
      the caller chose for the math libraries;
    - ``CUDA_VISIBLE_DEVICES``, ``CUDA_DEVICE_ORDER``, ``NVIDIA_VISIBLE_DEVICES``: which GPU;
    - ``LD_LIBRARY_PATH``: where CUDA's and other shared libraries are on some machines;
    - ``VIRTUAL_ENV``: the venv the interpreter belongs to;
    - ``CUBLAS_WORKSPACE_CONFIG``, ``PYTORCH_CUDA_ALLOC_CONF``: deterministic cuBLAS and the
      CUDA allocator's settings.

    Then set: ``HOME=<home>``, ``TMPDIR=<tmp>``, ``PYTHONDONTWRITEBYTECODE=1`` (no
    ``__pycache__`` beside the student's file), ``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1`` (the user's
    pytest plugins do not load), ``PYTHONNOUSERSITE=1`` (no user site-packages),
    ``MPLCONFIGDIR=<tmp>/matplotlib``; and last ``extra``.

    Args:
        base: The environment to filter, usually ``os.environ``.
        home: The child's ``HOME``.
        tmp: The child's ``TMPDIR``.
        extra: Variables set on top of everything else.
    """
    env = {k: v for k, v in base.items() if k in ALLOWED_ENV or k.startswith("LC_")}
    env.update(
        HOME=str(home),
        TMPDIR=str(tmp),
        PYTHONDONTWRITEBYTECODE="1",
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        PYTHONNOUSERSITE="1",
        MPLCONFIGDIR=str(tmp / "matplotlib"),
    )
    env.update(extra)
    return env


def bwrap_command(
    argv: Sequence[str],
    *,
    workdir: Path,
    readable: Sequence[Path],
    hidden: Sequence[Path],
    env: Mapping[str, str],
    device: str,
    home: Path | None = None,
) -> list[str]:
    """The bubblewrap command line that runs ``argv`` in the sandbox.

    Later mounts cover earlier ones, so the order is:

    1. :data:`NAMESPACE_FLAGS` (no network, own PID/IPC/UTS namespaces, no capabilities);
    2. ``--ro-bind / /``: the whole filesystem, read-only;
    3. ``--dev /dev``: a fresh ``/dev`` (null, zero, random, tty...); with ``device ==
       "cuda"`` every existing ``/dev/nvidia*`` and ``/dev/dri`` then ``--dev-bind`` into it
       (untested without a GPU: on a machine without one there is nothing to bind);
    4. ``--proc /proc``: a ``/proc`` of the new PID namespace (no host processes);
    5. the covered folders, ``/tmp`` and ``home`` (unless it is ``/`` or missing), shallowest
       first: each one ``--tmpfs`` (an
       empty, private, writable folder), then every existing path of ``readable`` under it
       ``--ro-bind`` back, so a venv, project or data set that lives in the home or in
       ``/tmp`` still works. A path under a deeper covered folder is bound after that
       folder's tmpfs (a home inside ``/tmp`` stays hidden even when a readable folder
       holds it). Both a path and, when it differs, its resolved form are bound; paths in
       ``readable`` outside the covered folders are visible through step 2 already;
    6. every existing path of ``hidden``: a folder becomes an empty tmpfs (``--tmpfs P``), a
       file is covered by ``/dev/null`` (``--ro-bind /dev/null P``; opening it then fails
       with EACCES, as bind mounts are ``nodev``). After step 5, so a hidden folder inside a
       readable one stays hidden;
    7. ``--bind W W`` (read-write) for ``workdir``, last, so it is writable wherever it is
       (a ``hidden`` path inside it would show again), and ``--chdir W``;
    8. ``--clearenv``, then ``--setenv K V`` for each item of ``env`` (bwrap also sets
       ``PWD``);
    9. ``--`` and ``argv``.

    The child runs as PID 2 of its namespace, under bwrap's init as PID 1: when that ends,
    the kernel kills every process left in the namespace, even those in another session.

    Args:
        argv: The command to run; paths in it must be absolute and visible in the sandbox.
        workdir: The child's working folder, the only writable host folder.
        readable: What the child must read: ``sys.prefix``, ``sys.base_prefix``, the existing
            ``sys.path`` entries, the submission file, the data set and assignment folders.
        hidden: What it must not see: the solutions folder, the tracker database's folder,
            other submissions.
        env: The child's whole environment, e.g. from :func:`environment`.
        device: ``cpu`` or ``cuda``.
        home: The home folder to hide; ``Path.home()`` when ``None`` (tests pass their own).
    """
    bwrap = shutil.which("bwrap") or "bwrap"
    command = [bwrap, *NAMESPACE_FLAGS, "--ro-bind", "/", "/", "--dev", "/dev"]
    if device == "cuda":
        for entry in [*sorted(glob.glob("/dev/nvidia*")), "/dev/dri"]:
            if os.path.exists(entry):
                command += ["--dev-bind", entry, entry]
    command += ["--proc", "/proc"]

    roots = {_real(Path("/tmp")), _real(Path.home() if home is None else home)}
    # a home of "/" (some containers) cannot be covered; a missing one needs no hiding
    covered = sorted(
        (r for r in roots if r != Path("/") and r.is_dir()), key=lambda p: len(p.parts)
    )
    bound: set[str] = set()
    for i, root in enumerate(covered):
        command += ["--tmpfs", str(root)]
        deeper = covered[i + 1 :]
        for path in _forms(readable):
            if (
                _under(path, root)
                and not any(_under(path, d) for d in deeper)
                and str(path) not in bound
            ):
                bound.add(str(path))
                command += ["--ro-bind", str(path), str(path)]

    for path in hidden:
        if not path.exists():
            continue
        target = str(_real(path))
        if path.is_dir():
            command += ["--tmpfs", target]
        else:
            command += ["--ro-bind", "/dev/null", target]

    work = str(_real(workdir))
    command += ["--bind", work, work, "--chdir", work, "--clearenv"]
    for key, value in env.items():
        command += ["--setenv", key, value]
    return [*command, "--", *argv]


def _real(path: Path) -> Path:
    """``path`` absolute, with its symlinks resolved."""
    return Path(os.path.realpath(path))


def _forms(paths: Iterable[Path]) -> list[Path]:
    """Each existing path of ``paths``, absolute, then its resolved form when it differs."""
    out: list[Path] = []
    for path in paths:
        if not path.exists():
            continue
        plain = Path(os.path.abspath(path))
        out.append(plain)
        real = _real(path)
        if real != plain:
            out.append(real)
    return out


def _under(path: Path, root: Path) -> bool:
    """``path`` is ``root`` or inside it."""
    return path.is_relative_to(root)


@functools.cache
def become_subreaper() -> bool:
    """Make this process the child subreaper of its descendants (Linux; once per process).

    Orphans among its descendants, such as a grandchild started with
    ``start_new_session=True`` whose parent exited, are then re-parented to this process
    instead of PID 1, so :func:`kill_adopted` can find them: without bubblewrap, such a
    grandchild escapes :func:`grader.process.kill_group`. (With bubblewrap, the PID namespace
    already ends every descendant.) Adopted processes that exit become zombies of this process
    until :func:`kill_adopted` reaps them.

    Returns:
        Whether ``prctl(PR_SET_CHILD_SUBREAPER, 1)`` succeeded; ``False`` off Linux.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        result: int = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        return False
    return result == 0


def children() -> set[int]:
    """The pids whose parent is this process, from ``/proc/*/stat`` (Linux; empty elsewhere).

    Zombies are included: they are children until reaped.
    """
    me = os.getpid()
    found: set[int] = set()
    with contextlib.suppress(OSError):
        for name in os.listdir("/proc"):
            if name.isdigit() and _parent(name) == me:
                found.add(int(name))
    return found


def _parent(pid: str) -> int | None:
    """The parent pid of ``pid``, or ``None`` when it is gone or unreadable.

    ``/proc/PID/stat`` is ``PID (COMM) STATE PPID ...``, and COMM may hold spaces and ``)``,
    so the fields are read from the last ``)``.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
        return int(stat[stat.rindex(b")") + 1 :].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def kill_adopted(known: Collection[int], *, settle_s: float = 0.2, rounds: int = 50) -> list[int]:
    """SIGKILL and reap every child of this process that is not in ``known``.

    Meant for after a grading child ran without a sandbox, with :func:`become_subreaper` in
    effect: the orphans it left behind are then children of this process. The caller records
    :func:`children` before starting the grading child and passes those, plus any child of its
    own it started since (another thread's :class:`subprocess.Popen` included), as ``known``.

    Killing an orphan re-parents its own children to this process, so this repeats while new
    ones appear, up to ``rounds`` times; once a round finds none, it waits ``settle_s`` and
    looks once more.

    Args:
        known: Pids never to kill (nor reap); this process is never killed either.
        settle_s: How long to wait before the last look, seconds.
        rounds: The most times to look.

    Returns:
        The pids killed, in the order they were killed.
    """
    spare = {*known, os.getpid()}
    killed: list[int] = []
    settled = False
    for _ in range(rounds):
        new = sorted(children() - spare)
        if not new:
            if settled:
                break
            settled = True
            time.sleep(settle_s)
            continue
        signalled = []
        for pid in new:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:  # reaped meanwhile
                continue
            except PermissionError:  # e.g. it runs a setuid program: waiting would block
                spare.add(pid)
                continue
            signalled.append(pid)
        for pid in signalled:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        killed += signalled
    return killed
