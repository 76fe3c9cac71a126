"""Helpers the hidden suites share.

This module lives in ``grader/suites`` on purpose: an assertion raised here counts as the
suite's (``failed``, with its message), not as the student's code raising
(see ``grader.plugin._raised_in_suite``).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from grader.forbidden import ForbiddenCall, find_forbidden
from grader.training import evaluate, train_classifier, training_options


def randn64(*shape: int, seed: int = 0) -> torch.Tensor:
    """Standard normal float64 tensor of ``shape`` from its own generator seeded ``seed`` (the
    reference comparisons' inputs; torch's global RNG is left alone)."""
    return torch.randn(*shape, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))


def count_parameters(module: nn.Module) -> int:
    """Number of scalars in the module's parameters."""
    return sum(p.numel() for p in module.parameters())


_RANDOM_FILLS = frozenset(
    {
        torch.Tensor.normal_,
        torch.Tensor.log_normal_,
        torch.Tensor.cauchy_,
        torch.Tensor.exponential_,
        torch.Tensor.geometric_,
        nn.init.normal_,
    }
)
"""The in-place random fills whose meta path is Python code that imports ``torch._dynamo``
(and sympy) the first time it runs: 1-2 s, once per process. ``nn.init.kaiming_normal_``, the
usual ResNet initialisation, calls ``Tensor.normal_``; ``nn.init.normal_`` is here too because
a mode handles it as a whole (the ``Tensor.normal_`` inside it would not reach this one)."""


class _RandomFillsOnMeta(TorchFunctionMode):
    """On a meta tensor, a random fill of :data:`_RANDOM_FILLS` runs on a one-element CPU
    tensor of the same dtype instead, with a generator of its own (so the errors of a CPU build
    are raised and no generator the code uses is drawn from), and returns the meta tensor: it
    holds no values to fill, and its shape is what it was."""

    def __torch_function__(
        self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: Any = None
    ) -> Any:
        kwargs = kwargs or {}
        # nn.init.normal_ hands its tensor over as a keyword, the Tensor methods as the first
        tensor = args[0] if args else kwargs.get("tensor")
        if func in _RANDOM_FILLS and isinstance(tensor, torch.Tensor) and tensor.is_meta:
            probe = torch.empty(1, dtype=tensor.dtype, device="cpu")
            own = {**kwargs, "generator": torch.Generator()}
            if args:
                func(probe, *args[1:], **own)
            else:
                func(**{**own, "tensor": probe})
            return tensor
        return func(*args, **kwargs)


def build_on_meta(factory: Callable[[], nn.Module]) -> tuple[nn.Module, bool]:
    """The model on the meta device (no memory, no initialisation), or on the CPU where the
    student's code cannot run on meta (torch raises ``NotImplementedError`` for an operator
    without a meta kernel; the skeleton's own ``NotImplementedError`` comes again on the CPU);
    and whether it is on meta.

    Raises:
        ForbiddenCall: the student's code reached a forbidden call (on meta or not).
        Exception: whatever ``factory`` raises on the CPU.
    """
    try:
        with torch.device("meta"), _RandomFillsOnMeta():
            return factory(), True
    except ForbiddenCall:
        raise
    except Exception:
        return factory(), False


def read_source(path: Path) -> str:
    """The student's file as text; a file that is not UTF-8 fails the check, naming the line.

    Python itself reads a source file as UTF-8 (PEP 3120), and a bad byte in a comment may
    still import, so the check says what is wrong rather than raising UnicodeDecodeError.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        pytest.fail(
            f"{path.name} is not valid UTF-8: byte 0x{data[exc.start]:02x} on line {line}; "
            "save the file as UTF-8"
        )


def assert_no_forbidden(
    submission_path: Path,
    forbidden: Iterable[str],
    runs: Iterable[tuple[str, Callable[[], object]]] = (),
) -> None:
    """Fail on forbidden names in the source, then on forbidden calls while ``runs`` execute.

    Args:
        submission_path: The student's file.
        forbidden: The spec's ``forbidden`` names (see :func:`grader.forbidden.find_forbidden`).
        runs: ``(name, call)`` pairs run under ``torch.no_grad()``; a
            :class:`grader.forbidden.ForbiddenCall` fails the check, naming ``name`` and the
            student's line.
    """
    source = read_source(Path(submission_path))
    found = find_forbidden(source, forbidden)
    assert not found, "; ".join(
        f"line {f.line} uses {f.used}, which is not allowed ({f.forbidden})" for f in found
    )
    target = Path(submission_path).resolve()
    for name, run in runs:
        try:
            with torch.no_grad():
                run()
        except ForbiddenCall as exc:
            lines = [
                f.lineno
                for f in traceback.extract_tb(exc.__traceback__)
                if Path(f.filename).resolve() == target
            ]
            pytest.fail(f"{name}: {exc}" + (f" (line {lines[-1]})" if lines else ""))


def assert_trains(
    model: nn.Module, data: Any, profile: Any, progress: Any, *, seed: int = 0,
    measure: Any = None, **options: Any,
) -> None:  # fmt: skip
    """Train ``model`` on the profile's budget and fail below its accuracy threshold.

    Args:
        model: Maps ``(B, 1, 28, 28)`` images to ``(B, 10)`` logits, already on the data's
            device.
        data: :class:`grader.data.FashionMNIST` on the check's device.
        profile: The attempt's :class:`grader.spec.Profile`; its ``params`` may set training
            options (:func:`grader.training.training_options`).
        progress: The plugin's ``progress`` fixture.
        seed: Seeds the batch order (the plugin's ``seed`` fixture).
        measure: The plugin's ``measure`` fixture; it is given the accuracy.
        **options: Further :func:`grader.training.train_classifier` options, over the
            profile's (``optimizer=submission.AdamW``).
    """
    result = train_classifier(
        model, data, steps=profile.steps, batch_size=profile.batch_size, lr=profile.lr,
        seed=seed, on_step=progress, **{**training_options(profile.params), **options},
    )  # fmt: skip
    accuracy = evaluate(model, data.test_images, data.test_labels)
    if measure is not None:
        measure("test accuracy", accuracy, profile.threshold)
    assert accuracy >= profile.threshold, (
        f"test accuracy {accuracy:.3f} after {result.steps} steps (final loss "
        f"{result.final_loss:.3f}); at least {profile.threshold:.2f} is needed"
    )
