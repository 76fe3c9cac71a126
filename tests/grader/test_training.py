"""`grader.training`: augmentation, the train loop and evaluation, on small made-up data."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from grader.data import FashionMNIST
from grader.training import (
    changes_batches,
    evaluate,
    flip_and_crop,
    normalise,
    train_classifier,
    training_options,
)


def _data(n: int = 64) -> FashionMNIST:
    generator = torch.Generator().manual_seed(0)
    labels = torch.arange(n) % 2
    # class 0 is dark, class 1 bright, plus noise: separable with or without flips and crops
    noise = torch.randint(0, 10, (n, 1, 28, 28), generator=generator, dtype=torch.uint8)
    images = (labels * 180 + 20).to(torch.uint8)[:, None, None, None] + noise
    return FashionMNIST(images, labels, images.clone(), labels.clone(), Path("."))


def test_flip_and_crop_returns_a_window_of_the_padded_possibly_flipped_image() -> None:
    images = torch.arange(8 * 28 * 28, dtype=torch.float32).reshape(8, 1, 28, 28)
    out = flip_and_crop(images, torch.Generator().manual_seed(1), padding=2)
    assert out.shape == images.shape and out.dtype == images.dtype
    for sample, result in zip(images, out, strict=True):
        candidates = []
        for source in (sample, sample.flip(-1)):
            padded = nn.functional.pad(source, (2, 2, 2, 2))
            candidates += [padded[:, y : y + 28, x : x + 28] for y in range(5) for x in range(5)]
        assert any(torch.equal(result, c) for c in candidates)


def test_flip_and_crop_varies_per_sample_and_repeats_per_seed() -> None:
    images = torch.rand(64, 1, 28, 28)
    first = flip_and_crop(images, torch.Generator().manual_seed(3))
    again = flip_and_crop(images, torch.Generator().manual_seed(3))
    other = flip_and_crop(images, torch.Generator().manual_seed(4))
    assert torch.equal(first, again)
    assert not torch.equal(first, other)
    unchanged = sum(torch.equal(a, b) for a, b in zip(first, images, strict=True))
    assert unchanged < 16  # 1 in 50 samples keeps offset (2, 2) and no flip


def test_flip_and_crop_keeps_uint8() -> None:
    images = torch.randint(0, 255, (4, 1, 28, 28), dtype=torch.uint8)
    assert flip_and_crop(images, torch.Generator().manual_seed(0)).dtype == torch.uint8


def test_normalise_standardises_uint8() -> None:
    x = normalise(torch.full((1, 1, 2, 2), 255, dtype=torch.uint8))
    assert torch.allclose(x, torch.full((1, 1, 2, 2), (1.0 - 0.2860) / 0.3530))


@pytest.mark.parametrize("augment", [False, True])
def test_train_classifier_learns_and_reports_steps(augment: bool) -> None:
    torch.manual_seed(0)
    data = _data()
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    steps: list[tuple[int, int]] = []
    result = train_classifier(
        model, data, steps=60, batch_size=32, lr=0.05, augment=augment,
        on_step=lambda s, t: steps.append((s, t)),
    )  # fmt: skip
    assert steps == [(s, 60) for s in range(1, 61)]
    assert result.steps == 60 and result.seconds > 0
    assert evaluate(model, data.test_images, data.test_labels, batch_size=10) == 1.0
    assert result.final_loss < 0.1


def test_train_classifier_applies_a_transform_to_unit_batches() -> None:
    seen: list[tuple[torch.Tensor, object]] = []

    def transform(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        seen.append((x, generator))
        return x

    torch.manual_seed(0)
    data = _data()
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    train_classifier(model, data, steps=3, batch_size=8, lr=0.05, transform=transform)
    assert len(seen) == 3
    batch, generator = seen[0]
    assert (tuple(batch.shape), batch.dtype) == ((8, 1, 28, 28), torch.float32)
    assert float(batch.min()) >= 0.0 and float(batch.max()) <= 1.0
    assert float(batch.max()) > 0.5  # scaled from uint8, not standardised
    assert isinstance(generator, torch.Generator)


def _identity(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    return x


def test_a_transform_that_changes_nothing_trains_the_model_of_no_transform() -> None:
    # the premise of changes_batches: a run whose batches are unchanged is the run without
    data = _data()
    weights = []
    for transform in (None, _identity):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        train_classifier(model, data, steps=12, batch_size=8, lr=0.05, transform=transform)
        weights.append(model[1].weight.detach().clone())
    assert torch.equal(weights[0], weights[1])
    assert not changes_batches(_identity, data, steps=12, batch_size=8)


def _flip_all(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    return x.flip(-1)


def _draws_but_returns(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    torch.rand(1, generator=generator)  # moves the batch sampler on: other batches follow
    return x


def _in_place(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    return x.mul_(0.5)


def _clone_to_double(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    return x.double()


def _tuple(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    return (x,)  # type: ignore[return-value]


def _raises(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    raise RuntimeError("boom")


@pytest.mark.parametrize(
    "transform", [_flip_all, _draws_but_returns, _in_place, _clone_to_double, _tuple, _raises]
)
def test_changes_batches_counts_any_change(transform: object) -> None:
    assert changes_batches(transform, _data(), steps=5, batch_size=8)  # type: ignore[arg-type]


def test_changes_batches_replays_every_step_until_a_change() -> None:
    calls: list[int] = []

    def late(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        calls.append(1)
        return x if len(calls) < 7 else x + 1.0

    assert changes_batches(late, _data(), steps=7, batch_size=8)
    assert len(calls) == 7
    calls.clear()
    assert not changes_batches(late, _data(), steps=6, batch_size=8)
    assert len(calls) == 6


def test_train_classifier_with_adamw() -> None:
    torch.manual_seed(0)
    data = _data()
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    result = train_classifier(
        model, data, steps=40, batch_size=32, lr=0.01, weight_decay=0.05, optimizer="adamw"
    )
    assert result.steps == 40
    assert evaluate(model, data.test_images, data.test_labels) == 1.0
    assert result.final_loss < 0.1


def test_optimizers_take_different_steps() -> None:
    """The optimizer argument is not ignored: the same seed gives different weights."""
    weights = []
    for optimizer in ("sgd", "adamw"):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        train_classifier(model, _data(), steps=3, batch_size=8, lr=0.01, optimizer=optimizer)
        weights.append(model[1].weight.detach().clone())
    assert not torch.equal(weights[0], weights[1])


def test_an_optimizer_factory_is_built_and_scheduled() -> None:
    """A factory (the optim assignment's student AdamW) gets the parameters, lr and weight
    decay; the one-cycle schedule drives its lr and leaves its betas alone."""
    made: list[torch.optim.Optimizer] = []
    lrs: list[float] = []

    def make(params: object, lr: float, weight_decay: float) -> torch.optim.Optimizer:
        optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)  # type: ignore[arg-type]
        made.append(optimizer)
        return optimizer

    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    train_classifier(
        model, _data(), steps=20, batch_size=8, lr=0.01, weight_decay=0.05, optimizer=make,
        on_step=lambda s, t: lrs.append(made[0].param_groups[0]["lr"]),
    )  # fmt: skip
    (optimizer,) = made
    group = optimizer.param_groups[0]
    assert group["params"] == list(model.parameters())
    assert (group["weight_decay"], group["betas"]) == (0.05, (0.9, 0.999))
    assert max(lrs) == pytest.approx(0.01) and lrs[0] < 0.01 / 2 and lrs[-1] < 0.01 / 100


def test_unknown_optimizer() -> None:
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    with pytest.raises(ValueError) as info:
        train_classifier(model, _data(), steps=2, batch_size=8, lr=0.01, optimizer="lion")
    assert str(info.value) == "unknown optimizer 'lion': use 'sgd' or 'adamw'"


def test_train_classifier_stops_on_a_nan_loss() -> None:
    class Broken(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = nn.Parameter(torch.zeros(1))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.full((x.shape[0], 10), float("nan")) * self.weight

    with pytest.raises(FloatingPointError, match="became nan at step 1"):
        train_classifier(Broken(), _data(), steps=5, batch_size=8, lr=0.1)


@pytest.mark.parametrize("steps", [1, 5, 9, 10])
def test_short_runs_train_without_a_schedule_error(steps: int) -> None:
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    assert train_classifier(model, _data(), steps=steps, batch_size=8, lr=0.01).steps == steps


def test_evaluate_restores_training_mode() -> None:
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    model.train()
    data = _data(20)
    accuracy = evaluate(model, data.test_images, data.test_labels, batch_size=7)
    assert model.training
    assert 0.0 <= accuracy <= 1.0


def test_training_options_take_only_the_training_keys() -> None:
    params = {"layers": [1, 1], "augment": 1, "optimizer": "adamw", "weight_decay": "0.05"}
    assert training_options(params) == {"augment": True, "optimizer": "adamw", "weight_decay": 0.05}
    assert training_options({"hidden_size": 128}) == {}
