"""`grader.forbidden.find_forbidden`: static detection of forbidden APIs through aliases."""

from __future__ import annotations

import pytest

from grader.forbidden import Finding, find_forbidden

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
