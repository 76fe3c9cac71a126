"""`course verify` through click, grading replaced by a fake (the real solutions and skeletons
are graded by tests/grader/test_suites.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import course.app.verify as verify_app
from course.cli import cli
from grader.results import CheckResult, GradeReport


def _fake(broken: set[str]) -> Any:
    """Solutions pass both checks, skeletons fail both; a name in ``broken`` gives its
    solution a failed ``accuracy`` and its skeleton a passed ``shapes``."""

    def grade(spec: Any, path: Path, **kwargs: Any) -> GradeReport:
        bad = spec.name in broken
        is_solution = path == spec.solution
        shapes = is_solution or bad
        accuracy = is_solution and not bad
        checks = [
            CheckResult("shapes", "Shapes", "passed" if shapes else "error", 50.0 * shapes, 50.0),
            CheckResult(
                "accuracy", "Accuracy", "passed" if accuracy else "failed", 50.0 * accuracy, 50.0,
                message="" if accuracy else "test accuracy 0.700; at least 0.75 is needed",
            ),
        ]  # fmt: skip
        score = sum(c.points for c in checks)
        return GradeReport(spec.name, score, 100.0, "cpu", "quick", 2.5, checks)

    return grade


def test_sound_assignments_exit_0(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify_app, "grade", _fake(set()))
    result = runner.invoke(cli, ["verify", "resnet", "lstm", "--sandbox", "none"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "resnet: solution 100/100, skeleton 0/100 (5.0 s): ok\n"
        "lstm: solution 100/100, skeleton 0/100 (5.0 s): ok\n"
    )
    rows = [
        line.split() for line in result.stdout.splitlines() if line.strip()[:4] in ("resn", "lstm")
    ]
    assert rows == [
        ["resnet", "100/100", "0/100", "5.0", "ok"],
        ["lstm", "100/100", "0/100", "5.0", "ok"],
    ]


def test_a_broken_assignment_exits_1_and_says_why(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify_app, "grade", _fake({"vit"}))
    result = runner.invoke(cli, ["verify", "vit", "--sandbox", "none"])
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        "vit: solution 50/100, skeleton 50/100 (5.0 s): the solution failed accuracy: test "
        "accuracy 0.700; at least 0.75 is needed; the skeleton passed shapes\n"
    )


def test_every_assignment_by_default(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify_app, "grade", _fake(set()))
    result = runner.invoke(cli, ["verify", "--sandbox", "none"])
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == [
        "aae", "augment", "lstm", "resnet", "vit",
    ]  # fmt: skip


def test_unknown_assignment_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["verify", "nope"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: unknown assignment: nope.")
