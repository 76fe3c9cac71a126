"""The vit hidden suite, both ways: the solution passes every check, each wrong variant
(``vit_variants.WRONG``) fails exactly the checks written to catch its bug, and each other
correct way of writing it (``vit_variants.CORRECT``) passes them all.

These run the real grader (child process); the training check runs for the solution and for
the variant it exists to catch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.data import find_dataset
from grader.runner import grade
from grader.spec import AssignmentSpec, load_assignment
from tests.grader.reports import failing, line_of, message
from tests.grader.vit_variants import CORRECT, WRONG, write_variant

ALL_CHECKS = [
    "patch_embedding",
    "invalid_sizes_raise",
    "attention_shapes",
    "attention_matches_reference",
    "attention_weights",
    "encoder_block_pre_norm",
    "parameter_counts",
    "vit_shapes",
    "vit_matches_reference",
    "permutation",
    "no_forbidden_api",
    "accuracy",
]
TRAINING = ["accuracy"]
NOT_TRAINING = [c for c in ALL_CHECKS if c not in TRAINING]
ACCURACY_VARIANT = "no_residual"  # 0.709 after the quick budget (docs/benchmarks.md)

needs_data = pytest.mark.skipif(
    find_dataset() is None, reason="Fashion-MNIST is not installed (make test installs it)"
)

_ATTENTION = {"attention_matches_reference": "failed", "attention_weights": "failed"}
_FORBIDDEN = (
    "your code called torch.nn.functional.scaled_dot_product_attention (torch's fused "
    "attention), which this assignment forbids: write the computation yourself"
)

# What each wrong variant must fail (every other check must pass).
EXPECTED: dict[str, dict[str, str]] = {
    "no_scale": _ATTENTION,
    "softmax_wrong_axis": _ATTENTION,
    "heads_wrong_axis": _ATTENTION,
    "post_norm": {"encoder_block_pre_norm": "failed"},
    "no_residual": {"encoder_block_pre_norm": "failed"},
    "cls_appended": {"vit_matches_reference": "failed", "permutation": "failed"},
    "no_pos_embed": {"vit_matches_reference": "failed", "permutation": "failed"},
    "no_qkv_bias": {"parameter_counts": "failed"},
    "patches_column_major": {"patch_embedding": "failed"},
    "no_size_check": {"invalid_sizes_raise": "failed"},
    "hidden_sdpa": {
        "attention_shapes": "error",
        "attention_matches_reference": "error",
        "encoder_block_pre_norm": "error",
        "vit_shapes": "error",
        "vit_matches_reference": "error",
        "permutation": "error",
        "no_forbidden_api": "failed",
    },
}

MESSAGES: dict[str, tuple[str, str]] = {
    "no_scale": (
        "attention_matches_reference",
        "MultiHeadSelfAttention(32, 4): the output and torch's scaled_dot_product_attention on "
        "your qkv and proj disagree (relative error 1.0e+00, at most 1e-10 allowed)",
    ),
    "softmax_wrong_axis": (
        "attention_weights",
        "MultiHeadSelfAttention(32, 4): each row of the attention weights (one query over all "
        "keys) should be non-negative and sum to 1; a row sums to 1.5074",
    ),
    "no_pos_embed": (
        "permutation",
        "VisionTransformer(28, patch 4) with a random pos_embed: shuffling the patches did not "
        "change the logits; is pos_embed added to the tokens?",
    ),
    "no_qkv_bias": (
        "parameter_counts",
        "VisionTransformer() (ViT-B/16: 224x224, patch 16, 1000 classes) has 86,540,008 "
        "parameters, expected 86,567,656",
    ),
    "no_size_check": (
        "invalid_sizes_raise",
        "PatchEmbedding(30, 4, 1, 8) should raise ValueError naming 30 and 4; it did not",
    ),
}


@pytest.fixture(scope="module")
def spec() -> AssignmentSpec:
    return load_assignment("vit")


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
    line = line_of(spec.skeleton, 'raise NotImplementedError("PatchEmbedding.__init__')
    assert report.checks[0].message == f"not implemented yet (vit.py, line {line}, in __init__)"


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


@pytest.mark.parametrize("variant", list(CORRECT))
def test_other_correct_versions_pass(spec: AssignmentSpec, variant: str, tmp_path: Path) -> None:
    submission = write_variant(variant, tmp_path)
    report = grade(spec, submission, device="cpu", profile="quick", skip=TRAINING)
    assert failing(report) == {}


def test_fused_attention_reached_at_run_time_is_refused_and_named(
    spec: AssignmentSpec, tmp_path: Path
) -> None:
    submission = write_variant("hidden_sdpa", tmp_path)
    line = line_of(submission, "out = fused(q, k, v)")
    report = grade(spec, submission, device="cpu", profile="quick", skip=TRAINING)
    assert message(report, "attention_shapes") == f"{_FORBIDDEN} (vit.py, line {line}, in forward)"
    assert message(report, "no_forbidden_api") == f"VisionTransformer: {_FORBIDDEN} (line {line})"


def test_forbidden_api_is_named_statically(spec: AssignmentSpec, tmp_path: Path) -> None:
    submission = tmp_path / "vit.py"
    shutil.copyfile(spec.solution, submission)
    with submission.open("a", encoding="utf-8") as file:
        file.write("\n\ndef unused_shortcut(dim: int) -> nn.Module:\n")
        file.write("    return nn.TransformerEncoderLayer(dim, 4)\n")
    lines = submission.read_text(encoding="utf-8").count("\n")
    report = grade(spec, submission, device="cpu", profile="quick", skip=TRAINING)
    assert failing(report) == {"no_forbidden_api": "failed"}
    assert message(report, "no_forbidden_api") == (
        f"line {lines} uses torch.nn.TransformerEncoderLayer, which is not allowed "
        "(torch.nn.Transformer*)"
    )


@needs_data
def test_accuracy_check_catches_its_variant(spec: AssignmentSpec, tmp_path: Path) -> None:
    submission = write_variant(ACCURACY_VARIANT, tmp_path)
    report = grade(spec, submission, device="cpu", profile="quick", skip=NOT_TRAINING)
    (check,) = report.checks
    assert (check.id, check.status) == ("accuracy", "failed")
    assert check.message.startswith("test accuracy 0.")
    assert check.message.endswith("at least 0.75 is needed")


def test_every_variant_is_tested() -> None:
    assert sorted(WRONG) == sorted(EXPECTED)
    assert set(MESSAGES) <= set(WRONG)
    assert ACCURACY_VARIANT in WRONG
