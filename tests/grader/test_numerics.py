"""`grader.numerics.rel_error`: CS231n's relative error."""

from __future__ import annotations

import math

import pytest
import torch

from grader.numerics import rel_error


def test_identical_tensors() -> None:
    x = torch.randn(3, 4, dtype=torch.float64)
    assert rel_error(x, x.clone()) == 0.0


def test_largest_elementwise_error() -> None:
    x = torch.tensor([1.0, 2.0, 0.0], dtype=torch.float64)
    y = torch.tensor([1.0, 2.2, 0.0], dtype=torch.float64)
    assert rel_error(x, y) == pytest.approx(0.2 / 4.2, rel=1e-12)


def test_floor_for_values_near_zero() -> None:
    x = torch.tensor([1e-12], dtype=torch.float64)
    y = torch.tensor([3e-12], dtype=torch.float64)
    assert rel_error(x, y) == pytest.approx(2e-12 / 1e-8, rel=1e-9)


def test_opposite_signs_give_one() -> None:
    x = torch.tensor([0.5, -1.0], dtype=torch.float64)
    assert rel_error(x, -x) == 1.0


def test_float32_is_compared_in_float64() -> None:
    x = torch.tensor([1.0], dtype=torch.float32)
    y = torch.tensor([1.0 + 2**-20], dtype=torch.float64)
    assert rel_error(x, y) == pytest.approx(2**-20 / (2 + 2**-20), rel=1e-12)


def test_empty() -> None:
    assert rel_error(torch.empty(0, 3), torch.empty(0, 3)) == 0.0


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        ([float("nan")], [1.0], math.inf),
        ([float("nan")], [float("nan")], math.inf),
        ([float("inf")], [1.0], math.inf),
        ([float("inf")], [float("inf")], 0.0),
        ([float("inf")], [float("-inf")], math.inf),
    ],
)
def test_non_finite(x: list[float], y: list[float], expected: float) -> None:
    assert rel_error(torch.tensor(x), torch.tensor(y)) == expected


def test_values_whose_sum_overflows_are_still_compared() -> None:
    x = torch.tensor([1.5e308, 1.0], dtype=torch.float64)
    y = torch.tensor([-1.5e308, 1.0], dtype=torch.float64)
    assert rel_error(x, y) == 1.0
    assert rel_error(x, x.clone()) == 0.0


def test_shape_mismatch() -> None:
    with pytest.raises(ValueError) as info:
        rel_error(torch.zeros(2, 3), torch.zeros(3, 2))
    assert str(info.value) == "cannot compare shapes (2, 3) and (3, 2)"
