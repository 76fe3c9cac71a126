"""Numerical comparisons the hidden suites share."""

from __future__ import annotations

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
    if not bool(torch.isfinite(a).all() and torch.isfinite(b).all()):
        return 0.0 if torch.equal(a, b) else float("inf")
    error = (a - b).abs() / (a.abs() + b.abs()).clamp_min(REL_FLOOR)
    return float(error.max())
