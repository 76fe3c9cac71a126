"""The resnet hidden suite, both ways: the solution passes every check, and each wrong
variant (``resnet_variants.py``) fails exactly the checks written to catch its bug.

These run the real grader (child process) on real Fashion-MNIST; the training check runs only
for the solution and for the variant it exists to catch, so the file takes about a minute.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.data import find_dataset
from grader.runner import grade
from grader.spec import AssignmentSpec, load_assignment
from tests.grader.reports import failing
from tests.grader.resnet_variants import VARIANTS, write_variant

ALL_CHECKS = [
    "basic_block_shapes",
    "bottleneck_shapes",
    "resnet_shapes",
    "block_parameter_counts",
    "resnet_parameter_counts",
    "identity_shortcut",
    "projection_shortcut",
    "gradient_through_shortcut",
    "stride_placement",
    "batchnorm_train_eval",
    "no_forbidden_api",
    "accuracy",
]
TRAINING = ["accuracy"]

needs_data = pytest.mark.skipif(
    find_dataset() is None, reason="Fashion-MNIST is not installed (make test installs it)"
)


# What each wrong variant must fail (every other check must pass). pool_too_early is only
# caught by training, tested on its own below.
EXPECTED: dict[str, dict[str, str]] = {
    "no_skip": {
        "identity_shortcut": "failed",
        "gradient_through_shortcut": "failed",
    },
    "stride_wrong_conv": {
        "stride_placement": "failed",
    },
    "missing_projection": {
        "projection_shortcut": "failed",
        "block_parameter_counts": "failed",
        "resnet_parameter_counts": "failed",
        "batchnorm_train_eval": "failed",
    },
    "wrong_expansion": {
        "bottleneck_shapes": "failed",
        "block_parameter_counts": "failed",
        "resnet_parameter_counts": "failed",
        # Bottleneck(64, 16) now changes the channel count, so it gets a projection:
        "identity_shortcut": "failed",
        "projection_shortcut": "failed",
        "gradient_through_shortcut": "failed",
        "batchnorm_train_eval": "failed",
    },
    "missing_bn": {
        "block_parameter_counts": "failed",
        "resnet_parameter_counts": "failed",
        "identity_shortcut": "error",
        "projection_shortcut": "failed",
        "gradient_through_shortcut": "error",
        "batchnorm_train_eval": "failed",
    },
}


@pytest.fixture(scope="module")
def spec() -> AssignmentSpec:
    return load_assignment("resnet")


@needs_data
def test_solution_gets_full_marks_on_quick(spec: AssignmentSpec) -> None:
    report = grade(spec, spec.solution, device="cpu", profile="quick")
    assert [c.id for c in report.checks] == ALL_CHECKS
    assert failing(report) == {}
    assert (report.score, report.max_score) == (100.0, 100.0)
    assert report.full_marks
    assert report.note == ""


def test_untouched_skeleton_scores_zero(spec: AssignmentSpec) -> None:
    report = grade(spec, spec.skeleton, device="cpu", profile="quick")
    assert report.score == 0.0
    assert {c.status for c in report.checks} == {"error"}
    first = report.checks[0]
    assert first.message == "not implemented yet (resnet.py, line 56, in __init__)"


@pytest.mark.parametrize(("variant", "expected"), list(EXPECTED.items()))
def test_wrong_variant_fails_its_checks(
    spec: AssignmentSpec, variant: str, expected: dict[str, str], tmp_path: Path
) -> None:
    submission = write_variant(variant, tmp_path)
    report = grade(spec, submission, device="cpu", profile="quick", skip=TRAINING)
    assert [c.id for c in report.checks] == [c for c in ALL_CHECKS if c not in TRAINING]
    assert failing(report) == expected


@needs_data
def test_accuracy_check_catches_pooling_before_the_stages(
    spec: AssignmentSpec, tmp_path: Path
) -> None:
    others = [c for c in ALL_CHECKS if c not in TRAINING]
    submission = write_variant("pool_too_early", tmp_path)
    report = grade(spec, submission, device="cpu", profile="quick", skip=others)
    (check,) = report.checks
    assert (check.id, check.status) == ("accuracy", "failed")
    assert check.message.startswith("test accuracy 0.")
    assert check.message.endswith("at least 0.82 is needed")


def test_forbidden_api_is_named(spec: AssignmentSpec, tmp_path: Path) -> None:
    submission = tmp_path / "resnet.py"
    shutil.copyfile(spec.solution, submission)
    with submission.open("a", encoding="utf-8") as file:
        file.write("\n\ndef pretrained():\n    import timm\n\n")
        file.write("    return timm.create_model('resnet18')\n")
    lines = submission.read_text(encoding="utf-8").count("\n")
    report = grade(spec, submission, device="cpu", profile="quick", skip=TRAINING)
    assert failing(report) == {"no_forbidden_api": "failed"}
    (check,) = [c for c in report.checks if c.id == "no_forbidden_api"]
    assert check.message == (
        f"line {lines - 2} uses timm, which is not allowed (timm); "
        f"line {lines} uses timm.create_model, which is not allowed (timm)"
    )


def test_every_variant_is_tested() -> None:
    assert sorted(VARIANTS) == sorted([*EXPECTED, "pool_too_early"])
