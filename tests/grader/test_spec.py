"""`grader.spec`: loading the packaged assignment and rejecting invalid ``assignment.yaml``."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import AssignmentError, UsageError
from grader.forbidden import resolve
from grader.spec import (
    SOLUTIONS,
    Profile,
    assignments_root,
    list_assignments,
    load_assignment,
    parse_spec,
    suites_root,
)

VALID = """\
title: Fake assignment
topic: Testing
module: fake.py
timeout_s: 90
check_timeout_s: 7
memory_mb: 2048
forbidden: [torchvision, torch.nn.LSTM]
forbidden_calls:
  torch._VF.lstm: what torch.nn.LSTM runs
profiles:
  quick:
    steps: 3
    batch_size: 4
    lr: 0.5
    threshold: 0.25
  full:
    steps: 10
    batch_size: 8
    lr: 0.05
    threshold: 1
    timeout_s: 600
    train_timeout_s: 400
    params: {width: 16}
"""


def _write(tmp_path: Path, text: str, folder: str = "fake") -> Path:
    path = tmp_path / folder / "assignment.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(AssignmentError) as info:
        parse_spec(path)
    return info.value.message


def _replace(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


# --- the packaged assignment ----------------------------------------------------------------


def test_load_resnet_fields() -> None:
    spec = load_assignment("resnet")
    assert spec.name == "resnet"
    assert spec.title == "ResNet: BasicBlock, Bottleneck and the network around them"
    assert spec.topic == "CNN"
    assert spec.module == "resnet.py"
    assert spec.timeout_s == 300.0
    assert spec.check_timeout_s == 60.0
    assert spec.memory_mb == 8192
    assert spec.forbidden == ("torchvision", "timm")
    assert spec.data == "fashion-mnist"
    assert list(spec.profiles) == ["quick", "full"]


def test_resnet_profiles_follow_the_issue() -> None:
    """Thresholds are tuned from measurement (docs/benchmarks.md); the rules they obey are not."""
    quick, full = (load_assignment("resnet").profile(p) for p in ("quick", "full"))
    assert full.threshold >= 0.92  # issue 2: full (GPU) asks for at least 0.92
    assert full.threshold > quick.threshold
    assert full.steps * full.batch_size > quick.steps * quick.batch_size
    for profile in (quick, full):
        assert set(profile.params) >= {"layers", "base_width"}
        assert len(profile.params["layers"]) == 4
        assert profile.train_timeout_s < profile.timeout_s
    assert quick.params.get("augment", False) is False


@pytest.mark.parametrize("name", list_assignments())
def test_packaged_paths_exist(name: str) -> None:
    spec = load_assignment(name)
    assert spec.folder == assignments_root() / name
    assert spec.skeleton == spec.folder / f"{name}.py"
    assert spec.readme == spec.folder / "README.md"
    assert spec.solution == SOLUTIONS / f"{name}.py"
    assert spec.suite == suites_root() / f"test_{name}.py"
    for path in (spec.skeleton, spec.readme, spec.solution, spec.suite):
        assert path.is_file(), path


@pytest.mark.parametrize("name", list_assignments())
def test_packaged_forbidden_calls_exist_in_this_torch(name: str) -> None:
    """A misspelt kernel name would silently guard nothing in the grading process."""
    for dotted in load_assignment(name).forbidden_calls:
        owner, attr = resolve(dotted)
        assert callable(getattr(owner, attr)), dotted


def test_load_vit_fields() -> None:
    spec = load_assignment("vit")
    assert (spec.topic, spec.module, spec.data) == ("Transformer", "vit.py", "fashion-mnist")
    assert "torch.nn.MultiheadAttention" in spec.forbidden
    assert "torch.nn.functional.scaled_dot_product_attention" in spec.forbidden_calls
    quick, full = spec.profile("quick"), spec.profile("full")
    assert quick.params["optimizer"] == full.params["optimizer"] == "adamw"
    assert (quick.params["patch_size"], quick.params["embed_dim"]) == (7, 64)
    assert full.params["patch_size"] == 4
    assert full.threshold > quick.threshold and full.steps > quick.steps


def test_load_aae_fields() -> None:
    spec = load_assignment("aae")
    assert (spec.topic, spec.module, spec.data) == ("Generative", "aae.py", "fashion-mnist")
    assert spec.forbidden == ("torchvision",)
    assert spec.forbidden_calls == {}
    quick, full = spec.profile("quick"), spec.profile("full")
    assert (quick.steps, quick.batch_size, quick.lr) == (1000, 128, 0.001)
    assert (quick.params["lr_reg"], full.params["lr_reg"]) == (0.0001, 0.0002)
    assert (quick.params["latent_dim"], quick.params["hidden_dim"]) == (8, 512)
    # threshold is the most test MSE allowed; the longer profile asks for closer codes
    assert (quick.threshold, full.threshold) == (0.022, 0.025)
    assert full.params["max_mmd"] < quick.params["max_mmd"] and full.steps > quick.steps


def test_load_lstm_fields() -> None:
    spec = load_assignment("lstm")
    assert (spec.title, spec.topic, spec.module) == (
        "LSTM and GRU from the gate equations",
        "RNN",
        "lstm.py",
    )
    assert spec.data == "fashion-mnist"
    assert "torch.nn.LSTM" in spec.forbidden and "torch.nn.RNN*" in spec.forbidden
    assert spec.forbidden_calls["torch._VF.lstm"] == "what torch.nn.LSTM runs"
    quick, full = spec.profile("quick"), spec.profile("full")
    assert (quick.steps, quick.batch_size, quick.params["hidden_size"]) == (400, 128, 128)
    assert full.threshold > quick.threshold
    assert full.steps > quick.steps


def test_list_assignments() -> None:
    assert {"aae", "augment", "cnn", "lstm", "optim", "resnet", "vit"} <= set(list_assignments())
    assert list_assignments() == sorted(list_assignments())


def test_list_assignments_of_a_root(tmp_path: Path) -> None:
    _write(tmp_path, VALID, "beta")
    _write(tmp_path, VALID, "alpha")
    (tmp_path / "not_an_assignment").mkdir()
    assert list_assignments(tmp_path) == ["alpha", "beta"]


@pytest.mark.parametrize("name", ["nosuch", "Resnet", "../resnet", ""])
def test_unknown_assignment_names_the_known_ones(name: str) -> None:
    with pytest.raises(AssignmentError) as info:
        load_assignment(name)
    known = "aae, augment, cnn, lstm, optim, resnet, vit"
    assert info.value.message == f"unknown assignment: {name}. choose one of: {known}"
    assert isinstance(info.value, UsageError)
    assert info.value.exit_code == 2


def test_unknown_assignment_in_an_empty_root(tmp_path: Path) -> None:
    with pytest.raises(AssignmentError) as info:
        load_assignment("fake", root=tmp_path)
    assert info.value.message == "unknown assignment: fake. choose one of: none"


def test_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(AssignmentError) as info:
        load_assignment("resnet").profile("medium")
    assert (
        info.value.message == "assignment 'resnet' has no profile: medium. use one of quick, full"
    )


# --- parse_spec on files made here ------------------------------------------------------------


def test_valid_spec(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID)
    spec = load_assignment("fake", root=tmp_path)
    assert spec == parse_spec(path)
    assert spec.name == "fake"
    assert spec.title == "Fake assignment"
    assert spec.topic == "Testing"
    assert spec.module == "fake.py"
    assert spec.folder == tmp_path / "fake"
    assert spec.skeleton == tmp_path / "fake" / "fake.py"
    assert spec.suite == suites_root() / "test_fake.py"
    assert (spec.timeout_s, spec.check_timeout_s, spec.memory_mb) == (90.0, 7.0, 2048)
    assert spec.forbidden == ("torchvision", "torch.nn.LSTM")
    assert spec.forbidden_calls == {"torch._VF.lstm": "what torch.nn.LSTM runs"}
    assert spec.data is None
    assert spec.profiles["full"] == Profile(
        name="full",
        steps=10,
        batch_size=8,
        lr=0.05,
        threshold=1.0,
        timeout_s=600.0,
        train_timeout_s=400.0,
        params={"width": 16},
    )


def test_profile_limits_fall_back_to_the_spec(tmp_path: Path) -> None:
    spec = parse_spec(_write(tmp_path, VALID))
    assert spec.profiles["quick"] == Profile(
        name="quick",
        steps=3,
        batch_size=4,
        lr=0.5,
        threshold=0.25,
        timeout_s=90.0,
        train_timeout_s=7.0,
        params={},
    )


def test_defaults_when_optional_fields_are_missing(tmp_path: Path) -> None:
    text = "\n".join(
        line
        for line in VALID.splitlines()
        if not line.startswith(
            ("timeout_s", "check_timeout_s", "memory_mb", "forbidden", "  torch._VF")
        )
    )
    spec = parse_spec(_write(tmp_path, text))
    assert (spec.timeout_s, spec.check_timeout_s, spec.memory_mb) == (300.0, 120.0, 8192)
    assert spec.forbidden == ()
    assert spec.forbidden_calls == {}
    assert spec.profiles["quick"].timeout_s == 300.0
    assert spec.profiles["quick"].train_timeout_s == 120.0


def test_check_timeout_defaults_to_at_most_the_attempt_timeout(tmp_path: Path) -> None:
    text = _replace("check_timeout_s: 7\n", "")
    spec = parse_spec(_write(tmp_path, text))
    assert spec.check_timeout_s == 90.0
    assert spec.profiles["quick"].train_timeout_s == 90.0


def test_data_set_fashion_mnist(tmp_path: Path) -> None:
    spec = parse_spec(_write(tmp_path, VALID + "data: fashion-mnist\n"))
    assert spec.data == "fashion-mnist"


def test_invalid_yaml(tmp_path: Path) -> None:
    path = _write(tmp_path, "title: [unclosed\n")
    with pytest.raises(AssignmentError) as info:
        parse_spec(path)
    assert info.value.message.startswith(f"{path} is not valid YAML: ")


@pytest.mark.parametrize(
    ("text", "kind"), [("", "NoneType"), ("- a\n- b\n", "list"), ("just text\n", "str")]
)
def test_not_a_mapping(tmp_path: Path, text: str, kind: str) -> None:
    path = tmp_path / "fake" / "assignment.yaml"
    assert _error(tmp_path, text) == f"{path} must be a mapping of fields: {kind}"


@pytest.mark.parametrize("key", ["title", "topic", "module", "profiles"])
def test_missing_field(tmp_path: Path, key: str) -> None:
    text = "\n".join(line for line in VALID.splitlines() if not line.startswith(f"{key}:"))
    if key == "profiles":
        text = "title: T\ntopic: X\nmodule: fake.py\n"
    path = tmp_path / "fake" / "assignment.yaml"
    assert _error(tmp_path, text) == f"{path}: missing field: {key}. add `{key}:` to the file"


@pytest.mark.parametrize("key", ["steps", "batch_size", "lr", "threshold"])
def test_missing_profile_field(tmp_path: Path, key: str) -> None:
    text = VALID.split("  full:")[0]
    text = "\n".join(line for line in text.splitlines() if not line.startswith(f"    {key}:"))
    text += "\n" + "  full:" + VALID.split("  full:")[1]
    path = tmp_path / "fake" / "assignment.yaml"
    assert (
        _error(tmp_path, text)
        == f"{path}: profiles.quick: missing field: {key}. add `{key}:` to the file"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("title: Fake assignment", "title: 3", "field title must be str: 3"),
        ("topic: Testing", "topic: [a, b]", "field topic must be str: ['a', 'b']"),
        ("module: fake.py", "module: true", "field module must be str: True"),
        ("profiles:\n", "profiles: 5\nold_profiles:\n", "field profiles must be dict: 5"),
        ("timeout_s: 90", "timeout_s: soon", "field timeout_s must be a non-negative number: soon"),
        ("timeout_s: 90", "timeout_s: -1", "field timeout_s must be a non-negative number: -1"),
        (
            "check_timeout_s: 7",
            "check_timeout_s: yes",
            "field check_timeout_s must be a non-negative number: True",
        ),
        (
            "memory_mb: 2048",
            "memory_mb: lots",
            "field memory_mb must be a non-negative number: lots",
        ),
        (
            "forbidden: [torchvision, torch.nn.LSTM]",
            "forbidden: torchvision",
            "forbidden must be a list of dotted names: torchvision",
        ),
        (
            "forbidden: [torchvision, torch.nn.LSTM]",
            "forbidden: [1, 2]",
            "forbidden must be a list of dotted names: [1, 2]",
        ),
        (
            "  torch._VF.lstm: what torch.nn.LSTM runs",
            "  torch._VF.lstm: [1]",
            "forbidden_calls must map dotted function names to a reason: {'torch._VF.lstm': [1]}",
        ),
        ("module: fake.py", "module: fake", "module must be a file name ending in .py: fake"),
        (
            "module: fake.py",
            "module: sub/fake.py",
            "module must be a file name ending in .py: sub/fake.py",
        ),
    ],
)
def test_wrong_type(tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = tmp_path / "fake" / "assignment.yaml"
    assert _error(tmp_path, _replace(old, new)) == f"{path}: {expected}"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    steps: 3", "    steps: 2.5", "profiles.quick: field steps must be int: 2.5"),
        ("    steps: 3", "    steps: true", "profiles.quick: field steps must be int: True"),
        (
            "    batch_size: 4",
            "    batch_size: '4'",
            "profiles.quick: field batch_size must be int: 4",
        ),
        (
            "    lr: 0.5",
            "    lr: fast",
            "profiles.quick: field lr must be a non-negative number: fast",
        ),
        (
            "    steps: 3",
            "    steps: 0",
            "profiles.quick: steps, batch_size and lr must be positive: (0, 4, 0.5)",
        ),
        (
            "    lr: 0.5",
            "    lr: 0",
            "profiles.quick: steps, batch_size and lr must be positive: (3, 4, 0.0)",
        ),
        (
            "    threshold: 0.25",
            "    threshold: 1.5",
            "profiles.quick: threshold is a score between 0 and 1: 1.5",
        ),
        (
            "    threshold: 0.25",
            "    threshold: -0.1",
            "profiles.quick: field threshold must be a non-negative number: -0.1",
        ),
        (
            "    threshold: 0.25",
            "    threshold: 0.25\n    params: [1]",
            "profiles.quick: params must be a mapping: [1]",
        ),
        (
            "    threshold: 0.25",
            "    threshold: 0.25\n    timeout_s: never",
            "profiles.quick: field timeout_s must be a non-negative number: never",
        ),
        (
            "    threshold: 0.25",
            "    threshold: 0.25\n    train_timeout_s: -5",
            "profiles.quick: field train_timeout_s must be a non-negative number: -5",
        ),
        (
            "  quick:\n    steps: 3",
            "  quick: 3\n  other:\n    steps: 3",
            "profiles.quick must be a mapping: 3",
        ),
    ],
)
def test_invalid_profile(tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = tmp_path / "fake" / "assignment.yaml"
    assert _error(tmp_path, _replace(old, new)) == f"{path}: {expected}"


@pytest.mark.parametrize("profile", ["quick", "full"])
def test_missing_profile(tmp_path: Path, profile: str) -> None:
    quick, full = VALID.split("  full:")
    text = quick.split("  quick:")[0] + "  full:" + full if profile == "quick" else quick
    path = tmp_path / "fake" / "assignment.yaml"
    assert (
        _error(tmp_path, text) == f"{path}: profiles must define quick and full; missing: {profile}"
    )


def test_unknown_data_set(tmp_path: Path) -> None:
    path = tmp_path / "fake" / "assignment.yaml"
    assert (
        _error(tmp_path, VALID + "data: cifar-10\n")
        == f"{path}: unknown data set: cifar-10. use one of ('fashion-mnist',)"
    )


def test_load_assignment_validates(tmp_path: Path) -> None:
    _write(tmp_path, _replace("    threshold: 0.25", "    threshold: 2"))
    with pytest.raises(AssignmentError, match="threshold is a score between 0 and 1: 2"):
        load_assignment("fake", root=tmp_path)
