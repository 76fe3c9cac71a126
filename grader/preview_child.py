"""The child process of ``course augment preview``: ``python -m grader.preview_child ...``.

:func:`grader.preview.write_preview` starts it and reads its report. It loads the Fashion-MNIST
test images (only those: the training split is not needed), picks ``--n`` of them with
``--seed``, imports the student's file, calls its ``fashion_pipeline()``, applies the result
once to the batch and returns :func:`grader.pictures.preview_image`'s picture, which
:func:`grader.tool.tool_main` saves to ``--out`` before it reports ``done`` in the events file
(see :mod:`grader.preview` and :mod:`grader.tool`).

Every exception from student code, ``SystemExit`` included, becomes one ``error`` event whose
message names the exception and the deepest line of the student's file: ``not implemented yet:
... (augment.py, line 310, in fashion_pipeline)`` (:func:`grader.tool.stage`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import DataError
from grader.events import Writer
from grader.process import exit_child
from grader.tool import Failure, load_submission, stage, tool_main

if TYPE_CHECKING:
    import torch
    from PIL import Image

PIPELINE = "fashion_pipeline"
"""The function of the student's file that returns the pipeline."""


def choose_images(n: int, seed: int) -> torch.Tensor:
    """``n`` distinct Fashion-MNIST test images, float ``(n, 1, 28, 28)`` in [0, 1].

    They are the first ``n`` of ``torch.randperm(10000, generator=torch.Generator()
    .manual_seed(seed))``, in that order. Only the test images file is read and verified.

    Raises:
        Failure: (``kind="data"``) the data set is missing or corrupt.
    """
    import torch

    from grader.data import FILES, ensure_dataset, parse_idx, read_verified

    spec = FILES["test_images"]
    try:
        folder = ensure_dataset(allow_download=False)
        payload = parse_idx(read_verified(folder / spec.name, spec), spec.shape)
    except DataError as exc:
        raise Failure(exc.message, kind="data") from None
    images = torch.frombuffer(bytearray(payload), dtype=torch.uint8).reshape(spec.shape)
    order = torch.randperm(spec.shape[0], generator=torch.Generator().manual_seed(seed))
    return images[order[:n]].unsqueeze(1).float().div(255.0)


def expect_batch(value: object, count: int) -> tuple[int, ...]:
    """The shape of ``value``; raise :class:`Failure` unless it is a float tensor
    ``(count, 1, H, W)`` with H, W >= 1."""
    import torch

    expected = f"({count}, 1, H, W)"
    if not isinstance(value, torch.Tensor):
        raise Failure(
            f"your pipeline returned {type(value).__name__} for a batch of {count} images; it "
            f"must return one tensor {expected}"
        )
    shape = tuple(int(d) for d in value.shape)
    text = "(" + ", ".join(str(d) for d in shape) + ")"
    if len(shape) != 4 or shape[0] != count or shape[1] != 1 or min(shape[2:]) < 1:
        raise Failure(
            f"your pipeline returned shape {text} for a batch of {count} images ({count}, 1, 28, "
            f"28); it must return {expected}, the same images in the same order"
        )
    if not value.is_floating_point():
        raise Failure(
            f"your pipeline returned a tensor of {value.dtype}; it must return float images"
        )
    return shape


def range_warnings(augmented: torch.Tensor) -> list[str]:
    """Warnings for pipeline outputs outside [0, 1] or NaN (the picture clips them)."""
    from grader.pictures import value_range

    low, high, nan = value_range(augmented)
    warnings = []
    if low is not None and high is not None and (low < 0.0 or high > 1.0):
        warnings.append(
            f"your pipeline returned values outside [0, 1] (min {low:.2f}, max {high:.2f}), "
            "e.g. after a Normalize; the picture clips them"
        )
    if nan:
        warnings.append(f"your pipeline returned {nan} NaN values; they are drawn black")
    return warnings


def run(args: argparse.Namespace, events: Writer) -> tuple[Image.Image, dict[str, Any]]:
    """Load, build, apply and draw; the picture and the ``done`` event's other fields.

    Raises:
        Failure: the student's code failed, or the data set is missing.
    """
    import torch

    from grader.pictures import preview_image

    originals = choose_images(args.n, args.seed)
    path = Path(args.submission)
    events.emit("stage", name="import")
    module = load_submission(path)
    factory = getattr(module, PIPELINE, None)
    if not callable(factory):
        raise Failure(f"{path.name} has no function {PIPELINE}: keep the skeleton's names")
    events.emit("stage", name="build")
    with stage(f"calling {PIPELINE}()", path):
        torch.manual_seed(args.seed)
        pipeline = factory()
    if not callable(pipeline):
        raise Failure(
            f"{PIPELINE}() returned {type(pipeline).__name__}; it must return the pipeline, "
            "e.g. Compose([...])"
        )
    events.emit("stage", name="apply")
    with stage("applying the pipeline", path), torch.no_grad():
        torch.manual_seed(args.seed)
        generator = torch.Generator().manual_seed(args.seed)
        augmented = pipeline(originals.clone(), generator=generator)
    shape = expect_batch(augmented, args.n)
    image = preview_image(originals, augmented)
    return image, {
        "count": args.n,
        "shape": list(shape),
        "warnings": range_warnings(augmented),
    }


def arguments(p: argparse.ArgumentParser) -> None:
    """The child's own arguments (:func:`grader.tool.tool_main` adds the common ones)."""
    p.add_argument("--n", type=int, required=True, help="test images in the picture")
    p.add_argument("--seed", type=int, default=0, help="picks the images, seeds the pipeline")


def main(argv: list[str] | None = None) -> int:
    """Run the child; its exit status (0 done, 1 error reported)."""
    return tool_main("grader.preview_child", __doc__, arguments, run, argv)


if __name__ == "__main__":
    exit_child(main())
