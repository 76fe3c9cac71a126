"""The effect check of `augment`, across seeds: test accuracy with and without a pipeline.

Usage: python bench/augment_effect.py [--profile quick|full] [--seeds 0 1 2] [--device cpu]
                                      [--submission PATH] [--steps N] [--subset N] [--width N]
                                      [--batch-size N] [--orders]

Trains the effect check's CNN (``grader.suites.test_augment.effect_accuracy``) on the
profile's fixed subset, without augmentation and with ``fashion_pipeline()`` of
``solutions/augment.py`` (or ``--submission``), for each seed, and prints both accuracies,
the gain and its margin over the profile's threshold. The check itself uses seed 0; the
other seeds stand for other initialisations. ``--steps``, ``--subset``, ``--width`` and
``--batch-size`` try another set-up than the profile's (to set one).

``--orders`` stands in for correct rewrites of the pipeline: it trains, at each seed, every
order of the pipeline's transforms (a ``Compose`` whose order differs draws its random numbers
differently, so it trains on other batches, as a student's own correct code does), against
the seed's one baseline, and prints the spread of the gains (least, largest, standard
deviation). One training at a time; keep the machine idle.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import itertools
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
    parser.add_argument("--width", type=int, help="the CNN's first conv channels")
    parser.add_argument("--batch-size", type=int, help="images per step")
    parser.add_argument(
        "--orders", action="store_true", help="every order of the pipeline's transforms"
    )
    args = parser.parse_args()
    spec = load_assignment("augment")
    profile = spec.profile(args.profile)
    if args.steps is not None:
        profile = dataclasses.replace(profile, steps=args.steps)
    if args.subset is not None:
        profile = dataclasses.replace(profile, params={**profile.params, "subset": args.subset})
    if args.width is not None:
        profile = dataclasses.replace(profile, params={**profile.params, "width": args.width})
    if args.batch_size is not None:
        profile = dataclasses.replace(profile, batch_size=args.batch_size)
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
        print(f"seed {seed}: without {without:.4f} ({time.perf_counter() - start:.1f} s)")
        reference = module.fashion_pipeline()
        orders = list(itertools.permutations(reference.transforms)) if args.orders else [None]
        for order in orders:
            pipeline = reference if order is None else module.Compose(list(order))
            name = "fashion_pipeline()" if order is None else _names(order)
            start = time.perf_counter()
            with_it = effect_accuracy(pipeline, data, profile, args.device, seed=seed)
            gains.append(with_it - without)
            print(
                f"seed {seed}: with {name} {with_it:.4f} ({time.perf_counter() - start:.1f} s): "
                f"gain {with_it - without:+.4f}, margin "
                f"{with_it - without - profile.threshold:+.4f} over {profile.threshold}",
                flush=True,
            )
    spread = statistics.stdev(gains) if len(gains) > 1 else 0.0
    print(
        f"augment effect, {args.profile} on {args.device} ({profile.steps} steps each, "
        f"{profile.params['subset']} images, {len(gains)} pipelines): gain min {min(gains):+.4f}, "
        f"mean {statistics.mean(gains):+.4f}, max {max(gains):+.4f}, sd {spread:.4f}; "
        f"threshold {profile.threshold}, margin {min(gains) - profile.threshold:+.4f} = "
        f"{(min(gains) - profile.threshold) / max(spread, 1e-12):.1f} sd"
    )


def _names(transforms: tuple[object, ...]) -> str:
    return " > ".join(type(t).__name__ for t in transforms)


if __name__ == "__main__":
    main()
