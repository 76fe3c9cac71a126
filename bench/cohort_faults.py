"""A cohort with faulty submissions: each one graded or marked with its fault, nothing left
running, the run ends normally, and the CSV has a row per student.

    python bench/cohort_faults.py [--count 60] [--faulty 20] [--workers 2] [--timeout-s 30]
                                  [--sandbox bwrap]

The healthy submissions are the lstm skeleton (graded in seconds, score 0). The faulty ones,
round robin: an endless loop, a segfault, an allocation past the memory limit, os._exit, a
thread that never ends, a subprocess in its own session (sleep 1000), a network attempt, a
write outside the temporary folder, a 300 MB print. Prints each fault's outcome (the report's
note or its first check's status), the wall time, and whether any process from the run (a
``sleep 1000`` or a grading child) is still alive afterwards.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from course.app.cohort import run_cohort
from course.app.cohort_export import export
from grader.spec import load_assignment

FAULTS = {
    "hang": "while True:\n    pass\n",
    "segfault": "import ctypes\nctypes.string_at(0)\n",
    "oom": "hog = bytearray(64 * 1024**3)\n",
    "exit": "import os\nos._exit(7)\n",
    "thread": "import threading, time\n"
    "threading.Thread(target=lambda: time.sleep(10**6)).start()\n",
    "session": "import subprocess\nsubprocess.Popen(['sleep', '1000'], start_new_session=True)\n",
    "network": "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=5).close()\n",
    "write": "from pathlib import Path\n(Path.home() / 'course-fault-was-here').write_text('x')\n",
    "print": "print('x' * 300_000_000)\n",
}


def _alive_sleepers() -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "cmdline").read_bytes().split(b"\0")[:2] == [b"sleep", b"1000"]:
                    count += 1
            except OSError:
                pass
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--faulty", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout-s", type=float, default=30.0)
    parser.add_argument("--sandbox", default="bwrap", choices=["bwrap", "none"])
    args = parser.parse_args()
    skeleton = load_assignment("lstm").skeleton.read_text(encoding="utf-8")
    names = list(FAULTS)
    before = _alive_sleepers()
    with tempfile.TemporaryDirectory(prefix="cohort-faults-") as tmp:
        subs = Path(tmp) / "subs"
        subs.mkdir()
        kinds: dict[str, str] = {}
        for i in range(args.count):
            student = f"s{i:02d}"
            if i < args.faulty:
                kind = names[i % len(names)]
                kinds[student] = kind
                text = FAULTS[kind] + skeleton
            else:
                text = f"# {student}\n{skeleton}"
            (subs / f"{student}.py").write_text(text, encoding="utf-8")
        start = time.perf_counter()
        summary = run_cohort(
            "lstm", subs, gradebook_path=Path(tmp) / "gb.db", workers=args.workers,
            device="cpu", sandbox=args.sandbox, timeout_s=args.timeout_s,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        for r in summary.results:
            if r.student in kinds and r.report is not None:
                first = r.report.checks[0]
                what = r.report.note or f"{first.status}: {first.message}"
                print(f"{kinds[r.student]:8s} {r.student} {r.score:g}: {what[:110]}")
        out = Path(tmp) / "grades.csv"
        export(Path(tmp) / "gb.db", "csv", out)
        rows = list(csv.reader(out.open(encoding="utf-8")))
        time.sleep(2)
        left = _alive_sleepers() - before
        wrote = (Path.home() / "course-fault-was-here").exists()
        print(
            f"{len(summary.results)} results, {summary.count('graded')} graded, CSV rows "
            f"{len(rows) - 1}; {seconds:.1f} s wall with {args.workers} workers; sleep 1000 "
            f"processes left: {left}; the write outside reached the home folder: {wrote}"
        )


if __name__ == "__main__":
    main()
