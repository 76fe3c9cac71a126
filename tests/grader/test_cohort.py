"""`grader.cohort` (finding submissions, the worker pool) and `grader.exports`."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest

from core.errors import UsageError
from grader.cohort import (
    Submission,
    find_submissions,
    grade_cohort,
    normalised_digest,
    workers_for,
)
from grader.exports import csv_header, csv_row, feedback_markdown, gradescope_results
from grader.results import CheckResult, GradeReport
from grader.runner import sha256_file
from grader.sandbox import bwrap_problem
from grader.spec import AssignmentSpec, parse_spec
from tests.grader.test_runner import SPEC_YAML  # the same fake assignment

# about 9 s together (pytest --durations): started early, see tests/conftest.py
pytestmark = pytest.mark.early(9)

# --- finding submissions ------------------------------------------------------------------------


def _write(path: Path, text: str = "x = 1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _layout(root: Path) -> Path:
    subs = root / "subs"
    _write(subs / "alice.py", "a = 1\n")
    _write(subs / "bob" / "resnet.py", "b = 2\n")
    _write(subs / "bob" / "helpers.py")
    _write(subs / "carol" / "hw" / "src" / "resnet.py", "c = 3\n")
    _write(subs / "dave" / "notes.txt")
    _write(subs / "erin" / "a" / "resnet.py")
    _write(subs / "erin" / "b" / "resnet.py")
    _write(subs / ".DS_Store")
    return subs


def test_every_layout_gives_one_row_per_student(tmp_path: Path) -> None:
    subs = _layout(tmp_path)
    found = find_submissions(subs, "resnet.py", tmp_path / "unpacked")
    assert [(s.student, s.path, s.problem, s.own_folder) for s in found] == [
        ("alice", subs / "alice.py", "", False),
        ("bob", subs / "bob" / "resnet.py", "", True),
        ("carol", subs / "carol" / "hw" / "src" / "resnet.py", "", True),
        ("dave", None, "no resnet.py in dave/", False),
        ("erin", None, "more than one resnet.py: erin/a/resnet.py, erin/b/resnet.py", False),
    ]
    assert found[0].sha256 == sha256_file(subs / "alice.py")
    assert found[3].sha256 == ""


def test_a_zip_of_the_folder_is_the_folder(tmp_path: Path) -> None:
    subs = _layout(tmp_path)
    archive = tmp_path / "subs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(subs.rglob("*")):
            if path.is_file():
                zf.write(path, Path("subs") / path.relative_to(subs))
    found = find_submissions(archive, "resnet.py", tmp_path / "unpacked")
    assert [s.student for s in found] == ["alice", "bob", "carol", "dave", "erin"]
    assert found[1].path == tmp_path / "unpacked" / "subs" / "bob" / "resnet.py"
    assert found[1].sha256 == sha256_file(subs / "bob" / "resnet.py")


@pytest.mark.parametrize("member", ["../evil.py", "/etc/evil.py", "a/../../evil.py"])
def test_a_zip_that_escapes_its_folder_is_refused(tmp_path: Path, member: str) -> None:
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(member, "x = 1\n")
    with pytest.raises(UsageError) as caught:
        find_submissions(archive, "resnet.py", tmp_path / "unpacked")
    assert caught.value.message == (
        f"the zip holds a path outside its folder: {member}. zip the submissions folder itself"
    )
    assert not (tmp_path / "evil.py").exists()
    assert not (tmp_path / "unpacked").exists()


def test_bad_sources_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as missing:
        find_submissions(tmp_path / "nope", "resnet.py", tmp_path / "u")
    assert missing.value.message == (
        f"the submissions are not there: {tmp_path / 'nope'}. pass a folder or a .zip"
    )
    text = _write(tmp_path / "list.txt")
    with pytest.raises(UsageError) as not_zip:
        find_submissions(text, "resnet.py", tmp_path / "u")
    assert not_zip.value.what == "the submissions must be a folder or a .zip of one"
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError) as empty:
        find_submissions(tmp_path / "empty", "resnet.py", tmp_path / "u")
    assert empty.value.what == "no submissions found"


# --- workers ------------------------------------------------------------------------------------


def test_cpu_workers_share_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert [(w.index, dict(w.env)) for w in workers_for(2, "cpu")] == [
        (0, {"OMP_NUM_THREADS": "4"}),
        (1, {"OMP_NUM_THREADS": "4"}),
    ]
    assert [dict(w.env) for w in workers_for(0, "cpu")] == [{"OMP_NUM_THREADS": "8"}]
    assert next(dict(w.env) for w in workers_for(16, "cpu")) == {"OMP_NUM_THREADS": "1"}


def test_cuda_workers_get_one_gpu_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 16)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,5")
    envs = [dict(w.env) for w in workers_for(0, "cuda", per_gpu=2)]
    assert envs == [
        {"CUDA_VISIBLE_DEVICES": "2", "OMP_NUM_THREADS": "4"},
        {"CUDA_VISIBLE_DEVICES": "2", "OMP_NUM_THREADS": "4"},
        {"CUDA_VISIBLE_DEVICES": "5", "OMP_NUM_THREADS": "4"},
        {"CUDA_VISIBLE_DEVICES": "5", "OMP_NUM_THREADS": "4"},
    ]
    assert [dict(w.env)["CUDA_VISIBLE_DEVICES"] for w in workers_for(1, "cuda")] == ["2"]


def test_bad_worker_counts_are_usage_errors() -> None:
    with pytest.raises(UsageError) as negative:
        workers_for(-1, "cpu")
    assert negative.value.message == (
        "--workers must be 0 (automatic) or more: -1. pass --workers 2"
    )
    with pytest.raises(UsageError) as per_gpu:
        workers_for(1, "cuda", per_gpu=0)
    assert per_gpu.value.message == "--per-gpu must be at least 1: 0. pass --per-gpu 1"


# --- the pool, on a fake assignment (no torch in its children) ----------------------------------

SUITE = """\
import os

import pytest

check = pytest.mark.check


@check(points=2, title="add(2, 3) is 5", timeout=60)
def test_add(submission):
    assert submission.add(2, 3) == 5, "add(2, 3) is not 5"


@check(points=1, title="the worker's thread count reached the child")
def test_threads(submission):
    assert os.environ.get("OMP_NUM_THREADS") == "1", os.environ.get("OMP_NUM_THREADS")


@check(points=1, title="the child reads a private copy: no other student's file beside it")
def test_private(submission):
    names = set(os.listdir(os.path.dirname(submission.__file__)))
    assert names <= {"fake.py", "util.py", "__pycache__"}, sorted(names)
"""


def _spec(root: Path) -> AssignmentSpec:
    folder = root / "fake"
    folder.mkdir()
    (folder / "assignment.yaml").write_text(SPEC_YAML, encoding="utf-8")
    suite = root / "test_fake.py"
    suite.write_text(SUITE, encoding="utf-8")
    return dataclasses.replace(parse_spec(folder / "assignment.yaml"), suite=suite)


@pytest.mark.parametrize("sandbox", ["none", "bwrap"])
def test_the_pool_grades_each_submission_on_its_own(tmp_path: Path, sandbox: str) -> None:
    if sandbox == "bwrap" and bwrap_problem() is not None:
        pytest.skip(f"bubblewrap does not work here: {bwrap_problem()}")
    spec = _spec(tmp_path)
    subs = tmp_path / "subs"
    _write(subs / "alice.py", "def add(a, b):\n    return a + b\n")
    _write(subs / "bob" / "fake.py", "from util import plus\n\nadd = plus\n")
    _write(subs / "bob" / "util.py", "def plus(a, b):\n    return a + b\n")
    _write(subs / "carol.py", "import time\nwhile True:\n    time.sleep(0.1)\n")
    _write(subs / "dave" / "readme.txt")
    found = find_submissions(subs, "fake.py", tmp_path / "u")
    results: dict[str, tuple[GradeReport | None, str]] = {}
    grade_cohort(
        spec, found, workers=[w for w in workers_for(2, "cpu")], device="cpu", profile="quick",
        sandbox=sandbox, timeout_s=4,
        on_done=lambda s, r, why: results.__setitem__(s.student, (r, why)),
    )  # fmt: skip
    assert sorted(results) == ["alice", "bob", "carol", "dave"]
    alice, bob, carol = (results[n][0] for n in ("alice", "bob", "carol"))
    assert alice is not None and bob is not None and carol is not None
    assert (alice.score, alice.max_score, alice.submission) == (4.0, 4.0, str(subs / "alice.py"))
    assert alice.sandbox == sandbox
    assert bob.score == 4.0  # its helper module came along
    assert carol.score == 0.0 and carol.note == "grading stopped at the attempt's 4 s limit"
    assert results["dave"] == (None, "no fake.py in dave/")


def test_a_failing_callback_stops_the_run_and_is_raised(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    missing = [Submission(f"s{i}", None, problem="nothing") for i in range(5)]
    seen: list[str] = []

    def boom(sub: Submission, report: GradeReport | None, why: str) -> None:
        seen.append(sub.student)
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        grade_cohort(
            spec, missing, workers=workers_for(1, "cpu"), device="cpu", profile="quick",
            sandbox="none", on_done=boom,
        )  # fmt: skip
    assert seen == ["s0"]


# --- exports ------------------------------------------------------------------------------------


def _report() -> GradeReport:
    checks = [
        CheckResult("shapes", "Shapes", "passed", 5.0, 5.0),
        CheckResult("forward", "Forward", "failed", 0.0, 10.0, message="off by 2", hint="the stem"),
        CheckResult("secret", "Secret", "failed", 0.0, 3.0, visibility="hidden", message=""),
        CheckResult("train", "Training", "timeout", 0.0, 2.0, message="ran past 60 s"),
    ]
    return GradeReport("resnet", 5.0, 20.0, "cpu", "quick", 12.6, checks)


def test_gradescope_results_follow_its_schema() -> None:
    data = gradescope_results(_report())
    assert data == {
        "score": 5.0,
        "execution_time": 13,
        "output": "resnet: 5 / 20",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {"name": "Shapes", "number": "1", "score": 5.0, "max_score": 5.0,
             "status": "passed", "output": "passed", "visibility": "visible"},
            {"name": "Forward", "number": "2", "score": 0.0, "max_score": 10.0,
             "status": "failed", "output": "off by 2 Hint: the stem", "visibility": "visible"},
            {"name": "Secret", "number": "3", "score": 0.0, "max_score": 3.0,
             "status": "failed", "output": "", "visibility": "hidden"},
            {"name": "Training", "number": "4", "score": 0.0, "max_score": 2.0,
             "status": "failed", "output": "timed out: ran past 60 s", "visibility": "visible"},
        ],
    }  # fmt: skip
    revealed = gradescope_results(_report(), reveal_hidden=True)
    assert [t["visibility"] for t in revealed["tests"]] == [
        "visible", "visible", "after_due_date", "visible",
    ]  # fmt: skip
    assert gradescope_results(None, "no resnet.py in dave/") == {
        "score": 0.0, "execution_time": 0, "output": "Not graded: no resnet.py in dave/",
        "visibility": "visible", "stdout_visibility": "hidden", "tests": [],
    }  # fmt: skip


def test_csv_rows_and_feedback() -> None:
    ids = ["shapes", "forward", "secret", "train"]
    assert csv_header(ids) == ["student", "score", "max_score", *ids]
    assert csv_row("ann", _report(), 20.0, ids) == ["ann", "5", "20", "5", "0", "0", "0"]
    assert csv_row("dave", None, 100.0, ids) == ["dave", "0", "100", "", "", "", ""]
    assert feedback_markdown("ann", _report()) == (
        "# ann: resnet 5 / 20\n\n| check | points | result |\n| --- | ---: | --- |\n"
        "| Shapes | 5 / 5 | passed |\n"
        "| Forward | 0 / 10 | failed: off by 2 Hint: the stem |\n"
        "| Secret | 0 / 3 | failed |\n"
        "| Training | 0 / 2 | timed out: ran past 60 s |\n"
    )


def test_the_normalised_digest_ignores_comments_and_spacing(tmp_path: Path) -> None:
    one = _write(tmp_path / "one.py", "def f(x):\n    return x+1\n")
    two = _write(tmp_path / "two.py", "# mine\n\ndef f( x ):   # really\n    return x + 1\n\n")
    other = _write(tmp_path / "other.py", "def f(y):\n    return y + 1\n")
    broken = _write(tmp_path / "broken.py", "def f(:\n  '''\n")
    assert normalised_digest(one) == normalised_digest(two)
    assert normalised_digest(one) != normalised_digest(other)
    assert normalised_digest(broken) == sha256_file(broken)
