"""`grader.generative`: the aae training loop and the figures the aae suite judges by."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
import torch
from torch import nn

from grader.data import FashionMNIST
from grader.generative import (
    MMD_BANDWIDTHS,
    code_statistics,
    encode_all,
    images_01,
    make_optimizers,
    mmd_rbf,
    pca_reconstruction_mse,
    prior_params,
    reconstruction_mse,
    train_aae,
)


def _data(n: int = 64) -> FashionMNIST:
    g = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (n, 1, 28, 28), generator=g, dtype=torch.uint8)
    labels = torch.zeros(n, dtype=torch.int64)
    return FashionMNIST(images, labels, images[:16], labels[:16], Path("/nonexistent"))


class _Tiny(nn.Module):
    """A stand-in AAE whose train_step returns what it is told to."""

    def __init__(self, returned: object = None) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(784, 2))
        self.decoder = nn.Sequential(nn.Linear(2, 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))
        self.discriminator = nn.Linear(2, 1)
        self.returned = returned
        self.seen: list[torch.Tensor] = []

    def train_step(
        self,
        x: torch.Tensor,
        opt_ae: torch.optim.Optimizer,
        opt_disc: torch.optim.Optimizer,
        opt_gen: torch.optim.Optimizer,
    ) -> Mapping[str, float]:
        self.seen.append(x)
        returned = self.returned if self.returned is not None else {
            "recon": float(len(self.seen)), "disc": 0.5, "gen": 2.0,
        }  # fmt: skip
        return returned  # type: ignore[return-value]


def test_images_01_scales_uint8_to_unit_floats() -> None:
    images = torch.tensor([0, 51, 255], dtype=torch.uint8)
    assert images_01(images).tolist() == pytest.approx([0.0, 0.2, 1.0])
    assert images_01(images).dtype == torch.float32


def test_make_optimizers_hold_the_phases_parameters() -> None:
    model = _Tiny()
    opt_ae, opt_disc, opt_gen = make_optimizers(model, lr=1e-3, lr_reg=2e-4)
    ids = {id(p) for p in opt_ae.param_groups[0]["params"]}
    assert ids == {id(p) for p in [*model.encoder.parameters(), *model.decoder.parameters()]}
    assert [id(p) for p in opt_disc.param_groups[0]["params"]] == [
        id(p) for p in model.discriminator.parameters()
    ]
    assert [id(p) for p in opt_gen.param_groups[0]["params"]] == [
        id(p) for p in model.encoder.parameters()
    ]
    assert opt_ae.param_groups[0]["lr"] == 1e-3
    assert (opt_disc.param_groups[0]["lr"], opt_disc.param_groups[0]["betas"]) == (
        2e-4,
        (0.5, 0.999),
    )
    assert (opt_gen.param_groups[0]["lr"], opt_gen.param_groups[0]["betas"]) == (2e-4, (0.5, 0.999))


def test_train_aae_feeds_unit_batches_and_averages_the_last_losses() -> None:
    model = _Tiny()
    calls: list[tuple[int, int]] = []
    result = train_aae(
        model, _data(), steps=25, batch_size=8, lr=1e-3, lr_reg=1e-4,
        on_step=lambda step, total: calls.append((step, total)),
    )  # fmt: skip
    assert result.steps == 25
    # recon is the step number: the mean of the last 20 steps (6..25) is 15.5
    assert result.losses == {"recon": 15.5, "disc": 0.5, "gen": 2.0}
    assert calls == [(s, 25) for s in range(1, 26)]
    batch = model.seen[0]
    assert (tuple(batch.shape), batch.dtype) == ((8, 1, 28, 28), torch.float32)
    assert float(batch.min()) >= 0.0 and float(batch.max()) <= 1.0


def test_train_aae_is_repeatable_for_a_seed() -> None:
    first, second = _Tiny(), _Tiny()
    train_aae(first, _data(), steps=3, batch_size=4, lr=1e-3, lr_reg=1e-4, seed=7)
    train_aae(second, _data(), steps=3, batch_size=4, lr=1e-3, lr_reg=1e-4, seed=7)
    assert all(torch.equal(a, b) for a, b in zip(first.seen, second.seen, strict=True))


@pytest.mark.parametrize("returned", [0.5, {"recon": 1.0, "disc": 2.0}])
def test_train_aae_names_a_bad_return_value(returned: object) -> None:
    with pytest.raises(TypeError) as info:
        train_aae(_Tiny(returned), _data(), steps=2, batch_size=4, lr=1e-3, lr_reg=1e-4)
    assert str(info.value) == (
        f"train_step returned {returned!r}; it must return a dict with the keys 'recon', "
        "'disc' and 'gen'"
    )


def test_train_aae_stops_on_a_nan_loss() -> None:
    model = _Tiny({"recon": 0.1, "disc": float("nan"), "gen": 1.0})
    with pytest.raises(FloatingPointError, match=r"^the disc loss became nan at step 1$"):
        train_aae(model, _data(), steps=5, batch_size=4, lr=1e-3, lr_reg=1e-4)


def test_reconstruction_mse_is_per_pixel_and_keeps_the_modes() -> None:
    data = _data(10)
    encoder, decoder = nn.Identity(), nn.Identity()
    encoder.train()
    assert reconstruction_mse(encoder, decoder, data.train_images, batch_size=3) == 0.0
    assert encoder.training
    zero = nn.Sequential(nn.Flatten(), nn.Linear(784, 784), nn.Unflatten(1, (1, 28, 28)))
    nn.init.zeros_(zero[1].weight)
    nn.init.zeros_(zero[1].bias)
    want = float(images_01(data.train_images).pow(2).mean())
    assert reconstruction_mse(
        nn.Identity(), zero, data.train_images, batch_size=4
    ) == pytest.approx(want)


def test_encode_all_concatenates_batches() -> None:
    data = _data(10)
    codes = encode_all(nn.Flatten(), data.train_images, batch_size=3)
    assert torch.equal(codes, images_01(data.train_images).flatten(1))


def test_mmd_is_zero_for_one_sample_and_grows_as_distributions_part() -> None:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(500, 4, generator=g)
    y = torch.randn(500, 4, generator=g)
    assert mmd_rbf(x, x) == pytest.approx(0.0, abs=1e-12)
    same = mmd_rbf(x, y)
    shifted = mmd_rbf(x, y + 0.5)
    far = mmd_rbf(x, y + 3.0)
    assert 0.0 < same < 0.03 < shifted < far


def test_mmd_of_two_points_equals_the_kernel_formula() -> None:
    x, y = torch.zeros(1, 1), torch.ones(1, 1)
    # k(x,x) = k(y,y) = 4 (four bandwidths); k(x,y) = sum exp(-1 / (2 s^2))
    cross = sum(torch.exp(torch.tensor(-1.0 / (2 * s * s))) for s in MMD_BANDWIDTHS)
    assert mmd_rbf(x, y) == pytest.approx(8.0 - 2 * float(cross))


def test_code_statistics_are_in_units_of_the_prior_std() -> None:
    codes = torch.tensor([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])
    stats = code_statistics(codes, prior_std=2.0, mmd_samples=3)
    assert stats.mean == [1.5, 5.0]
    assert stats.std == [1.0, 0.0]
    assert stats.mmd > stats.mmd_prior >= 0.0


def test_code_statistics_of_prior_draws_are_close_to_the_prior() -> None:
    codes = torch.randn(4000, 8, generator=torch.Generator().manual_seed(1)) * 3.0
    stats = code_statistics(codes, prior_std=3.0)
    assert max(abs(m) for m in stats.mean) < 0.1
    assert all(0.95 < s < 1.05 for s in stats.std)
    assert stats.mmd < 0.02


def test_pca_mse_is_zero_once_the_components_span_the_data() -> None:
    g = torch.Generator().manual_seed(0)
    basis = torch.rand(2, 784, generator=g)
    weights = torch.rand(40, 2, generator=g)
    images = (weights @ basis / 2 * 255).round().clamp(0, 255).to(torch.uint8)
    images = images.reshape(40, 1, 28, 28)
    one = pca_reconstruction_mse(images, images, 1)
    three = pca_reconstruction_mse(images, images, 3)
    assert one > 1e-4
    assert three < one / 10


def test_prior_params_takes_only_the_constructor_arguments() -> None:
    params = {"latent_dim": "4", "hidden_dim": 64, "prior_std": 2, "lr_reg": 1e-4}
    assert prior_params(params) == {"latent_dim": 4, "hidden_dim": 64, "prior_std": 2.0}
    assert prior_params({}) == {}
