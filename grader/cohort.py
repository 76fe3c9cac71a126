"""Grading a cohort: finding each student's submission, and a local pool of grading workers.

A TA collects one file per student, as a folder or a zip of one, in any of three layouts:

- ``<student>.py``: one file per student, named after the student;
- ``<student>/<module file>``: one folder per student (``alice/resnet.py``);
- ``<student>/...``: a folder per student with the module file anywhere below it (the
  shallowest one is taken; two at the same depth are refused as ambiguous).

:func:`find_submissions` turns that into :class:`Submission` rows (a student whose folder holds
no module file becomes a row with a ``problem``, graded as missing, never dropped).
:func:`grade_cohort` grades them with the same :func:`grader.runner.grade` that
``course grade`` uses, on ``workers`` threads, each of which supervises one grading child at a
time. Each worker's child gets ``OMP_NUM_THREADS`` = cores / workers, and on CUDA its own
``CUDA_VISIBLE_DEVICES`` (one worker per visible GPU, ``per_gpu`` more on each). A
submission's fault (hang, crash, OOM, tampering) is its own report; nothing here stops the
others. This module never stores or prints: the app layer stores each result as it comes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import queue
import shutil
import stat
import tempfile
import threading
import tokenize
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from core.errors import UsageError
from grader.results import GradeReport
from grader.runner import grade, sha256_file
from grader.spec import AssignmentSpec

MAX_ZIP_BYTES = 2 * 1024**3
"""The most a submissions zip may unpack to (bytes), against zip bombs."""

MAX_HELPER_BYTES = 10 * 1024**2
"""The largest helper module copied beside a student's file (bytes)."""


@dataclass(frozen=True)
class Submission:
    """One student's submission.

    Attributes:
        student: The student's name: the file's stem (``alice.py``) or the folder's name.
        path: The module file to grade; ``None`` when the student's folder holds none.
        sha256: SHA-256 hex digest of the file's bytes; ``""`` without a file.
        problem: Why there is no file to grade (``"no resnet.py in alice/"``); ``""`` when
            there is one.
        own_folder: The file lies in the student's own folder, so the ``.py`` files beside it
            are the student's helper modules (copied with it); ``False`` for ``<student>.py``.
        normalised: SHA-256 of the source without comments, blank lines and spacing
            (:func:`normalised_digest`): equal for copies that differ only in those.
    """

    student: str
    path: Path | None
    sha256: str = ""
    problem: str = ""
    own_folder: bool = False
    normalised: str = ""


@dataclass(frozen=True)
class Worker:
    """What one worker's grading children get.

    Attributes:
        index: 0-based worker number.
        env: Variables set in its children (``OMP_NUM_THREADS``, ``CUDA_VISIBLE_DEVICES``).
    """

    index: int
    env: Mapping[str, str]


def find_submissions(source: Path, module: str, unpack_to: Path) -> list[Submission]:
    """Every student's submission in ``source``, sorted by student.

    Args:
        source: A folder of submissions, or a ``.zip`` of one.
        module: The assignment's module file name, e.g. ``resnet.py``.
        unpack_to: An empty folder where a zip is unpacked.

    Returns:
        One :class:`Submission` per student, sorted by name.

    Raises:
        UsageError: ``source`` does not exist, is neither a folder nor a zip, is a damaged
            zip, holds a path that leaves the folder (``../x``, ``/etc/x``) or a link, unpacks
            to more than :data:`MAX_ZIP_BYTES`, or holds no submission at all.
    """
    if not source.exists():
        raise UsageError("the submissions are not there", str(source), "pass a folder or a .zip")
    if source.is_file():
        if not zipfile.is_zipfile(source):
            raise UsageError(
                "the submissions must be a folder or a .zip of one", str(source),
                "unpack it or zip the folder",
            )  # fmt: skip
        folder = _unzip(source, unpack_to)
    else:
        folder = source
    entries = [p for p in sorted(folder.iterdir()) if not p.name.startswith((".", "__"))]
    if len(entries) == 1 and entries[0].is_dir() and not (entries[0] / module).exists():
        # one folder without the module file in it: the submissions folder itself, zipped
        entries = sorted(p for p in entries[0].iterdir() if not p.name.startswith((".", "__")))
    found: dict[str, Submission] = {}
    for entry in entries:
        if entry.is_file() and entry.suffix == ".py":
            found[entry.stem] = _submission(entry.stem, entry)
        elif entry.is_dir():
            found[entry.name] = find_in_folder(entry, module)
    if not found:
        raise UsageError(
            "no submissions found", str(source),
            f"put one <student>.py or <student>/{module} per student there",
        )  # fmt: skip
    return [found[name] for name in sorted(found)]


def _submission(student: str, path: Path, own_folder: bool = False) -> Submission:
    return Submission(
        student, path, sha256_file(path), own_folder=own_folder, normalised=normalised_digest(path)
    )


def normalised_digest(path: Path) -> str:
    """SHA-256 of a Python file's tokens without comments, blank lines and spacing.

    Two submissions that differ only in comments, blank lines or the spaces between tokens get
    the same digest (renamed variables do not). A file that does not tokenize (a syntax
    error) gets the digest of its bytes.
    """
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING}
    try:
        with path.open("rb") as handle:
            tokens = [t.string for t in tokenize.tokenize(handle.readline) if t.type not in skip]
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
        return sha256_file(path)
    return hashlib.sha256("\x00".join(tokens).encode("utf-8")).hexdigest()


def find_in_folder(folder: Path, module: str) -> Submission:
    """The submission in one student's folder: the shallowest ``module`` below it (two at the
    same depth: ambiguous, a row with a ``problem``; none: a row with a ``problem``)."""
    matches = sorted(
        (p for p in folder.rglob(module) if p.is_file()), key=lambda p: (len(p.parts), str(p))
    )
    if not matches:
        return Submission(folder.name, None, problem=f"no {module} in {folder.name}/")
    depth = len(matches[0].parts)
    tied = [p for p in matches if len(p.parts) == depth]
    if len(tied) > 1:
        where = ", ".join(str(p.relative_to(folder.parent)) for p in tied)
        return Submission(folder.name, None, problem=f"more than one {module}: {where}")
    return _submission(folder.name, matches[0], own_folder=True)


def _unzip(archive: Path, target: Path) -> Path:
    """Unpack ``archive`` into ``target`` after checking every member's path and size."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            total = 0
            for info in members:
                name = PurePosixPath(info.filename)
                if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
                    raise UsageError(
                        "the zip holds a path outside its folder", info.filename,
                        "zip the submissions folder itself",
                    )  # fmt: skip
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise UsageError(
                        "the zip holds a symbolic link", info.filename, "zip plain files only"
                    )
                total += info.file_size
            if total > MAX_ZIP_BYTES:
                raise UsageError(
                    "the zip unpacks to too much", f"{total:,} bytes",
                    f"at most {MAX_ZIP_BYTES:,} bytes of submissions",
                )  # fmt: skip
            target.mkdir(parents=True, exist_ok=True)
            zf.extractall(target)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UsageError("cannot unpack the zip", str(archive), str(exc)) from exc
    return target


def workers_for(workers: int, device: str, per_gpu: int = 1) -> list[Worker]:
    """The workers of a run and what their children get.

    On ``cpu``, ``workers`` workers (at least 1), each child with ``OMP_NUM_THREADS`` =
    cores / workers (at least 1). On ``cuda``, ``per_gpu`` workers per visible GPU (the
    ``CUDA_VISIBLE_DEVICES`` of this process, else every GPU torch sees), each child seeing only
    its GPU; ``workers`` > 0 caps that number.

    Raises:
        UsageError: ``workers`` is negative or ``per_gpu`` below 1.
    """
    if workers < 0:
        raise UsageError("--workers must be 0 (automatic) or more", workers, "pass --workers 2")
    if per_gpu < 1:
        raise UsageError("--per-gpu must be at least 1", per_gpu, "pass --per-gpu 1")
    cores = os.cpu_count() or 1
    if device == "cuda":
        gpus = _visible_gpus()
        slots = [gpu for gpu in gpus for _ in range(per_gpu)]
        if workers:
            slots = slots[:workers]
        threads = str(max(1, cores // max(1, len(slots))))
        return [
            Worker(i, {"CUDA_VISIBLE_DEVICES": gpu, "OMP_NUM_THREADS": threads})
            for i, gpu in enumerate(slots)
        ]
    count = workers or 1
    threads = str(max(1, cores // count))
    return [Worker(i, {"OMP_NUM_THREADS": threads}) for i in range(count)]


def _visible_gpus() -> list[str]:
    listed = os.environ.get("CUDA_VISIBLE_DEVICES")
    if listed is not None:
        return [g.strip() for g in listed.split(",") if g.strip()] or ["0"]
    import torch

    return [str(i) for i in range(max(1, torch.cuda.device_count()))]


Done = Callable[[Submission, GradeReport | None, str], None]
"""Called once per submission, in a worker thread, with its report, or ``None`` and why there
is none (a missing file, or an error that kept the runner from grading it)."""


def grade_cohort(
    spec: AssignmentSpec,
    submissions: Sequence[Submission],
    *,
    workers: Sequence[Worker],
    device: str,
    profile: str,
    sandbox: str,
    on_done: Done,
    timeout_s: float | None = None,
    hidden: Sequence[Path] = (),
) -> None:
    """Grade every submission, ``len(workers)`` at a time, and report each as it finishes.

    The worker threads are daemons: when this process is interrupted (Ctrl-C) or killed, it
    does not wait for them, and each grading child, whose watchdog follows this process,
    exits with it. Results already given to ``on_done`` are the caller's to keep.

    Args:
        spec: The assignment.
        submissions: What to grade (from :func:`find_submissions`).
        workers: One per grading child at a time (from :func:`workers_for`).
        device: ``cpu`` or ``cuda`` (resolved).
        profile: ``quick`` or ``full``.
        sandbox: ``bwrap`` or ``none`` (resolved).
        on_done: Called with each result, from the worker thread that graded it; calls are
            serialised by a lock.
        timeout_s: Wall-clock limit of each submission in seconds; the profile's by default.
        hidden: Paths every child must not see (the gradebook, the tracker's database).

    Raises:
        BaseException: Whatever ``on_done`` raised, or a machine problem the runner raised
            (``DataError``, ``EnvironmentProblem``), after the running gradings end.
    """
    todo: queue.SimpleQueue[Submission] = queue.SimpleQueue()
    for submission in submissions:
        todo.put(submission)
    lock = threading.Lock()
    failures: list[BaseException] = []

    def work(worker: Worker) -> None:
        while not failures:
            try:
                submission = todo.get_nowait()
            except queue.Empty:
                return
            try:
                report, why = grade_submission(
                    spec, submission, worker, device, profile, sandbox, timeout_s, hidden
                )
                with lock:
                    on_done(submission, report, why)
            except BaseException as exc:  # handed to the caller's thread
                failures.append(exc)
                return

    threads = [
        threading.Thread(target=work, args=(w,), name=f"cohort-{w.index}", daemon=True)
        for w in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(0.2)  # a short join keeps Ctrl-C deliverable to this thread
    if failures:
        raise failures[0]


def grade_submission(
    spec: AssignmentSpec,
    submission: Submission,
    worker: Worker,
    device: str,
    profile: str,
    sandbox: str,
    timeout_s: float | None,
    hidden: Sequence[Path],
) -> tuple[GradeReport | None, str]:
    """Grade one submission on a private copy of its files, as ``worker``'s child.

    Returns:
        The report and ``""``; or ``None`` and why there is nothing to grade.
    """
    if submission.path is None:
        return None, submission.problem
    with tempfile.TemporaryDirectory(prefix="course-cohort-") as tmp:
        try:
            copy = _private_copy(submission, Path(tmp) / "submission", spec.module)
            report = grade(
                spec, copy, device=device, profile=profile, timeout_s=timeout_s,
                sandbox=sandbox, hidden=hidden, env=worker.env,
            )  # fmt: skip
        except UsageError as exc:  # the file went away or became unreadable
            return None, exc.message
        except OSError as exc:
            return None, f"cannot copy the submission: {exc.strerror or exc}"
    return dataclasses.replace(report, submission=str(submission.path)), ""


def _private_copy(submission: Submission, folder: Path, module: str) -> Path:
    """Copy the student's file, and the ``.py`` files beside it (their helper modules), into
    ``folder``: under the sandbox a child reads its own copy (``/tmp`` is private to it) and
    none of the other students' files."""
    assert submission.path is not None
    folder.mkdir(parents=True)
    source = submission.path
    shutil.copyfile(source, folder / module)
    if submission.own_folder:
        for helper in source.parent.glob("*.py"):
            small = helper.is_file() and helper.stat().st_size <= MAX_HELPER_BYTES
            if helper.name != source.name and small:
                shutil.copyfile(helper, folder / helper.name)
    return folder / module
