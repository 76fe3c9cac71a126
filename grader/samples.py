"""``course aae samples``: train a student's AAE as the grader does and draw what it learned.

The training and drawing happen in a child process (``python -m grader.sample_child``, see
:mod:`grader.sample_child`), started by :func:`grader.tool.run_tool`: its own session, stdin
closed, ``RLIMIT_AS`` = the spec's ``memory_mb`` on CPU, a watchdog that ends it when this
process dies, and a wall-clock deadline after which its whole process group is killed. Student
code never runs in the calling process.

Besides the protocol's ``error`` event, the child reports (:mod:`grader.events`):

- ``{"event": "progress", "step": s, "total": t}``: training progress, step 0 when training
  starts, then at most 5 times a second, and always the last step;
- ``{"event": "done", "steps": ..., "seconds": ..., "recon_mse": ..., "warnings": [...]}``:
  the picture is written.

The picture (:func:`grader.pictures.grid_image`, drawn in the child) is one grayscale image of
28 x 28 tiles, 8 to a row: first 64 decoded prior draws (8 rows), then one blank row of
background, then 4 pairs of rows: 8 test images and, directly under them, their
reconstructions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import AssignmentError, UsageError
from grader.events import ProgressCallback
from grader.process import jail_for
from grader.spec import AssignmentSpec
from grader.tool import ChildProgress, run_tool

SAMPLES = 64
"""Prior draws in the picture (8 rows of 8)."""
RECONSTRUCTIONS = 32
"""Test images in the picture, each with its reconstruction (4 pairs of rows of 8)."""


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
    sandbox: str = "none",
    hidden: Sequence[Path] = (),
) -> SamplesResult:
    """Train ``submission``'s ``AAE`` as the grader does and write
    :func:`grader.pictures.grid_image`'s PNG.

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

        sandbox: ``bwrap`` or ``none`` (resolved, see :func:`grader.sandbox.resolve`).
        hidden: Paths the child must not see besides the solutions (the tracker's database).

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
    command = [
        "--assignment-dir", str(spec.folder), "--device", device, "--profile", profile,
        "--steps", str(total), "--seed", str(seed),
    ]  # fmt: skip
    done = run_tool(
        "grader.sample_child",
        command,
        submission=submission,
        out=out,
        memory_mb=spec.memory_mb,
        device=device,
        limit_s=limit,
        timeout_message=lambda progress: _timeout_message(limit, progress, submission.name),
        process="the sampling process",
        jail=jail_for(spec, submission, sandbox, hidden),
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
