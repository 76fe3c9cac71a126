"""Accuracy and training time of the reference LSTM row classifier under a profile, per seed.

Usage: python bench/lstm_profiles.py [--profile quick|full] [--seeds 0 1 2] [--device cpu]
                                     [--steps N] [--lr LR]

The model is the accuracy check's own (``grader.suites.test_lstm.RowClassifier`` around
``solutions.lstm.LSTM``): each 28x28 image is read as 28 steps of 28 pixels. For each seed it
prints the parameter count, training seconds, test accuracy and the margin over the profile's
threshold; this is how the thresholds in assignments/lstm/assignment.yaml were set (results in
docs/benchmarks.md). One training at a time; keep the machine idle.
"""

from __future__ import annotations

import argparse
import dataclasses

import torch
from profile_report import seed_line, summary  # bench/profile_report.py

from grader.data import load_fashion_mnist
from grader.spec import load_assignment
from grader.suites.test_lstm import RowClassifier
from grader.training import evaluate, train_classifier
from solutions.lstm import LSTM


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, help="try another step count than the profile's")
    parser.add_argument("--lr", type=float, help="try another peak learning rate")
    args = parser.parse_args()
    profile = load_assignment("lstm").profile(args.profile)
    if args.steps:
        profile = dataclasses.replace(profile, steps=args.steps)
    if args.lr:
        profile = dataclasses.replace(profile, lr=args.lr)
    hidden = int(profile.params["hidden_size"])
    layers = int(profile.params.get("num_layers", 1))
    data = load_fashion_mnist(args.device)
    accuracies = []
    for seed in args.seeds:
        torch.manual_seed(seed)
        rnn = LSTM(28, hidden, num_layers=layers, batch_first=True)
        model = RowClassifier(rnn, hidden).to(args.device)
        count = sum(p.numel() for p in model.parameters())
        result = train_classifier(
            model, data, steps=profile.steps, batch_size=profile.batch_size, lr=profile.lr,
            seed=seed,
        )  # fmt: skip
        accuracy = evaluate(model, data.test_images, data.test_labels)
        accuracies.append(accuracy)
        print(seed_line(seed, count, result, accuracy, profile.threshold), flush=True)
    label = f"{args.profile} on {args.device} ({profile.steps} steps, lr {profile.lr})"
    print(summary(label, accuracies, profile.threshold))


if __name__ == "__main__":
    main()
