# ruff: noqa: E501  (expected messages are data; they are kept whole)
"""The registry the one suite harness (``test_suites.py``) runs: for every assignment, its
checks, its variants and what each one's report must say.

A :class:`Suite` names the checks in suite order, which of them train, the wrong variants
(each with the checks it must fail and, where it says something specific, the exact message),
the other correct versions (which must pass everything), the variants only training catches,
what the untouched skeleton's report says, and extra submissions built for one test (a
forbidden API appended to the solution, ...). Variants are edits of the solution
(``<name>_variants.py``, applied by :mod:`tests.grader.variants`).

Adding an assignment: write ``<name>_variants.py`` and one :class:`Suite` entry below; every
test of the harness then runs for it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.results import GradeReport
from grader.spec import AssignmentSpec
from tests.grader import (
    aae_variants,
    augment_variants,
    cnn_variants,
    lstm_variants,
    optim_variants,
    resnet_variants,
    vit_variants,
)
from tests.grader.reports import failing, line_of, message
from tests.grader.variants import Edits

Verify = Callable[[GradeReport, Path, AssignmentSpec], None]
"""Extra assertions on one report: ``verify(report, submission, spec)``."""


@dataclass(frozen=True)
class Extra:
    """A submission made for one test, graded without the training checks.

    Attributes:
        build: Writes the file into the given folder (``build(spec, folder) -> path``).
        failing: ``{check id: status}`` of every check that must not pass.
        verify: Further assertions on its report.
    """

    build: Callable[[AssignmentSpec, Path], Path]
    failing: dict[str, str]
    verify: Verify | None = None


@dataclass(frozen=True)
class Suite:
    """One assignment's hidden suite and everything it is tested against.

    Attributes:
        name: The assignment, e.g. ``"resnet"``.
        checks: Every check id, in suite order.
        training: The checks that train (marked ``training`` in the harness).
        wrong: Wrong variants: name -> edits of the solution.
        correct: Other correct versions: name -> edits of the solution.
        expected: For each wrong variant, ``{check id: status}`` of every non-training check
            that must not pass (every other one must pass).
        messages: For some wrong variants, ``(check id, exact message)``.
        verify: For some wrong variants, further assertions on their report.
        trained: Variants the training checks must catch: ``{check id: status}`` of the
            training checks that must not pass.
        verify_trained: Further assertions on a trained variant's report.
        not_trained: Variants no check but training catches (they pass every other check,
            and a training check must fail them: they are in ``trained``).
        skeleton: Assertions on the untouched skeleton's report (non-training checks); every
            check of it must be an ``error`` and its score 0.
        skeleton_training: ``{check id: status}`` of the skeleton's training checks, when they
            are run (graded with only the training checks).
        verify_skeleton_training: Assertions on that report.
        extras: Submissions built for one test, by name.
        training_cost: About how many seconds grading the solution takes in ``make test``
            (with the trained variants when it ``shares_training``), and
        variants_cost: grading everything else: the harness starts its costliest classes
            first under pytest-xdist.
        shares_training: The solution's training checks and the trained variants' compute
            something that does not depend on the submission (the plugin's
            ``reference_cache``: augment's run without augmentation), so the harness grades
            them in one batch, the solution with every check.
    """

    name: str
    checks: list[str]
    training: list[str]
    wrong: dict[str, Edits]
    correct: dict[str, Edits]
    expected: dict[str, dict[str, str]]
    messages: dict[str, tuple[str, str]] = field(default_factory=dict)
    verify: dict[str, Verify] = field(default_factory=dict)
    trained: dict[str, dict[str, str]] = field(default_factory=dict)
    verify_trained: dict[str, Verify] = field(default_factory=dict)
    not_trained: tuple[str, ...] = ()
    skeleton: Verify | None = None
    skeleton_training: dict[str, str] | None = None
    verify_skeleton_training: Verify | None = None
    extras: dict[str, Extra] = field(default_factory=dict)
    training_cost: float = 0.0
    variants_cost: float = 0.0
    shares_training: bool = False

    @property
    def not_training(self) -> list[str]:
        """The checks that do not train, in suite order."""
        return [c for c in self.checks if c not in self.training]

    @property
    def module(self) -> str:
        """The submission's file name, e.g. ``resnet.py``."""
        return f"{self.name}.py"


def appended(text: str) -> Callable[[AssignmentSpec, Path], Path]:
    """A builder: the solution with ``text`` appended, as ``folder/<module>``."""

    def build(spec: AssignmentSpec, folder: Path) -> Path:
        submission = folder / spec.module
        shutil.copyfile(spec.solution, submission)
        with submission.open("a", encoding="utf-8") as file:
            file.write(text)
        return submission

    return build


def skeleton_message(marker: str, function: str) -> Callable[[Path], str]:
    """The message of a check stopped by the skeleton's ``raise NotImplementedError("<marker>``."""

    def expected(skeleton: Path) -> str:
        line = line_of(skeleton, f'raise NotImplementedError("{marker}')
        return f"not implemented yet ({skeleton.name}, line {line}, in {function})"

    return expected


def training_message(prefix: str, suffix: str) -> Verify:
    """Assertions: the only check in the report failed with a message ``prefix...suffix``."""

    def verify(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
        (check,) = report.checks
        assert check.status == "failed"
        assert check.message.startswith(prefix)
        assert check.message.endswith(suffix)

    return verify


# --- resnet -----------------------------------------------------------------------------------

_RESNET_ALL_CHECKS = [
    "basic_block_shapes",
    "bottleneck_shapes",
    "resnet_shapes",
    "resnet_forward",
    "block_parameter_counts",
    "resnet_parameter_counts",
    "identity_shortcut",
    "projection_shortcut",
    "gradient_through_shortcut",
    "stride_placement",
    "batchnorm_train_eval",
    "initialisation",
    "no_forbidden_api",
    "accuracy",
]

# What each wrong variant must fail (every other check must pass).
_RESNET_EXPECTED: dict[str, dict[str, str]] = {
    "bn1_never_applied": {"batchnorm_train_eval": "failed"},
    "no_relu_after_add": {"identity_shortcut": "failed", "gradient_through_shortcut": "failed"},
    "no_skip": {
        "identity_shortcut": "failed",
        "gradient_through_shortcut": "failed",
    },
    "stride_wrong_conv": {
        "stride_placement": "failed",
    },
    "stage_strides_all_one": {"resnet_forward": "failed"},
    "init_fan_in": {"initialisation": "failed"},
    "init_kaiming_uniform": {"initialisation": "failed"},
    "init_missing": {"initialisation": "failed"},
    "init_zero_last_bn": {"initialisation": "failed"},
    "bn_keras_momentum": {"batchnorm_train_eval": "failed"},
    "imagenet_stem_no_maxpool": {"resnet_forward": "failed"},
    "logits_softmax": {"resnet_forward": "failed"},
    "expansion_hardcoded": {"resnet_shapes": "error"},
    # pooled to 1x1 before the stages: BatchNorm refuses one value per channel in train mode
    "pool_too_early": {"resnet_shapes": "error", "resnet_forward": "failed"},
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
        "resnet_forward": "failed",
        "block_parameter_counts": "failed",
        "resnet_parameter_counts": "failed",
        "identity_shortcut": "error",
        "projection_shortcut": "failed",
        "gradient_through_shortcut": "error",
        "batchnorm_train_eval": "failed",
    },
}


def _resnet_skeleton(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    first = report.checks[0]
    expected = skeleton_message("BasicBlock.__init__", "__init__")(submission)
    assert first.message == expected


def _resnet_timm(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    lines = submission.read_text(encoding="utf-8").count("\n")
    assert message(report, "no_forbidden_api") == (
        f"line {lines - 2} uses timm, which is not allowed (timm); "
        f"line {lines} uses timm.create_model, which is not allowed (timm)"
    )


RESNET = Suite(
    name="resnet",
    checks=_RESNET_ALL_CHECKS,
    training=["accuracy"],
    wrong=resnet_variants.WRONG,
    correct=resnet_variants.CORRECT,
    expected=_RESNET_EXPECTED,
    # pool_too_early also fails the accuracy check (trained):
    trained={"pool_too_early": {"accuracy": "failed"}},
    verify_trained={
        "pool_too_early": training_message("test accuracy 0.", "at least 0.82 is needed")
    },
    skeleton=_resnet_skeleton,
    skeleton_training={"accuracy": "error"},
    extras={
        "forbidden_api_named": Extra(
            appended(
                "\n\ndef pretrained():\n    import timm\n\n"
                "    return timm.create_model('resnet18')\n"
            ),
            {"no_forbidden_api": "failed"},
            _resnet_timm,
        )
    },
    training_cost=34,
    variants_cost=24,
)


# --- lstm -------------------------------------------------------------------------------------

_LSTM_ALL_CHECKS = [
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

_LSTM_FORBIDDEN_AT_RUN_TIME = (
    "your code called torch._VF.lstm (what torch.nn.LSTM runs), which this assignment "
    "forbids: write the computation yourself (lstm.py, line {line}, in forward)"
)

# What each wrong variant must fail (every other check must pass), with the message of the
# first failing check where it says something specific.
_LSTM_EXPECTED: dict[str, dict[str, str]] = {
    "init_randn": {"parameter_counts": "failed"},
    "lstm_cell_function_only_wrong": {"lstm_matches_torch": "failed"},
    "gru_cell_function_only_wrong": {"gru_matches_torch": "failed"},
    "h_without_tanh": {"lstm_matches_torch": "failed", "lstm_gradients_match_torch": "failed"},
    "gru_reset_on_both": {"gru_matches_torch": "failed", "gru_gradients_match_torch": "failed"},
    "batch_first_reshape": {
        "lstm_matches_torch": "failed",
        "gru_matches_torch": "failed",
        "lstm_gradients_match_torch": "failed",
        "gru_gradients_match_torch": "failed",
        "state_carries_over_chunks": "failed",
    },
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

_LSTM_MESSAGES: dict[str, tuple[str, str]] = {
    "lstm_cell_function_only_wrong": (
        "lstm_matches_torch",
        "lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh): h' differs from torch.nn.LSTMCell's "
        "(relative error 5.9e-01, at most 1e-10 allowed)",
    ),
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


def _lstm_skeleton(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    expected = skeleton_message("LSTMCell.__init__", "__init__")(submission)
    assert report.checks[0].message == expected


def _lstm_run_time_forbidden(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    line = line_of(submission, "return builtin(x, state)")
    assert message(report, "lstm_shapes") == _LSTM_FORBIDDEN_AT_RUN_TIME.format(line=line)
    assert message(report, "no_forbidden_api") == (
        "LSTM: your code called torch._VF.lstm (what torch.nn.LSTM runs), which this "
        f"assignment forbids: write the computation yourself (line {line})"
    )


def _lstm_static_forbidden(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    lines = submission.read_text(encoding="utf-8").count("\n")
    assert message(report, "no_forbidden_api") == (
        f"line {lines} uses torch.nn.GRUCell, which is not allowed (torch.nn.GRUCell)"
    )


LSTM = Suite(
    name="lstm",
    checks=_LSTM_ALL_CHECKS,
    training=["accuracy"],
    wrong=lstm_variants.WRONG,
    correct=lstm_variants.CORRECT,
    expected=_LSTM_EXPECTED,
    messages=_LSTM_MESSAGES,
    verify={"hidden_nn_lstm": _lstm_run_time_forbidden},
    # the one variant whose full cost only training shows:
    trained={"detached_state": {"accuracy": "failed"}},
    verify_trained={
        "detached_state": training_message("test accuracy 0.", "at least 0.80 is needed")
    },
    skeleton=_lstm_skeleton,
    extras={
        "forbidden_api_named": Extra(
            appended(
                "\n\ndef unused_shortcut(n: int) -> nn.Module:\n    return nn.GRUCell(n, n)\n"
            ),
            {"no_forbidden_api": "failed"},
            _lstm_static_forbidden,
        )
    },
    training_cost=14,
    variants_cost=15,
)


# --- vit --------------------------------------------------------------------------------------

_VIT_ALL_CHECKS = [
    "patch_embedding",
    "invalid_sizes_raise",
    "attention_shapes",
    "attention_matches_reference",
    "attention_weights",
    "encoder_block_pre_norm",
    "parameter_counts",
    "initialisation",
    "vit_shapes",
    "vit_matches_reference",
    "permutation",
    "no_forbidden_api",
    "accuracy",
]

_VIT_ATTENTION = {"attention_matches_reference": "failed", "attention_weights": "failed"}

_VIT_FORBIDDEN = (
    "your code called torch.nn.functional.scaled_dot_product_attention (torch's fused "
    "attention), which this assignment forbids: write the computation yourself"
)

# What each wrong variant must fail (every other check must pass).
_VIT_EXPECTED: dict[str, dict[str, str]] = {
    "pos_embed_randn": {"initialisation": "failed"},
    "cls_token_zeros": {"initialisation": "failed"},
    "timm_linear_init": {"initialisation": "failed"},
    "no_scale": _VIT_ATTENTION,
    "softmax_wrong_axis": _VIT_ATTENTION,
    "heads_wrong_axis": _VIT_ATTENTION,
    "post_norm": {"encoder_block_pre_norm": "failed"},
    "no_residual": {"encoder_block_pre_norm": "failed"},
    "mlp_relu": {"encoder_block_pre_norm": "failed"},
    "mlp_tanh_gelu": {"encoder_block_pre_norm": "failed"},
    "block_norm_default_eps": {"encoder_block_pre_norm": "failed"},
    "mlp_ratio_ignored": {"encoder_block_pre_norm": "failed"},
    "scale_embed_dim": _VIT_ATTENTION,
    "final_norm_default_eps": {"vit_matches_reference": "failed"},
    "head_softmax": {"vit_matches_reference": "failed"},
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

_VIT_MESSAGES: dict[str, tuple[str, str]] = {
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


def _vit_skeleton(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    expected = skeleton_message("PatchEmbedding.__init__", "__init__")(submission)
    assert report.checks[0].message == expected


def _vit_run_time_forbidden(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    line = line_of(submission, "out = fused(q, k, v)")
    assert (
        message(report, "attention_shapes") == f"{_VIT_FORBIDDEN} (vit.py, line {line}, in forward)"
    )
    assert (
        message(report, "no_forbidden_api") == f"VisionTransformer: {_VIT_FORBIDDEN} (line {line})"
    )


def _vit_static_forbidden(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    lines = submission.read_text(encoding="utf-8").count("\n")
    assert message(report, "no_forbidden_api") == (
        f"line {lines} uses torch.nn.TransformerEncoderLayer, which is not allowed "
        "(torch.nn.Transformer*)"
    )


VIT = Suite(
    name="vit",
    checks=_VIT_ALL_CHECKS,
    training=["accuracy"],
    wrong=vit_variants.WRONG,
    correct=vit_variants.CORRECT,
    expected=_VIT_EXPECTED,
    messages=_VIT_MESSAGES,
    verify={"hidden_sdpa": _vit_run_time_forbidden},
    # 0.709 after the quick budget (docs/benchmarks.md):
    trained={"no_residual": {"accuracy": "failed"}},
    verify_trained={"no_residual": training_message("test accuracy 0.", "at least 0.80 is needed")},
    skeleton=_vit_skeleton,
    extras={
        "forbidden_api_named": Extra(
            appended(
                "\n\ndef unused_shortcut(dim: int) -> nn.Module:\n"
                "    return nn.TransformerEncoderLayer(dim, 4)\n"
            ),
            {"no_forbidden_api": "failed"},
            _vit_static_forbidden,
        )
    },
    training_cost=20,
    variants_cost=29,
)


# --- aae --------------------------------------------------------------------------------------

_AAE_ALL_CHECKS = [
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
    "no_forbidden_api",
    "trained_reconstruction",
    "codes_match_prior",
]

_AAE_UNSTABLE = (
    "compute it from the logits (F.binary_cross_entropy_with_logits or F.logsigmoid), not "
    "log(sigmoid(x))"
)

# What each wrong variant must fail among the checks that do not train (every other one must
# pass); TRAINED says what the training checks make of the variants they exist to catch.
_AAE_EXPECTED: dict[str, dict[str, str]] = {
    # float32 codes into a float64 decoder: torch raises in the student's decode
    "sample_default_dtype": {"sample": "error"},
    "no_regularization": {"discriminator_phase": "failed", "generator_phase": "failed"},
    "no_detach": {"discriminator_phase": "failed"},
    "stale_disc_codes": {"discriminator_phase": "failed"},
    "discriminator_sigmoid": {"decoder_output_range": "failed"},
    "encoder_tanh_codes": {"decoder_output_range": "failed"},
    "generator_wrong_target": {"generator_loss": "failed", "generator_phase": "failed"},
    "decoder_no_sigmoid": {"decoder_output_range": "failed", "sample": "failed"},
    "naive_bce": {"discriminator_loss": "failed", "generator_loss": "failed"},
    "mse_sum": {"reconstruction_loss": "failed", "reconstruction_phase": "failed"},
    "generator_no_zero_grad": {"generator_phase": "failed"},
    "discriminator_no_zero_grad": {"discriminator_phase": "failed"},
    "prior_ignores_std": {"discriminator_phase": "failed"},
    "sample_ignores_generator": {"sample": "failed"},
}

_AAE_MESSAGES: dict[str, tuple[str, str]] = {
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
        f"generator_loss(float32 logits ±30, ±100, 0, 2.5) gave inf, expected 21.7953: {_AAE_UNSTABLE}",
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
_AAE_TRAINED: dict[str, dict[str, str]] = {
    "no_regularization": {"codes_match_prior": "failed"},  # max |mean| 1.59, MMD 0.47
    "generator_wrong_target": {"codes_match_prior": "failed"},  # max |mean| 11.3, MMD 0.90
}


def _aae_skeleton(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    encoder = skeleton_message("Encoder.__init__", "__init__")(submission)
    model = skeleton_message("AAE.__init__", "__init__")(submission)
    loss = skeleton_message("generator_loss", "generator_loss")(submission)
    assert message(report, "shapes") == encoder
    assert message(report, "generator_loss") == loss
    assert message(report, "reconstruction_phase") == model
    assert message(report, "no_forbidden_api") == model


def _aae_static_forbidden(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    line = line_of(submission, "from torchvision.utils import make_grid")
    assert message(report, "no_forbidden_api") == (
        f"line {line} uses torchvision.utils.make_grid, which is not allowed (torchvision); line "
        f"{line + 1} uses torchvision.utils.make_grid, which is not allowed (torchvision)"
    )


def _aae_skeleton_training(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    model = skeleton_message("AAE.__init__", "__init__")(submission)
    for check_id in ("trained_reconstruction", "codes_match_prior"):
        assert message(report, check_id) == model


def _aae_codes(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    assert message(report, "codes_match_prior").startswith("a code dimension has ")


def _aae_no_dict(spec: AssignmentSpec, folder: Path) -> Path:
    submission = folder / "aae.py"
    text = spec.solution.read_text(encoding="utf-8")
    old = '        return {"recon": recon.item(), "disc": disc.item(), "gen": gen.item()}\n'
    assert text.count(old) == 1
    submission.write_text(text.replace(old, "        return recon.item()\n"), encoding="utf-8")
    return submission


def _aae_no_dict_named(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    assert message(report, "reconstruction_phase").startswith("train_step returned 0.")
    assert message(report, "reconstruction_phase").endswith(
        "; it must return a dict with the keys 'recon', 'disc' and 'gen'"
    )


AAE = Suite(
    name="aae",
    checks=_AAE_ALL_CHECKS,
    training=["trained_reconstruction", "codes_match_prior"],
    wrong=aae_variants.WRONG,
    correct=aae_variants.CORRECT,
    expected=_AAE_EXPECTED,
    messages=_AAE_MESSAGES,
    trained=_AAE_TRAINED,
    verify_trained={name: _aae_codes for name in _AAE_TRAINED},
    skeleton=_aae_skeleton,
    skeleton_training={"trained_reconstruction": "error", "codes_match_prior": "error"},
    verify_skeleton_training=_aae_skeleton_training,
    extras={
        "forbidden_api_named": Extra(
            appended(
                "\n\ndef grid(images):\n    from torchvision.utils import make_grid\n"
                "    return make_grid(images)\n"
            ),
            {"no_forbidden_api": "failed"},
            _aae_static_forbidden,
        ),
        "train_step_returns_no_dict": Extra(
            _aae_no_dict,
            {
                "reconstruction_phase": "failed",
                "discriminator_phase": "failed",
                "generator_phase": "failed",
            },
            _aae_no_dict_named,
        ),
    },
    training_cost=36,
    variants_cost=31,
)


# --- augment ----------------------------------------------------------------------------------

_AUGMENT_ALL_CHECKS = [
    "contract",
    "invalid_arguments",
    "flip",
    "crop",
    "blur",
    "rotation",
    "erasing",
    "jitter",
    "resize_normalize",
    "compose_and_generators",
    "vectorised",
    "device",
    "no_forbidden_api",
    "effect",
]

# What each wrong variant must fail among the checks that do not train.
_AUGMENT_EXPECTED: dict[str, dict[str, str]] = {
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
    "reflect_padding_unchecked": {"invalid_arguments": "error"},
    "normalize_wrong_axis": {"resize_normalize": "error"},
    "resize_nearest": {"resize_normalize": "failed"},
    "fresh_generator_when_none": {"compose_and_generators": "failed"},
    "blur_kernel_repeat": {"blur": "failed"},
    "rotation_no_aspect": {"rotation": "failed"},
    "erasing_uniform_ratio": {"erasing": "failed"},
    "jitter_log_uniform": {"jitter": "failed"},
    "rotation_nearest": {"rotation": "failed"},
    "rotation_align_corners": {"rotation": "failed"},
    "erasing_one_candidate": {"erasing": "failed"},
    "erasing_without_fit": {"erasing": "failed"},
    "erasing_truncated_sizes": {"erasing": "failed"},
    "jitter_contrast_first": {"jitter": "failed"},
    "jitter_mean_before_brightness": {"jitter": "failed"},
    "jitter_contrast_mean_per_channel": {"jitter": "failed"},
    "jitter_clamp_at_end": {"jitter": "failed"},
    "blur_float_sigma_range": {"blur": "failed"},
    "erasing_position_centred": {"erasing": "failed"},
    "pipeline_does_nothing": {},
}

_AUGMENT_MESSAGES: dict[str, tuple[str, str]] = {
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
    "erasing_one_candidate": (
        "erasing",
        "RandomErasing(p=1.0, scale=(1.0, 1.0), ratio=(0.5, 2.0)) on 8x8 images erased 505 of "
        "3000; about 2561 expected: up to 10 candidates, eh = round(sqrt(area * aspect)), "
        "ew = round(sqrt(area / aspect)), the first with eh <= H and ew <= W",
    ),
    "jitter_contrast_first": (
        "jitter",
        "ColorJitter(brightness=0.5, contrast=0.5): 109 of 250 three-channel images are not "
        "clamp(x * f_b, 0, 1), then clamp((x - m) * f_c + m, 0, 1) with m the mean over all "
        "channels and pixels after the brightness step, for any factors in [0.5, 1.5]",
    ),
    "global_rng": ("compose_and_generators", "Compose([a, b])(x, g) should equal b(a(x, g), g)"),
}


def _augment_skeleton(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    flip = skeleton_message("RandomHorizontalFlip.__init__", "__init__")(submission)
    pipeline = skeleton_message("fashion_pipeline", "fashion_pipeline")(submission)
    assert message(report, "flip") == flip
    assert message(report, "no_forbidden_api") == pipeline


def _augment_per_image_loop(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    assert message(report, "vectorised").startswith("your pipeline took ")
    assert message(report, "vectorised").endswith(
        "times faster per image on the batch, at least 10 is needed (a loop over the images?)"
    )


def _augment_no_gain(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    (check,) = report.checks
    assert check.message.endswith(
        f"a gain of +0.0000, at least +{spec.profile('quick').threshold:.3f} is needed"
    )


def _augment_static_forbidden(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    line = line_of(submission, "import torchvision.transforms.v2 as T")
    assert message(report, "no_forbidden_api") == (
        f"line {line} uses torchvision.transforms.v2, which is not allowed (torchvision); "
        f"line {line + 1} uses torchvision.transforms.v2.RandomCrop, which is not allowed "
        "(torchvision)"
    )


AUGMENT = Suite(
    name="augment",
    checks=_AUGMENT_ALL_CHECKS,
    training=["effect"],
    wrong=augment_variants.WRONG,
    correct=augment_variants.CORRECT,
    expected=_AUGMENT_EXPECTED,
    messages=_AUGMENT_MESSAGES,
    verify={"per_image_loop": _augment_per_image_loop},
    trained={"pipeline_does_nothing": {"effect": "failed"}},
    verify_trained={"pipeline_does_nothing": _augment_no_gain},
    skeleton=_augment_skeleton,
    extras={
        "forbidden_api_named": Extra(
            appended(
                "\n\ndef unused_shortcut():\n    import torchvision.transforms.v2 as T\n"
                "    return T.RandomCrop(28)\n"
            ),
            {"no_forbidden_api": "failed"},
            _augment_static_forbidden,
        )
    },
    training_cost=70,
    variants_cost=30,
    shares_training=True,
)


# --- optim ------------------------------------------------------------------------------------

_OPTIM_ALL_CHECKS = [
    "is_an_optimizer",
    "sgd_matches_torch",
    "adam_matches_torch",
    "adamw_matches_torch",
    "param_groups",
    "state_dict_round_trip",
    "parameter_without_gradient_untouched",
    "lr_scheduler_drives_it",
    "cosine_warmup",
    "rosenbrock_race",
    "no_forbidden_api",
    "accuracy",
]

# Every check that steps Adam (and, through the shared update, AdamW) against torch's.
_OPTIM_ADAM_RULE = {
    "adam_matches_torch": "failed",
    "adamw_matches_torch": "failed",
    "param_groups": "failed",
    "state_dict_round_trip": "failed",
    "parameter_without_gradient_untouched": "failed",
    "lr_scheduler_drives_it": "failed",
}
_OPTIM_ADAMW_DECAY = {
    "adamw_matches_torch": "failed",
    "param_groups": "failed",
    "state_dict_round_trip": "failed",
    "parameter_without_gradient_untouched": "failed",
    "lr_scheduler_drives_it": "failed",
}

# What each wrong variant must fail (every other check must pass).
_OPTIM_EXPECTED: dict[str, dict[str, str]] = {
    "sgd_dampened_first_step": {"sgd_matches_torch": "failed"},
    "sgd_nesterov_ignored": {"sgd_matches_torch": "failed", "state_dict_round_trip": "failed"},
    "sgd_decay_after_momentum": {
        "sgd_matches_torch": "failed",
        "param_groups": "failed",
        "parameter_without_gradient_untouched": "failed",
    },
    "sgd_lr_from_defaults": {"param_groups": "failed", "lr_scheduler_drives_it": "failed"},
    "adam_no_bias_correction": _OPTIM_ADAM_RULE,
    "adam_eps_inside_sqrt": _OPTIM_ADAM_RULE,
    "adam_efficient_eps": _OPTIM_ADAM_RULE,
    "adam_float32_step": _OPTIM_ADAM_RULE,
    "amsgrad_max_of_corrected": {
        "adam_matches_torch": "failed",
        "adamw_matches_torch": "failed",
        "param_groups": "failed",
        "state_dict_round_trip": "failed",
    },
    "adamw_as_l2": _OPTIM_ADAMW_DECAY,
    "adamw_decay_without_lr": _OPTIM_ADAMW_DECAY,
    "adam_state_outside_state": {"state_dict_round_trip": "failed"},
    "adam_steps_without_grad": {"parameter_without_gradient_untouched": "failed"},
    "sgd_closure_without_grad": {"is_an_optimizer": "error"},
    "adam_decay_decoupled": {
        "adam_matches_torch": "failed",
        "parameter_without_gradient_untouched": "failed",
    },
    "cosine_warmup_accepts_anything": {"cosine_warmup": "failed"},
    "cosine_warmup_off_by_one": {"cosine_warmup": "failed"},
    "cosine_over_total": {"cosine_warmup": "failed"},
    "cosine_rises_again": {"cosine_warmup": "failed"},
}

_OPTIM_MESSAGES: dict[str, tuple[str, str]] = {
    "sgd_dampened_first_step": (
        "sgd_matches_torch",
        "SGD(lr=0.05, momentum=0.9, dampening=0.5): after step 1 of 200 the parameters differ "
        "from torch.optim.SGD's (relative error 2.4e-03, at most 1e-10 allowed)",
    ),
    "adam_steps_without_grad": (
        "parameter_without_gradient_untouched",
        "Adam(lr=0.05, weight_decay=0.1): the bias, which has no gradient (.grad is None) in "
        "steps 1 to 20, changed at step 1",
    ),
    "adam_state_outside_state": (
        "state_dict_round_trip",
        "Adam(lr=0.05, amsgrad=True) saved after step 100 and loaded into a new one: after step "
        "101 of 200 the parameters differ from torch.optim.Adam's (relative error 1.7e-02, at "
        "most 1e-10 allowed)",
    ),
    "cosine_warmup_off_by_one": (
        "cosine_warmup",
        "cosine_warmup(0, total=110, warmup=10) is 0.1, expected 0",
    ),
}

_OPTIM_SUBCLASSED = (
    "Adam is or derives from torch.optim.adam.Adam: derive from torch.optim.Optimizer and "
    "write the update yourself"
)

# SGD that hands its work to torch's, reached by a name built at run time: the static check
# cannot see it, the run-time guard refuses the update function torch's SGD runs.
_OPTIM_SGD_AT_RUN_TIME = """

class SGD(Optimizer):
    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)
        self.inner = getattr(torch.optim, "S" + "GD")(self.param_groups)

    def step(self, closure=None):
        return self.inner.step(closure)
"""


def _optim_skeleton(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    expected = skeleton_message("SGD.__init__", "__init__")(submission)
    assert report.checks[0].message == expected


def _optim_subclassed(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    assert message(report, "adam_matches_torch") == _OPTIM_SUBCLASSED
    lines = submission.read_text(encoding="utf-8").count("\n")
    assert message(report, "no_forbidden_api") == (
        f"line {lines - 1} uses torch.optim.Adam, which is not allowed (torch.optim.Adam*)"
    )


def _optim_sgd_at_run_time(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    line = line_of(submission, "        return self.inner.step(closure)")
    assert message(report, "no_forbidden_api") == (
        "SGD: your code called torch.optim.sgd.sgd (what torch.optim.SGD runs), which this "
        f"assignment forbids: write the computation yourself (line {line})"
    )


OPTIM = Suite(
    name="optim",
    checks=_OPTIM_ALL_CHECKS,
    training=["accuracy"],
    wrong=optim_variants.WRONG,
    correct=optim_variants.CORRECT,
    expected=_OPTIM_EXPECTED,
    messages=_OPTIM_MESSAGES,
    # decaying by the whole weight_decay each step shrinks the MLP's weights 1 % a step:
    trained={"adamw_decay_without_lr": {"accuracy": "failed"}},
    verify_trained={
        "adamw_decay_without_lr": training_message("test accuracy 0.", "at least 0.82 is needed")
    },
    skeleton=_optim_skeleton,
    skeleton_training={"accuracy": "error"},
    extras={
        "subclasses_torch_adam": Extra(
            appended("\n\nclass Adam(torch.optim.Adam):\n    pass\n"),
            {
                "is_an_optimizer": "failed",
                "adam_matches_torch": "failed",
                "param_groups": "failed",
                "state_dict_round_trip": "failed",
                "parameter_without_gradient_untouched": "failed",
                "lr_scheduler_drives_it": "failed",
                "rosenbrock_race": "failed",
                "no_forbidden_api": "failed",
            },
            _optim_subclassed,
        ),
        "sgd_built_at_run_time": Extra(
            appended(_OPTIM_SGD_AT_RUN_TIME),
            {
                "is_an_optimizer": "error",
                "sgd_matches_torch": "error",
                "param_groups": "error",
                "state_dict_round_trip": "error",
                "parameter_without_gradient_untouched": "error",
                "lr_scheduler_drives_it": "error",
                "no_forbidden_api": "failed",
            },
            _optim_sgd_at_run_time,
        ),
    },
    training_cost=6,
    variants_cost=43,
)


# --- cnn --------------------------------------------------------------------------------------

_CNN_ALL_CHECKS = [
    "output_size_formula",
    "invalid_arguments",
    "parameter_count_formula",
    "receptive_field",
    "two_3x3_vs_5x5",
    "conv2d_matches_torch",
    "conv2d_gradients",
    "max_pool2d_matches_torch",
    "gradcheck",
    "modules_like_torch",
    "initialisation",
    "vgg_block",
    "inception_block",
    "network_counts",
    "no_forbidden_api",
    "accuracy",
]

# A wrong conv2d shows in every check that compares a convolution by value.
_CNN_CONV_VALUES = {
    "conv2d_matches_torch": "failed",
    "conv2d_gradients": "failed",
    "modules_like_torch": "failed",
    "vgg_block": "failed",
    "inception_block": "failed",
}

_CNN_FORBIDDEN = (
    "your code called torch.nn.functional.conv2d (what torch.nn.Conv2d runs), which this "
    "assignment forbids: write the computation yourself"
)

# What each wrong variant must fail among the checks that do not train (every other one must
# pass). conv2d and max_pool2d size their output with the student's conv_output_size, so its
# bugs also break the reshapes there (errors).
_CNN_EXPECTED: dict[str, dict[str, str]] = {
    "output_size_no_dilation": {
        "output_size_formula": "failed",
        "invalid_arguments": "failed",
        "conv2d_matches_torch": "error",
        "conv2d_gradients": "error",
        "gradcheck": "error",
        "modules_like_torch": "error",
    },
    "output_size_ceil": {
        "output_size_formula": "failed",
        "conv2d_matches_torch": "error",
        "conv2d_gradients": "error",
        "max_pool2d_matches_torch": "error",
        "gradcheck": "error",
        "modules_like_torch": "error",
        "network_counts": "error",
        "no_forbidden_api": "error",
    },
    "bias_per_kernel_position": {"parameter_count_formula": "failed", "two_3x3_vs_5x5": "failed"},
    "groups_ignored_in_count": {"parameter_count_formula": "failed"},
    "groups_not_validated": {"invalid_arguments": "failed"},
    "receptive_field_ignores_stride": {"receptive_field": "failed"},
    "kernel_flipped": _CNN_CONV_VALUES,
    "weight_channels_last": _CNN_CONV_VALUES,
    "padding_one_side": _CNN_CONV_VALUES,
    "groups_interleaved": {
        "conv2d_matches_torch": "failed",
        "conv2d_gradients": "failed",
        "modules_like_torch": "failed",
    },
    "conv2d_detached_input": {"conv2d_gradients": "failed", "gradcheck": "failed"},
    "pool_zero_padding": {
        "max_pool2d_matches_torch": "failed",
        "modules_like_torch": "failed",
        "inception_block": "failed",
    },
    # non-square padding: F.pad's result no longer has the shape the reshape expects
    "pool_pad_order_swapped": {"max_pool2d_matches_torch": "error", "modules_like_torch": "error"},
    "pool_stride_default_one": {"max_pool2d_matches_torch": "failed"},
    "weight_named_weights": {
        "modules_like_torch": "failed",
        "initialisation": "failed",
        "vgg_block": "failed",
        "inception_block": "failed",
    },
    "init_randn": {"initialisation": "failed"},
    "init_kaiming_default_a": {"initialisation": "failed"},
    "vgg_block_missing_conv": {"vgg_block": "failed", "network_counts": "failed"},
    "inception_wrong_order": {"inception_block": "failed"},
    "inception_no_relu_after_reduce": {"inception_block": "failed"},
    "alexnet_paper_channels": {"network_counts": "failed"},
    "vgg_classifier_1024": {"network_counts": "failed"},
    "hidden_f_conv2d": {
        "conv2d_matches_torch": "error",
        "conv2d_gradients": "error",
        "gradcheck": "error",
        "modules_like_torch": "error",
        "vgg_block": "error",
        "inception_block": "error",
        "network_counts": "error",
        "no_forbidden_api": "failed",
    },
}

_CNN_MESSAGES: dict[str, tuple[str, str]] = {
    "output_size_no_dilation": (
        "output_size_formula",
        "conv_output_size(1, 2, stride=1, padding=1, dilation=2) returned 2; F.conv2d's output "
        "has size 1",
    ),
    "output_size_ceil": (
        "output_size_formula",
        "conv_output_size(1, 1, stride=3, padding=1, dilation=1) returned 2; F.conv2d's output "
        "has size 1",
    ),
    "bias_per_kernel_position": (
        "parameter_count_formula",
        "conv_parameters(3, 6, 5) returned 600; 5 * 5 * 3 * 6 + 6 = 456",
    ),
    "groups_not_validated": (
        "invalid_arguments",
        "conv_parameters(6, 4, 3, groups=4) should raise ValueError naming groups; it returned 40",
    ),
    "receptive_field_ignores_stride": (
        "receptive_field",
        "receptive_field([(3, 2), (3, 1)]) returned 5, expected 7",
    ),
    "kernel_flipped": (
        "conv2d_matches_torch",
        "conv2d(x (2, 3, 9, 8), weight (4, 3, 3, 3), bias=b, padding=1) differs from F.conv2d's "
        "(relative error 1.0e+00, at most 1e-10 allowed)",
    ),
    "conv2d_detached_input": (
        "conv2d_gradients",
        "conv2d(x (2, 3, 9, 8), weight (4, 3, 3, 3), bias=b, padding=1): no gradient reaches x "
        "(detached, or .data?)",
    ),
    "pool_stride_default_one": (
        "max_pool2d_matches_torch",
        "max_pool2d(x (2, 3, 8, 8), kernel_size=2) has shape (2, 3, 7, 7), expected (2, 3, 4, 4)",
    ),
    "weight_named_weights": (
        "modules_like_torch",
        "Conv2d(3, 8, 3)'s parameters are {'weights': (8, 3, 3, 3), 'bias': (8,)}; torch's are "
        "{'weight': (8, 3, 3, 3), 'bias': (8,)}",
    ),
    "vgg_block_missing_conv": (
        "vgg_block",
        "vgg_block(3, 8, 2) holds 1 of your Conv2d and 1 of your MaxPool2d, expected 2 and 1",
    ),
    "inception_wrong_order": (
        "inception_block",
        "InceptionBlock(6, 2, 3, 4, 2, 3, 2): the branches are concatenated as branch1 (1x1), "
        "branch5 (5x5), branch3 (3x3), pool_proj; the order is branch1 (1x1), branch3 (3x3), "
        "branch5 (5x5), pool_proj",
    ),
    "alexnet_paper_channels": (
        "network_counts",
        "AlexNet() has 62,378,344 parameters, expected 61,100,840 (torchvision's)",
    ),
}


def _cnn_skeleton(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    size = skeleton_message("conv_output_size", "conv_output_size")(submission)
    conv = skeleton_message("Conv2d.__init__", "__init__")(submission)
    assert message(report, "output_size_formula") == size
    assert message(report, "initialisation") == conv
    assert message(report, "no_forbidden_api") == skeleton_message("conv2d", "conv2d")(submission)


def _cnn_skeleton_training(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    expected = skeleton_message("Conv2d.__init__", "__init__")(submission)
    assert message(report, "accuracy") == expected


def _cnn_run_time_forbidden(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    line = line_of(submission, "return builtin(x, weight, bias")
    assert message(report, "conv2d_matches_torch") == (
        f"{_CNN_FORBIDDEN} (cnn.py, line {line}, in conv2d)"
    )
    assert message(report, "no_forbidden_api") == f"conv2d: {_CNN_FORBIDDEN} (line {line})"


def _cnn_static_forbidden(report: GradeReport, submission: Path, spec: AssignmentSpec) -> None:
    lines = submission.read_text(encoding="utf-8").count("\n")
    assert message(report, "no_forbidden_api") == (
        f"line {lines - 1} uses torch.nn.Conv2d, which is not allowed (torch.nn.Conv*); line "
        f"{lines} uses torch.nn.functional.max_pool2d, which is not allowed "
        "(torch.nn.functional.*max_pool*)"
    )


CNN = Suite(
    name="cnn",
    checks=_CNN_ALL_CHECKS,
    training=["accuracy"],
    wrong=cnn_variants.WRONG,
    correct=cnn_variants.CORRECT,
    expected=_CNN_EXPECTED,
    messages=_CNN_MESSAGES,
    verify={"hidden_f_conv2d": _cnn_run_time_forbidden},
    # N(0, 1) weights: the small CNN does not learn at all (0.099-0.100, docs/benchmarks.md)
    trained={"init_randn": {"accuracy": "failed"}},
    verify_trained={"init_randn": training_message("test accuracy 0.", "at least 0.84 is needed")},
    skeleton=_cnn_skeleton,
    skeleton_training={"accuracy": "error"},
    verify_skeleton_training=_cnn_skeleton_training,
    extras={
        "forbidden_api_named": Extra(
            appended(
                "\n\ndef unused_shortcuts(x: torch.Tensor) -> torch.Tensor:\n"
                "    y = nn.Conv2d(1, 1, 3)(x)\n    return F.max_pool2d(y, 2)\n"
            ),
            {"no_forbidden_api": "failed"},
            _cnn_static_forbidden,
        )
    },
    training_cost=19,
    variants_cost=35,
)


SUITES: dict[str, Suite] = {
    suite.name: suite for suite in (RESNET, LSTM, VIT, AAE, AUGMENT, OPTIM, CNN)
}
"""Every assignment's suite, by name."""

__all__ = ["SUITES", "Extra", "Suite", "Verify", "failing"]
