"""Reconstruction MSE and code statistics of the `aae` reference under a profile, across seeds.

Usage: python bench/aae_profiles.py [--profile quick|full] [--seeds 0 1 2] [--device cpu]
                                    [--steps N] [--lr-reg LR] [--submission PATH] [--pca]

Trains ``solutions/aae.py`` (or ``--submission``) exactly as the hidden suite's training
checks do (``grader.generative.train_aae`` with the profile's budget and ``params``) and
prints, per seed: training seconds, the last losses, test reconstruction MSE, the largest
|code mean| and the range of code stds (in prior stds), and the MMD between 2000 test codes and
2000 prior draws, each with its margin to the profile's limit. ``--pca`` also prints the
test MSE of PCA with as many components as the code has (the linear baseline). This is how the
thresholds in ``assignments/aae/assignment.yaml`` were set (results in docs/benchmarks.md).
One training at a time; keep the machine idle.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import statistics
from pathlib import Path
from types import ModuleType

import torch

from grader.data import load_fashion_mnist
from grader.generative import (
    code_statistics,
    encode_all,
    pca_reconstruction_mse,
    prior_params,
    reconstruction_mse,
    train_aae,
)
from grader.spec import load_assignment


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_aae_submission", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, help="try another step count than the profile's")
    parser.add_argument("--lr-reg", type=float, help="try another regularization learning rate")
    parser.add_argument("--submission", type=Path, help="measure this file, not the solution")
    parser.add_argument("--pca", action="store_true", help="also print PCA's test MSE")
    args = parser.parse_args()
    spec = load_assignment("aae")
    profile = spec.profile(args.profile)
    if args.steps:
        profile = dataclasses.replace(profile, steps=args.steps)
    params = dict(profile.params)
    if args.lr_reg:
        params["lr_reg"] = args.lr_reg
    module = _load(args.submission or spec.solution)
    data = load_fashion_mnist(args.device)
    low, high = (float(v) for v in params["code_std"])
    mses: list[float] = []
    for seed in args.seeds:
        torch.manual_seed(seed)
        model = module.AAE(**prior_params(params)).to(args.device)
        result = train_aae(
            model, data, steps=profile.steps, batch_size=profile.batch_size, lr=profile.lr,
            lr_reg=float(params["lr_reg"]), seed=seed,
        )  # fmt: skip
        mse = reconstruction_mse(model.encoder, model.decoder, data.test_images)
        stats = code_statistics(encode_all(model.encoder, data.test_images), model.prior_std)
        mses.append(mse)
        worst = max(abs(m) for m in stats.mean)
        losses = ", ".join(f"{k} {v:.3f}" for k, v in result.losses.items())
        print(
            f"seed {seed}: train {result.seconds:5.1f} s ({losses}); test MSE {mse:.4f} "
            f"(limit {profile.threshold}); max |mean| {worst:.3f} (limit "
            f"{params['max_code_mean']}); std {min(stats.std):.2f}-{max(stats.std):.2f} "
            f"(allowed {low}-{high}); MMD {stats.mmd:.4f} (limit {params['max_mmd']}, prior "
            f"vs prior {stats.mmd_prior:.4f})",
            flush=True,
        )
    print(
        f"aae {args.profile} on {args.device} ({profile.steps} steps, lr {profile.lr} / "
        f"{params['lr_reg']}): test MSE max {max(mses):.4f}, mean {statistics.mean(mses):.4f}"
    )
    if args.pca:
        latent = int(params["latent_dim"])
        pca = pca_reconstruction_mse(data.train_images, data.test_images, latent)
        print(f"PCA with {latent} components: test MSE {pca:.4f}")


if __name__ == "__main__":
    main()
