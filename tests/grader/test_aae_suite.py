"""The aae hidden suite, both ways: the solution passes every check, each wrong variant
(``aae_variants.WRONG``) fails exactly the checks written to catch its bug, and each other
correct way of writing it (``aae_variants.CORRECT``) passes them all.

These run the real grader (child process); the two training checks run for the solution and
for the variants they exist to catch (one training each, about 30 s on 2 idle cores).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.data import find_dataset
from grader.runner import grade
from grader.spec import AssignmentSpec, load_assignment
from tests.grader.aae_variants import CORRECT, WRONG, write_variant
from tests.grader.reports import failing, line_of, message

ALL_CHECKS = [
    "shapes",
    "decoder_output_range",
    "parameter_counts",
    "reconstruction_loss",
    "discriminator_loss",
    "generator_loss",
    "reconstruction_phase",
    "discriminator_phase",
    "generator_phase",
    "sample",
    "trained_reconstruction",
    "codes_match_prior",
]
TRAINING = ["trained_reconstruction", "codes_match_prior"]
NOT_TRAINING = [c for c in ALL_CHECKS if c not in TRAINING]

needs_data = pytest.mark.skipif(
    find_dataset() is None, reason="Fashion-MNIST is not installed (make test installs it)"
)

_UNSTABLE = (
    "compute it from the logits (F.binary_cross_entropy_with_logits or F.logsigmoid), not "
    "log(sigmoid(x))"
)

# What each wrong variant must fail among the checks that do not train (every other one must
# pass); TRAINED says what the training checks make of the variants they exist to catch.
EXPECTED: dict[str, dict[str, str]] = {
    "no_regularization": {"discriminator_phase": "failed", "generator_phase": "failed"},
    "no_detach": {"discriminator_phase": "failed"},
    "generator_wrong_target": {"generator_loss": "failed", "generator_phase": "failed"},
    "decoder_no_sigmoid": {"decoder_output_range": "failed", "sample": "failed"},
    "naive_bce": {"discriminator_loss": "failed", "generator_loss": "failed"},
    "mse_sum": {"reconstruction_loss": "failed", "reconstruction_phase": "failed"},
    "generator_no_zero_grad": {"generator_phase": "failed"},
    "discriminator_no_zero_grad": {"discriminator_phase": "failed"},
    "prior_ignores_std": {"discriminator_phase": "failed"},
    "sample_ignores_generator": {"sample": "failed"},
}

MESSAGES: dict[str, tuple[str, str]] = {
    "no_regularization": (
        "discriminator_phase",
        "train_step never called opt_disc.step() (it called: opt_ae.step())",
    ),
    "no_detach": (
        "discriminator_phase",
        "the backward before opt_disc.step() put a gradient on encoder.net.1.bias, which that "
        "step must not touch: detach the codes the discriminator sees (encoder(x).detach())",
    ),
    "decoder_no_sigmoid": (
        "decoder_output_range",
        "Decoder(8, 64) on codes of scale 50 gave values from -33.5 to 36.2; images are in [0, 1]",
    ),
    "naive_bce": (
        "generator_loss",
        f"generator_loss(float32 logits ±30, ±100, 0, 2.5) gave inf, expected 21.7953: {_UNSTABLE}",
    ),
    "mse_sum": (
        "reconstruction_loss",
        "reconstruction_loss on two (3, 1, 28, 28) tensors gave 392.215, expected 0.166758",
    ),
    "prior_ignores_std": (
        "discriminator_phase",
        "the prior draws shown to the discriminator have mean -0.039 and std 1.006; the prior "
        "is N(0, prior_std^2) with prior_std 2.0",
    ),
    "sample_ignores_generator": (
        "sample",
        "sample(16) with two generators seeded 1 gave different images",
    ),
}

# Variants the training checks must catch, and how (see docs/benchmarks.md for the figures).
TRAINED: dict[str, dict[str, str]] = {
    "no_regularization": {"codes_match_prior": "failed"},  # max |mean| 1.59, MMD 0.47
    "generator_wrong_target": {"codes_match_prior": "failed"},  # max |mean| 11.3, MMD 0.90
}


@pytest.fixture(scope="module")
def spec() -> AssignmentSpec:
    return load_assignment("aae")


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
    encoder = line_of(spec.skeleton, 'raise NotImplementedError("Encoder.__init__')
    model = line_of(spec.skeleton, 'raise NotImplementedError("AAE.__init__')
    loss = line_of(spec.skeleton, 'raise NotImplementedError("generator_loss')
    assert message(report, "shapes") == f"not implemented yet (aae.py, line {encoder}, in __init__)"
    assert message(report, "generator_loss") == (
        f"not implemented yet (aae.py, line {loss}, in generator_loss)"
    )
    assert message(report, "reconstruction_phase") == (
        f"not implemented yet (aae.py, line {model}, in __init__)"
    )


@needs_data
def test_untouched_skeleton_fails_the_training_checks_quickly(spec: AssignmentSpec) -> None:
    report = grade(spec, spec.skeleton, device="cpu", profile="quick", skip=NOT_TRAINING)
    model = line_of(spec.skeleton, 'raise NotImplementedError("AAE.__init__')
    assert failing(report) == {"trained_reconstruction": "error", "codes_match_prior": "error"}
    for check_id in TRAINING:
        assert message(report, check_id) == (
            f"not implemented yet (aae.py, line {model}, in __init__)"
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


@pytest.mark.parametrize("variant", list(CORRECT))
def test_other_correct_versions_pass(spec: AssignmentSpec, variant: str, tmp_path: Path) -> None:
    submission = write_variant(variant, tmp_path)
    report = grade(spec, submission, device="cpu", profile="quick", skip=TRAINING)
    assert failing(report) == {}


@needs_data
@pytest.mark.parametrize(("variant", "expected"), list(TRAINED.items()))
def test_training_checks_catch_their_variants(
    spec: AssignmentSpec, variant: str, expected: dict[str, str], tmp_path: Path
) -> None:
    submission = write_variant(variant, tmp_path)
    report = grade(spec, submission, device="cpu", profile="quick", skip=NOT_TRAINING)
    assert failing(report) == expected
    if "codes_match_prior" in expected:
        assert message(report, "codes_match_prior").startswith("a code dimension has ")


def test_a_train_step_that_returns_no_dict_is_named(spec: AssignmentSpec, tmp_path: Path) -> None:
    submission = tmp_path / "aae.py"
    text = spec.solution.read_text(encoding="utf-8")
    old = '        return {"recon": recon.item(), "disc": disc.item(), "gen": gen.item()}\n'
    assert text.count(old) == 1
    submission.write_text(text.replace(old, "        return recon.item()\n"), encoding="utf-8")
    report = grade(spec, submission, device="cpu", profile="quick", skip=TRAINING)
    phases = {"reconstruction_phase": "failed", "discriminator_phase": "failed"}
    assert failing(report) == {**phases, "generator_phase": "failed"}
    assert message(report, "reconstruction_phase").startswith("train_step returned 0.")
    assert message(report, "reconstruction_phase").endswith(
        "; it must return a dict with the keys 'recon', 'disc' and 'gen'"
    )


def test_every_variant_is_tested() -> None:
    assert sorted(WRONG) == sorted(EXPECTED)
    assert set(MESSAGES) <= set(WRONG)
    assert set(TRAINED) <= set(WRONG)
