"""The lstm hidden suite, both ways: the solution passes every check, each wrong variant
(``lstm_variants.WRONG``) fails exactly the checks written to catch its bug, and each other
correct way of writing it (``lstm_variants.CORRECT``) passes them all.

These run the real grader (child process); the training check runs for the solution and for
the one variant only training catches the full cost of (``detached_state``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.data import find_dataset
from grader.runner import grade
from grader.spec import AssignmentSpec, load_assignment
from tests.grader.lstm_variants import CORRECT, WRONG, write_variant
from tests.grader.reports import failing, line_of, message

ALL_CHECKS = [
    "cell_shapes",
    "lstm_shapes",
    "gru_shapes",
    "parameter_counts",
    "lstm_matches_torch",
    "gru_matches_torch",
    "lstm_gradients_match_torch",
    "gru_gradients_match_torch",
    "cell_gradcheck",
    "state_carries_over_chunks",
    "no_forbidden_api",
    "accuracy",
]
TRAINING = ["accuracy"]
NOT_TRAINING = [c for c in ALL_CHECKS if c not in TRAINING]

needs_data = pytest.mark.skipif(
    find_dataset() is None, reason="Fashion-MNIST is not installed (make test installs it)"
)

_FORBIDDEN_AT_RUN_TIME = (
    "your code called torch._VF.lstm (what torch.nn.LSTM runs), which this assignment "
    "forbids: write the computation yourself (lstm.py, line {line}, in forward)"
)

# What each wrong variant must fail (every other check must pass), with the message of the
# first failing check where it says something specific.
EXPECTED: dict[str, dict[str, str]] = {
    "swapped_gates": {
        "lstm_matches_torch": "failed",
        "lstm_gradients_match_torch": "failed",
    },
    "forget_wrong_term": {
        "lstm_matches_torch": "failed",
        "lstm_gradients_match_torch": "failed",
    },
    "gru_paper_reset": {
        "gru_matches_torch": "failed",
        "gru_gradients_match_torch": "failed",
    },
    "one_bias": {
        "parameter_counts": "failed",
        "lstm_matches_torch": "failed",
        "gru_matches_torch": "failed",
        "lstm_gradients_match_torch": "failed",
        "gru_gradients_match_torch": "failed",
    },
    "layers_share_state": {
        "lstm_matches_torch": "failed",
        "gru_matches_torch": "failed",
        "lstm_gradients_match_torch": "failed",
        "gru_gradients_match_torch": "failed",
        "state_carries_over_chunks": "failed",
    },
    "ignores_given_state": {
        "lstm_matches_torch": "failed",
        "gru_matches_torch": "failed",
        "lstm_gradients_match_torch": "failed",
        "gru_gradients_match_torch": "failed",
        "state_carries_over_chunks": "failed",
    },
    "detached_state": {
        "lstm_gradients_match_torch": "failed",
    },
    "wrong_sigmoid_backward": {
        "lstm_gradients_match_torch": "failed",
        "gru_gradients_match_torch": "failed",
        "cell_gradcheck": "failed",
    },
    "hidden_nn_lstm": {
        "lstm_shapes": "error",
        "lstm_matches_torch": "error",
        "lstm_gradients_match_torch": "error",
        "state_carries_over_chunks": "error",
        "no_forbidden_api": "failed",
    },
}

MESSAGES: dict[str, tuple[str, str]] = {
    "swapped_gates": (
        "lstm_matches_torch",
        "LSTMCell(5, 7) with the default state: h differs from torch's (relative error 1.0e+00, "
        "at most 1e-10 allowed)",
    ),
    "one_bias": (
        "parameter_counts",
        "LSTM(10, 20) has 2,480 parameters, expected 2,560: 4H(I + H + 2) for the first layer",
    ),
    "layers_share_state": (
        "state_carries_over_chunks",
        "LSTM(5, 7, num_layers=2) on 8 steps run as 3 + 5, passing the state on: the output "
        "differs from one run over all 8 (relative error 1.0e+00, at most 1e-10 allowed)",
    ),
    "detached_state": (
        "lstm_gradients_match_torch",
        "LSTM(5, 7): the gradient w.r.t. x differs from torch's (relative error 1.0e+00, at "
        "most 1e-10 allowed)",
    ),
}


@pytest.fixture(scope="module")
def spec() -> AssignmentSpec:
    return load_assignment("lstm")


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
    line = line_of(spec.skeleton, 'raise NotImplementedError("LSTMCell.__init__')
    assert report.checks[0].message == f"not implemented yet (lstm.py, line {line}, in __init__)"


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


def test_nn_lstm_reached_at_run_time_is_refused_and_named(
    spec: AssignmentSpec, tmp_path: Path
) -> None:
    submission = write_variant("hidden_nn_lstm", tmp_path)
    line = line_of(submission, "return builtin(x, state)")
    report = grade(
        spec, submission, device="cpu", profile="quick", skip=["lstm_matches_torch", *TRAINING]
    )
    assert message(report, "lstm_shapes") == _FORBIDDEN_AT_RUN_TIME.format(line=line)
    assert message(report, "no_forbidden_api") == (
        "LSTM: your code called torch._VF.lstm (what torch.nn.LSTM runs), which this "
        f"assignment forbids: write the computation yourself (line {line})"
    )


def test_forbidden_api_is_named_statically(spec: AssignmentSpec, tmp_path: Path) -> None:
    submission = tmp_path / "lstm.py"
    shutil.copyfile(spec.solution, submission)
    with submission.open("a", encoding="utf-8") as file:
        file.write("\n\ndef unused_shortcut(n: int) -> nn.Module:\n")
        file.write("    return nn.GRUCell(n, n)\n")
    lines = submission.read_text(encoding="utf-8").count("\n")
    report = grade(spec, submission, device="cpu", profile="quick", skip=TRAINING)
    assert failing(report) == {"no_forbidden_api": "failed"}
    assert message(report, "no_forbidden_api") == (
        f"line {lines} uses torch.nn.GRUCell, which is not allowed (torch.nn.GRUCell)"
    )


@needs_data
def test_accuracy_check_catches_state_detached_between_steps(
    spec: AssignmentSpec, tmp_path: Path
) -> None:
    submission = write_variant("detached_state", tmp_path)
    report = grade(spec, submission, device="cpu", profile="quick", skip=NOT_TRAINING)
    (check,) = report.checks
    assert (check.id, check.status) == ("accuracy", "failed")
    assert check.message.startswith("test accuracy 0.")
    assert check.message.endswith("at least 0.80 is needed")


def test_every_variant_is_tested() -> None:
    assert sorted(WRONG) == sorted(EXPECTED)
    assert set(MESSAGES) <= set(WRONG)
