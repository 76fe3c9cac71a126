"""The child process of ``course aae samples``: ``python -m grader.sample_child ...``.

:func:`grader.samples.write_samples` starts it and reads its report. It imports the student's
file, seeds torch, builds ``AAE(**prior_params(profile.params))`` on the device, trains it with
:func:`grader.generative.train_aae`, draws 64 prior samples and the reconstructions of the
first 32 test images, and returns :func:`grader.pictures.grid_image`'s picture, which
:func:`grader.tool.tool_main` saves to ``--out`` before it reports ``done`` in the events file
(see :mod:`grader.samples` and :mod:`grader.tool`).

Every exception from student code, ``SystemExit`` included, becomes one ``error`` event whose
message names the exception and the deepest line of the student's file: ``not implemented yet:
AAE.__init__: ... (aae.py, line 164, in __init__)`` (:func:`grader.tool.stage`).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import DataError
from grader.events import Writer, progress_reporter
from grader.process import exit_child
from grader.spec import parse_spec
from grader.tool import Failure, load_submission, stage, tool_main

if TYPE_CHECKING:
    import torch
    from PIL import Image


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
    from grader.pictures import value_range

    found: list[str] = []
    low, high = math.inf, -math.inf
    nan = 0
    for name, values in (("sample()", samples), ("decode(encode(x))", reconstructions)):
        lo, hi, count = value_range(values)
        nan += count
        if lo is None or hi is None:
            continue
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


def run(args: argparse.Namespace, events: Writer) -> tuple[Image.Image, dict[str, Any]]:
    """Train and draw; the picture and the ``done`` event's other fields.

    Raises:
        Failure: the student's code failed, or the data set is missing.
    """
    import torch

    from grader.data import load_fashion_mnist
    from grader.generative import images_01, prior_params, reconstruction_mse, train_aae
    from grader.pictures import grid_image
    from grader.samples import RECONSTRUCTIONS, SAMPLES

    spec = parse_spec(Path(args.assignment_dir) / "assignment.yaml")
    profile = spec.profile(args.profile)
    path = Path(args.submission)
    device = torch.device(args.device)
    module = load_submission(path)
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
    return image, {
        "steps": trained.steps,
        "seconds": round(trained.seconds, 3),
        "recon_mse": recon_mse,
        "warnings": range_warnings(samples, reconstructions),
    }


def arguments(p: argparse.ArgumentParser) -> None:
    """The child's own arguments (:func:`grader.tool.tool_main` adds the common ones)."""
    p.add_argument("--assignment-dir", required=True, help="folder holding assignment.yaml")
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--profile", default="quick", help="quick or full")
    p.add_argument("--steps", type=int, required=True, help="training steps")
    p.add_argument("--seed", type=int, default=0, help="seeds init, batches and prior draws")


def main(argv: list[str] | None = None) -> int:
    """Run the child; its exit status (0 done, 1 error reported)."""
    return tool_main("grader.sample_child", __doc__, arguments, run, argv)


if __name__ == "__main__":
    exit_child(main())
