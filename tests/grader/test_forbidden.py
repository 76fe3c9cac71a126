"""`grader.forbidden`: static detection of forbidden APIs through aliases; the run-time guard."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest
import torch

from grader.forbidden import Finding, ForbiddenCall, find_forbidden, guard_calls, matches, resolve

FORBIDDEN = ("torchvision", "timm", "torch.nn.LSTM")


def _found(source: str, forbidden: tuple[str, ...] = FORBIDDEN) -> list[tuple[int, str, str]]:
    return [(f.line, f.forbidden, f.used) for f in find_forbidden(source, forbidden)]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import torchvision\n", [(1, "torchvision", "torchvision")]),
        (
            "import torch\n\nimport torchvision\n",
            [(3, "torchvision", "torchvision")],
        ),
        (
            "from torchvision.models import resnet18\n",
            [(1, "torchvision", "torchvision.models.resnet18")],
        ),
        (
            "import torchvision.models as tvm\n\nnet = tvm.resnet18()\n",
            [
                (1, "torchvision", "torchvision.models"),
                (3, "torchvision", "torchvision.models.resnet18"),
            ],
        ),
        ("import timm\n", [(1, "timm", "timm")]),
        ("import timm.models as tm\n", [(1, "timm", "timm.models")]),
        (
            'import torch\n\nlayer = getattr(torch.nn, "LSTM")(4, 8)\n',
            [(3, "torch.nn.LSTM", "torch.nn.LSTM")],
        ),
        (
            "from torch import nn\n\nrnn = nn.LSTM(4, 8)\n",
            [(3, "torch.nn.LSTM", "torch.nn.LSTM")],
        ),
        (
            "import torch\nrnn = torch.nn.LSTM(4, 8)\n",
            [(2, "torch.nn.LSTM", "torch.nn.LSTM")],
        ),
        (
            "from torch.nn import LSTM as Recurrent\nrnn = Recurrent(4, 8)\n",
            [(1, "torch.nn.LSTM", "torch.nn.LSTM"), (2, "torch.nn.LSTM", "torch.nn.LSTM")],
        ),
        (
            "import torch\nforward = torch.nn.LSTM.forward\n",
            [(2, "torch.nn.LSTM", "torch.nn.LSTM.forward")],
        ),
        (
            'import importlib\n\nm = importlib.import_module("timm")\n',
            [(3, "timm", "timm")],
        ),
        (
            'from importlib import import_module\nm = import_module("timm.models")\n',
            [(2, "timm", "timm.models")],
        ),
        (
            'import importlib as il\nm = il.import_module("torchvision.ops")\n',
            [(2, "torchvision", "torchvision.ops")],
        ),
        ('tv = __import__("torchvision")\n', [(1, "torchvision", "torchvision")]),
    ],
    ids=[
        "import",
        "import-line-3",
        "from-import",
        "import-as-then-use",
        "import-timm",
        "import-submodule-as",
        "getattr",
        "from-torch-import-nn",
        "full-dotted-name",
        "from-import-as",
        "attribute-below",
        "importlib",
        "from-importlib",
        "importlib-as",
        "dunder-import",
    ],
)
def test_finds(source: str, expected: list[tuple[int, str, str]]) -> None:
    assert _found(source) == expected


def test_lstm_cell_through_an_alias() -> None:
    source = "import torch.nn as nn\n\ncell = nn.LSTMCell(4, 8)\n"
    assert find_forbidden(source, ["torch.nn.LSTMCell"]) == [
        Finding(forbidden="torch.nn.LSTMCell", used="torch.nn.LSTMCell", line=3)
    ]
    # torch.nn.LSTM does not forbid a different name that merely starts the same way.
    assert find_forbidden(source, ["torch.nn.LSTM"]) == []


@pytest.mark.parametrize(
    "source",
    [
        "from torch import nn\nlayer = nn.Linear(2, 3)\n",
        "import torch\nlayer = torch.nn.Linear(2, 3)\n",
        "torchvision_like = 3\nprint(torchvision_like)\n",
        '"""Unlike torchvision.models.resnet18, this is written by hand."""\n\nx = 1\n',
        "# import torchvision\nx = 1\n",
        'name = "torchvision"\nprint(name)\n',
        "from . import x\nfrom .timm import y\n",
        "torchvision = None\nprint(torchvision)\n",
        "import torch\nrnn = torch.nn.GRU(4, 8)\n",
        'import torch\nlayer = getattr(torch.nn, "GRU")\n',
        'import torch\nname = "LSTM"\nlayer = getattr(torch.nn, name)\n',
        'import importlib\nm = importlib.import_module("torch")\n',
    ],
    ids=[
        "nn-linear",
        "torch-nn-linear",
        "similar-variable",
        "docstring",
        "comment",
        "string",
        "relative-import",
        "unimported-name",
        "other-rnn",
        "getattr-other",
        "getattr-non-constant",
        "import-module-allowed",
    ],
)
def test_does_not_flag(source: str) -> None:
    assert find_forbidden(source, FORBIDDEN) == []


def test_empty_forbidden_list() -> None:
    assert find_forbidden("import torchvision\nimport timm\n", []) == []
    # Without forbidden names the source is not even parsed.
    assert find_forbidden("this is not python (", ()) == []


def test_syntax_error_raises() -> None:
    with pytest.raises(SyntaxError):
        find_forbidden("def broken(:\n", FORBIDDEN)


def test_sorted_by_line_then_name() -> None:
    source = (
        "import timm\n"
        "from torch import nn\n"
        "\n"
        "def build():\n"
        '    return getattr(nn, "LSTM")(1, 2)\n'
        "\n"
        "import torchvision, timm.layers\n"
    )
    assert _found(source) == [
        (1, "timm", "timm"),
        (5, "torch.nn.LSTM", "torch.nn.LSTM"),
        (7, "timm", "timm.layers"),
        (7, "torchvision", "torchvision"),
    ]


def test_one_finding_per_line_and_name() -> None:
    """The finding keeps the longest name the line reaches first (outermost attribute)."""
    source = (
        "import torchvision.models as tvm\n"
        "a, b = tvm.resnet18(), tvm.resnet34().fc\n"
        "c = tvm.resnet50(); d = tvm.vgg16()\n"
    )
    assert _found(source) == [
        (1, "torchvision", "torchvision.models"),
        (2, "torchvision", "torchvision.models.resnet18"),
        (3, "torchvision", "torchvision.models.resnet50"),
    ]


def test_overlapping_forbidden_names_are_each_reported() -> None:
    source = "import torch\nrnn = torch.nn.LSTM(1, 2)\n"
    assert _found(source, ("torch.nn", "torch.nn.LSTM")) == [
        (2, "torch.nn", "torch.nn.LSTM"),
        (2, "torch.nn.LSTM", "torch.nn.LSTM"),
    ]


def test_submodule_import_without_alias() -> None:
    source = "import torchvision.models\nnet = torchvision.models.resnet18()\n"
    assert _found(source) == [
        (1, "torchvision", "torchvision.models"),
        (2, "torchvision", "torchvision.models.resnet18"),
    ]


@pytest.mark.parametrize(
    ("full", "pattern", "expected"),
    [
        ("torch.nn.RNNCell", "torch.nn.RNN*", True),
        ("torch.nn.RNN", "torch.nn.RNN*", True),
        ("torch.nn.RNNBase.forward", "torch.nn.RNN*", True),
        ("torch.nn.Linear", "torch.nn.RNN*", False),
        ("torch.nn", "torch.nn.RNN*", False),
        ("torch.lstm_cell", "torch.lstm*", True),
        ("torch.linalg", "torch.lstm*", False),
        ("torchvision.models", "torchvision", True),
        ("torchvisionx", "torchvision", False),
        ("torch.nn.LSTMCell", "torch.nn.LSTM", False),
    ],
)
def test_matches(full: str, pattern: str, expected: bool) -> None:
    assert matches(full, pattern) is expected


def test_wildcard_patterns_in_source() -> None:
    source = "import torch\nfrom torch import nn\n\ncell = nn.RNNCell(2, 3)\nh = torch.lstm_cell\n"
    assert _found(source, ("torch.nn.RNN*", "torch.lstm*")) == [
        (4, "torch.nn.RNN*", "torch.nn.RNNCell"),
        (5, "torch.lstm*", "torch.lstm_cell"),
    ]


def test_resolve() -> None:
    owner, attr = resolve("torch._VF.lstm")
    assert (owner, attr) == (sys.modules["torch._VF"], "lstm")
    assert resolve("torch.nn.functional.linear") == (torch.nn.functional, "linear")
    assert resolve("torch.nn.LSTM.forward") == (torch.nn.LSTM, "forward")


@pytest.mark.parametrize(
    ("dotted", "message"),
    [
        ("torch.no_such_function", "torch.no_such_function: no such function"),
        (
            "torch.nn.NoSuchClass.forward",
            "torch.nn.NoSuchClass.forward: torch.nn has no attribute NoSuchClass",
        ),
        ("no_such_module.f", "no_such_module.f: no prefix is an importable module"),
    ],
)
def test_resolve_unknown(dotted: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        resolve(dotted)
    assert str(info.value) == message


_STUDENT = """\
import torch
from torch import nn


def through_the_module(x):
    return nn.LSTM(3, 4)(x)


def direct(x, h, c, w_ih, w_hh):
    return torch.lstm_cell(x, (h, c), w_ih, w_hh)


def allowed(x):
    return torch.tanh(x)
"""


def _student(tmp_path: Path) -> types.ModuleType:
    path = tmp_path / "student.py"
    path.write_text(_STUDENT, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("_guard_student", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_guard_refuses_calls_from_the_submission_only(tmp_path: Path) -> None:
    student = _student(tmp_path)
    calls = {"torch._VF.lstm": "what torch.nn.LSTM runs", "torch.lstm_cell": "a fused kernel"}
    x = torch.randn(2, 1, 3)
    with guard_calls(calls, tmp_path / "student.py"):
        with pytest.raises(ForbiddenCall) as info:
            student.through_the_module(x)
        assert str(info.value) == (
            "your code called torch._VF.lstm (what torch.nn.LSTM runs), which this assignment "
            "forbids: write the computation yourself"
        )
        assert info.value.name == "torch._VF.lstm"
        weights = torch.randn(16, 3), torch.randn(16, 4)
        with pytest.raises(ForbiddenCall, match=r"torch\.lstm_cell"):
            student.direct(torch.randn(1, 3), torch.zeros(1, 4), torch.zeros(1, 4), *weights)
        # The grader's own use of the same kernels goes through, and so do allowed calls.
        output, _ = torch.nn.LSTM(3, 4)(x)
        assert output.shape == (2, 1, 4)
        assert torch.equal(student.allowed(x), torch.tanh(x))
    # Outside the context nothing is refused, and torch's attributes are as before.
    assert student.through_the_module(x)[0].shape == (2, 1, 4)
    assert "lstm" not in vars(sys.modules["torch._VF"])
    assert torch.lstm_cell is torch._C._VariableFunctions.lstm_cell


def test_guard_restores_after_an_exception(tmp_path: Path) -> None:
    original = torch.lstm_cell
    with pytest.raises(RuntimeError), guard_calls({"torch.lstm_cell": ""}, tmp_path / "s.py"):
        assert torch.lstm_cell is not original
        raise RuntimeError("boom")
    assert torch.lstm_cell is original


def test_guard_leaves_out_unknown_names_when_asked(tmp_path: Path) -> None:
    original = torch.lstm_cell
    calls = {"torch.no_such_kernel": "", "torch.lstm_cell": ""}
    with guard_calls(calls, tmp_path / "s.py", missing_ok=True):
        assert torch.lstm_cell is not original
        assert not hasattr(torch, "no_such_kernel")
    assert torch.lstm_cell is original


def test_guard_with_an_unknown_name_patches_nothing(tmp_path: Path) -> None:
    original = torch.lstm_cell
    with (
        pytest.raises(ValueError, match=r"torch\.no_such_kernel"),
        guard_calls({"torch.lstm_cell": "", "torch.no_such_kernel": ""}, tmp_path / "s.py"),
    ):
        pass
    assert torch.lstm_cell is original
