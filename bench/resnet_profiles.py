"""Accuracy and training time of the reference ResNet under a profile, across seeds.

Usage: python bench/resnet_profiles.py [--profile quick|full] [--seeds 0 1 2] [--device cpu]
                                       [--steps N]

For each seed: the model's parameter count, training seconds, test accuracy, and the margin
over the profile's threshold. This is how the thresholds in assignments/resnet/assignment.yaml
were set (results in docs/benchmarks.md). One training at a time; keep the machine idle.
"""

from __future__ import annotations

import argparse
import dataclasses

import torch
from profile_report import seed_line, summary  # bench/profile_report.py

from grader.data import load_fashion_mnist
from grader.spec import load_assignment
from grader.training import evaluate, train_classifier
from solutions.resnet import BasicBlock, ResNet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, help="try another step count than the profile's")
    args = parser.parse_args()
    profile = load_assignment("resnet").profile(args.profile)
    if args.steps:
        profile = dataclasses.replace(profile, steps=args.steps)
    data = load_fashion_mnist(args.device)
    accuracies = []
    for seed in args.seeds:
        torch.manual_seed(seed)
        model = ResNet(
            BasicBlock, list(profile.params["layers"]), num_classes=10, in_channels=1,
            base_width=int(profile.params["base_width"]), small_input=True,
        ).to(args.device)  # fmt: skip
        count = sum(p.numel() for p in model.parameters())
        result = train_classifier(
            model, data, steps=profile.steps, batch_size=profile.batch_size, lr=profile.lr,
            seed=seed, augment=bool(profile.params.get("augment", False)),
        )  # fmt: skip
        accuracy = evaluate(model, data.test_images, data.test_labels)
        accuracies.append(accuracy)
        print(seed_line(seed, count, result, accuracy, profile.threshold), flush=True)
    print(summary(f"{args.profile} on {args.device}", accuracies, profile.threshold))


if __name__ == "__main__":
    main()
