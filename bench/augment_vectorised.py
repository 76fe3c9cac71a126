"""The `vectorised` check of `augment`, measured: how much faster per image a pipeline is on a
batch of 512 than one image at a time.

Usage: python bench/augment_vectorised.py [--runs 3] [PATH ...]

Times ``grader.suites.test_augment._pipeline`` (crop, flip, rotation, jitter, blur, erasing)
of ``solutions/augment.py`` and of each PATH (another ``augment.py``) with the check's own
``_batch_and_single``, and prints the speed-up per image for each run: the check asks for
``MIN_SPEEDUP``. One process, one pipeline at a time; keep the machine idle.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from grader.spec import SOLUTIONS
from grader.suites.test_augment import MIN_SPEEDUP, _batch_and_single, _gen, _images, _pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("paths", type=Path, nargs="*")
    args = parser.parse_args()
    x = _images(512, 1, 28, 28)
    for path in [SOLUTIONS / "augment.py", *args.paths]:
        spec = importlib.util.spec_from_file_location(f"bench_{path.stem}_{abs(hash(path))}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        pipeline = _pipeline(module)
        pipeline(x[:2], generator=_gen(0))
        speedups = []
        for _ in range(args.runs):
            batch, single = _batch_and_single(pipeline, x)
            speedups.append(512 * single / batch)
        print(
            f"{path}: batch {batch * 1000:.1f} ms, one image {single * 1000:.2f} ms, speed-up per "
            f"image {', '.join(f'{s:.1f}' for s in speedups)} (at least {MIN_SPEEDUP:g} asked)",
            flush=True,
        )


if __name__ == "__main__":
    main()
