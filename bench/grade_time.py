"""Wall time of `course grade NAME --solution` end to end (CLI process, child, training).

Usage: python bench/grade_time.py [NAME] [--profile quick|full] [--device cpu|cuda] [--runs 3]

Prints one line per run and the median, in seconds. Uses a scratch database so the real
tracker is untouched. Run it on an otherwise idle machine: two trainings at once on 2 cores
double each other's time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", default="resnet")
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    course = Path(sys.executable).with_name("course")
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "COURSE_DB": str(Path(tmp) / "bench.db")}
        command = [str(course), "grade", args.name, "--solution", "--json",
                   "--profile", args.profile, "--device", args.device]  # fmt: skip
        for run in range(1, args.runs + 1):
            start = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            seconds = time.perf_counter() - start
            times.append(seconds)
            print(f"run {run}: {seconds:6.1f} s  exit {done.returncode}", flush=True)
            if done.returncode != 0:
                print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
    print(f"median: {statistics.median(times):.1f} s over {len(times)} runs "
          f"({args.name}, {args.profile}, {args.device})")  # fmt: skip


if __name__ == "__main__":
    main()
