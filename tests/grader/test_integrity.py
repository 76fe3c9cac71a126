"""Snapshot.changed in this process: what it names, what it puts back, what it lets pass.

The grading child's side (a tampering submission loses the check) is in test_trust.py.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator

import pytest
import torch

from grader.integrity import Snapshot, describe_changes


@pytest.fixture
def snapshot() -> Iterator[Snapshot]:
    taken = Snapshot()
    yield taken
    taken.changed()  # puts back whatever a failed test left replaced


def test_nothing_changed_is_an_empty_list(snapshot: Snapshot) -> None:
    assert snapshot.changed() == []


def test_a_replaced_name_is_named_and_put_back(snapshot: Snapshot) -> None:
    original = torch.allclose
    torch.allclose = lambda *a, **k: True  # type: ignore[assignment]
    assert snapshot.changed() == ["torch.allclose"]
    assert torch.allclose is original
    assert snapshot.changed() == []


def test_a_deleted_name_and_a_class_attribute_are_named(snapshot: Snapshot) -> None:
    original_floor, original_forward = math.floor, torch.nn.Linear.forward
    del math.floor
    torch.nn.Linear.forward = lambda self, x: x  # type: ignore[method-assign]
    assert snapshot.changed() == ["math.floor", "torch.nn.Linear.forward"]
    assert math.floor is original_floor
    assert torch.nn.Linear.forward is original_forward


def test_a_name_added_after_the_snapshot_does_not_count(snapshot: Snapshot) -> None:
    torch.nn.functional.course_test_extra = 1  # type: ignore[attr-defined]
    try:
        assert snapshot.changed() == []
    finally:
        del torch.nn.functional.course_test_extra  # type: ignore[attr-defined]


def test_torchs_own_wrapper_is_taken_as_the_new_original() -> None:
    """torch wraps some functions on first use (functools.wraps, code in torch's folder)."""
    snapshot = Snapshot()
    original = torch.optim.SGD.step
    wrapper = torch.optim.Optimizer.profile_hook_step(original)
    assert wrapper.__wrapped__ is original
    torch.optim.SGD.step = wrapper  # type: ignore[method-assign]
    try:
        assert snapshot.changed() == []
        assert torch.optim.SGD.step is wrapper
    finally:
        torch.optim.SGD.step = original  # type: ignore[method-assign]


def test_a_wrapper_from_outside_torch_is_tampering(snapshot: Snapshot) -> None:
    original = torch.nn.functional.relu
    torch.nn.functional.relu = functools.wraps(original)(lambda *a, **k: original(*a, **k))
    assert snapshot.changed() == ["torch.nn.functional.relu"]
    assert torch.nn.functional.relu is original


def test_describe_changes() -> None:
    assert describe_changes(["torch.nn.LSTM"]) == (
        "your code replaced torch.nn.LSTM: the grader relies on it, so this check cannot count"
    )
    assert describe_changes(["a TorchFunctionMode (torch.overrides)", "torch.nn.LSTM"]) == (
        "your code registered a TorchFunctionMode (torch.overrides) and 1 more: the grader "
        "relies on it, so this check cannot count"
    )
