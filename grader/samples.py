"""``course aae samples``: train a student's AAE as the grader does and draw what it learned.

The training and drawing happen in a child process (``python -m grader.sample_child``, see
:mod:`grader.sample_child`), started by :func:`grader.child.run_json_child`: its own session,
stdin closed, ``RLIMIT_AS`` = the spec's ``memory_mb`` on CPU, a watchdog that ends it when this
process dies, and a wall-clock deadline after which its whole process group is killed. Student
code never runs in the calling process.

Besides the protocol's ``error`` event, the child reports (JSON, one object a line):

- ``{"event": "progress", "step": s, "total": t}``: training progress, step 0 when training
  starts, then at most 5 times a second, and always the last step;
- ``{"event": "done", "steps": ..., "seconds": ..., "recon_mse": ..., "warnings": [...]}``:
  the picture is written.

The picture (:func:`grid_image`) is one grayscale image of 28 x 28 tiles, 8 to a row: first
64 decoded prior draws (8 rows), then one blank row of background, then 4 pairs of rows: 8 test
images and, directly under them, their reconstructions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import AssignmentError, UsageError
from grader.child import ChildProgress, ProgressCallback, atomic_output, run_json_child
from grader.spec import AssignmentSpec

if TYPE_CHECKING:
    import torch
    from PIL import Image

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


def grid_rows_size(
    rows: int, *, columns: int = COLUMNS, scale: int = 2, gap: int = 2
) -> tuple[int, int]:
    """Width and height in pixels of :func:`grid_rows`'s picture of ``rows`` rows.

    Args:
        rows: Rows of tiles, blank ones included.
        columns: Tiles in a row.
        scale: Integer upscaling factor of each 28 x 28 tile.
        gap: Pixels of the output image between neighbouring tiles (not scaled).

    Returns:
        ``(width, height)``: ``columns`` tiles of ``28 * scale`` pixels and ``gap`` between
        them across, ``rows`` of them down; there is no margin around the grid.
    """
    side = TILE * scale
    return columns * side + (columns - 1) * gap, rows * side + (rows - 1) * gap


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
    return grid_rows_size(rows, columns=columns, scale=scale, gap=gap)


def chunks(images: torch.Tensor, columns: int = COLUMNS) -> list[torch.Tensor]:
    """``images`` ``(N, ...)`` cut into rows of ``columns`` (the last may be shorter)."""
    return [images[i : i + columns] for i in range(0, int(images.shape[0]), columns)]


def paired_rows(
    originals: torch.Tensor, others: torch.Tensor, columns: int = COLUMNS
) -> list[torch.Tensor]:
    """Rows of ``originals``, each followed by the row of ``others`` at the same indices."""
    rows: list[torch.Tensor] = []
    for top, bottom in zip(chunks(originals, columns), chunks(others, columns), strict=True):
        rows += [top, bottom]
    return rows


def grid_rows(
    rows: Sequence[torch.Tensor | None],
    *,
    scale: int = 2,
    gap: int = 2,
    columns: int = COLUMNS,
) -> Image.Image:
    """One grayscale picture of rows of 28 x 28 tiles.

    Each row is drawn left to right; a row shorter than ``columns``, and a ``None`` row, are
    padded with :data:`BACKGROUND`. Values are clipped to [0, 1] (NaN counts as 0) and mapped
    to 0..255 (rounded); each tile is scaled by ``scale`` with nearest-neighbour (each pixel
    becomes a ``scale x scale`` block), and neighbouring tiles are ``gap`` output pixels apart.

    Args:
        rows: Each ``(k, 1, 28, 28)`` images with ``0 <= k <= columns``, or ``None`` (blank).
        scale: Integer upscaling factor, >= 1.
        gap: Output pixels between neighbouring tiles, >= 0.
        columns: Tiles in a row, >= 1.

    Returns:
        A mode ``L`` image of :func:`grid_rows_size`'s size for ``len(rows)`` rows.

    Raises:
        ValueError: no rows, a row of the wrong shape (the message names it), or ``scale``,
            ``gap`` or ``columns`` out of range.
    """
    import numpy as np
    import torch
    from PIL import Image

    if scale < 1 or gap < 0 or columns < 1:
        raise ValueError(
            f"scale must be >= 1, gap >= 0 and columns >= 1, got {scale}, {gap} and {columns}"
        )
    if not rows:
        raise ValueError("a grid needs at least one row")
    for index, row in enumerate(rows):
        if row is None:
            continue
        shape = tuple(int(d) for d in row.shape)
        if len(shape) != 4 or shape[1:] != (1, TILE, TILE) or shape[0] > columns:
            raise ValueError(
                f"row {index} must have shape (k, 1, 28, 28) with k <= {columns}, got {_shape(row)}"
            )
    width, height = grid_rows_size(len(rows), columns=columns, scale=scale, gap=gap)
    canvas = np.full((height, width), BACKGROUND, dtype=np.uint8)
    side = TILE * scale
    for index, row in enumerate(rows):
        if row is None or row.shape[0] == 0:
            continue
        values = torch.nan_to_num(row.detach().float().cpu(), nan=0.0).clamp(0.0, 1.0)
        scaled = (values[:, 0] * 255.0).round().to(torch.uint8)
        scaled = scaled.repeat_interleave(scale, dim=1).repeat_interleave(scale, dim=2)
        top = index * (side + gap)
        for col, tile in enumerate(scaled.numpy()):
            left = col * (side + gap)
            canvas[top : top + side, left : left + side] = tile
    return Image.fromarray(canvas)


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
    ``scale x scale`` block), and neighbouring tiles are ``gap`` output pixels apart
    (:func:`grid_rows` draws it).

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
    rows: list[torch.Tensor | None] = [*chunks(samples, columns), None]
    rows += paired_rows(originals, reconstructions, columns)
    return grid_rows(rows, scale=scale, gap=gap, columns=columns)


def value_range(values: torch.Tensor) -> tuple[float, float, int] | tuple[None, None, int]:
    """Smallest and largest non-NaN value of ``values`` (``None`` when every value is NaN) and
    how many values are NaN: what the range warnings of both pictures report, since the picture
    clips the range and draws NaN black."""
    import torch

    flat = values.detach().float().reshape(-1)
    is_nan = torch.isnan(flat)
    kept = flat[~is_nan]
    nan = int(is_nan.sum())
    if kept.numel() == 0:
        return None, None, nan
    return float(kept.min()), float(kept.max()), nan


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
    command = [
        "--assignment-dir", str(spec.folder), "--submission", str(submission.resolve()),
        "--device", device, "--profile", profile, "--steps", str(total), "--seed", str(seed),
    ]  # fmt: skip
    with atomic_output(out) as tmp_png:
        done = run_json_child(
            "grader.sample_child",
            [*command, "--out", str(tmp_png.resolve())],
            memory_mb=spec.memory_mb,
            device=device,
            limit_s=limit,
            timeout_message=lambda progress: _timeout_message(limit, progress, submission.name),
            process="the sampling process",
            on_progress=on_progress,
        )
    return SamplesResult(
        path=out,
        steps=int(done["steps"]),
        seconds=float(done["seconds"]),
        recon_mse=float(done["recon_mse"]),
        warnings=[str(w) for w in done.get("warnings", [])],
    )


def _timeout_message(limit: float, progress: ChildProgress, module: str) -> str:
    """Where the child hung, from how far it got."""
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
