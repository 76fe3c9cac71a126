"""``course aae samples``: train a student's AAE as the grader does and draw what it learned.

The training and drawing happen in a child process (``python -m grader.sample_child``, see
:mod:`grader.sample_child`), started the way :mod:`grader.runner` starts the grading process:
its own session, stdin closed, ``RLIMIT_AS`` = the spec's ``memory_mb`` on CPU, a watchdog that
ends it when this process dies, and a wall-clock deadline after which its whole process group is
killed. Student code never runs in the calling process.

The child reports JSON objects, one a line, on its stdout:

- ``{"event": "progress", "step": s, "total": t}``: training progress, step 0 when training
  starts, then at most 5 times a second, and always the last step;
- ``{"event": "done", "steps": ..., "seconds": ..., "recon_mse": ..., "warnings": [...]}``:
  the picture is written;
- ``{"event": "error", "message": ..., "kind": "submission" | "data"}``: the student's code
  failed (the message names the exception and the line of the student's file) or the data set
  is missing.

Its stderr (and anything the student's code prints) goes to a log file in a temporary folder;
the log's last lines are quoted when the child dies without reporting.

The picture (:func:`grid_image`) is one grayscale image of 28 x 28 tiles, 8 to a row: first
64 decoded prior draws (8 rows), then one blank row of background, then 4 pairs of rows: 8 test
images and, directly under them, their reconstructions.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from course.errors import AssignmentError, DataError, SubmissionError, UsageError
from grader.runner import death_reason, kill_group, limit_memory
from grader.spec import AssignmentSpec

if TYPE_CHECKING:
    import torch
    from PIL import Image

ProgressCallback = Callable[[int, int], None]
"""``on_progress(step, total)``: training progress, step 0 when training starts."""

SAMPLES = 64
"""Prior draws in the picture (8 rows of 8)."""
RECONSTRUCTIONS = 32
"""Test images in the picture, each with its reconstruction (4 pairs of rows of 8)."""
COLUMNS = 8
"""Tiles in a row of the picture."""
TILE = 28
"""Side of one image, pixels (before scaling)."""
BACKGROUND = 255
"""Gray level (0..255) of the gaps between tiles and of the blank separator row: white, so
the tiles' black backgrounds stand apart."""

_LOG_TAIL_LINES = 5
_LOG_TAIL_CHARS = 600
_EXIT_GRACE_S = 5.0


@dataclass(frozen=True)
class SamplesResult:
    """What :func:`write_samples` did.

    Attributes:
        path: The PNG written.
        steps: Training steps (minibatches) the model was trained for.
        seconds: Wall time of the training alone, seconds.
        recon_mse: Mean squared error per pixel of ``decode(encode(x))`` over the 10,000 test
            images, pixels in [0, 1] (:func:`grader.generative.reconstruction_mse`).
        warnings: Problems that did not stop the picture, e.g. decoder outputs outside
            [0, 1] (clipped for the picture).
    """

    path: Path
    steps: int
    seconds: float
    recon_mse: float
    warnings: list[str]


def grid_size(
    samples: int, pairs: int, *, columns: int = COLUMNS, scale: int = 2, gap: int = 2
) -> tuple[int, int]:
    """Width and height in pixels of :func:`grid_image`'s picture.

    Args:
        samples: Number of sample images.
        pairs: Number of original / reconstruction pairs.
        columns: Tiles in a row.
        scale: Integer upscaling factor of each 28 x 28 tile.
        gap: Pixels of the output image between neighbouring tiles (not scaled).

    Returns:
        ``(width, height)``. Rows: ``ceil(samples / columns)`` sample rows, one separator row,
        and two rows per ``ceil(pairs / columns)``; there is no margin around the grid.
    """
    rows = -(-samples // columns) + 1 + 2 * -(-pairs // columns)
    side = TILE * scale
    return columns * side + (columns - 1) * gap, rows * side + (rows - 1) * gap


def grid_image(
    samples: torch.Tensor,
    originals: torch.Tensor,
    reconstructions: torch.Tensor,
    *,
    scale: int = 2,
    gap: int = 2,
    columns: int = COLUMNS,
) -> Image.Image:
    """One grayscale picture of prior samples, test images and their reconstructions.

    Tiles are laid out 8 (``columns``) to a row, left to right: the samples first, then one
    blank row of :data:`BACKGROUND`, then for each group of 8 originals a row of them with the
    row of their reconstructions directly under it. A last row that is not full is padded with
    background. Values are clipped to [0, 1] (NaN counts as 0) and mapped to 0..255 (rounded);
    each tile is scaled by ``scale`` with nearest-neighbour (each pixel becomes a
    ``scale x scale`` block), and neighbouring tiles are ``gap`` output pixels apart.

    Args:
        samples: ``(N, 1, 28, 28)`` images, N >= 1, values meant to be in [0, 1].
        originals: ``(M, 1, 28, 28)`` images, M >= 1, values in [0, 1].
        reconstructions: The same shape as ``originals``.
        scale: Integer upscaling factor, >= 1.
        gap: Output pixels between neighbouring tiles, >= 0.
        columns: Tiles in a row, >= 1.

    Returns:
        A mode ``L`` image of :func:`grid_size`'s size.

    Raises:
        ValueError: a tensor has the wrong shape (the message names it), or ``scale``,
            ``gap`` or ``columns`` is out of range.
    """
    import numpy as np
    import torch
    from PIL import Image

    if scale < 1 or gap < 0 or columns < 1:
        raise ValueError(
            f"scale must be >= 1, gap >= 0 and columns >= 1, got {scale}, {gap} and {columns}"
        )
    _check_images("samples", samples)
    _check_images("originals", originals)
    if tuple(reconstructions.shape) != tuple(originals.shape):
        raise ValueError(
            f"reconstructions must have the shape of originals {_shape(originals)}, "
            f"got {_shape(reconstructions)}"
        )
    pairs = originals.shape[0]
    width, height = grid_size(samples.shape[0], pairs, columns=columns, scale=scale, gap=gap)
    canvas = np.full((height, width), BACKGROUND, dtype=np.uint8)
    side = TILE * scale

    def pixels(images: torch.Tensor) -> Any:
        values = torch.nan_to_num(images.detach().float().cpu(), nan=0.0).clamp(0.0, 1.0)
        scaled = (values[:, 0] * 255.0).round().to(torch.uint8)
        scaled = scaled.repeat_interleave(scale, dim=1).repeat_interleave(scale, dim=2)
        return scaled.numpy()

    def place(tiles: Any, first_row: int, row_step: int) -> None:
        for i, tile in enumerate(tiles):
            row = first_row + (i // columns) * row_step
            top = row * (side + gap)
            left = (i % columns) * (side + gap)
            canvas[top : top + side, left : left + side] = tile

    sample_rows = -(-samples.shape[0] // columns)
    place(pixels(samples), 0, 1)
    place(pixels(originals), sample_rows + 1, 2)
    place(pixels(reconstructions), sample_rows + 2, 2)
    return Image.fromarray(canvas)


def _shape(tensor: Any) -> str:
    return "(" + ", ".join(str(int(d)) for d in tensor.shape) + ")"


def _check_images(name: str, images: torch.Tensor) -> None:
    shape = tuple(int(d) for d in images.shape)
    if len(shape) != 4 or shape[1:] != (1, TILE, TILE) or shape[0] < 1:
        raise ValueError(f"{name} must have shape (N, 1, 28, 28) with N >= 1, got {_shape(images)}")


def write_samples(
    spec: AssignmentSpec,
    submission: Path,
    out: Path,
    *,
    device: str = "cpu",
    profile: str = "quick",
    steps: int | None = None,
    seed: int = 0,
    timeout_s: float | None = None,
    on_progress: ProgressCallback | None = None,
) -> SamplesResult:
    """Train ``submission``'s ``AAE`` as the grader does and write :func:`grid_image`'s PNG.

    The child process imports the file, seeds torch with ``seed``, builds
    ``AAE(**prior_params(profile.params))`` on ``device``, trains it with
    :func:`grader.generative.train_aae` (the profile's batch size, ``lr`` and ``params.lr_reg``;
    batches drawn with ``seed``), then draws ``model.sample(64, generator=
    torch.Generator().manual_seed(seed))`` and ``model.decode(model.encode(x))`` of the first 32
    test images, in eval mode without gradients. The PNG goes to a temporary file in ``out``'s
    folder, which replaces ``out`` (an existing file is replaced) only when all went well.

    Args:
        spec: The ``aae`` assignment.
        submission: The student's file.
        out: Where the PNG goes; its folder must exist. PNG whatever the file's suffix.
        device: ``cpu`` or ``cuda`` (already resolved, see :func:`grader.runner.resolve_device`).
        profile: ``quick`` or ``full``: steps, batch size, learning rates and model size.
        steps: Training steps instead of the profile's, >= 1.
        seed: Seeds the model's initialisation, the batches and the prior draws.
        timeout_s: Wall-clock limit of the whole child process, seconds; the profile's
            ``train_timeout_s`` by default.
        on_progress: Called in this process as ``on_progress(step, total)`` while training.

    Returns:
        The path, steps, training seconds, test reconstruction MSE and warnings.

    Raises:
        UsageError: ``steps`` or ``timeout_s`` not positive, ``out``'s folder missing or not
            writable, ``out`` is a folder, or the submission file does not exist.
        AssignmentError: unknown profile, or the profile lacks ``params.lr_reg``.
        SubmissionError: the student's code raised, exited, crashed, hung past the deadline or
            returned the wrong shape.
        DataError: the child found no Fashion-MNIST.
    """
    budget = spec.profile(profile)
    if "lr_reg" not in budget.params:
        raise AssignmentError(
            f"{spec.folder / 'assignment.yaml'}: profiles.{profile}.params has no lr_reg",
            sorted(budget.params),
        )
    total = budget.steps if steps is None else steps
    if total < 1:
        raise UsageError("steps must be a positive whole number", total, "pass --steps 1 or more")
    limit = budget.train_timeout_s if timeout_s is None else timeout_s
    if limit <= 0:
        raise UsageError("the time limit must be positive, seconds", limit)
    if not submission.is_file():
        raise UsageError("submission file not found", str(submission), "check the path")
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
    tmp_png = Path(tmp_name)
    try:
        with tempfile.TemporaryDirectory(prefix="course-samples-") as workdir:
            done = _run_child(
                spec,
                submission,
                tmp_png,
                Path(workdir),
                device=device,
                profile=profile,
                steps=total,
                seed=seed,
                limit=limit,
                on_progress=on_progress,
            )
        os.replace(tmp_png, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_png.unlink()
    return SamplesResult(
        path=out,
        steps=int(done["steps"]),
        seconds=float(done["seconds"]),
        recon_mse=float(done["recon_mse"]),
        warnings=[str(w) for w in done.get("warnings", [])],
    )


@dataclass
class _Progress:
    started: bool = False
    step: int = 0
    total: int = 0


def _run_child(
    spec: AssignmentSpec,
    submission: Path,
    tmp_png: Path,
    workdir: Path,
    *,
    device: str,
    profile: str,
    steps: int,
    seed: int,
    limit: float,
    on_progress: ProgressCallback | None,
) -> dict[str, Any]:
    """Run the child to its report, its death or the deadline; the ``done`` event's fields."""
    command = [
        sys.executable, "-m", "grader.sample_child",
        "--assignment-dir", str(spec.folder), "--submission", str(submission.resolve()),
        "--device", device, "--profile", profile, "--steps", str(steps), "--seed", str(seed),
        "--out", str(tmp_png.resolve()), "--parent-pid", str(os.getpid()),
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(PYTHONDONTWRITEBYTECODE="1")
    memory = spec.memory_mb * 1024 * 1024 if device == "cpu" else None
    log = workdir / "child.log"
    deadline = time.perf_counter() + limit
    progress = _Progress(total=steps)
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
                    proc.wait(timeout=min(_EXIT_GRACE_S, max(0.0, deadline - time.perf_counter())))
        finally:  # deadline, Ctrl-C or any error here: never leave the child running
            if proc.poll() is None:
                kill_group(proc)
            proc.wait()
    if report is not None and report["event"] == "error":
        message = str(report.get("message", ""))
        if report.get("kind") == "data":
            raise DataError(message)
        raise SubmissionError(message)
    if report is not None:
        return report
    if timed_out:
        raise SubmissionError(_timeout_message(limit, progress, submission.name))
    raise SubmissionError(
        f"the sampling process {death_reason(proc.returncode)} ({_log_tail(log)}): look for "
        "os._exit in your code; otherwise it crashed in native code or ran out of memory"
    )


def _read_lines(stream: IO[bytes]) -> queue.Queue[bytes | None]:
    """Lines of ``stream`` as a thread reads them; ``None`` at the end."""
    lines: queue.Queue[bytes | None] = queue.Queue()

    def pump() -> None:
        try:
            for line in stream:
                lines.put(line)
        finally:
            lines.put(None)

    threading.Thread(target=pump, name="course-samples-reader", daemon=True).start()
    return lines


def _handle(
    line: bytes, progress: _Progress, on_progress: ProgressCallback | None
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
    if kind in ("done", "error"):
        return event
    return None


def _timeout_message(limit: float, progress: _Progress, module: str) -> str:
    if not progress.started:
        return (
            f"your code did not finish within {limit:g} s, before training began: look for an "
            f"endless loop at the top level of {module} or in AAE.__init__"
        )
    if progress.step < progress.total:
        return (
            f"training did not finish within {limit:g} s (it reached step {progress.step} of "
            f"{progress.total}): look for an endless loop in train_step, or pass a smaller "
            "--steps N"
        )
    return (
        f"drawing the samples did not finish within {limit:g} s: look for an endless loop in "
        "sample, encode or decode"
    )


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
