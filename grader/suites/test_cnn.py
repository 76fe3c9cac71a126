"""Hidden suite of the `cnn` assignment.

Each test is one graded check (``@pytest.mark.check``); fixtures come from
:mod:`grader.plugin`. The arithmetic is compared with what torch's own operators do (the output
shapes of ``F.conv2d`` and ``F.max_pool2d``, the parameters of ``nn.Conv2d``) and with the
recurrence ``r += (k - 1) * jump; jump *= s`` computed here; ``conv2d`` and ``max_pool2d``
with ``F.conv2d`` / ``F.max_pool2d`` in float64 (CS231n's relative error); the modules with
``nn.Conv2d``, whose ``state_dict`` loads into the student's ``Conv2d``. Published counts:
torchvision's ``alexnet`` 61,100,840, ``vgg11`` 132,863,336 and ``vgg16`` 138,357,544.

The plugin refuses torch's convolution and max-pooling kernels (``forbidden_calls`` in
``assignment.yaml``) whenever the student's file is on the stack, so a submission that calls
``F.conv2d`` by a name built at run time errors in every check that runs it.
"""

from __future__ import annotations

import math
import re
import types
from collections.abc import Callable, Sequence
from itertools import permutations, product
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from grader.forbidden import ForbiddenCall
from grader.numerics import rel_error
from grader.suites.common import (
    assert_no_forbidden,
    assert_trains,
    build_on_meta,
    count_parameters,
    randn64,
)

check = pytest.mark.check

TOLERANCE = 1e-10
"""Largest relative error (CS231n's ``rel_error``) accepted against torch in float64."""

CONV2D = F.conv2d
MAX_POOL2D = F.max_pool2d
TORCH_CONV2D = nn.Conv2d
"""torch's operators, taken when the suite is imported (before the student's file is)."""

Pair = int | tuple[int, int]


def _call(name: str, *args: Any, **kwargs: Any) -> str:
    """``name(1, 2, stride=3)``, as the student would write the call."""
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _assert_close(what: str, got: Any, want: torch.Tensor, against: str) -> None:
    assert isinstance(got, torch.Tensor), f"{what} is a {type(got).__name__}, not a tensor"
    assert tuple(got.shape) == tuple(want.shape), (
        f"{what} has shape {tuple(got.shape)}, expected {tuple(want.shape)}"
    )
    error = rel_error(got, want)
    assert error <= TOLERANCE, (
        f"{what} differs from {against} (relative error {error:.1e}, at most {TOLERANCE:.0e} "
        "allowed)"
    )


# --- formulas ---------------------------------------------------------------------------------


def _torch_conv_size(size: int, k: int, s: int, p: int, d: int) -> int | None:
    """The height of ``F.conv2d``'s output on a ``size x 1`` image, ``None`` where torch refuses."""
    x = torch.zeros(1, 1, size, 1)
    w = torch.zeros(1, 1, k, 1)
    try:
        return int(CONV2D(x, w, stride=(s, 1), padding=(p, 0), dilation=(d, 1)).shape[2])
    except RuntimeError:
        return None


def _torch_pool_size(size: int, k: int, s: int, p: int, d: int) -> int | None:
    x = torch.zeros(1, 1, size, 1)
    try:
        out = MAX_POOL2D(x, (k, 1), (s, 1), (p, 0), (d, 1))
    except RuntimeError:
        return None
    return int(out.shape[2])


def _size_cases() -> list[tuple[int, int, int, int, int]]:
    """Every small case, then larger random and classic ones: ``(size, k, s, p, d)``."""
    cases = list(product(range(1, 10), range(1, 5), range(1, 4), range(3), range(1, 4)))
    generator = torch.Generator().manual_seed(7)
    for _ in range(150):
        size, k, s, p, d = (
            int(torch.randint(lo, hi, (1,), generator=generator))
            for lo, hi in ((1, 300), (1, 12), (1, 6), (0, 6), (1, 5))
        )
        cases.append((size, k, s, p, d))
    cases += [(224, 11, 4, 2, 1), (227, 11, 4, 0, 1), (224, 7, 2, 3, 1), (112, 3, 2, 1, 1)]
    return cases


@check(
    points=10,
    title="conv_output_size equals the output size of F.conv2d and F.max_pool2d (every small "
    "case, padding, dilation, strides that do not divide)",
    hint="floor((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1, as an int",
)
def test_output_size_formula(submission: types.ModuleType) -> None:
    for size, k, s, p, d in _size_cases():
        want = _torch_conv_size(size, k, s, p, d)
        if want is None:
            continue
        call = _call("conv_output_size", size, k, stride=s, padding=p, dilation=d)
        got = submission.conv_output_size(size, k, stride=s, padding=p, dilation=d)
        assert isinstance(got, int) and not isinstance(got, bool), (
            f"{call} returned {got!r} ({type(got).__name__}); return an int"
        )
        assert got == want, f"{call} returned {got}; F.conv2d's output has size {want}"
        pooled = _torch_pool_size(size, k, s, p, d)
        if pooled is not None:
            assert got == pooled, f"{call} returned {got}; F.max_pool2d's output has size {pooled}"


def _names(message: str, name: str) -> bool:
    """``message`` names the argument ``name`` as a word, singular or plural, with an underscore
    or a space ("kernel size", "strides", "in_channels"); "size" inside "kernel_size" does not
    count as naming ``size``."""
    if name == "size":
        return re.search(r"\bsizes?\b", message.lower()) is not None
    stem = re.escape(name.replace("_", " ").removesuffix("s"))
    return re.search(rf"\b{stem}s?\b", message.lower().replace("_", " ")) is not None


def _assert_refuses(call: Callable[[], object], text: str, name: str) -> None:
    try:
        result = call()
    except ValueError as exc:
        assert _names(str(exc), name), (
            f"{text} raised ValueError({str(exc)!r}); its message should name {name}"
        )
        return
    pytest.fail(f"{text} should raise ValueError naming {name}; it returned {result!r}")


@check(
    points=5,
    title="Impossible arguments raise ValueError naming the argument",
    hint="check sizes, strides and dilations >= 1, padding >= 0, a kernel that fits the padded "
    "input, and channels divisible by groups, before computing",
)
def test_invalid_arguments(submission: types.ModuleType) -> None:
    size = submission.conv_output_size
    params = submission.conv_parameters
    cases: list[tuple[Callable[[], object], str, str]] = [
        (lambda: size(0, 3), _call("conv_output_size", 0, 3), "size"),
        (lambda: size(-2, 3), _call("conv_output_size", -2, 3), "size"),
        (lambda: size(5, 0), _call("conv_output_size", 5, 0), "kernel_size"),
        (lambda: size(5, 3, stride=0), _call("conv_output_size", 5, 3, stride=0), "stride"),
        (lambda: size(5, 3, padding=-1), _call("conv_output_size", 5, 3, padding=-1), "padding"),
        (lambda: size(5, 3, dilation=0), _call("conv_output_size", 5, 3, dilation=0), "dilation"),
        (lambda: size(4, 5), _call("conv_output_size", 4, 5), "kernel_size"),
        (lambda: size(4, 7, padding=1), _call("conv_output_size", 4, 7, padding=1), "kernel_size"),
        (
            lambda: size(6, 3, dilation=3),
            _call("conv_output_size", 6, 3, dilation=3) + " (the dilated kernel spans 7)",
            "kernel_size",
        ),
        (lambda: params(0, 4, 3), _call("conv_parameters", 0, 4, 3), "in_channels"),
        (lambda: params(3, 0, 3), _call("conv_parameters", 3, 0, 3), "out_channels"),
        (lambda: params(3, 4, 0), _call("conv_parameters", 3, 4, 0), "kernel_size"),
        (lambda: params(3, 4, (3, 0)), _call("conv_parameters", 3, 4, (3, 0)), "kernel_size"),
        (lambda: params(6, 4, 3, groups=4), _call("conv_parameters", 6, 4, 3, groups=4), "groups"),
        (lambda: params(4, 6, 3, groups=4), _call("conv_parameters", 4, 6, 3, groups=4), "groups"),
        (lambda: params(4, 4, 3, groups=0), _call("conv_parameters", 4, 4, 3, groups=0), "groups"),
    ]
    for call, text, name in cases:
        _assert_refuses(call, text, name)


@check(
    points=5,
    title="conv_parameters equals nn.Conv2d's parameter count (groups, bias=False, non-square "
    "kernels)",
    hint="out_channels * (in_channels // groups) * kh * kw weights, plus out_channels biases",
)
def test_parameter_count_formula(submission: types.ModuleType) -> None:
    got = submission.conv_parameters(3, 6, 5)
    assert got == 456, f"conv_parameters(3, 6, 5) returned {got!r}; 5 * 5 * 3 * 6 + 6 = 456"
    kernels: list[Pair] = [1, 3, 5, (3, 5), (1, 7)]
    with torch.device("meta"):  # shapes only: no memory, no initialisation
        for cin, cout, kernel, bias, groups in product(
            (1, 2, 3, 4, 6, 8), (1, 2, 4, 6, 12), kernels, (True, False), (1, 2, 3, 4)
        ):
            if cin % groups or cout % groups:
                continue
            want = count_parameters(TORCH_CONV2D(cin, cout, kernel, bias=bias, groups=groups))
            got = submission.conv_parameters(cin, cout, kernel, bias=bias, groups=groups)
            call = _call("conv_parameters", cin, cout, kernel, bias=bias, groups=groups)
            assert got == want, f"{call} returned {got!r}; nn.Conv2d has {want:,} parameters"


def _expected_field(layers: Sequence[tuple[int, int]]) -> int:
    field, jump = 1, 1
    for kernel, stride in layers:
        field += (kernel - 1) * jump
        jump *= stride
    return field


ALEXNET_LAYERS = [(11, 4), (3, 2), (5, 1), (3, 2), (3, 1), (3, 1), (3, 1), (3, 2)]


@check(
    points=5,
    title="receptive_field of stacks of (kernel_size, stride) layers",
    hint="each layer adds (kernel_size - 1) * jump, where jump is the product of the strides "
    "below it; an empty stack sees 1 pixel",
)
def test_receptive_field(submission: types.ModuleType) -> None:
    known: list[tuple[list[tuple[int, int]], int]] = [
        ([], 1),
        ([(3, 1)], 3),
        ([(3, 1), (3, 1)], 5),
        ([(3, 1)] * 3, 7),
        ([(5, 1)], 5),
        ([(3, 2), (3, 1)], 7),
        ([(7, 2), (3, 2)], 11),
        ([(2, 2), (2, 2), (2, 2)], 8),
        (ALEXNET_LAYERS, 195),
    ]
    generator = torch.Generator().manual_seed(3)
    for _ in range(60):
        depth = int(torch.randint(1, 7, (1,), generator=generator))
        layer = [
            (int(torch.randint(1, 8, (1,), generator=generator)),
             int(torch.randint(1, 4, (1,), generator=generator)))
            for _ in range(depth)
        ]  # fmt: skip
        known.append((layer, _expected_field(layer)))
    for layers, want in known:
        got = submission.receptive_field(layers)
        assert got == want, f"receptive_field({layers}) returned {got!r}, expected {want}"


@check(
    points=5,
    title="Two 3x3 convolutions see as far as one 5x5 with fewer parameters (your own numbers)",
    hint="receptive_field([(3, 1), (3, 1)]) == receptive_field([(5, 1)]) == 5; for C -> C "
    "channels 2 * (9C^2 + C) < 25C^2 + C",
)
def test_two_3x3_vs_5x5(submission: types.ModuleType) -> None:
    for n, kernel in ((2, 5), (3, 7)):
        stacked = submission.receptive_field([(3, 1)] * n)
        single = submission.receptive_field([(kernel, 1)])
        assert stacked == single == kernel, (
            f"receptive_field of {n} stacked 3x3 convolutions gave {stacked!r} and of one "
            f"{kernel}x{kernel} {single!r}; both should be {kernel}"
        )
    for channels in (64, 256):
        c = channels
        for n, kernel in ((2, 5), (3, 7)):
            small = submission.conv_parameters(c, c, 3)
            large = submission.conv_parameters(c, c, kernel)
            want_small, want_large = 9 * c * c + c, kernel * kernel * c * c + c
            assert (small, large) == (want_small, want_large), (
                f"conv_parameters({c}, {c}, 3) and ({c}, {c}, {kernel}) gave {small!r} and "
                f"{large!r}, expected {want_small:,} and {want_large:,}"
            )
            assert n * small < large, (
                f"{n} x 3x3 ({n * small:,}) should have fewer parameters than one "
                f"{kernel}x{kernel} ({large:,})"
            )


# --- conv2d and max_pool2d ----------------------------------------------------------------------

CONV_CASES: list[tuple[tuple[int, ...], tuple[int, ...], bool, dict[str, Any]]] = [
    # x shape, weight shape, bias, keyword arguments
    ((2, 3, 9, 8), (4, 3, 3, 3), True, {"padding": 1}),
    ((2, 3, 10, 11), (5, 3, 3, 5), False, {"stride": 2}),
    ((2, 2, 9, 7), (3, 2, 3, 2), True, {"stride": (2, 1), "padding": (1, 2), "dilation": (2, 1)}),
    ((2, 4, 8, 8), (6, 2, 3, 3), True, {"padding": 1, "groups": 2}),
    (
        (1, 3, 7, 9),
        (3, 1, 3, 3),
        True,
        {"stride": (1, 2), "padding": (0, 1), "dilation": (1, 2), "groups": 3},
    ),
    ((2, 6, 9, 10), (6, 2, 2, 3), False, {"stride": 3, "padding": 1, "dilation": 2, "groups": 3}),
    ((2, 4, 7, 7), (5, 4, 1, 1), True, {"stride": 2}),
    ((1, 2, 5, 5), (3, 2, 5, 5), True, {}),
    ((2, 3, 10, 10), (2, 3, 3, 3), True, {"stride": 3, "padding": 3}),
]


def _conv_inputs(
    case: tuple[tuple[int, ...], tuple[int, ...], bool, dict[str, Any]], seed: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    x_shape, w_shape, biased, _ = case
    bias = randn64(w_shape[0], seed=seed + 2) if biased else None
    return randn64(*x_shape, seed=seed), randn64(*w_shape, seed=seed + 1), bias


def _conv_text(case: tuple[tuple[int, ...], tuple[int, ...], bool, dict[str, Any]]) -> str:
    x_shape, w_shape, biased, kwargs = case
    extra = "".join(f", {k}={v}" for k, v in kwargs.items())
    return f"conv2d(x {x_shape}, weight {w_shape}, bias={'b' if biased else None}{extra})"


@check(
    points=15,
    title="conv2d agrees with F.conv2d (float64, relative error 1e-10): groups, non-square "
    "kernels, stride/padding/dilation pairs, no bias",
    hint="torch's convolution is a cross-correlation (the kernel is not flipped); F.unfold's "
    "rows are ordered (channel, kernel row, kernel column), like weight.reshape(out_channels, -1)",
)
def test_conv2d_matches_torch(submission: types.ModuleType) -> None:
    for i, case in enumerate(CONV_CASES):
        x, weight, bias = _conv_inputs(case, seed=10 * i)
        kwargs = case[3]
        with torch.no_grad():
            want = CONV2D(x, weight, bias, **kwargs)
            if i % 2:
                got = submission.conv2d(x, weight, bias, **kwargs)
            else:  # positionally, in the skeleton's order
                defaults = (("stride", 1), ("padding", 0), ("dilation", 1), ("groups", 1))
                args = [kwargs.get(k, d) for k, d in defaults]
                got = submission.conv2d(x, weight, bias, *args)
        _assert_close(_conv_text(case), got, want, "F.conv2d's")


def _gradients(
    function: Callable[..., torch.Tensor], reference: Callable[..., torch.Tensor],
    tensors: dict[str, torch.Tensor | None], kwargs: dict[str, Any], what: str,
) -> None:  # fmt: skip
    """Gradients of one weighted sum of the outputs w.r.t. every tensor, against torch's."""
    grads: dict[str, dict[str, torch.Tensor | None]] = {}
    for label, run in (("student", function), ("reference", reference)):
        leaves = {k: None if t is None else t.clone().requires_grad_() for k, t in tensors.items()}
        out = run(*leaves.values(), **kwargs)
        assert isinstance(out, torch.Tensor), f"{what} returned a {type(out).__name__}"
        assert out.requires_grad, (
            f"{what}: the output does not depend on the inputs (is something detached or "
            "computed under torch.no_grad()?)"
        )
        weights = torch.randn(
            out.shape, dtype=out.dtype, generator=torch.Generator().manual_seed(5)
        )
        (out * weights).sum().backward()  # type: ignore[no-untyped-call]
        grads[label] = {k: None if t is None else t.grad for k, t in leaves.items()}
    for key, want in grads["reference"].items():
        if want is None:
            continue
        got = grads["student"][key]
        assert got is not None, f"{what}: no gradient reaches {key} (detached, or .data?)"
        _assert_close(f"{what}: the gradient w.r.t. {key}", got, want, "torch's")


@check(
    points=5,
    title="conv2d gradients w.r.t. x, weight and bias agree with F.conv2d's",
    hint="build conv2d from differentiable torch operations only (no .data, detach or numpy)",
)
def test_conv2d_gradients(submission: types.ModuleType) -> None:
    for i in (0, 2, 3, 5):
        case = CONV_CASES[i]
        x, weight, bias = _conv_inputs(case, seed=100 + i)
        tensors = {"x": x, "weight": weight, "bias": bias}
        _gradients(submission.conv2d, CONV2D, tensors, case[3], _conv_text(case))


POOL_CASES: list[tuple[tuple[int, ...], dict[str, Any]]] = [
    ((2, 3, 8, 8), {"kernel_size": 2}),
    ((2, 3, 9, 9), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((2, 2, 7, 9), {"kernel_size": (2, 3), "stride": (1, 2), "padding": (1, 1)}),
    ((1, 4, 6, 6), {"kernel_size": 3, "stride": 1, "padding": 1}),
    ((2, 2, 7, 7), {"kernel_size": 3, "stride": 2}),
    ((2, 3, 7, 8), {"kernel_size": (3, 1), "padding": (1, 0)}),
    ((1, 2, 9, 7), {"kernel_size": (3, 2), "stride": (2, 3), "padding": (1, 0)}),
]


def _pool_text(shape: tuple[int, ...], kwargs: dict[str, Any]) -> str:
    extra = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    return f"max_pool2d(x {shape}, {extra})"


def _pool_input(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    """Mostly negative values: a zero-padded border would win where -inf must not."""
    return randn64(*shape, seed=seed) - 2.5


@check(
    points=5,
    title="max_pool2d agrees with F.max_pool2d, values and gradients (stride=None, -inf "
    "padding, pairs)",
    hint="stride=None means stride = kernel_size; pad with -inf (F.pad(..., value=-inf)), "
    "never with zeros",
)
def test_max_pool2d_matches_torch(submission: types.ModuleType) -> None:
    for i, (shape, kwargs) in enumerate(POOL_CASES):
        x = _pool_input(shape, seed=20 + i)
        what = _pool_text(shape, kwargs)
        with torch.no_grad():
            got = submission.max_pool2d(x, **kwargs)
        _assert_close(what, got, MAX_POOL2D(x, **kwargs), "F.max_pool2d's")
        _gradients(submission.max_pool2d, MAX_POOL2D, {"x": x}, kwargs, what)


@check(
    points=5,
    title="torch.autograd.gradcheck passes on conv2d and max_pool2d (float64)",
    visibility="hidden",
)
def test_gradcheck(submission: types.ModuleType) -> None:
    x = randn64(1, 2, 5, 4, seed=30)
    weight = randn64(4, 1, 2, 3, seed=31)
    bias = randn64(4, seed=32)
    kwargs = {"stride": (2, 1), "padding": (1, 1), "dilation": (1, 2), "groups": 2}

    def conv(x_: torch.Tensor, w_: torch.Tensor, b_: torch.Tensor) -> torch.Tensor:
        result: torch.Tensor = submission.conv2d(x_, w_, b_, **kwargs)
        return result

    inputs = tuple(t.requires_grad_() for t in (x, weight, bias))
    ok = torch.autograd.gradcheck(conv, inputs, eps=1e-6, atol=1e-6, raise_exception=False)
    assert ok, (
        "conv2d: torch.autograd.gradcheck finds that autograd's gradients differ from finite "
        "differences (a custom backward, .data or detach()?)"
    )
    pooled = (randn64(1, 2, 5, 5, seed=33) * 3).requires_grad_()
    ok = torch.autograd.gradcheck(
        lambda t: submission.max_pool2d(t, 3, 2, 1), (pooled,), eps=1e-6, atol=1e-6,
        raise_exception=False,
    )  # fmt: skip
    assert ok, "max_pool2d: torch.autograd.gradcheck finds wrong gradients"


# --- modules ------------------------------------------------------------------------------------

MODULE_CASES: list[tuple[Any, ...]] = [
    # positional: in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias
    (3, 8, 3),
    (4, 6, (3, 5), 2, (1, 2)),
    (4, 8, 3, 1, 1, 2, 2, False),
    (6, 6, (2, 3), (2, 1), 0, (1, 2), 3, True),
]


def _parameter(module: nn.Module, name: str, what: str) -> torch.Tensor:
    found = dict(module.named_parameters())
    assert name in found, (
        f"{what} has no parameter {name!r} (torch's name); it has {sorted(found) or 'none'}"
    )
    return found[name]


def _load_into(reference: nn.Module, student: nn.Module, what: str) -> None:
    """Copy the student's parameters into ``reference`` by torch's names, checking shapes."""
    theirs = dict(student.named_parameters())
    for key, parameter in reference.named_parameters():
        got = _parameter(student, key, what)
        assert tuple(got.shape) == tuple(parameter.shape), (
            f"{what}.{key} has shape {tuple(got.shape)}, expected {tuple(parameter.shape)} "
            "(torch's layout)"
        )
        with torch.no_grad():
            parameter.copy_(theirs[key])


@check(
    points=5,
    title="Conv2d and MaxPool2d: torch's names and shapes; nn.Conv2d's state_dict loads and the "
    "outputs agree",
    hint="weight (out_channels, in_channels // groups, kh, kw) and bias (out_channels,) as "
    "nn.Parameter; without bias, self.register_parameter('bias', None)",
)
def test_modules_like_torch(submission: types.ModuleType) -> None:
    for i, args in enumerate(MODULE_CASES):
        what = _call("Conv2d", *args)
        student = submission.Conv2d(*args)
        assert isinstance(student, nn.Module), f"{what} is not an nn.Module"
        reference = TORCH_CONV2D(*args)
        found = {k: tuple(p.shape) for k, p in student.named_parameters()}
        want = {k: tuple(p.shape) for k, p in reference.named_parameters()}
        assert found == want, f"{what}'s parameters are {found}; torch's are {want}"
        extra = sorted(set(student.state_dict()) - set(reference.state_dict()))
        assert not extra, f"{what}'s state_dict has entries torch's has not: {extra}"
        student.load_state_dict(reference.state_dict())
        student, reference = student.double(), reference.double()
        x = randn64(2, args[0], 9, 10, seed=40 + i)
        with torch.no_grad():
            got = student(x)
            want_out = reference(x)
        _assert_close(f"{what} with nn.Conv2d's weights loaded", got, want_out, "nn.Conv2d's")
    pools: list[tuple[Any, ...]] = [(2,), (3, 2, 1), ((2, 3), (1, 2), (1, 0))]
    for args in pools:
        what = _call("MaxPool2d", *args)
        pool = submission.MaxPool2d(*args)
        assert isinstance(pool, nn.Module), f"{what} is not an nn.Module"
        assert count_parameters(pool) == 0, f"{what} has parameters; max pooling has none"
        x = _pool_input((2, 3, 9, 8), seed=50)
        with torch.no_grad():
            got = pool(x)
        _assert_close(what, got, MAX_POOL2D(x, *args), "F.max_pool2d's")


def _uniform_ok(values: torch.Tensor, bound: float) -> tuple[bool, str]:
    """Within ``±bound``, mean and mean square within 6 standard deviations of a uniform's."""
    v = values.detach().double().flatten()
    n = v.numel()
    largest = float(v.abs().max())
    ratio = float(v.pow(2).mean()) / (bound**2 / 3)
    mean = float(v.mean()) / (bound / math.sqrt(3))
    ok = (
        largest <= bound * (1 + 1e-6)
        and abs(ratio - 1) <= 6 * math.sqrt(0.8 / n)
        and abs(mean) <= 6 / math.sqrt(n)
    )
    return ok, (
        f"reach {largest:.3g}, with a mean square {ratio:.3g} times bound^2 / 3 and a mean "
        f"{mean:.3g} standard deviations"
    )


@check(
    points=5,
    title="Conv2d initialised like torch: weight and bias uniform in ±1/sqrt(fan_in)",
    hint="finish __init__ with init_like_torch(self.weight, self.bias); fan_in is "
    "(in_channels // groups) * kh * kw",
)
def test_initialisation(submission: types.ModuleType) -> None:
    for args in [(16, 64, 3), (8, 32, (3, 5), 1, 0, 1, 4), (3, 6, 5)]:
        what = _call("Conv2d", *args)
        module = submission.Conv2d(*args)
        weight = _parameter(module, "weight", what)
        bias = _parameter(module, "bias", what)
        fan_in = math.prod(tuple(weight.shape)[1:])
        bound = 1 / math.sqrt(fan_in)
        for name, values in (("weight", weight), ("bias", bias)):
            ok, found = _uniform_ok(values, bound)
            assert ok, (
                f"{what}.{name}'s values {found}; torch draws them uniformly in "
                f"±1/sqrt(fan_in) = ±{bound:.3g} (fan_in {fan_in}): use init_like_torch"
            )


# --- blocks and networks ------------------------------------------------------------------------


def _of_type(module: nn.Module, kind: Any) -> list[Any]:
    return [m for m in module.modules() if isinstance(m, kind)]


@check(
    points=5,
    title="vgg_block: num_convs x (your 3x3 Conv2d, padding 1, ReLU), then your 2x2 MaxPool2d "
    "stride 2, by value and count",
    hint="the first convolution maps in_channels to out_channels, the others out_channels to "
    "out_channels",
)
def test_vgg_block(submission: types.ModuleType) -> None:
    for cin, cout, num_convs in ((3, 8, 2), (4, 6, 3), (2, 5, 1)):
        what = _call("vgg_block", cin, cout, num_convs)
        block = submission.vgg_block(cin, cout, num_convs)
        assert isinstance(block, nn.Module), f"{what} returned a {type(block).__name__}"
        convs = _of_type(block, submission.Conv2d)
        pools = _of_type(block, submission.MaxPool2d)
        assert len(convs) == num_convs and len(pools) == 1, (
            f"{what} holds {len(convs)} of your Conv2d and {len(pools)} of your MaxPool2d, "
            f"expected {num_convs} and 1"
        )
        want_count = (9 * cin * cout + cout) + (num_convs - 1) * (9 * cout * cout + cout)
        assert count_parameters(block) == want_count, (
            f"{what} has {count_parameters(block):,} parameters, expected {want_count:,}"
        )
        block = block.double()
        x = randn64(2, cin, 10, 12, seed=60)
        with torch.no_grad():
            got = block(x)
            h = x
            for k, conv in enumerate(convs):
                name = f"{what}'s Conv2d number {k}"
                h = F.relu(CONV2D(h, _parameter(conv, "weight", name),
                                  _parameter(conv, "bias", name), padding=1))  # fmt: skip
            want = MAX_POOL2D(h, 2, 2)
        _assert_close(
            f"{what} on (2, {cin}, 10, 12)", got, want,
            "num_convs x (F.conv2d padding 1, ReLU), F.max_pool2d(2, 2) on your weights",
        )  # fmt: skip


INCEPTION_PARTS = ("branch1", "branch3_reduce", "branch3", "branch5_reduce", "branch5", "pool_proj")


def _inception_reference(
    in_channels: int, c1: int, c3r: int, c3: int, c5r: int, c5: int, pp: int
) -> nn.ModuleDict:
    return nn.ModuleDict(
        {
            "branch1": TORCH_CONV2D(in_channels, c1, 1),
            "branch3_reduce": TORCH_CONV2D(in_channels, c3r, 1),
            "branch3": TORCH_CONV2D(c3r, c3, 3, padding=1),
            "branch5_reduce": TORCH_CONV2D(in_channels, c5r, 1),
            "branch5": TORCH_CONV2D(c5r, c5, 5, padding=2),
            "pool_proj": TORCH_CONV2D(in_channels, pp, 1),
        }
    )


def _inception_forward(ref: nn.ModuleDict, x: torch.Tensor) -> list[torch.Tensor]:
    return [
        F.relu(ref["branch1"](x)),
        F.relu(ref["branch3"](F.relu(ref["branch3_reduce"](x)))),
        F.relu(ref["branch5"](F.relu(ref["branch5_reduce"](x)))),
        F.relu(ref["pool_proj"](MAX_POOL2D(x, 3, 1, 1))),
    ]


@check(
    points=5,
    title="InceptionBlock: branch names, parameter count, output channels in the order 1x1, "
    "3x3, 5x5, pool, by value",
    hint="torch.cat([branch1, branch3, branch5, pool_proj], dim=1), a ReLU after every "
    "convolution (the reductions included), pool = 3x3 max pool stride 1 padding 1",
)
def test_inception_block(submission: types.ModuleType) -> None:
    args = (192, 64, 96, 128, 16, 32, 32)  # GoogLeNet's inception (3a)
    with torch.device("meta"):
        full = submission.InceptionBlock(*args)
    want_count = count_parameters(_inception_reference(*args).to("meta"))
    got_count = count_parameters(full)
    assert got_count == want_count, (
        f"{_call('InceptionBlock', *args)} (GoogLeNet's 3a) has {got_count:,} parameters, "
        f"expected {want_count:,}"
    )
    args = (6, 2, 3, 4, 2, 3, 2)
    what = _call("InceptionBlock", *args)
    student = submission.InceptionBlock(*args)
    reference = _inception_reference(*args)
    _load_into(reference, student, what)
    student, reference = student.double(), reference.double()
    x = randn64(2, 6, 9, 9, seed=70)
    with torch.no_grad():
        got = student(x)
        parts = _inception_forward(reference, x)
    want = torch.cat(parts, dim=1)
    assert isinstance(got, torch.Tensor) and tuple(got.shape) == (2, 11, 9, 9), (
        f"{what} on (2, 6, 9, 9) gave {tuple(getattr(got, 'shape', ()))}, expected (2, 11, 9, 9) "
        "(c1 + c3 + c5 + pool_proj channels, H and W kept)"
    )
    if rel_error(got, want) > TOLERANCE:
        names = ["branch1 (1x1)", "branch3 (3x3)", "branch5 (5x5)", "pool_proj"]
        for order in permutations(range(4)):
            swapped = torch.cat([parts[k] for k in order], dim=1)
            if list(order) != [0, 1, 2, 3] and rel_error(got, swapped) <= TOLERANCE:
                pytest.fail(
                    f"{what}: the branches are concatenated as "
                    f"{', '.join(names[k] for k in order)}; the order is {', '.join(names)}"
                )
    _assert_close(
        f"{what} on (2, 6, 9, 9)", got, want,
        "the four branches of nn.Conv2d with your weights, ReLU after every convolution",
    )  # fmt: skip


def _forward_shapes(
    model: nn.Module, on_meta: bool, sizes: Sequence[int], fallback: int
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """``(input shape, logits shape)`` for square RGB inputs of each size on the meta device;
    on the CPU, for one small input of size ``fallback``, where the student's code cannot run
    on meta."""
    if on_meta:
        try:
            with torch.no_grad():
                return [
                    (
                        (1, 3, s, s),
                        tuple(model.eval()(torch.empty(1, 3, s, s, device="meta")).shape),
                    )
                    for s in sizes
                ]
        except ForbiddenCall:
            raise
        except Exception:  # as in build_on_meta: a skeleton's forward raises again on the CPU
            model = model.to_empty(device="cpu")
    shape = (1, 3, fallback, fallback)
    with torch.no_grad():
        return [(shape, tuple(model.eval()(torch.randn(*shape)).shape))]


@check(
    points=5,
    title="AlexNet, VGG and vgg16: torchvision's parameter counts (61,100,840, 132,863,336 and "
    "138,357,544) and logits (B, num_classes)",
    hint="AlexNet: 64-192-384-256-256 channels, AdaptiveAvgPool2d((6, 6)), 9216-4096-4096; "
    "VGG: one vgg_block per (out_channels, num_convs), AdaptiveAvgPool2d((7, 7)), 4096-4096",
)
def test_network_counts(submission: types.ModuleType) -> None:
    vgg11 = ((64, 1), (128, 1), (256, 2), (512, 2), (512, 2))
    cases: list[tuple[str, Callable[[], nn.Module], int, int]] = [
        ("AlexNet()", lambda: submission.AlexNet(), 61_100_840, 64),
        ("AlexNet(num_classes=10)", lambda: submission.AlexNet(num_classes=10), 57_044_810, 64),
        ("vgg16()", lambda: submission.vgg16(), 138_357_544, 32),
        ("vgg16(num_classes=10)", lambda: submission.vgg16(num_classes=10), 134_301_514, 32),
        (f"VGG({vgg11}) (VGG-11)", lambda: submission.VGG(vgg11), 132_863_336, 32),
    ]  # fmt: skip
    for what, factory, want, fallback in cases:
        model, on_meta = build_on_meta(factory)
        got = count_parameters(model)
        assert got == want, f"{what} has {got:,} parameters, expected {want:,} (torchvision's)"
        classes = 10 if "10" in what else 1000
        for shape, out in _forward_shapes(model, on_meta, (224, 256), fallback):
            assert out == (1, classes), (
                f"{what} on {shape} gave logits of shape {out}, expected {(1, classes)} (the "
                "adaptive average pool makes the classifier's input size independent of H and W)"
            )


@check(
    points=5,
    title="No torch convolution or max-pooling operator in your file (F.unfold and "
    "nn.AdaptiveAvgPool2d are fine)",
)
def test_no_forbidden_api(submission: types.ModuleType, submission_path: Path, spec: Any) -> None:
    x = torch.randn(2, 4, 9, 9)
    runs: list[tuple[str, Callable[[], object]]] = [
        ("conv2d", lambda: submission.conv2d(x, torch.randn(6, 2, 3, 3), None, 1, 1, 1, 2)),
        ("max_pool2d", lambda: submission.max_pool2d(x, 3, 2, 1)),
        ("Conv2d", lambda: submission.Conv2d(4, 6, 3, padding=1)(x)),
        ("MaxPool2d", lambda: submission.MaxPool2d(2)(x)),
        ("vgg_block", lambda: submission.vgg_block(4, 8, 2)(x)),
        ("InceptionBlock", lambda: submission.InceptionBlock(4, 2, 3, 4, 2, 3, 2)(x)),
    ]
    assert_no_forbidden(submission_path, spec.forbidden, runs)


# --- accuracy -----------------------------------------------------------------------------------


class SmallCNN(nn.Module):
    """Two blocks of (the student's 3x3 ``Conv2d``, ReLU, the student's 2x2 ``MaxPool2d``), then
    a linear layer: ``(B, 1, 28, 28)`` -> ``(B, 10)``."""

    def __init__(self, module: types.ModuleType, channels: Sequence[int]) -> None:
        super().__init__()
        c1, c2 = channels
        self.features = nn.Sequential(
            module.Conv2d(1, c1, 3, 1, 1),
            nn.ReLU(),
            module.MaxPool2d(2),
            module.Conv2d(c1, c2, 3, 1, 1),
            nn.ReLU(),
            module.MaxPool2d(2),
        )
        self.head = nn.Linear(c2 * 7 * 7, 10)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        result: torch.Tensor = self.head(torch.flatten(self.features(images), 1))
        return result


def accuracy_model(module: types.ModuleType, params: dict[str, Any]) -> nn.Module:
    """The accuracy check's network: :class:`SmallCNN` with the profile's ``channels``."""
    return SmallCNN(module, [int(c) for c in params["channels"]])


@check(
    points=10,
    title="A small CNN of your Conv2d and MaxPool2d: Fashion-MNIST test accuracy after the "
    "profile's training budget",
    hint="if the loss does not fall, check conv2d's gradients and Conv2d's initialisation",
    training=True,
)
def test_accuracy(
    submission: types.ModuleType, fashion_mnist: Any, profile: Any, device: torch.device,
    progress: Any, seed: int, measure: Any,
) -> None:  # fmt: skip
    assert_trains(
        accuracy_model(submission, profile.params).to(device),
        fashion_mnist,
        profile,
        progress,
        seed=seed,
        measure=measure,
    )
