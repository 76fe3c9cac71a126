"""`course cohort grade` and `course cohort export` through click, grading replaced by a fake.

The real grading children of a cohort run are covered by tests/grader/test_cohort.py; here
``grader.cohort.grade`` returns a report made from the submission's text, so these tests are
fast and exact.
"""

from __future__ import annotations

import csv
import json
import struct
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import grader.cohort as cohort
from course.cli import cli
from grader.results import CheckResult, GradeReport
from grader.sandbox import bwrap_problem


def _fake_grade(calls: list[str]) -> Any:
    def grade(spec: Any, submission: Path, **kwargs: Any) -> GradeReport:
        text = submission.read_text(encoding="utf-8")
        calls.append(text.strip())
        good = "good" in text
        checks = [
            CheckResult("shapes", "Shapes", "passed", 60.0, 60.0),
            CheckResult(
                "accuracy",
                "Accuracy",
                "passed" if good else "failed",
                40.0 if good else 0.0,
                40.0,
                message="" if good else "accuracy 0.1",
            ),
            CheckResult("secret", "Secret", "passed", 0.0, 0.0, visibility="hidden"),
        ]
        score = sum(c.points for c in checks)
        return GradeReport(
            "resnet", score, 100.0, "cpu", "quick", 1.0, checks, sandbox=kwargs["sandbox"]
        )

    return grade


@pytest.fixture
def subs(tmp_path: Path) -> Path:
    folder = tmp_path / "subs"
    (folder / "bob").mkdir(parents=True)
    (folder / "cat").mkdir()
    (folder / "ann.py").write_text("good\n", encoding="utf-8")
    (folder / "bob" / "resnet.py").write_text("bad\n", encoding="utf-8")
    (folder / "cat" / "notes.txt").write_text("-\n", encoding="utf-8")
    return folder


def test_grade_stores_every_student_and_a_rerun_skips_them(
    runner: CliRunner, subs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(cohort, "grade", _fake_grade(calls))
    book = tmp_path / "gb.db"
    args = ["cohort", "grade", "resnet", str(subs), "--gradebook", str(book), "--sandbox", "none"]
    first = runner.invoke(cli, [*args, "--workers", "2"])
    assert first.exit_code == 1, first.output  # cat has nothing to grade
    assert sorted(calls) == ["bad", "good"]
    assert "Warning: no sandbox (--sandbox none): student code runs with your user's rights" in (
        first.stderr
    )
    assert (
        "3 to grade (0 already in the gradebook), 2 workers, cpu, quick profile, sandbox none"
        in (first.stderr)
    )
    rows = [
        line.split()
        for line in first.stdout.splitlines()
        if line.strip()[:3] in ("ann", "bob", "cat")
    ]
    assert rows == [
        ["ann", "100/100", "graded"],
        ["bob", "60/100", "graded", "failed:", "accuracy"],
        ["cat", "0/100", "missing", "no", "resnet.py", "in", "cat/"],
    ]
    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert sorted(calls) == ["bad", "good"]  # nothing graded twice
    assert "0 graded, 3 skipped (already graded), 0 missing" in again.stdout
    (subs / "bob" / "resnet.py").write_text("good now\n", encoding="utf-8")
    changed = runner.invoke(cli, args)
    assert calls[-1] == "good now" and len(calls) == 3  # a new file is a new submission

    out = tmp_path / "grades.csv"
    exported = runner.invoke(
        cli, ["cohort", "export", "--gradebook", str(book), "--format", "csv", "--out", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    assert exported.stdout == f"Wrote 3 students' grades to {out}\n"
    assert list(csv.reader(out.open(encoding="utf-8"))) == [
        ["student", "score", "max_score", "shapes", "accuracy", "secret"],
        ["ann", "100", "100", "60", "40", "0"],
        ["bob", "100", "100", "60", "40", "0"],
        ["cat", "0", "100", "", "", ""],
    ]
    assert changed.exit_code == 0


def test_export_gradescope_and_json(
    runner: CliRunner, subs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cohort, "grade", _fake_grade([]))
    book = tmp_path / "gb.db"
    graded = runner.invoke(
        cli, ["cohort", "grade", "resnet", str(subs), "--gradebook", str(book), "--sandbox", "none"]
    )
    assert graded.exit_code == 1, graded.output
    folder = tmp_path / "gs"
    result = runner.invoke(
        cli,
        [
            "cohort",
            "export",
            "--gradebook",
            str(book),
            "--format",
            "gradescope",
            "--out",
            str(folder),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.json")) == [
        "ann/results.json",
        "bob/results.json",
        "cat/results.json",
    ]
    bob = json.loads((folder / "bob" / "results.json").read_text(encoding="utf-8"))
    assert set(bob) == {
        "score",
        "execution_time",
        "output",
        "visibility",
        "stdout_visibility",
        "tests",
    }
    assert bob["score"] == 60.0
    assert [(t["name"], t["status"], t["visibility"]) for t in bob["tests"]] == [
        ("Shapes", "passed", "visible"),
        ("Accuracy", "failed", "visible"),
        ("Secret", "passed", "hidden"),
    ]
    for test in bob["tests"]:
        assert set(test) == {
            "name",
            "number",
            "score",
            "max_score",
            "status",
            "output",
            "visibility",
        }
    as_json = tmp_path / "grades.json"
    result = runner.invoke(
        cli,
        ["cohort", "export", "--gradebook", str(book), "--format", "json", "--out", str(as_json)],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(as_json.read_text(encoding="utf-8"))
    assert [(r["student"], r["score"], r["problem"]) for r in rows] == [
        ("ann", 100.0, ""),
        ("bob", 60.0, ""),
        ("cat", 0.0, "no resnet.py in cat/"),
    ]


def test_no_sandbox_no_run(
    runner: CliRunner,
    subs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(cohort, "grade", _fake_grade(calls))
    monkeypatch.setenv("COURSE_SANDBOX_PROBE", "fail")
    bwrap_problem.cache_clear()  # the probe is cached per process
    request.addfinalizer(bwrap_problem.cache_clear)
    book = tmp_path / "gb.db"
    result = runner.invoke(cli, ["cohort", "grade", "resnet", str(subs), "--gradebook", str(book)])
    assert result.exit_code == 3, result.output
    assert result.stderr == (
        "Error: a cohort run grades untrusted code and needs the bwrap sandbox: "
        "COURSE_SANDBOX_PROBE=fail. install the bubblewrap package, or pass --sandbox none to "
        "grade without one\n"
    )
    assert calls == [] and not book.exists()


def test_bad_usage_exits_2(runner: CliRunner, subs: Path, tmp_path: Path) -> None:
    unknown = runner.invoke(cli, ["cohort", "grade", "nope", str(subs), "--sandbox", "none"])
    assert unknown.exit_code == 2
    workers = runner.invoke(
        cli,
        [
            "cohort",
            "grade",
            "resnet",
            str(subs),
            "--sandbox",
            "none",
            "--workers",
            "-1",
            "--gradebook",
            str(tmp_path / "gb.db"),
        ],
    )
    assert workers.exit_code == 2
    assert (
        workers.stderr == "Error: --workers must be 0 (automatic) or more: -1. pass --workers 2\n"
    )
    empty = tmp_path / "empty.db"
    from course.app.gradebook import open_gradebook

    open_gradebook(empty).close()
    export = runner.invoke(
        cli,
        [
            "cohort",
            "export",
            "--gradebook",
            str(empty),
            "--format",
            "csv",
            "--out",
            str(tmp_path / "x.csv"),
        ],
    )
    assert export.exit_code == 2
    assert (
        export.stderr == f"Error: pass --assignment: the gradebook holds no grades: {empty}. "
        "e.g. --assignment resnet\n"
    )


def test_stats_show_the_distribution_rates_and_copies(
    runner: CliRunner, subs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cohort, "grade", _fake_grade([]))
    (subs / "dan.py").write_text("good   # my own work\n\n", encoding="utf-8")
    book = tmp_path / "gb.db"
    args = ["cohort", "grade", "resnet", str(subs), "--gradebook", str(book), "--sandbox", "none"]
    assert runner.invoke(cli, args).exit_code == 1
    result = runner.invoke(cli, ["cohort", "stats", "--gradebook", str(book)])
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.stdout.splitlines() if line.strip()]
    assert lines[0] == "resnet: 4 students, 3 graded, mean 65.0/100; 1.0 s median, 1.0 s longest"
    assert f"[0, 10) 1 {'#' * 20}" in lines  # the bars: 40 wide at the peak
    assert f"[60, 70) 1 {'#' * 20}" in lines
    assert f"[90, 100] 2 {'#' * 40}" in lines
    assert "Accuracy 2/3 67 %" in lines and "Shapes 3/3 100 %" in lines
    assert lines[-1] == "ann, dan"


def _graded_book(
    runner: CliRunner, subs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A gradebook of the fake cohort, graded through the CLI."""
    monkeypatch.setattr(cohort, "grade", _fake_grade([]))
    book = tmp_path / "gb.db"
    args = ["cohort", "grade", "resnet", str(subs), "--gradebook", str(book), "--sandbox", "none"]
    assert runner.invoke(cli, args).exit_code == 1
    return book


def test_stats_png_draws_the_histogram_and_rates(
    runner: CliRunner, subs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _graded_book(runner, subs, tmp_path, monkeypatch)
    png = tmp_path / "stats.png"
    png.write_bytes(b"an older picture")
    result = runner.invoke(cli, ["cohort", "stats", "--gradebook", str(book), "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"Wrote {png}"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 480)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".stats.png")] == []


def test_stats_png_in_a_missing_folder_exits_2(
    runner: CliRunner, subs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _graded_book(runner, subs, tmp_path, monkeypatch)
    png = tmp_path / "nope" / "stats.png"
    result = runner.invoke(cli, ["cohort", "stats", "--gradebook", str(book), "--png", str(png)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: the folder to write the picture in does not exist: {png.parent}. make it "
        "first, or pass another --png\n"
    )
