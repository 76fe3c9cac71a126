"""`course autograder` (the Gradescope bundle) and `course autograder-run` (what runs in it),
on a simulated ``/autograder`` folder with real grading children."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from course.app.autograder import run_autograder
from course.cli import cli
from grader.data import find_dataset
from grader.spec import load_assignment

TOP = {"score", "execution_time", "output", "visibility", "stdout_visibility", "tests"}
TEST = {"name", "number", "score", "max_score", "status", "output", "visibility"}


def test_the_bundle_holds_setup_run_and_the_wheel(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "lstm-autograder.zip"
    result = runner.invoke(cli, ["autograder", "lstm", "--out", str(out)])
    assert result.exit_code == 0, result.output
    wheel = "course_toolkit-0.1.0-py3-none-any.whl"
    assert result.stdout == f"Wrote {out}: {wheel}, run_autograder, setup.sh\n"
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == [wheel, "run_autograder", "setup.sh"]
        for script in ("run_autograder", "setup.sh"):
            mode = zf.getinfo(script).external_attr >> 16
            assert mode & stat.S_IXUSR, script
        run = zf.read("run_autograder").decode()
        setup = zf.read("setup.sh").decode()
        zf.extract(wheel, tmp_path)
    assert "exec course autograder-run lstm --root /autograder\n" in run
    assert f"python3 -m pip install -q ./{wheel}\n" in setup and "course data\n" in setup
    with zipfile.ZipFile(tmp_path / wheel) as whl:
        names = whl.namelist()
    assert "grader/suites/test_lstm.py" in names
    assert not [n for n in names if n.startswith("solutions/")]


def test_unknown_assignment_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["autograder", "nope", "--out", str(tmp_path / "x.zip")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: unknown assignment: nope.")


def test_nothing_to_grade_still_writes_results(tmp_path: Path) -> None:
    (tmp_path / "submission").mkdir()
    results = run_autograder("lstm", tmp_path)
    written = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    assert written == results
    assert results["score"] == 0.0 and results["tests"] == []
    assert results["output"] == "Not graded: no lstm.py in your upload"


def _graded(tmp_path: Path, source: Path, name: str = "lstm") -> dict[str, object]:
    folder = tmp_path / "submission" / "hw3"
    folder.mkdir(parents=True)
    (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    run_autograder(name, tmp_path)
    data = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    assert set(data) == TOP
    tests = data["tests"]
    assert isinstance(tests, list) and all(set(t) == TEST for t in tests)
    return data


def test_the_skeleton_scores_zero(tmp_path: Path) -> None:
    data = _graded(tmp_path, load_assignment("lstm").skeleton)
    assert data["score"] == 0.0
    tests = data["tests"]
    assert isinstance(tests, list) and len(tests) == 12
    assert {t["status"] for t in tests} == {"failed"}
    assert [t["number"] for t in tests] == [str(i) for i in range(1, 13)]


@pytest.mark.training
@pytest.mark.skipif(find_dataset() is None, reason="Fashion-MNIST is not installed")
def test_the_solution_gets_full_marks(tmp_path: Path) -> None:
    # optim: the cheapest training of all (the harness trains lstm's solution already)
    data = _graded(tmp_path, load_assignment("optim").solution, "optim")
    assert data["score"] == 100.0
    tests = data["tests"]
    assert isinstance(tests, list) and {t["status"] for t in tests} == {"passed"}
    assert sum(t["max_score"] for t in tests) == 100.0
