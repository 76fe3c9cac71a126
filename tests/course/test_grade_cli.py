"""`course grade` and `course init` end to end through click, grading replaced by a fake.

The real child-process grading is covered by tests/grader/test_runner.py; here
``course.app.attempt.grade`` returns a report built by hand, so these tests are fast and exact.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import torch
from click.testing import CliRunner

import course.app.attempt as attempt
import course.commands.grade as grade_cmd
import grader.attempt as prepare
import grader.sandbox as sandbox
from core.errors import DataError, StoreError
from course.cli import cli
from grader.results import CheckResult, GradeReport
from grader.runner import Event, EventCallback
from grader.spec import AssignmentSpec, load_assignment
from tracker.grades import attempts
from tracker.store import open_db

no_cuda = pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")

PASSING = [
    CheckResult("shapes", "BasicBlock output shapes", "passed", 10.0, 10.0),
    CheckResult("grad", "Gradient reaches the input", "passed", 5.0, 5.0, visibility="hidden"),
]
FAILING = [
    CheckResult("shapes", "BasicBlock output shapes", "passed", 10.0, 10.0),
    CheckResult(
        "params",
        "Parameter counts",
        "failed",
        0.0,
        10.0,
        message="BasicBlock(64, 64) has 1000 parameters, expected 73984",
        hint="no bias in the convolutions",
    ),
    CheckResult("grad", "Gradient reaches the input", "failed", 0.0, 5.0, visibility="hidden"),
    CheckResult(
        "forward",
        "Forward runs",
        "error",
        0.0,
        5.0,
        message="your code raised RuntimeError: boom (resnet.py, line 12, in forward)",
        hint="look at forward",
    ),
]


@dataclass
class FakeGrade:
    """Stands in for :func:`grader.runner.grade`; records how it was called."""

    checks: list[CheckResult]
    calls: list[dict[str, Any]] = field(default_factory=list)
    data_checks: int = 0

    def __call__(
        self,
        spec: AssignmentSpec,
        submission: Path,
        *,
        device: str = "cpu",
        profile: str = "quick",
        on_event: EventCallback | None = None,
        timeout_s: float | None = None,
        sandbox: str = "none",
        hidden: Sequence[Path] = (),
    ) -> GradeReport:
        self.calls.append(
            {
                "assignment": spec.name,
                "submission": submission,
                "device": device,
                "profile": profile,
                "sandbox": sandbox,
                "hidden": list(hidden),
            }
        )
        if on_event is not None:
            for check in self.checks:
                on_event(Event("start", check.id, check.title))
                on_event(Event("result", check.id, check.title, status=check.status))
        return GradeReport(
            assignment=spec.name,
            score=sum(c.points for c in self.checks),
            max_score=sum(c.max_points for c in self.checks),
            device=device,
            profile=profile,
            duration_s=3.21,
            sandbox=sandbox,
            checks=self.checks,
            submission=str(submission),
            submission_sha256="cd" * 32,
            started_at="2026-11-21T04:49:00Z",
        )

    def ensure_dataset(self, allow_download: bool = True) -> Path:
        self.data_checks += 1
        return Path("/nowhere")


def _install(monkeypatch: pytest.MonkeyPatch, checks: list[CheckResult]) -> FakeGrade:
    fake = FakeGrade(checks)
    # bubblewrap "works" whatever this machine has: the fake grade never runs it
    monkeypatch.setattr(sandbox, "bwrap_problem", lambda: None)
    monkeypatch.setattr(attempt, "grade", fake)
    monkeypatch.setattr(prepare, "ensure_dataset", fake.ensure_dataset)
    return fake


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


# --- errors -----------------------------------------------------------------------------------


def test_unknown_assignment(runner: CliRunner, outside: Path) -> None:
    result = runner.invoke(cli, ["grade", "nosuch"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: unknown assignment: nosuch. choose one of: aae, augment, cnn, lstm, optim, "
        "resnet, vit\n"
    )


def test_solution_and_submission(runner: CliRunner, outside: Path) -> None:
    result = runner.invoke(cli, ["grade", "resnet", "--solution", "--submission", "x.py"])
    assert result.exit_code == 2
    assert result.stderr == "Error: --solution and --submission exclude each other: x.py\n"


def test_missing_submission_file(runner: CliRunner, outside: Path) -> None:
    result = runner.invoke(cli, ["grade", "resnet", "--submission", "nope.py"])
    assert result.exit_code == 2
    assert result.stderr == "Error: submission file not found: nope.py. check the path\n"


def test_outside_a_workspace(runner: CliRunner, outside: Path) -> None:
    result = runner.invoke(cli, ["grade", "resnet"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: no submission to grade: no course.yaml here or in a parent folder: {outside}. "
        "run `course init DIR` and grade inside DIR, or pass --submission PATH/resnet.py\n"
    )


@no_cuda
def test_device_cuda_without_cuda(runner: CliRunner, outside: Path) -> None:
    result = runner.invoke(cli, ["grade", "resnet", "--solution", "--device", "cuda"])
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: --device cuda was asked for but torch sees no CUDA device: {torch.__version__}. "
        "use --device cpu (or auto), or install a CUDA build of torch on a GPU machine\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--profile", "bogus"], "Error: Invalid value for '--profile': 'bogus' is not one of"),
        (["--device", "tpu"], "Error: Invalid value for '--device': 'tpu' is not one of"),
    ],
)
def test_bad_choices(runner: CliRunner, outside: Path, args: list[str], message: str) -> None:
    result = runner.invoke(cli, ["grade", "resnet", "--solution", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_missing_data_is_an_environment_problem(
    runner: CliRunner, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _install(monkeypatch, PASSING)

    def no_data(allow_download: bool = True) -> Path:
        raise DataError("Fashion-MNIST not found", "/a, /b", "install dataset-fashion-mnist")

    monkeypatch.setattr(prepare, "ensure_dataset", no_data)
    result = runner.invoke(cli, ["grade", "resnet", "--solution", "--device", "cpu"])
    assert result.exit_code == 3
    assert result.stderr == (
        "Error: Fashion-MNIST not found: /a, /b. install dataset-fashion-mnist\n"
    )
    assert fake.calls == []


# --- course init --------------------------------------------------------------------------------


def test_init(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "ws"
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"Workspace ready: {target}",
        "  created course.yaml",
        "  created aae/aae.py",
        "  created aae/README.md",
        "  created augment/augment.py",
        "  created augment/README.md",
        "  created cnn/cnn.py",
        "  created cnn/README.md",
        "  created lstm/lstm.py",
        "  created lstm/README.md",
        "  created optim/optim.py",
        "  created optim/README.md",
        "  created resnet/resnet.py",
        "  created resnet/README.md",
        "  created vit/vit.py",
        "  created vit/README.md",
        f"Next: edit a skeleton, then run `course grade NAME` inside {target}.",
    ]
    assert (target / "resnet" / "resnet.py").read_bytes() == (
        load_assignment("resnet").skeleton.read_bytes()
    )


def test_init_again_keeps_files(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "ws"
    runner.invoke(cli, ["init", str(target)])
    (target / "resnet" / "resnet.py").write_text("# mine\n", encoding="utf-8")
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"Workspace ready: {target}",
        "  kept    course.yaml (already there, not touched)",
        "  kept    aae/aae.py (already there, not touched)",
        "  kept    aae/README.md (already there, not touched)",
        "  kept    augment/augment.py (already there, not touched)",
        "  kept    augment/README.md (already there, not touched)",
        "  kept    cnn/cnn.py (already there, not touched)",
        "  kept    cnn/README.md (already there, not touched)",
        "  kept    lstm/lstm.py (already there, not touched)",
        "  kept    lstm/README.md (already there, not touched)",
        "  kept    optim/optim.py (already there, not touched)",
        "  kept    optim/README.md (already there, not touched)",
        "  kept    resnet/resnet.py (already there, not touched)",
        "  kept    resnet/README.md (already there, not touched)",
        "  kept    vit/vit.py (already there, not touched)",
        "  kept    vit/README.md (already there, not touched)",
        f"Next: edit a skeleton, then run `course grade NAME` inside {target}.",
    ]
    assert (target / "resnet" / "resnet.py").read_text(encoding="utf-8") == "# mine\n"


def test_init_on_a_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "file.txt"
    path.write_text("x", encoding="utf-8")
    result = runner.invoke(cli, ["init", str(path)])
    assert result.exit_code == 2
    assert "is a file" in result.stderr


# --- a grading run, with grading faked ----------------------------------------------------------


def test_grade_in_a_workspace_full_marks(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    fake = _install(monkeypatch, PASSING)
    runner.invoke(cli, ["init", str(tmp_path / "ws")])
    monkeypatch.chdir(tmp_path / "ws" / "resnet")
    result = runner.invoke(cli, ["grade", "resnet", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert fake.calls == [
        {
            "assignment": "resnet",
            "submission": (tmp_path / "ws" / "resnet" / "resnet.py").resolve(),
            "device": "cpu",
            "profile": "quick",
            "sandbox": "bwrap",
            "hidden": [tmp_path / "course.db"],
        }
    ]
    assert fake.data_checks == 1
    assert _lines(result.stdout) == [
        "resnet: 15/15 points",
        "",
        "  Check                        Points   Status   Message",
        " " + "━" * 61,
        "  BasicBlock output shapes      10/10   passed",
        "  Gradient reaches the input      5/5   passed   hidden check",
        "",
        "Score 15/15 · cpu · quick profile · 3.2 s · bwrap sandbox",
    ]
    assert result.stderr == ""


def test_grade_failing_table_and_exit_1(
    runner: CliRunner, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(monkeypatch, FAILING)
    result = runner.invoke(cli, ["grade", "resnet", "--solution", "--device", "cpu"])
    assert result.exit_code == 1
    assert _lines(result.stdout) == [
        "resnet: 10/30 points",
        "",
        "  Check                        Points   Status   Message",
        " " + "━" * 98,
        "  BasicBlock output shapes      10/10   passed",
        (
            "  Parameter counts               0/10   failed   "
            "BasicBlock(64, 64) has 1000 parameters, expected"
        ),
        "                                                 73984",
        "                                                 Hint: no bias in the convolutions",
        "  Gradient reaches the input      0/5   failed   hidden check: no details",
        (
            "  Forward runs                    0/5   error    "
            "your code raised RuntimeError: boom (resnet.py,"
        ),
        "                                                 line 12, in forward)",
        "",
        "Score 10/30 · cpu · quick profile · 3.2 s · bwrap sandbox",
    ]
    assert "look at forward" not in result.stdout


def test_grade_json(runner: CliRunner, outside: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _install(monkeypatch, FAILING)
    result = runner.invoke(
        cli, ["grade", "resnet", "--solution", "--device", "cpu", "--profile", "full", "--json"]
    )
    assert result.exit_code == 1
    assert fake.calls[0]["submission"] == load_assignment("resnet").solution
    assert fake.calls[0]["profile"] == "full"
    assert json.loads(result.stdout) == {
        "assignment": "resnet",
        "score": 10.0,
        "max_score": 30.0,
        "device": "cpu",
        "profile": "full",
        "duration_s": 3.21,
        "sandbox": "bwrap",
        "tampered": False,
        "checks": [
            {
                "id": "shapes",
                "title": "BasicBlock output shapes",
                "status": "passed",
                "points": 10.0,
                "max_points": 10.0,
                "visibility": "visible",
                "message": "",
            },
            {
                "id": "params",
                "title": "Parameter counts",
                "status": "failed",
                "points": 0.0,
                "max_points": 10.0,
                "visibility": "visible",
                "message": "BasicBlock(64, 64) has 1000 parameters, expected 73984 "
                "Hint: no bias in the convolutions",
            },
            {
                "id": "grad",
                "title": "Gradient reaches the input",
                "status": "failed",
                "points": 0.0,
                "max_points": 5.0,
                "visibility": "hidden",
                "message": "",
            },
            {
                "id": "forward",
                "title": "Forward runs",
                "status": "error",
                "points": 0.0,
                "max_points": 5.0,
                "visibility": "visible",
                "message": "your code raised RuntimeError: boom (resnet.py, line 12, in forward)",
            },
        ],
    }


def test_grade_json_full_marks_exit_0(
    runner: CliRunner, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(monkeypatch, PASSING)
    result = runner.invoke(cli, ["grade", "resnet", "--solution", "--device", "cpu", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["score"], data["max_score"], data["profile"]) == (15.0, 15.0, "quick")


def test_grade_explicit_submission_and_auto_device(
    runner: CliRunner, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _install(monkeypatch, PASSING)
    (outside / "mine.py").write_text("x = 1\n", encoding="utf-8")
    result = runner.invoke(cli, ["grade", "resnet", "--submission", "mine.py"])
    assert result.exit_code == 0, result.output
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert fake.calls == [
        {
            "assignment": "resnet",
            "submission": Path("mine.py"),
            "device": expected,
            "profile": "full" if expected == "cuda" else "quick",
            "sandbox": "bwrap",
            "hidden": [outside.parent / "course.db"],
        }
    ]


def test_attempt_is_recorded(
    runner: CliRunner, outside: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    _install(monkeypatch, FAILING)
    assert runner.invoke(cli, ["grade", "resnet", "--solution", "--device", "cpu"]).exit_code == 1
    _install(monkeypatch, PASSING)
    assert runner.invoke(cli, ["grade", "resnet", "--solution", "--device", "cpu"]).exit_code == 0
    with closing(open_db(db_path)) as db:
        stored = attempts(db)
        rows = list(db.table("grade_checks").rows_where(order_by="id"))
    assert [(a.assignment, a.score, a.max_score, a.device, a.profile) for a in stored] == [
        ("resnet", 15.0, 15.0, "cpu", "quick"),
        ("resnet", 10.0, 30.0, "cpu", "quick"),
    ]
    assert stored[0].started_at == "2026-11-21T04:49:00Z"
    assert stored[0].duration_s == 3.21
    assert [(r["check_id"], r["status"], r["points"]) for r in rows] == [
        ("shapes", "passed", 10.0),
        ("params", "failed", 0.0),
        ("grad", "failed", 0.0),
        ("forward", "error", 0.0),
        ("shapes", "passed", 10.0),
        ("grad", "passed", 5.0),
    ]


def test_store_failure_still_prints_the_report(
    runner: CliRunner, outside: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    _install(monkeypatch, FAILING)

    def broken_store() -> Any:
        raise StoreError("database is locked", "course.db")

    monkeypatch.setattr(grade_cmd, "open_store", broken_store)
    result = runner.invoke(cli, ["grade", "resnet", "--solution", "--device", "cpu"])
    assert result.exit_code == 1
    assert _lines(result.stdout)[0] == "resnet: 10/30 points"
    assert _lines(result.stdout)[-1] == "Score 10/30 · cpu · quick profile · 3.2 s · bwrap sandbox"
    assert result.stderr == (
        "Warning: this attempt was not recorded in the tracker: database is locked: course.db\n"
    )
    assert not db_path.exists()


def test_store_failure_with_full_marks_exits_0(
    runner: CliRunner, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(monkeypatch, PASSING)

    def broken_store() -> Any:
        raise StoreError("not a course database", "x.db")

    monkeypatch.setattr(grade_cmd, "open_store", broken_store)
    result = runner.invoke(cli, ["grade", "resnet", "--solution", "--device", "cpu", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["score"] == 15.0
    assert result.stderr.startswith("Warning: this attempt was not recorded in the tracker: ")


# --- the sandbox ---------------------------------------------------------------------------


def test_grade_runs_under_bwrap_and_hides_the_database(
    runner: CliRunner, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _install(monkeypatch, PASSING)
    db = outside / "course.db"
    monkeypatch.setenv("COURSE_DB", str(db))
    result = runner.invoke(cli, ["grade", "resnet", "--solution", "--device", "cpu"])
    assert result.exit_code == 0
    assert fake.calls[0]["sandbox"] == "bwrap"
    assert fake.calls[0]["hidden"] == [db]
    assert "Warning" not in result.stderr


def test_grade_sandbox_none(
    runner: CliRunner, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _install(monkeypatch, PASSING)
    result = runner.invoke(cli, ["grade", "resnet", "--solution", "--sandbox", "none"])
    assert result.exit_code == 0
    assert fake.calls[0]["sandbox"] == "none"
    assert _lines(result.stdout)[-1] == "Score 15/15 · cpu · quick profile · 3.2 s · no sandbox"
    assert "Warning" not in result.stderr


def test_grade_auto_without_bwrap_warns_once(
    runner: CliRunner, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _install(monkeypatch, PASSING)
    monkeypatch.setattr(sandbox, "bwrap_problem", lambda: "bwrap is not installed")
    result = runner.invoke(cli, ["grade", "resnet", "--solution", "--device", "cpu"])
    assert result.exit_code == 0
    assert fake.calls[0]["sandbox"] == "none"
    warnings = [line for line in _lines(result.stderr) if line.startswith("Warning")]
    assert warnings == [
        "Warning: no sandbox: bwrap is not installed; student code runs with your user's rights "
        "(install bubblewrap, or pass --sandbox none to silence this)"
    ]


def test_grade_bwrap_asked_for_where_it_cannot_run(
    runner: CliRunner, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _install(monkeypatch, PASSING)
    monkeypatch.setattr(sandbox, "bwrap_problem", lambda: "bwrap is not installed")
    result = runner.invoke(cli, ["grade", "resnet", "--solution", "--sandbox", "bwrap"])
    assert result.exit_code == 3
    assert fake.calls == []
    assert result.stderr.startswith(
        "Error: the bwrap sandbox does not work here: bwrap is not installed."
    )


def test_grade_unknown_sandbox_is_bad_usage(runner: CliRunner, outside: Path) -> None:
    result = runner.invoke(cli, ["grade", "resnet", "--solution", "--sandbox", "docker"])
    assert result.exit_code == 2
