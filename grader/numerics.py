"""Numerical comparisons the hidden suites share."""

from __future__ import annotations

import math

import torch

REL_FLOOR = 1e-8
"""Smallest denominator of :func:`rel_error`, so two near-zero values count as equal."""


def rel_error(x: torch.Tensor, y: torch.Tensor) -> float:
    """Largest elementwise relative error ``|x - y| / max(1e-8, |x| + |y|)``.

    The measure of Stanford CS231n's assignments (``rel_error``); for float64 computations
    of the same maths it is around 1e-13 or below.

    Args:
        x: Any shape.
        y: Same shape as ``x`` (not broadcast).

    Returns:
        The maximum over elements; ``0.0`` for empty tensors; ``inf`` when either holds a
        NaN or an infinity, unless the two are identical.

    Raises:
        ValueError: the shapes differ.
    """
    if x.shape != y.shape:
        raise ValueError(f"cannot compare shapes {tuple(x.shape)} and {tuple(y.shape)}")
    if x.numel() == 0:
        return 0.0
    a, b = x.detach().double(), y.detach().to(device=x.device).double()
    # A NaN or an infinity in either makes the quotient NaN, so a finite maximum means both
    # were finite: the common case costs one pass (the optim suite calls this 10^4 times).
    largest = float(((a - b).abs() / (a.abs() + b.abs()).clamp_min(REL_FLOOR)).max())
    if math.isfinite(largest):
        return largest
    if not bool(torch.isfinite(a).all() and torch.isfinite(b).all()):
        return 0.0 if torch.equal(a, b) else float("inf")
    # finite values so large that x - y or |x| + |y| overflows: halving both is exact
    half = (a / 2 - b / 2).abs() / (a.abs() / 2 + b.abs() / 2).clamp_min(REL_FLOOR / 2)
    return float(half.max())
