"""Cold-start time of the tracker commands over ten years of daily entries, beside Watson's.

Usage:
    python bench/tracker_startup.py [--runs 15] [--years 10] [--watson PATH]

Builds a temporary `course` database holding one study entry a day for ``--years`` years
(ending today), plus Watson frames holding the same stretches, then times each command as a
fresh process (what a person typing it waits for) ``--runs`` times, interleaved, and prints the
median and the fastest run in milliseconds and the ratio to Watson's equivalent. It also checks
that ``course log`` imports neither torch nor numpy. The project's modules are compiled to
bytecode first (``compileall``), as they are in an installed package. Watson (``pip install
td-watson``) is looked up on PATH and in ``/tmp/watson-venv/bin`` unless ``--watson`` names it;
without it only `course` is timed.

Nothing here touches your real database or Watson's: both live in a temporary folder.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.store import open_db, transaction

TOPICS = ("CNN", "RNN", "Transformer", "Generative", "Coding test", "Math")


def build_course_db(path: Path, days: list[date]) -> int:
    """One entry a day (45 to 225 minutes) on ``days``; returns the number of rows."""
    db = open_db(path)
    rows = [
        {
            "day": day.isoformat(),
            "minutes": 45 + (day.toordinal() * 37) % 180,
            "topic": TOPICS[day.toordinal() % len(TOPICS)],
            "note": None,
            "created_at": f"{day.isoformat()}T12:00:00Z",
        }
        for day in days
    ]
    with transaction(db):
        db.table("study_log").insert_all(rows, batch_size=1000)
    db.close()
    return len(rows)


def build_watson_dir(folder: Path, days: list[date]) -> None:
    """Watson's ``frames`` file with the same stretches (09:00 local plus the minutes)."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = []
    for day in days:
        start = datetime(day.year, day.month, day.day, 9, 0).astimezone()
        minutes = 45 + (day.toordinal() * 37) % 180
        stop = start + timedelta(minutes=minutes)
        frames.append(
            [
                int(start.timestamp()),
                int(stop.timestamp()),
                TOPICS[day.toordinal() % len(TOPICS)],
                uuid.uuid4().hex,
                [],
                int(stop.timestamp()),
            ]
        )
    (folder / "frames").write_text(json.dumps(frames))
    (folder / "state").write_text("{}")


def time_command(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one run of ``argv`` as a new process, in milliseconds."""
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def imports_of(argv: list[str], env: dict[str, str]) -> set[str]:
    """Top-level packages a `course` command imports (``python -X importtime``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "course", *argv],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def find_watson(given: str | None) -> str | None:
    if given:
        return given
    for candidate in (shutil.which("watson"), "/tmp/watson-venv/bin/watson"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--watson", help="Path of the watson executable.")
    args = parser.parse_args()

    # Bytecode first, as an installed package has it (pip compiles at install, and Watson's
    # venv has it): with PYTHONDONTWRITEBYTECODE set, an editable checkout would otherwise
    # compile every module of ours from source in every run, some 90 ms of each command.
    root = Path(__file__).resolve().parents[1]
    for package in ("core", "course", "grader", "tracker"):
        compileall.compile_dir(root / package, quiet=1)
    today = date.today()
    days = [today - timedelta(days=offset) for offset in range(365 * args.years + 2, 0, -1)]
    course = str(Path(sys.executable).with_name("course"))
    watson = find_watson(args.watson)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = build_course_db(folder / "course.db", days)
        build_watson_dir(folder / "watson", days)
        env = {
            **os.environ,
            "COURSE_DB": str(folder / "course.db"),
            "WATSON_DIR": str(folder / "watson"),
            "NO_COLOR": "1",
            "COLUMNS": "100",
        }
        loaded = imports_of(["log", "--minutes", "1", "--topic", "bench"], env)
        print(f"database: {rows} daily entries over {args.years} years ({days[0]} to {days[-1]})")
        print(f"course log imports torch: {'torch' in loaded}, numpy: {'numpy' in loaded}")

        pairs = [
            ("--version", [course, "--version"], [watson, "--version"] if watson else None),
            (
                "log 1 minute",
                [course, "log", "--minutes", "1", "--topic", "bench"],
                [watson, "add", "-f", "00:00", "-t", "00:01", "bench"] if watson else None,
            ),
            (
                "report weekly",
                [course, "report", "weekly"],
                [watson, "report", "--week"] if watson else None,
            ),
            (
                "report monthly",
                [course, "report", "monthly"],
                [watson, "report", "--month"] if watson else None,
            ),
            ("report streak", [course, "report", "streak"], None),
        ]
        times: dict[str, list[float]] = {}
        for _ in range(args.runs):
            for name, ours, theirs in pairs:
                times.setdefault(f"course {name}", []).append(time_command(ours, env))
                if theirs:
                    times.setdefault(f"watson {name}", []).append(time_command(theirs, env))

    print(f"\ncold start, {args.runs} runs each, ms (median / fastest):")
    print(f"{'command':<28}{'course':>16}{'watson':>16}{'ratio':>8}")
    for name, _, theirs in pairs:
        ours_ms = times[f"course {name}"]
        line = f"{name:<28}{statistics.median(ours_ms):>8.0f} / {min(ours_ms):>4.0f}"
        if theirs:
            theirs_ms = times[f"watson {name}"]
            ratio = statistics.median(ours_ms) / statistics.median(theirs_ms)
            line += f"{statistics.median(theirs_ms):>9.0f} / {min(theirs_ms):>4.0f}{ratio:>8.2f}"
        print(line)
    print(
        f"\npython {sys.version.split()[0]}, {os.cpu_count()} cores,"
        f" {datetime.now(timezone.utc):%Y-%m-%d}"
    )


if __name__ == "__main__":
    main()
