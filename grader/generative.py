"""Training and measuring the `aae` assignment's adversarial autoencoder.

The hidden suite, ``bench/profiles.py aae`` and ``course aae samples`` all train a student's
``AAE`` with :func:`train_aae`, so a model is trained the same way wherever it is looked at.
The metrics compare the aggregated codes q(z) with the prior p(z) = N(0, prior_std^2 I)
(Makhzani et al., "Adversarial Autoencoders", arXiv:1511.05644).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import torch
from torch import nn

from grader.data import FashionMNIST

StepCallback = Callable[[int, int], None]

MMD_BANDWIDTHS = (0.5, 1.0, 2.0, 4.0)
"""RBF bandwidths of :func:`mmd_rbf`, in units of the prior's std (codes are divided by it)."""

REG_BETAS = (0.5, 0.999)
"""Adam betas of the regularization phase (a lower beta1, as is usual for adversarial steps)."""


class TrainableAAE(Protocol):
    """What :func:`train_aae` needs of a student's ``AAE``."""

    encoder: nn.Module
    decoder: nn.Module
    discriminator: nn.Module

    def train_step(
        self,
        x: torch.Tensor,
        opt_ae: torch.optim.Optimizer,
        opt_disc: torch.optim.Optimizer,
        opt_gen: torch.optim.Optimizer,
    ) -> Mapping[str, float]: ...


@dataclass(frozen=True)
class AAETrainResult:
    """What :func:`train_aae` did.

    Attributes:
        steps: Minibatches trained on (each one reconstruction and one regularization phase).
        losses: Mean over the last 20 steps of each loss ``train_step`` returned
            (``recon``, ``disc``, ``gen``).
        seconds: Wall time of training, seconds.
    """

    steps: int
    losses: dict[str, float]
    seconds: float


def images_01(images: torch.Tensor) -> torch.Tensor:
    """uint8 images ``(B, 1, 28, 28)`` to float32 in [0, 1] (what the AAE reconstructs)."""
    return images.float() / 255.0


def make_optimizers(
    model: TrainableAAE, lr: float, lr_reg: float
) -> tuple[torch.optim.Optimizer, torch.optim.Optimizer, torch.optim.Optimizer]:
    """The three optimisers ``train_step`` is given, as the assignment describes them.

    Returns:
        ``opt_ae``: Adam over the encoder's and decoder's parameters at ``lr``;
        ``opt_disc``: Adam over the discriminator's at ``lr_reg``, betas ``REG_BETAS``;
        ``opt_gen``: Adam over the encoder's at ``lr_reg``, betas ``REG_BETAS``.
    """
    ae = [*model.encoder.parameters(), *model.decoder.parameters()]
    opt_ae = torch.optim.Adam(ae, lr=lr)
    opt_disc = torch.optim.Adam(model.discriminator.parameters(), lr=lr_reg, betas=REG_BETAS)
    opt_gen = torch.optim.Adam(model.encoder.parameters(), lr=lr_reg, betas=REG_BETAS)
    return opt_ae, opt_disc, opt_gen


def train_aae(
    model: TrainableAAE,
    data: FashionMNIST,
    *,
    steps: int,
    batch_size: int,
    lr: float,
    lr_reg: float,
    seed: int = 0,
    on_step: StepCallback | None = None,
) -> AAETrainResult:
    """Train ``model`` with its own ``train_step`` on Fashion-MNIST's training split.

    Batches are drawn with a seeded generator on the data's device and scaled to [0, 1]; the
    optimisers are :func:`make_optimizers`'s. The model is already on the data's device (the
    caller seeds its initialisation).

    Args:
        model: The student's ``AAE``.
        data: The data set, on the training device.
        steps: Minibatches.
        batch_size: Images per minibatch.
        lr: Adam learning rate of the reconstruction phase.
        lr_reg: Adam learning rate of the regularization phase (discriminator and generator).
        seed: Seeds batch sampling.
        on_step: Called as ``on_step(step, steps)`` after each step (1-based).

    Returns:
        Steps, the last 20 steps' mean losses and seconds.

    Raises:
        TypeError: ``train_step`` returned something other than a mapping with the keys
            ``recon``, ``disc`` and ``gen``.
        FloatingPointError: a loss became NaN or infinite.
    """
    device = data.train_images.device
    generator = torch.Generator(device=device).manual_seed(seed)
    opt_ae, opt_disc, opt_gen = make_optimizers(model, lr, lr_reg)
    if isinstance(model, nn.Module):
        model.train()
    history: dict[str, list[float]] = {"recon": [], "disc": [], "gen": []}
    start = time.perf_counter()
    n = data.train_images.shape[0]
    for step in range(1, steps + 1):
        index = torch.randint(0, n, (batch_size,), device=device, generator=generator)
        out = model.train_step(images_01(data.train_images[index]), opt_ae, opt_disc, opt_gen)
        if not isinstance(out, Mapping) or set(history) - set(out):
            raise TypeError(
                f"train_step returned {out!r}; it must return a dict with the keys "
                "'recon', 'disc' and 'gen'"
            )
        for key, values in history.items():
            value = float(out[key])
            if not math.isfinite(value):
                raise FloatingPointError(f"the {key} loss became {value} at step {step}")
            values.append(value)
        if on_step is not None:
            on_step(step, steps)
    means = {key: sum(v[-20:]) / max(1, len(v[-20:])) for key, v in history.items()}
    return AAETrainResult(steps=steps, losses=means, seconds=time.perf_counter() - start)


@torch.no_grad()
def encode_all(encoder: nn.Module, images: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    """Codes ``(N, latent_dim)`` of uint8 ``images (N, 1, 28, 28)``, in eval mode."""
    was_training = encoder.training
    encoder.eval()
    codes = [
        encoder(images_01(images[i : i + batch_size])) for i in range(0, len(images), batch_size)
    ]
    encoder.train(was_training)
    return torch.cat(codes)


@torch.no_grad()
def reconstruction_mse(
    encoder: nn.Module, decoder: nn.Module, images: torch.Tensor, batch_size: int = 1000
) -> float:
    """Mean squared error per pixel of ``decoder(encoder(x))`` on uint8 ``images``, in [0, 1]."""
    modules = (encoder, decoder)
    modes = [m.training for m in modules]
    for m in modules:
        m.eval()
    total = 0.0
    for i in range(0, len(images), batch_size):
        x = images_01(images[i : i + batch_size])
        total += float((decoder(encoder(x)).reshape(x.shape) - x).pow(2).sum())
    for m, mode in zip(modules, modes, strict=True):
        m.train(mode)
    return total / images.numel()


@dataclass(frozen=True)
class CodeStatistics:
    """How far codes are from the prior N(0, prior_std^2 I).

    Attributes:
        mean: Per-dimension mean of the codes, in units of ``prior_std``.
        std: Per-dimension standard deviation, in units of ``prior_std``.
        mmd: :func:`mmd_rbf` between the codes and as many prior draws, both divided by
            ``prior_std``.
        mmd_prior: The same MMD between two independent prior samples of that size: what
            sampling noise alone gives.
    """

    mean: list[float]
    std: list[float]
    mmd: float
    mmd_prior: float


def mmd_rbf(
    x: torch.Tensor, y: torch.Tensor, bandwidths: Sequence[float] = MMD_BANDWIDTHS
) -> float:
    """Squared maximum mean discrepancy between samples ``x (N, D)`` and ``y (M, D)``.

    The biased (V-statistic) estimate with a sum of RBF kernels
    ``k(a, b) = sum_s exp(-|a - b|^2 / (2 s^2))`` over ``bandwidths`` (Gretton et al., "A
    Kernel Two-Sample Test", JMLR 2012, Eq. 5). It is 0 when the samples are identical and
    grows as their distributions part; two samples of one distribution give a small positive
    number that shrinks as 1/N.
    """
    x64, y64 = x.double(), y.double()

    def kernel(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        d2 = torch.cdist(a, b).pow(2)
        return sum((torch.exp(-d2 / (2 * s * s)) for s in bandwidths), torch.zeros_like(d2))

    return float(kernel(x64, x64).mean() + kernel(y64, y64).mean() - 2 * kernel(x64, y64).mean())


def code_statistics(
    codes: torch.Tensor, prior_std: float, *, mmd_samples: int = 2000, seed: int = 0
) -> CodeStatistics:
    """Compare ``codes (N, latent_dim)`` with the prior N(0, prior_std^2 I).

    The MMD uses the first ``mmd_samples`` codes and as many prior draws from a generator
    seeded with ``seed`` (on the CPU, so the figure does not depend on the device).
    """
    scaled = codes.detach().double().cpu() / prior_std
    generator = torch.Generator().manual_seed(seed)
    count = min(mmd_samples, scaled.shape[0])
    prior = torch.randn(2 * count, scaled.shape[1], generator=generator, dtype=torch.float64)
    return CodeStatistics(
        mean=[float(v) for v in scaled.mean(0)],
        std=[float(v) for v in scaled.std(0)],
        mmd=mmd_rbf(scaled[:count], prior[:count]),
        mmd_prior=mmd_rbf(prior[:count], prior[count:]),
    )


def pca_reconstruction_mse(train: torch.Tensor, test: torch.Tensor, components: int) -> float:
    """Per-pixel test MSE of the best rank-``components`` linear reconstruction (PCA).

    PCA of the training images (uint8 ``(N, 1, 28, 28)``, scaled to [0, 1]) by an exact SVD
    of the centred data; the test images are projected onto the top ``components`` principal
    directions and back. This is the linear baseline an autoencoder with that code size should
    beat.
    """
    x = images_01(train).reshape(train.shape[0], -1).double().cpu()
    t = images_01(test).reshape(test.shape[0], -1).double().cpu()
    mean = x.mean(0)
    _, _, vh = torch.linalg.svd(x - mean, full_matrices=False)
    w = vh[:components].T
    centred = t - mean
    return float((centred @ w @ w.T - centred).pow(2).mean())


def prior_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The ``AAE`` constructor arguments a profile's ``params`` set (``latent_dim``,
    ``hidden_dim``, ``prior_std``)."""
    kinds: dict[str, Callable[[Any], Any]] = {
        "latent_dim": int,
        "hidden_dim": int,
        "prior_std": float,
    }
    return {key: kind(params[key]) for key, kind in kinds.items() if key in params}
