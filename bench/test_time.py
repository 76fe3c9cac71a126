"""How long `make test` takes from a clean clone, set-up excluded, against its 5-minute target.

    python bench/test_time.py [--repo .] [--target-s 300]

Clones the repository's HEAD into a temporary folder, runs `make setup` there (the venv, torch,
the data; timed but not counted), then times `make test` (lint, type checks, every test) and
prints the wall times, pytest's own summary line and the ratio to the target. Run it on an
otherwise idle machine: the tests train networks, and anything else running on the same cores
slows them far more than its share.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(command: list[str], cwd: Path) -> tuple[float, str]:
    """Run ``command`` in ``cwd``; its wall time in seconds and its output.

    Raises:
        SystemExit: the command failed (its output's tail is printed).
    """
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    output = done.stdout + done.stderr
    if done.returncode != 0:
        print(output[-3000:], file=sys.stderr)
        raise SystemExit(f"{' '.join(command)} exited with {done.returncode}")
    return seconds, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--target-s", type=float, default=300.0, help="the target, seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="course-test-time-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(args.repo), str(clone)], check=True)
        setup_s, _ = timed(["make", "setup"], clone)
        test_s, output = timed(["make", "test"], clone)
    summary = [line for line in output.splitlines() if re.search(r"\d+ passed", line)]
    print(f"make setup (not counted): {setup_s:.0f} s")
    print(f"make test: {test_s:.0f} s ({test_s / 60:.1f} min)")
    print(f"pytest: {summary[-1].strip() if summary else 'no summary line'}")
    print(f"ratio to the {args.target_s:.0f} s target: {test_s / args.target_s:.2f}")


if __name__ == "__main__":
    main()
