"""Cohort grading throughput: the same submissions graded with 1 and with 2 workers.

    python bench/cohort_throughput.py [--assignment lstm] [--count 12] [--workers 1 2]
                                      [--sandbox bwrap] [--ray]

Makes ``count`` submissions of the assignment (half the solution, a quarter the skeleton, a
quarter the solution with one line broken, each with a comment of its own so every file
differs), grades them with each worker count into a fresh gradebook (``course.app.cohort``,
the code `course cohort grade` runs), and prints the wall time, submissions per minute and
the scaling efficiency t1 / (n * tn). Run it on an idle machine: nothing else may train.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from course.app.cohort import run_cohort
from grader.spec import load_assignment

BREAK = {"lstm": ("    g = torch.tanh(g)\n", "    g = torch.sigmoid(g)\n")}
"""One line to break per assignment (the wrong quarter); others get the skeleton instead."""


def make_submissions(name: str, count: int, folder: Path) -> None:
    spec = load_assignment(name)
    solution = spec.solution.read_text(encoding="utf-8")
    skeleton = spec.skeleton.read_text(encoding="utf-8")
    old, new = BREAK.get(name, ("", ""))
    wrong = solution.replace(old, new) if old else skeleton
    folder.mkdir(parents=True)
    for i in range(count):
        text = solution if i % 2 == 0 else (skeleton if i % 4 == 1 else wrong)
        (folder / f"student{i:02d}.py").write_text(f"# student {i}\n{text}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assignment", default="lstm")
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sandbox", default="bwrap", choices=["bwrap", "none"])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--profile", default=None, choices=["quick", "full"])
    parser.add_argument(
        "--ray", action="store_true", help="also grade them as Ray tasks of 1 CPU each"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cohort-bench-") as tmp:
        subs = Path(tmp) / "subs"
        make_submissions(args.assignment, args.count, subs)
        times: dict[int, float] = {}
        for workers in args.workers:
            start = time.perf_counter()
            summary = run_cohort(
                args.assignment, subs, gradebook_path=Path(tmp) / f"gb-{workers}.db",
                workers=workers, device=args.device, sandbox=args.sandbox,
                profile=args.profile,
            )  # fmt: skip
            times[workers] = time.perf_counter() - start
            scores = sorted(r.score for r in summary.results)
            print(
                f"{workers} worker(s): {times[workers]:.1f} s for {args.count} submissions, "
                f"{60 * args.count / times[workers]:.2f} per minute; scores {scores}"
            )
        if args.ray:
            start = time.perf_counter()
            summary = run_cohort(
                args.assignment, subs, gradebook_path=Path(tmp) / "gb-ray.db", device=args.device,
                sandbox=args.sandbox, backend="ray", task_cpus=1,
            )  # fmt: skip
            ray_s = time.perf_counter() - start
            scores = sorted(r.score for r in summary.results)
            print(
                f"ray, 1-CPU tasks: {ray_s:.1f} s, {60 * args.count / ray_s:.2f} per minute; "
                f"scores {scores}"
            )
            if 2 in times:
                print(f"ray / local pool of 2: {ray_s / times[2]:.2f}")
        base = min(times)
        for workers, seconds in times.items():
            if workers != base:
                efficiency = times[base] * base / (workers * seconds)
                print(f"scaling efficiency t{base} / ({workers} t{workers}): {efficiency:.2f}")


if __name__ == "__main__":
    main()
