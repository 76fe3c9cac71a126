"""Accuracy and training time of the reference ViT under a profile, across seeds.

Usage: python bench/vit_profiles.py [--profile quick|full] [--seeds 0 1 2] [--device cpu]
                                    [--steps N] [--lr LR]

The model is the accuracy check's: ``solutions.vit.VisionTransformer`` on 28x28 images with
the profile's patch size, width, depth and heads, trained with the profile's optimizer. For
each seed it prints the parameter count, training seconds, test accuracy and the margin over
the profile's threshold; this is how the thresholds in assignments/vit/assignment.yaml were
set (results in docs/benchmarks.md). One training at a time; keep the machine idle.
"""

from __future__ import annotations

import argparse
import dataclasses

import torch
from profile_report import seed_line, summary  # bench/profile_report.py

from grader.data import load_fashion_mnist
from grader.spec import load_assignment
from grader.training import evaluate, train_classifier
from solutions.vit import VisionTransformer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, help="try another step count than the profile's")
    parser.add_argument("--lr", type=float, help="try another peak learning rate")
    args = parser.parse_args()
    profile = load_assignment("vit").profile(args.profile)
    if args.steps:
        profile = dataclasses.replace(profile, steps=args.steps)
    if args.lr:
        profile = dataclasses.replace(profile, lr=args.lr)
    params = profile.params
    data = load_fashion_mnist(args.device)
    accuracies = []
    for seed in args.seeds:
        torch.manual_seed(seed)
        model = VisionTransformer(
            img_size=28, patch_size=int(params["patch_size"]), in_channels=1, num_classes=10,
            embed_dim=int(params["embed_dim"]), depth=int(params["depth"]),
            num_heads=int(params["num_heads"]),
        ).to(args.device)  # fmt: skip
        count = sum(p.numel() for p in model.parameters())
        result = train_classifier(
            model, data, steps=profile.steps, batch_size=profile.batch_size, lr=profile.lr,
            seed=seed, weight_decay=float(params.get("weight_decay", 5e-4)),
            optimizer=str(params.get("optimizer", "sgd")),
        )  # fmt: skip
        accuracy = evaluate(model, data.test_images, data.test_labels)
        accuracies.append(accuracy)
        print(seed_line(seed, count, result, accuracy, profile.threshold), flush=True)
    label = f"{args.profile} on {args.device} ({profile.steps} steps, lr {profile.lr})"
    print(summary(label, accuracies, profile.threshold))


if __name__ == "__main__":
    main()
