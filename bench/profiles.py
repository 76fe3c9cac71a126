"""Accuracy and training time of an assignment's reference under a profile, across seeds.

Usage: python bench/profiles.py NAME [--profile quick|full] [--seeds 0 1 2] [--device cpu]
                                     [--steps N] [--lr LR] [--param KEY=VALUE ...]
                                     [--submission PATH]

The model and the training options are the accuracy check's own:
``grader.suites.test_<NAME>.accuracy_model`` built from ``solutions/<NAME>.py``, trained with
the options the profile's ``params`` set (``grader.training.training_options``) and those of
the suite's ``accuracy_options(module)`` where it has one (optim: the module's ``AdamW``).
For each seed it prints the parameter count, training seconds, final loss, test accuracy and
the margin over the profile's threshold; this is how the thresholds in
``assignments/<NAME>/assignment.yaml`` were set (results in docs/benchmarks.md). ``--param
patch_size=7`` tries another model setting (the value is read as YAML); ``--submission``
trains another file (a wrong variant, to see that the threshold fails it). One training at a
time; keep the machine idle.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import importlib.util
import statistics
from pathlib import Path

import torch
import yaml

from grader.data import load_fashion_mnist
from grader.spec import load_assignment
from grader.training import evaluate, train_classifier, training_options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the assignment, e.g. resnet, lstm, vit")
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, help="try another step count than the profile's")
    parser.add_argument("--lr", type=float, help="try another peak learning rate")
    parser.add_argument("--param", action="append", default=[], help="KEY=VALUE in params")
    parser.add_argument("--submission", type=Path, help="train this file, not the solution")
    args = parser.parse_args()
    profile = load_assignment(args.name).profile(args.profile)
    if args.steps:
        profile = dataclasses.replace(profile, steps=args.steps)
    if args.lr:
        profile = dataclasses.replace(profile, lr=args.lr)
    for item in args.param:
        key, _, value = item.partition("=")
        profile = dataclasses.replace(
            profile, params={**profile.params, key: yaml.safe_load(value)}
        )
    suite = importlib.import_module(f"grader.suites.test_{args.name}")
    path = args.submission or load_assignment(args.name).solution
    module_spec = importlib.util.spec_from_file_location(f"bench_{args.name}", path)
    assert module_spec is not None and module_spec.loader is not None
    solution = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(solution)
    extra_options = getattr(suite, "accuracy_options", lambda module: {})
    data = load_fashion_mnist(args.device)
    accuracies = []
    for seed in args.seeds:
        torch.manual_seed(seed)
        model = suite.accuracy_model(solution, profile.params).to(args.device)
        count = sum(p.numel() for p in model.parameters())
        # a suite may add options of its own (optim: the solution's AdamW as the optimizer)
        options = {**training_options(profile.params), **extra_options(solution)}
        result = train_classifier(
            model, data, steps=profile.steps, batch_size=profile.batch_size, lr=profile.lr,
            seed=seed, **options,
        )  # fmt: skip
        accuracy = evaluate(model, data.test_images, data.test_labels)
        accuracies.append(accuracy)
        print(
            f"seed {seed}: {count:,} params, train {result.seconds:6.1f} s, "
            f"loss {result.final_loss:.3f}, test accuracy {accuracy:.4f}, "
            f"margin {accuracy - profile.threshold:+.4f} over {profile.threshold}",
            flush=True,
        )
    print(
        f"{args.name} {args.profile} on {args.device} ({profile.steps} steps, lr {profile.lr}): "
        f"min {min(accuracies):.4f}, mean {statistics.mean(accuracies):.4f}, "
        f"threshold {profile.threshold}"
    )


if __name__ == "__main__":
    main()
