"""``course augment preview``: Fashion-MNIST test images before and after a student's pipeline.

The student's ``fashion_pipeline()`` is built and applied in a child process
(``python -m grader.preview_child``, see :mod:`grader.preview_child`), started by
:func:`grader.tool.run_tool` with the protections of ``course aae samples``: its own
session, stdin closed, ``RLIMIT_AS`` = the spec's ``memory_mb`` (it always runs on the CPU), a
watchdog that ends it when this process dies, and a wall-clock deadline (60 s by default) after
which its whole process group is killed. Student code never runs in the calling process.

Besides the protocol's ``error`` event, the child reports (:mod:`grader.events`):

- ``{"event": "stage", "name": "import" | "build" | "apply"}``: it is about to import the
  student's file, call ``fashion_pipeline()``, or apply the pipeline it returned; a timeout
  message names the last one;
- ``{"event": "done", "count": n, "shape": [...], "warnings": [...], "width": ..., "height":
  ...}``: the picture is written.

The picture (:func:`grader.pictures.preview_image`, drawn in the child) is one grayscale image
of 28 x 28 tiles, 8 to a row: a row of test images, directly under it the row of the same
images after the pipeline, then the next pair of rows. Augmented images of another size (a
``Resize`` or a ``RandomCrop`` to another size in the pipeline) are scaled to 28 x 28 with
nearest-neighbour for the picture, so every tile has the same size; the reported output shape
says what the pipeline really returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import UsageError
from grader.process import jail_for
from grader.spec import AssignmentSpec
from grader.tool import ChildProgress, run_tool

DEFAULT_IMAGES = 16
"""Test images in the picture unless asked otherwise (2 pairs of rows of 8)."""
MAX_IMAGES = 64
"""Most test images in one picture (8 pairs of rows)."""
DEFAULT_TIMEOUT_S = 60.0
"""Wall-clock limit of the whole child process, seconds: importing torch, the test images and
the student's file, building the pipeline and applying it once to at most 64 images."""
MAX_SEED = 2**63 - 1
"""Largest seed ``torch.Generator.manual_seed`` takes here."""


@dataclass(frozen=True)
class PreviewResult:
    """What :func:`write_preview` did.

    Attributes:
        path: The PNG written.
        count: Test images in the picture, each shown before and after the pipeline.
        output_shape: Shape the pipeline returned for the batch, ``(count, 1, H, W)``; H and
            W need not be 28.
        warnings: Problems that did not stop the picture, e.g. outputs outside [0, 1]
            (clipped for the picture) or NaN (drawn black).
    """

    path: Path
    count: int
    output_shape: tuple[int, ...]
    warnings: list[str]


def write_preview(
    spec: AssignmentSpec,
    submission: Path,
    out: Path,
    *,
    n: int = DEFAULT_IMAGES,
    seed: int = 0,
    timeout_s: float | None = None,
    sandbox: str = "none",
    hidden: Sequence[Path] = (),
) -> PreviewResult:
    """Apply ``submission``'s ``fashion_pipeline()`` to test images and write the PNG.

    The child process loads the Fashion-MNIST test images (only those), picks ``n`` distinct
    ones (the first ``n`` of ``torch.randperm(10000, generator=torch.Generator()
    .manual_seed(seed))``), imports the file, calls ``fashion_pipeline()`` and applies what it
    returns once to the whole batch, on the CPU without gradients: ``pipeline(x, generator=
    torch.Generator().manual_seed(seed))`` with ``x`` float ``(n, 1, 28, 28)`` in [0, 1] (a
    copy: a pipeline that changes its input in place does not change the originals' row), after
    ``torch.manual_seed(seed)`` for transforms that use the global generator. It then draws
    :func:`grader.pictures.preview_image`'s PNG into a temporary file in ``out``'s folder,
    which replaces ``out`` only when all went well.

    Args:
        spec: The ``augment`` assignment (its ``memory_mb`` limits the child).
        submission: The student's file.
        out: Where the PNG goes; its folder must exist. PNG whatever the file's suffix.
        n: Test images in the picture, 1 to 64.
        seed: Picks the images and seeds the pipeline, 0 to 2**63 - 1.
        timeout_s: Wall-clock limit of the whole child process, seconds; 60 by default.

        sandbox: ``bwrap`` or ``none`` (resolved, see :func:`grader.sandbox.resolve`).
        hidden: Paths the child must not see besides the solutions (the tracker's database).

    Returns:
        The path, the number of images, the shape the pipeline returned and warnings.

    Raises:
        UsageError: ``n``, ``seed`` or ``timeout_s`` out of range, ``out``'s folder missing or
            not writable, ``out`` is a folder, or the submission file does not exist.
        SubmissionError: the student's code raised, exited, crashed or hung past the deadline,
            ``fashion_pipeline`` is missing or returned something that cannot be called, or the
            pipeline returned something other than a float tensor ``(n, 1, H, W)``. The message
            names the exception and the line of the student's file.
        DataError: the child found no Fashion-MNIST.
    """
    if not 1 <= n <= MAX_IMAGES:
        raise UsageError("the number of images must be 1 to 64", n, f"pass --n 1 to {MAX_IMAGES}")
    if not 0 <= seed <= MAX_SEED:
        raise UsageError("the seed must be a whole number from 0 to 2**63 - 1", seed)
    limit = DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s
    if limit <= 0:
        raise UsageError("the time limit must be positive, seconds", limit)
    done = run_tool(
        "grader.preview_child",
        ["--n", str(n), "--seed", str(seed)],
        submission=submission,
        out=out,
        memory_mb=spec.memory_mb,
        device="cpu",
        limit_s=limit,
        timeout_message=lambda progress: _timeout_message(limit, progress, submission, n),
        process="the preview process",
        jail=jail_for(spec, submission, sandbox, hidden),
    )
    return PreviewResult(
        path=out,
        count=int(done["count"]),
        output_shape=tuple(int(d) for d in done["shape"]),
        warnings=[str(w) for w in done.get("warnings", [])],
    )


def _timeout_message(limit: float, progress: ChildProgress, submission: Path, n: int) -> str:
    """Where the child hung, from the last stage it announced."""
    name = submission.name
    if progress.stage == "import":
        return (
            f"importing {name} did not finish within {limit:g} s: look for an endless loop at "
            f"the top level of {name}"
        )
    if progress.stage == "build":
        return (
            f"fashion_pipeline() did not return within {limit:g} s: look for an endless loop "
            "in fashion_pipeline or in your transforms' __init__"
        )
    if progress.stage == "apply":
        return (
            f"your pipeline did not finish within {limit:g} s on {n} images: look for an "
            "endless loop in your transforms' __call__"
        )
    return (
        f"the preview process did not reach your code within {limit:g} s (it was still loading "
        "torch and the test images): try again when the machine is less busy"
    )
