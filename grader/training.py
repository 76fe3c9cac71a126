"""The shared train/eval loop the accuracy checks use.

Batches are sampled on the device from tensors already there (no DataLoader, no workers), with
a seeded ``torch.Generator`` so a run is repeatable for a given seed and device.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from grader.data import FashionMNIST

# Per-pixel statistics of the Fashion-MNIST training set (scaled to [0, 1]).
MEAN = 0.2860
STD = 0.3530

StepCallback = Callable[[int, int], None]
Transform = Callable[..., torch.Tensor]
"""``transform(x, generator=g)`` on float images in [0, 1] (the ``augment`` assignment's API)."""
OptimizerFactory = Callable[..., torch.optim.Optimizer]
"""``make(params, lr=..., weight_decay=...)``: an optimiser class or a function that builds one
(the ``optim`` assignment passes the student's ``AdamW``)."""

MIN_SCHEDULED_STEPS = 10
"""Shorter runs train at a constant learning rate (see :func:`train_classifier`)."""


def normalise(images: torch.Tensor) -> torch.Tensor:
    """uint8 images ``(B, 1, 28, 28)`` to float32 standardised with the training-set mean/std."""
    return (images.float() / 255.0 - MEAN) / STD


def flip_and_crop(
    images: torch.Tensor, generator: torch.Generator, padding: int = 2
) -> torch.Tensor:
    """Random horizontal flip (p = 0.5) and random crop after zero padding, per sample.

    Label-preserving augmentation for Fashion-MNIST (the "standard" flip + crop of He et al.,
    2016, Sec. 4.2, with 2 pixels of padding for 28x28 images), vectorised over the batch.

    Args:
        images: ``(B, C, H, W)``, any dtype, on the generator's device.
        generator: Source of randomness.
        padding: Zero padding on each side before cropping back to ``(H, W)``, pixels.

    Returns:
        ``(B, C, H, W)``, same dtype and device.
    """
    b, _, h, w = images.shape
    device = images.device
    flip = torch.rand(b, device=device, generator=generator) < 0.5
    images = torch.where(flip[:, None, None, None], images.flip(-1), images)
    padded = nn.functional.pad(images, (padding, padding, padding, padding))
    dy = torch.randint(0, 2 * padding + 1, (b,), device=device, generator=generator)
    dx = torch.randint(0, 2 * padding + 1, (b,), device=device, generator=generator)
    rows = (dy[:, None] + torch.arange(h, device=device))[:, None, :, None]
    cols = (dx[:, None] + torch.arange(w, device=device))[:, None, None, :]
    batch = torch.arange(b, device=device)[:, None, None, None]
    channel = torch.arange(images.shape[1], device=device)[None, :, None, None]
    return padded[batch, channel, rows, cols]


@dataclass(frozen=True)
class TrainResult:
    """What :func:`train_classifier` did.

    Attributes:
        steps: Optimiser steps taken.
        final_loss: Mean cross-entropy over the last 20 steps.
        seconds: Wall time of training in seconds.
    """

    steps: int
    final_loss: float
    seconds: float


TRAINING_OPTIONS = ("augment", "optimizer", "weight_decay")
"""Profile ``params`` that are :func:`train_classifier` options rather than model settings."""


def training_options(params: Mapping[str, Any]) -> dict[str, Any]:
    """The :func:`train_classifier` keyword arguments a profile's ``params`` set.

    Only the keys in ``TRAINING_OPTIONS`` that are present are returned (converted to their
    types), so the function's own defaults apply to the rest.
    """
    kinds: dict[str, Callable[[Any], Any]] = {
        "augment": bool,
        "optimizer": str,
        "weight_decay": float,
    }
    return {key: kinds[key](params[key]) for key in TRAINING_OPTIONS if key in params}


def train_classifier(
    model: nn.Module,
    data: FashionMNIST,
    *,
    steps: int,
    batch_size: int,
    lr: float,
    seed: int = 0,
    weight_decay: float = 5e-4,
    augment: bool = False,
    optimizer: str | OptimizerFactory = "sgd",
    transform: Transform | None = None,
    on_step: StepCallback | None = None,
) -> TrainResult:
    """Train ``model`` on Fashion-MNIST's training split.

    The optimiser is SGD with Nesterov momentum 0.9 (``optimizer="sgd"``), or AdamW
    (Loshchilov & Hutter, 2019, arXiv:1711.05101; ``optimizer="adamw"``), the usual choice for
    Transformers. The learning rate follows a one-cycle schedule (Smith & Topin, 2017,
    arXiv:1708.07120; ``torch.optim.lr_scheduler.OneCycleLR``): from ``lr / 25`` up to ``lr``
    over the first 20 % of ``steps``, cosine decay after, with momentum (AdamW: beta1) cycled
    between 0.95 and 0.85 (not for an ``optimizer`` factory, whose hyper-parameters may be
    named otherwise: only its ``lr`` follows the schedule). Runs shorter than
    ``MIN_SCHEDULED_STEPS`` (only tests make them) keep ``lr`` constant, since the schedule's
    warm-up phase would have no length.

    Args:
        model: Maps ``(B, 1, 28, 28)`` float images to ``(B, 10)`` logits; already on the device
            of ``data``.
        data: The data set, on the training device.
        steps: Optimiser steps.
        batch_size: Images per step.
        lr: Peak learning rate.
        seed: Seeds batch sampling (the caller seeds the model's initialisation).
        weight_decay: L2 penalty (SGD) or decoupled weight decay (AdamW).
        augment: Apply :func:`flip_and_crop` to every training batch.
        transform: Applied to every training batch as ``transform(x, generator=g)`` on float
            images ``(B, 1, 28, 28)`` in [0, 1] (after ``augment``, before standardising);
            ``g`` is the batch sampler's generator. The ``augment`` assignment passes the
            student's pipeline here.
        optimizer: ``"sgd"``, ``"adamw"``, or a factory called as
            ``optimizer(model.parameters(), lr=lr, weight_decay=weight_decay)``.
        on_step: Called as ``on_step(step, steps)`` after each step (1-based).

    Returns:
        Steps, final loss and seconds.

    Raises:
        FloatingPointError: the loss became NaN or infinite.
        ValueError: ``optimizer`` is a string other than ``"sgd"`` and ``"adamw"``.
    """
    device = data.train_images.device
    generator = torch.Generator(device=device).manual_seed(seed)
    step_rule: torch.optim.Optimizer
    if optimizer == "sgd":
        step_rule = torch.optim.SGD(
            model.parameters(), lr=lr, momentum=0.9, nesterov=True, weight_decay=weight_decay
        )
    elif optimizer == "adamw":
        step_rule = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    elif callable(optimizer):
        step_rule = optimizer(model.parameters(), lr=lr, weight_decay=weight_decay)
    else:
        raise ValueError(f"unknown optimizer {optimizer!r}: use 'sgd' or 'adamw'")
    schedule: torch.optim.lr_scheduler.LRScheduler = (
        torch.optim.lr_scheduler.OneCycleLR(
            step_rule,
            max_lr=lr,
            total_steps=steps,
            pct_start=0.2,
            anneal_strategy="cos",
            cycle_momentum=isinstance(optimizer, str),
        )
        if steps >= MIN_SCHEDULED_STEPS
        else torch.optim.lr_scheduler.ConstantLR(step_rule, factor=1.0)
    )
    model.train()
    losses: list[float] = []
    start = time.perf_counter()
    n = data.train_images.shape[0]
    for step in range(1, steps + 1):
        index = _batch_index(n, batch_size, generator)
        batch = data.train_images[index]
        if augment:
            batch = flip_and_crop(batch, generator)
        if transform is None:
            logits = model(normalise(batch))
        else:
            logits = model((transform(batch.float() / 255.0, generator=generator) - MEAN) / STD)
        loss = nn.functional.cross_entropy(logits, data.train_labels[index])
        step_rule.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]
        step_rule.step()
        schedule.step()
        value = float(loss.detach())
        if value != value or value in (float("inf"), float("-inf")):
            raise FloatingPointError(f"the training loss became {value} at step {step}")
        losses.append(value)
        if on_step is not None:
            on_step(step, steps)
    tail = losses[-20:]
    return TrainResult(
        steps=steps, final_loss=sum(tail) / len(tail), seconds=time.perf_counter() - start
    )


def _batch_index(n: int, batch_size: int, generator: torch.Generator) -> torch.Tensor:
    """The training images of one step: ``batch_size`` indices below ``n``, drawn with
    ``generator`` (the one sampler of :func:`train_classifier` and :func:`changes_batches`)."""
    return torch.randint(0, n, (batch_size,), device=generator.device, generator=generator)


def changes_batches(
    transform: Transform, data: FashionMNIST, *, steps: int, batch_size: int, seed: int = 0
) -> bool:
    """Whether ``transform`` would change what :func:`train_classifier` trains on.

    Replays the batches of ``train_classifier(..., steps=steps, batch_size=batch_size,
    seed=seed, transform=transform)`` (``augment`` off) without a model: ``False`` only when
    every call returned its input unchanged (same shape, dtype, device and values) and left
    the batch sampler's generator as it found it. Then the training would see exactly the
    batches of a run without ``transform``, and its model would be that run's: a caller may
    reuse that run's result instead of training again. It stops at the first batch that
    differs, so a transform that augments costs one call. Gradient mode is left as the
    training has it, so the transform runs as it would there.

    Args:
        transform: Called as ``transform(x, generator=g)`` on float images ``(B, 1, 28, 28)``
            in [0, 1]; an exception it raises counts as a change (the real training raises it).
        data: The data set the training would use.
        steps: The training's optimiser steps.
        batch_size: Images per step.
        seed: The training's ``seed``.
    """
    generator = torch.Generator(device=data.train_images.device).manual_seed(seed)
    n = data.train_images.shape[0]
    for _ in range(steps):
        x = data.train_images[_batch_index(n, batch_size, generator)].float() / 255.0
        before, state = x.clone(), generator.get_state()
        try:
            y = transform(x, generator=generator)
        except Exception:
            return True
        same = (
            isinstance(y, torch.Tensor)
            and (y.shape, y.dtype, y.device) == (before.shape, before.dtype, before.device)
            and torch.equal(y, before)
            and torch.equal(generator.get_state(), state)
        )
        if not same:
            return True
    return False


@torch.no_grad()
def evaluate(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch_size: int = 1000
) -> float:
    """Accuracy (0 to 1) of ``model`` in eval mode on uint8 ``images (N, 1, 28, 28)``."""
    was_training = model.training
    model.eval()
    correct = 0
    for i in range(0, images.shape[0], batch_size):
        logits = model(normalise(images[i : i + batch_size]))
        correct += int((logits.argmax(dim=1) == labels[i : i + batch_size]).sum())
    model.train(was_training)
    return correct / images.shape[0]
