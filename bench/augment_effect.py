"""The effect check of `augment`, across seeds: test accuracy with and without a pipeline.

Usage: python bench/augment_effect.py [--profile quick|full] [--seeds 0 1 2] [--device cpu]
                                      [--submission PATH] [--steps N] [--subset N]

Trains the effect check's CNN (``grader.suites.test_augment.effect_accuracy``) on the fixed
2000-image subset, without augmentation and with ``fashion_pipeline()`` of
``solutions/augment.py`` (or ``--submission``), for each seed, and prints both accuracies,
the gain and its margin over the profile's threshold. The check itself uses seed 0; the
other seeds stand for other initialisations. ``--steps`` and ``--subset`` try another budget
than the profile's (to set one). One training at a time; keep the machine idle.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import statistics
import time
from pathlib import Path

from grader.data import load_fashion_mnist
from grader.spec import load_assignment
from grader.suites.test_augment import effect_accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--submission", type=Path, help="use this file's fashion_pipeline()")
    parser.add_argument("--steps", type=int, help="training steps instead of the profile's")
    parser.add_argument("--subset", type=int, help="training images instead of the profile's")
    args = parser.parse_args()
    spec = load_assignment("augment")
    profile = spec.profile(args.profile)
    if args.steps is not None:
        profile = dataclasses.replace(profile, steps=args.steps)
    if args.subset is not None:
        profile = dataclasses.replace(profile, params={**profile.params, "subset": args.subset})
    path = args.submission or spec.solution
    module_spec = importlib.util.spec_from_file_location("bench_augment", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    data = load_fashion_mnist(args.device)
    gains = []
    for seed in args.seeds:
        start = time.perf_counter()
        without = effect_accuracy(None, data, profile, args.device, seed=seed)
        middle = time.perf_counter()
        with_it = effect_accuracy(module.fashion_pipeline(), data, profile, args.device, seed=seed)
        end = time.perf_counter()
        gains.append(with_it - without)
        print(
            f"seed {seed}: without {without:.4f} ({middle - start:.1f} s), with {with_it:.4f} "
            f"({end - middle:.1f} s): gain {with_it - without:+.4f}, margin "
            f"{with_it - without - profile.threshold:+.4f} over {profile.threshold}",
            flush=True,
        )
    print(
        f"augment effect, {args.profile} on {args.device} ({profile.steps} steps each, "
        f"{profile.params['subset']} images): gain "
        f"min {min(gains):+.4f}, mean {statistics.mean(gains):+.4f}, threshold {profile.threshold}"
    )


if __name__ == "__main__":
    main()
