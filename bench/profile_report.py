"""The lines `bench/<name>_profiles.py` print, in one format for every assignment."""

from __future__ import annotations

import statistics

from grader.training import TrainResult


def seed_line(seed: int, count: int, result: TrainResult, accuracy: float, threshold: float) -> str:
    """One seed: parameters, training seconds, final loss, accuracy and margin."""
    return (
        f"seed {seed}: {count:,} params, train {result.seconds:6.1f} s, "
        f"loss {result.final_loss:.3f}, test accuracy {accuracy:.4f}, "
        f"margin {accuracy - threshold:+.4f} over {threshold}"
    )


def summary(label: str, accuracies: list[float], threshold: float) -> str:
    """The worst and mean accuracy over the seeds against the threshold."""
    return (
        f"{label}: min {min(accuracies):.4f}, mean {statistics.mean(accuracies):.4f}, "
        f"threshold {threshold}"
    )
