"""The child process of ``course aae samples``: ``python -m grader.sample_child ...``.

:func:`grader.samples.write_samples` starts it and reads its report. It imports the student's
file, seeds torch, builds ``AAE(**prior_params(profile.params))`` on the device, trains it with
:func:`grader.generative.train_aae`, draws 64 prior samples and the reconstructions of the
first 32 test images, saves :func:`grader.samples.grid_image`'s PNG to ``--out`` and reports
JSON events, one a line, on the stdout it was started with (see :mod:`grader.samples`).

File descriptor 1 is pointed at stderr (the parent's log) before any student code runs, so a
``print`` in the student's file cannot garble the events. Every exception from student code,
``SystemExit`` included, becomes one ``error`` event whose message names the exception and the
deepest line of the student's file: ``not implemented yet: AAE.__init__: ... (aae.py, line
164, in __init__)``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import traceback
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from course.errors import DataError
from grader.spec import parse_spec

if TYPE_CHECKING:
    import torch

    from grader.generative import StepCallback

_MESSAGE_LIMIT = 400
_PROGRESS_INTERVAL_S = 0.2


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
    ``training failed: TypeError: <text>``.
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


def expect_images(what: str, value: object, count: int) -> None:
    """Raise :class:`Failure` unless ``value`` is a tensor ``(count, 1, 28, 28)``."""
    import torch

    expected = f"({count}, 1, 28, 28)"
    if not isinstance(value, torch.Tensor):
        raise Failure(f"{what} returned {type(value).__name__}; it must return a tensor {expected}")
    shape = "(" + ", ".join(str(d) for d in value.shape) + ")"
    if shape != expected:
        raise Failure(f"{what} returned shape {shape}; it must return {expected}")


def range_warnings(samples: torch.Tensor, reconstructions: torch.Tensor) -> list[str]:
    """Warnings for decoder outputs outside [0, 1] or NaN (the picture clips them)."""
    import torch

    found: list[str] = []
    low, high = math.inf, -math.inf
    nan = 0
    for name, values in (("sample()", samples), ("decode(encode(x))", reconstructions)):
        flat = values.detach().float().reshape(-1)
        is_nan = torch.isnan(flat)
        nan += int(is_nan.sum())
        kept = flat[~is_nan]
        if kept.numel() == 0:
            continue
        lo, hi = float(kept.min()), float(kept.max())
        if lo < 0.0 or hi > 1.0:
            found.append(name)
            low, high = min(low, lo), max(high, hi)
    warnings = []
    if found:
        warnings.append(
            f"{' and '.join(found)} returned values outside [0, 1] (min {low:.2f}, max "
            f"{high:.2f}): end the decoder with a sigmoid"
        )
    if nan:
        warnings.append(f"the decoder returned {nan} NaN values; they are drawn black")
    return warnings


def progress_reporter(events: Events) -> StepCallback:
    """``on_step(step, total)`` that emits ``progress`` at most 5 times a second, and the last."""
    last = -math.inf

    def report(step: int, total: int) -> None:
        nonlocal last
        now = time.perf_counter()
        if step == total or now - last >= _PROGRESS_INTERVAL_S:
            last = now
            events.emit("progress", step=step, total=total)

    return report


def run(args: argparse.Namespace, events: Events) -> dict[str, Any]:
    """Train, draw and save; the ``done`` event's fields.

    Raises:
        Failure: the student's code failed, or the data set is missing.
    """
    import torch

    from grader.data import load_fashion_mnist
    from grader.generative import images_01, prior_params, reconstruction_mse, train_aae
    from grader.plugin import SubmissionImportError, import_submission
    from grader.samples import RECONSTRUCTIONS, SAMPLES, grid_image

    spec = parse_spec(Path(args.assignment_dir) / "assignment.yaml")
    profile = spec.profile(args.profile)
    path = Path(args.submission)
    device = torch.device(args.device)
    try:
        module = import_submission(path)
    except SubmissionImportError as exc:
        raise Failure(str(exc)) from None
    aae_class = getattr(module, "AAE", None)
    if not isinstance(aae_class, type):
        raise Failure(f"{path.name} has no class AAE: keep the skeleton's names")
    kwargs = prior_params(profile.params)
    with stage("building the model", path):
        torch.manual_seed(args.seed)
        model = aae_class(**kwargs).to(device)
    try:
        data = load_fashion_mnist(device)
    except DataError as exc:
        raise Failure(exc.message, kind="data") from None
    on_step = progress_reporter(events)
    events.emit("progress", step=0, total=args.steps)
    with stage("training", path):
        trained = train_aae(
            model,
            data,
            steps=args.steps,
            batch_size=profile.batch_size,
            lr=profile.lr,
            lr_reg=float(profile.params["lr_reg"]),
            seed=args.seed,
            on_step=on_step,
        )
    with stage("drawing the samples", path), torch.no_grad():
        model.eval()
        generator = torch.Generator().manual_seed(args.seed)
        samples = model.sample(SAMPLES, generator=generator)
        expect_images(f"sample({SAMPLES}, generator=...)", samples, SAMPLES)
        originals = images_01(data.test_images[:RECONSTRUCTIONS])
        reconstructions = model.decode(model.encode(originals))
        expect_images(
            f"decode(encode(x)) of {RECONSTRUCTIONS} test images", reconstructions, RECONSTRUCTIONS
        )
        recon_mse = reconstruction_mse(model.encoder, model.decoder, data.test_images)
    image = grid_image(samples, originals, reconstructions)
    image.save(args.out, format="PNG")
    return {
        "steps": trained.steps,
        "seconds": round(trained.seconds, 3),
        "recon_mse": recon_mse,
        "warnings": range_warnings(samples, reconstructions),
        "width": image.width,
        "height": image.height,
    }


def parser() -> argparse.ArgumentParser:
    """The child's command line."""
    p = argparse.ArgumentParser(prog="python -m grader.sample_child", description=__doc__)
    p.add_argument("--assignment-dir", required=True, help="folder holding assignment.yaml")
    p.add_argument("--submission", required=True, help="path of the student's file")
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--profile", default="quick", help="quick or full")
    p.add_argument("--steps", type=int, required=True, help="training steps")
    p.add_argument("--seed", type=int, default=0, help="seeds init, batches and prior draws")
    p.add_argument("--out", required=True, help="where the PNG goes")
    p.add_argument("--parent-pid", type=int, help="exit when this is no longer the parent")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the child; its exit status (0 done, 1 error reported)."""
    args = parser().parse_args(argv)
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


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)  # do not wait for threads the student's code may have left running
