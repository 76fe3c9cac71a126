"""The augment hidden suite, both ways: the solution passes every check, each wrong variant
(``augment_variants.WRONG``) fails exactly the checks written to catch its bug, and each other
correct way of writing it (``augment_variants.CORRECT``) passes them all.

These run the real grader (child process); the effect check (two trainings) runs for the
solution and for the variant it exists to catch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.data import find_dataset
from grader.runner import grade
from grader.spec import AssignmentSpec, load_assignment
from tests.grader.augment_variants import CORRECT, WRONG, write_variant
from tests.grader.reports import failing, line_of, message

ALL_CHECKS = [
    "contract",
    "invalid_arguments",
    "flip",
    "crop",
    "blur",
    "rotation",
    "erasing",
    "jitter",
    "compose_and_generators",
    "vectorised",
    "device",
    "no_forbidden_api",
    "effect",
]
TRAINING = ["effect"]
NOT_TRAINING = [c for c in ALL_CHECKS if c not in TRAINING]
EFFECT_VARIANT = "pipeline_does_nothing"

needs_data = pytest.mark.skipif(
    find_dataset() is None, reason="Fashion-MNIST is not installed (make test installs it)"
)

# What each wrong variant must fail among the checks that do not train.
EXPECTED: dict[str, dict[str, str]] = {
    "flip_one_draw": {"flip": "failed"},
    "crop_last_offset_missing": {"crop": "failed"},
    "crop_always_zero_padding": {"crop": "failed"},
    "blur_zero_padding": {"blur": "failed"},
    "blur_one_sigma": {"blur": "failed"},
    "blur_unnormalised": {"contract": "failed", "blur": "failed"},
    "rotation_in_radians": {"rotation": "failed"},
    "erasing_ignores_p": {"erasing": "failed"},
    "jitter_no_clamp": {"jitter": "failed"},
    "global_rng": {"compose_and_generators": "failed"},
    "per_image_loop": {"compose_and_generators": "failed", "vectorised": "failed"},
    "blur_accepts_even_kernel": {"invalid_arguments": "failed"},
    "pipeline_does_nothing": {},
}

MESSAGES: dict[str, tuple[str, str]] = {
    "flip_one_draw": (
        "flip",
        "RandomHorizontalFlip(0.5) flipped 4000 of 4000 images; about 2000 expected (draw one "
        "uniform number per image)",
    ),
    "crop_always_zero_padding": (
        "crop",
        "RandomCrop(4, padding=1, padding_mode='reflect'): 1888 of 3000 outputs are not a 4x4 "
        "window of F.pad(x, 1, mode='reflect')",
    ),
    "blur_one_sigma": (
        "blur",
        "GaussianBlur(7, sigma=(0.5, 1.5)) drew sigmas only from 1.330 to 1.330 over 600 images: "
        "draw one sigma per image, uniform over the whole range",
    ),
    "rotation_in_radians": (
        "rotation",
        "RandomRotation(30) turned a bar by angles from -89.5 to 89.5 degrees",
    ),
    "erasing_ignores_p": (
        "erasing",
        "RandomErasing(p=0.5) erased 3000 of 3000 images; about 1500 expected",
    ),
    "blur_accepts_even_kernel": (
        "invalid_arguments",
        "GaussianBlur(4) should raise ValueError naming 4; it did not",
    ),
    "jitter_no_clamp": ("jitter", "ColorJitter(brightness=1.0) must clamp its output to [0, 1]"),
    "global_rng": ("compose_and_generators", "Compose([a, b])(x, g) should equal b(a(x, g), g)"),
}


@pytest.fixture(scope="module")
def spec() -> AssignmentSpec:
    return load_assignment("augment")


@needs_data
def test_solution_gets_full_marks_on_quick(spec: AssignmentSpec) -> None:
    report = grade(spec, spec.solution, device="cpu", profile="quick")
    assert [c.id for c in report.checks] == ALL_CHECKS
    assert failing(report) == {}
    assert (report.score, report.max_score) == (100.0, 100.0)
    assert report.note == ""


def test_untouched_skeleton_scores_zero(spec: AssignmentSpec) -> None:
    report = grade(spec, spec.skeleton, device="cpu", profile="quick", skip=TRAINING)
    assert report.score == 0.0
    assert {c.status for c in report.checks} == {"error"}
    flip = line_of(spec.skeleton, 'raise NotImplementedError("RandomHorizontalFlip.__init__')
    pipeline = line_of(spec.skeleton, 'raise NotImplementedError("fashion_pipeline')
    assert message(report, "flip") == f"not implemented yet (augment.py, line {flip}, in __init__)"
    assert message(report, "no_forbidden_api") == (
        f"not implemented yet (augment.py, line {pipeline}, in fashion_pipeline)"
    )


@pytest.mark.parametrize(("variant", "expected"), list(EXPECTED.items()))
def test_wrong_variant_fails_its_checks(
    spec: AssignmentSpec, variant: str, expected: dict[str, str], tmp_path: Path
) -> None:
    submission = write_variant(variant, tmp_path)
    report = grade(spec, submission, device="cpu", profile="quick", skip=TRAINING)
    assert [c.id for c in report.checks] == NOT_TRAINING
    assert failing(report) == expected
    if variant in MESSAGES:
        check_id, expected_message = MESSAGES[variant]
        assert message(report, check_id) == expected_message
    if variant == "per_image_loop":
        assert message(report, "vectorised").startswith("your pipeline took ")
        assert message(report, "vectorised").endswith("times slower, at most 5 allowed")


@pytest.mark.parametrize("variant", list(CORRECT))
def test_other_correct_versions_pass(spec: AssignmentSpec, variant: str, tmp_path: Path) -> None:
    submission = write_variant(variant, tmp_path)
    report = grade(spec, submission, device="cpu", profile="quick", skip=TRAINING)
    assert failing(report) == {}


def test_forbidden_library_is_named_statically(spec: AssignmentSpec, tmp_path: Path) -> None:
    submission = tmp_path / "augment.py"
    shutil.copyfile(spec.solution, submission)
    with submission.open("a", encoding="utf-8") as file:
        file.write("\n\ndef unused_shortcut():\n    import torchvision.transforms.v2 as T\n")
        file.write("    return T.RandomCrop(28)\n")
    line = line_of(submission, "import torchvision.transforms.v2 as T")
    report = grade(spec, submission, device="cpu", profile="quick", skip=TRAINING)
    assert failing(report) == {"no_forbidden_api": "failed"}
    assert message(report, "no_forbidden_api") == (
        f"line {line} uses torchvision.transforms.v2, which is not allowed (torchvision); "
        f"line {line + 1} uses torchvision.transforms.v2.RandomCrop, which is not allowed "
        "(torchvision)"
    )


@needs_data
def test_effect_check_catches_its_variant(spec: AssignmentSpec, tmp_path: Path) -> None:
    submission = write_variant(EFFECT_VARIANT, tmp_path)
    report = grade(spec, submission, device="cpu", profile="quick", skip=NOT_TRAINING)
    (check,) = report.checks
    assert (check.id, check.status) == ("effect", "failed")
    assert check.message.endswith(
        f"a gain of +0.0000, at least +{spec.profile('quick').threshold:.3f} is needed"
    )


def test_every_variant_is_tested() -> None:
    assert sorted(WRONG) == sorted(EXPECTED)
    assert set(MESSAGES) <= set(WRONG)
    assert EFFECT_VARIANT in WRONG
