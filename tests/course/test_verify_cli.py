"""`course verify` through click, grading replaced by a fake (the real solutions and skeletons
are graded by tests/grader/test_suites.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import course.app.verify as verify_app
from course.cli import cli
from grader.results import CheckResult, GradeReport, Measurement


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
        "aae", "augment", "cnn", "lstm", "optim", "resnet", "vit",
    ]  # fmt: skip


def test_unknown_assignment_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["verify", "nope"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: unknown assignment: nope.")


def _seeded(calls: list[tuple[str, int, tuple[str, ...]]]) -> Any:
    """The solution's ``accuracy`` measures 0.80 + 0.01 x seed against 0.75 and passes under
    every seed but 9 (failed on purpose); ``shapes`` measures nothing; the skeleton fails
    both. Each call is recorded as (file stem, seed, skipped ids)."""

    def grade(spec: Any, path: Path, **kwargs: Any) -> GradeReport:
        seed, skip = kwargs.get("seed", 0), tuple(kwargs.get("skip", ()))
        calls.append((path.stem, seed, skip))
        is_solution = path == spec.solution
        value = 0.80 + 0.01 * seed if is_solution else 0.1
        passed = is_solution and seed != 9
        checks = [
            CheckResult("shapes", "Shapes", "passed" if is_solution else "error",
                        50.0 * is_solution, 50.0),
            CheckResult(
                "accuracy", "Accuracy", "passed" if passed else "failed", 50.0 * passed, 50.0,
                message="" if passed else "test accuracy too low",
                measurement=Measurement("test accuracy", value, 0.75),
            ),
        ]  # fmt: skip
        checks = [c for c in checks if c.id not in skip]
        score = sum(c.points for c in checks)
        return GradeReport(spec.name, score, 100.0, "cpu", "quick", 2.5, checks)

    return grade


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, tuple[str, ...]]]:
    """Grading replaced by :func:`_seeded`; the calls it records."""
    made: list[tuple[str, int, tuple[str, ...]]] = []
    monkeypatch.setattr(verify_app, "grade", _seeded(made))
    return made


def _calibration_rows(stdout: str) -> list[list[str]]:
    lines = stdout.split("by seed")[1].splitlines()
    return [line.split() for line in lines if line.strip() and line.strip()[0] not in "C━"]


@pytest.mark.parametrize("spelling", [["0", "1", "2"], ["0,1,2"], ["0,", "1", "2,2"]])
def test_seeds_rerun_only_the_training_checks_of_the_solution(
    runner: CliRunner, calls: list[tuple[str, int, tuple[str, ...]]], spelling: list[str]
) -> None:
    result = runner.invoke(cli, ["verify", "--seeds", *spelling, "lstm", "--sandbox", "none"])
    assert result.exit_code == 0, result.output
    assert calls == [
        ("lstm", 0, ()), ("lstm", 0, ()),  # solution (assignments/lstm/lstm.py) and skeleton
        ("lstm", 1, ("shapes",)), ("lstm", 2, ("shapes",)),
    ]  # fmt: skip
    assert _calibration_rows(result.stdout) == [
        ["lstm", "accuracy", "(test", "accuracy)", "0", "0.8000", "0.7500", "+0.0500", "0.0"],
        ["1", "0.8100", "0.7500", "+0.0600", "0.0"],
        ["2", "0.8200", "0.7500", "+0.0700", "0.0"],
        ["mean", "value,", "least", "margin", "all", "0.8100", "0.7500", "+0.0500", "0.0"],
    ]


def test_a_seed_the_solution_fails_exits_1(
    runner: CliRunner, calls: list[tuple[str, int, tuple[str, ...]]]
) -> None:
    result = runner.invoke(cli, ["verify", "vit", "--seeds", "9", "--sandbox", "none"])
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        "vit: solution 100/100, skeleton 0/100 (5.0 s): the solution failed accuracy with "
        "seed 9: test accuracy too low\n"
    )
    assert _calibration_rows(result.stdout) == [
        ["vit", "accuracy", "(test", "accuracy)", "9", "0.8900", "0.7500", "+0.1400", "0.0"],
    ]


def test_without_seeds_there_is_no_calibration(
    runner: CliRunner, calls: list[tuple[str, int, tuple[str, ...]]]
) -> None:
    result = runner.invoke(cli, ["verify", "vit", "--sandbox", "none"])
    assert result.exit_code == 0, result.output
    assert "by seed" not in result.stdout
    assert [seed for _, seed, _ in calls] == [0, 0]


@pytest.mark.parametrize(
    ("seeds", "message"),
    [
        ("abc", "'abc' is not a list of seeds; give whole numbers such as 0 1 2"),
        ("-1", "'-1' is not a list of seeds; give whole numbers such as 0 1 2"),
        ("1.5", "'1.5' is not a list of seeds; give whole numbers such as 0 1 2"),
        (",", "',' is not a list of seeds; give whole numbers such as 0 1 2"),
        ("4294967296", "4294967296 is too large a seed; at most 2147483647"),
    ],
)
def test_bad_seeds_exit_2(runner: CliRunner, seeds: str, message: str) -> None:
    result = runner.invoke(cli, ["verify", "lstm", "--seeds", seeds])
    assert result.exit_code == 2
    assert message in result.stderr
