"""Hidden suite of the `lstm` assignment.

Each test is one graded check (``@pytest.mark.check``); fixtures come from
:mod:`grader.plugin`. The student's modules use torch's parameter names and layouts, so the
reference is ``torch.nn.LSTM`` / ``torch.nn.GRU`` (and their cells) with the student's weights
copied in, compared in float64 with CS231n's relative error. Sources: Hochreiter and
Schmidhuber, 1997 (with the forget gate of Gers et al., 2000); Cho et al., 2014
(arXiv:1406.1078) in torch's form, n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).

The plugin refuses the kernels ``nn.LSTM`` and friends run (``forbidden_calls`` in
``assignment.yaml``) whenever the student's file is on the stack, so a submission that wraps
``nn.LSTM`` errors in every check that runs it, with a message naming the call.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

from grader.numerics import rel_error
from grader.suites.common import assert_no_forbidden, assert_trains, count_parameters

check = pytest.mark.check

TOLERANCE = 1e-10
"""Largest relative error (CS231n's ``rel_error``) accepted against torch in float64."""

DTYPE_HINT = (
    "make default states with x.new_zeros(...) so they follow x's dtype and device, and "
    "check the gate order (LSTM: i, f, g, o; GRU: r, z, n)"
)


@dataclass(frozen=True)
class Config:
    """One module configuration the agreement checks run."""

    input_size: int = 5
    hidden_size: int = 7
    num_layers: int = 1
    bias: bool = True
    batch_first: bool = False
    steps: int = 6
    batch: int = 3

    def describe(self, kind: str) -> str:
        extra = "".join(
            [
                f", num_layers={self.num_layers}" if self.num_layers != 1 else "",
                ", bias=False" if not self.bias else "",
                ", batch_first=True" if self.batch_first else "",
            ]
        )
        return f"{kind}({self.input_size}, {self.hidden_size}{extra})"

    def input(self, generator: torch.Generator) -> torch.Tensor:
        shape = (self.batch, self.steps, self.input_size)
        if not self.batch_first:
            shape = (self.steps, self.batch, self.input_size)
        return torch.randn(*shape, dtype=torch.float64, generator=generator)

    def state(self, generator: torch.Generator) -> torch.Tensor:
        shape = (self.num_layers, self.batch, self.hidden_size)
        return torch.randn(*shape, dtype=torch.float64, generator=generator) * 0.5


CONFIGS = [
    Config(),
    Config(num_layers=2, batch_first=True),
    Config(input_size=4, hidden_size=6, num_layers=3, bias=False, steps=5, batch=2),
]


def _generator(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _load_into(reference: nn.Module, student: nn.Module, name: str) -> None:
    """Copy the student's parameters into ``reference`` by torch's names."""
    theirs = dict(student.named_parameters())
    for key, parameter in reference.named_parameters():
        assert key in theirs, (
            f"{name} has no parameter {key!r} (torch's name); it has "
            f"{sorted(theirs) or 'no parameters'}"
        )
        assert tuple(theirs[key].shape) == tuple(parameter.shape), (
            f"{name}.{key} has shape {tuple(theirs[key].shape)}, expected "
            f"{tuple(parameter.shape)} (torch's layout)"
        )
        with torch.no_grad():
            parameter.copy_(theirs[key])


REFERENCES: dict[str, type[nn.Module]] = {
    "LSTM": nn.LSTM,
    "GRU": nn.GRU,
    "LSTMCell": nn.LSTMCell,
    "GRUCell": nn.GRUCell,
}
"""torch's modules, taken when the suite is imported (before the student's file is): a file
that replaces ``torch.nn.LSTM`` later does not change what it is compared with."""


def _pair(kind: str, submission: types.ModuleType, config: Config) -> tuple[nn.Module, nn.Module]:
    """The student's module and torch's, in float64 with the same weights."""
    args = (config.input_size, config.hidden_size, config.num_layers, config.bias)
    student = getattr(submission, kind)(*args, config.batch_first).double()
    reference = REFERENCES[kind](*args, batch_first=config.batch_first).double()
    _load_into(reference, student, config.describe(kind))
    return student, reference


def _states(result: Any) -> list[tuple[str, torch.Tensor]]:
    """``[("output", ...), ("h_n", ...), ("c_n", ...)]`` from an LSTM's or GRU's return."""
    output, state = result
    if isinstance(state, torch.Tensor):
        return [("output", output), ("h_n", state)]
    return [("output", output), ("h_n", state[0]), ("c_n", state[1])]


def _assert_close(
    name: str, what: str, got: torch.Tensor, want: torch.Tensor, against: str = "torch's"
) -> None:
    assert isinstance(got, torch.Tensor), f"{name}: {what} is a {type(got).__name__}, not a tensor"
    assert got.shape == want.shape, (
        f"{name}: {what} has shape {tuple(got.shape)}, expected {tuple(want.shape)}"
    )
    error = rel_error(got, want)
    assert error <= TOLERANCE, (
        f"{name}: {what} differs from {against} (relative error {error:.1e}, at most "
        f"{TOLERANCE:.0e} allowed)"
    )


def _with_state(kind: str, state: torch.Tensor, cell_state: torch.Tensor) -> Any:
    return (state, cell_state) if kind.startswith("LSTM") else state


def _agreement(kind: str, submission: types.ModuleType) -> None:
    generator = _generator()
    for config in CONFIGS:
        student, reference = _pair(kind, submission, config)
        x = config.input(generator)
        given = _with_state(kind, config.state(generator), config.state(generator))
        for state, label in [(None, "default state"), (given, "given initial state")]:
            name = f"{config.describe(kind)} with the {label}"
            with torch.no_grad():
                got = _states(student(x, state))
                want = _states(reference(x, state))
            for (what, a), (_, b) in zip(got, want, strict=True):
                _assert_close(name, what, a, b)


def _cell_agreement(kind: str, submission: types.ModuleType) -> None:
    generator = _generator(1)
    for bias in (True, False):
        student = getattr(submission, kind)(5, 7, bias).double()
        reference = REFERENCES[kind](5, 7, bias).double()
        name = f"{kind}(5, 7{'' if bias else ', bias=False'})"
        _load_into(reference, student, name)
        x = torch.randn(3, 5, dtype=torch.float64, generator=generator)
        h = torch.randn(3, 7, dtype=torch.float64, generator=generator)
        c = torch.randn(3, 7, dtype=torch.float64, generator=generator)
        given = _with_state(kind, h, c)
        for state, label in [(None, "default state"), (given, "given state")]:
            with torch.no_grad():
                got, want = student(x, state), reference(x, state)
            if kind == "LSTMCell":
                assert isinstance(got, tuple) and len(got) == 2, (
                    f"{name} should return (h, c), got {type(got).__name__}"
                )
                _assert_close(f"{name} with the {label}", "h", got[0], want[0])
                _assert_close(f"{name} with the {label}", "c", got[1], want[1])
            else:
                _assert_close(f"{name} with the {label}", "h", got, want)
        _function_agreement(kind, submission, reference, x, h, c)


def _function_agreement(
    kind: str,
    submission: types.ModuleType,
    reference: nn.Module,
    x: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
) -> None:
    """The module-level ``lstm_cell`` / ``gru_cell`` the skeleton asks for, called directly with
    torch's weights (``None`` biases for ``bias=False``), against torch's cell."""
    function = "lstm_cell" if kind == "LSTMCell" else "gru_cell"
    weights = (reference.weight_ih, reference.weight_hh, reference.bias_ih, reference.bias_hh)
    biased = reference.bias_ih is not None
    call = f"{function}(x, h{', c' if kind == 'LSTMCell' else ''}, W_ih, W_hh" + (
        ", b_ih, b_hh)" if biased else ", None, None)"
    )
    with torch.no_grad():
        if kind == "LSTMCell":
            got = getattr(submission, function)(x, h, c, *weights)
            want = reference(x, (h, c))
            assert isinstance(got, tuple) and len(got) == 2, (
                f"{call} should return (h', c'), got {type(got).__name__}"
            )
            _assert_close(call, "h'", got[0], want[0], against=f"torch.nn.{kind}'s")
            _assert_close(call, "c'", got[1], want[1], against=f"torch.nn.{kind}'s")
        else:
            got = getattr(submission, function)(x, h, *weights)
            _assert_close(call, "h'", got, reference(x, h), against=f"torch.nn.{kind}'s")


def _gradients(kind: str, submission: types.ModuleType) -> None:
    """Gradients of one scalar loss w.r.t. input, initial state and every parameter."""
    generator = _generator(2)
    for config in CONFIGS[:2]:
        student, reference = _pair(kind, submission, config)
        x = config.input(generator)
        h0, c0 = config.state(generator), config.state(generator)
        leaves: dict[str, dict[str, torch.Tensor]] = {}
        for label, module in [("student", student), ("reference", reference)]:
            inputs = {
                "x": x.clone().requires_grad_(),
                "h_0": h0.clone().requires_grad_(),
                "c_0": c0.clone().requires_grad_(),
            }
            if kind == "GRU":
                del inputs["c_0"]
            state = _with_state(kind, inputs["h_0"], inputs.get("c_0", h0))
            outputs = _states(module(inputs["x"], state))
            weights = torch.Generator().manual_seed(3)
            loss = sum(
                (t * torch.randn(t.shape, dtype=torch.float64, generator=weights)).sum()
                for _, t in outputs
            )
            assert isinstance(loss, torch.Tensor)
            assert loss.requires_grad, (
                f"{config.describe(kind)}: the output does not depend on the parameters "
                "(is something detached or computed under torch.no_grad()?)"
            )
            loss.backward()  # type: ignore[no-untyped-call]
            leaves[label] = {**inputs, **dict(module.named_parameters())}
        name = config.describe(kind)
        for key, want in leaves["reference"].items():
            got = leaves["student"][key]
            assert got.grad is not None, (
                f"{name}: no gradient reaches {key} (is it detached or unused?)"
            )
            assert want.grad is not None
            _assert_close(name, f"the gradient w.r.t. {key}", got.grad, want.grad)


@check(points=5, title="LSTMCell and GRUCell output shapes, default and given state")
def test_cell_shapes(submission: types.ModuleType) -> None:
    x = torch.randn(3, 5)
    h, c = torch.randn(3, 7), torch.randn(3, 7)
    with torch.no_grad():
        lstm = submission.LSTMCell(5, 7)
        for state, label in [(None, "state=None"), ((h, c), "a given (h, c)")]:
            out = lstm(x, state)
            assert isinstance(out, tuple) and len(out) == 2, (
                f"LSTMCell(5, 7) with {label} should return (h, c), got {type(out).__name__}"
            )
            shapes = tuple(tuple(t.shape) for t in out)
            assert shapes == ((3, 7), (3, 7)), (
                f"LSTMCell(5, 7) on x (3, 5) with {label} returned shapes {shapes}, "
                "expected (3, 7) and (3, 7)"
            )
        gru = submission.GRUCell(5, 7)
        for state, label in [(None, "state=None"), (h, "a given h")]:
            out = gru(x, state)
            assert isinstance(out, torch.Tensor), (
                f"GRUCell(5, 7) with {label} should return h' as one tensor, got "
                f"{type(out).__name__}"
            )
            assert tuple(out.shape) == (3, 7), (
                f"GRUCell(5, 7) on x (3, 5) with {label} returned {tuple(out.shape)}, "
                "expected (3, 7)"
            )


def _sequence_shapes(kind: str, submission: types.ModuleType) -> None:
    for layers, batch_first in [(1, False), (1, True), (3, False), (2, True)]:
        module = getattr(submission, kind)(5, 7, num_layers=layers, batch_first=batch_first)
        x = torch.randn(4, 6, 5) if batch_first else torch.randn(6, 4, 5)
        want_output = (4, 6, 7) if batch_first else (6, 4, 7)
        state_shape = (layers, 4, 7)
        name = Config(num_layers=layers, batch_first=batch_first).describe(kind)
        given = _with_state(kind, torch.randn(*state_shape), torch.randn(*state_shape))
        for state, label in [(None, "state=None"), (given, "a given state")]:
            with torch.no_grad():
                result = module(x, state)
            assert isinstance(result, tuple) and len(result) == 2, (
                f"{name} should return (output, {'(h_n, c_n)' if kind == 'LSTM' else 'h_n'})"
            )
            if kind == "LSTM":
                assert isinstance(result[1], tuple) and len(result[1]) == 2, (
                    f"{name}'s second result should be the pair (h_n, c_n)"
                )
            got = [tuple(t.shape) for _, t in _states(result)]
            want = [want_output] + [state_shape] * (len(got) - 1)
            assert got == want, (
                f"{name} on x {tuple(x.shape)} with {label} returned shapes {got}, expected {want}"
            )


@check(points=10, title="LSTM shapes: batch_first both ways, multi-layer, default and given state")
def test_lstm_shapes(submission: types.ModuleType) -> None:
    _sequence_shapes("LSTM", submission)


@check(points=5, title="GRU shapes: batch_first both ways, multi-layer, default and given state")
def test_gru_shapes(submission: types.ModuleType) -> None:
    _sequence_shapes("GRU", submission)


def _expected_parameters(
    gates: int, input_size: int, hidden_size: int, layers: int, bias: bool, cell: bool
) -> dict[str, tuple[int, ...]]:
    rows = gates * hidden_size
    expected: dict[str, tuple[int, ...]] = {}
    for k in range(layers):
        suffix = "" if cell else f"_l{k}"
        columns = input_size if k == 0 else hidden_size
        expected[f"weight_ih{suffix}"] = (rows, columns)
        expected[f"weight_hh{suffix}"] = (rows, hidden_size)
        if bias:
            expected[f"bias_ih{suffix}"] = (rows,)
            expected[f"bias_hh{suffix}"] = (rows,)
    return expected


@check(
    points=10,
    title="Parameter names, shapes and counts: 4H(I + H + 2) per LSTM layer, 3H(I + H + 2) per "
    "GRU; initialised like torch",
    hint="layers after the first read the layer below, so their I is H; there are two biases; "
    "finish __init__ with init_like_torch(self, hidden_size)",
)
def test_parameter_counts(submission: types.ModuleType) -> None:
    for kind, gates in [("LSTM", 4), ("GRU", 3)]:
        for size, hidden, layers, bias in [(10, 20, 1, True), (10, 20, 3, True), (6, 4, 2, False)]:
            for cell in (False, True):
                if cell and layers > 1:
                    continue
                cls = f"{kind}Cell" if cell else kind
                module = (
                    getattr(submission, cls)(size, hidden, bias)
                    if cell
                    else getattr(submission, cls)(size, hidden, layers, bias)
                )
                expected = _expected_parameters(gates, size, hidden, layers, bias, cell)
                name = (
                    f"{cls}({size}, {hidden}{'' if bias else ', bias=False'})"
                    if cell
                    else Config(size, hidden, layers, bias).describe(kind)
                )
                want = sum(int(torch.Size(s).numel()) for s in expected.values())
                got = count_parameters(module)
                formula = f"{gates}H(I + H{' + 2' if bias else ''})"
                assert got == want, (
                    f"{name} has {got:,} parameters, expected {want:,}: {formula} for the first "
                    f"layer{' and with I = H for each further layer' if layers > 1 else ''}"
                )
                found = {k: tuple(p.shape) for k, p in module.named_parameters()}
                assert found == expected, (
                    f"{name}'s parameters are {found}; expected torch's names and shapes {expected}"
                )
                # init_like_torch: uniform in +-1/sqrt(H); all of a module's values at once
                # (at least 80 of them), their mean square within 6 standard deviations of
                # bound^2 / 3 (the relative standard deviation of a uniform's: sqrt(0.8 / n))
                values = torch.cat([p.detach().double().flatten() for p in module.parameters()])
                bound = 1 / hidden**0.5
                ratio = float(values.pow(2).mean()) / (bound**2 / 3)
                largest = float(values.abs().max())
                slack = 6 * (0.8 / values.numel()) ** 0.5
                ok = largest <= bound * (1 + 1e-6) and abs(ratio - 1) <= slack
                assert ok, (
                    f"{name}'s parameters reach {largest:.3g} with a mean square {ratio:.3g} "
                    f"times bound^2 / 3; init_like_torch draws them uniformly in +-1/sqrt("
                    f"{hidden}) = +-{bound:.3g}: call it at the end of __init__"
                )


@check(
    points=15,
    title="lstm_cell, LSTMCell and LSTM agree with torch.nn.LSTM (float64, relative error 1e-10)",
    hint=DTYPE_HINT,
)
def test_lstm_matches_torch(submission: types.ModuleType) -> None:
    _cell_agreement("LSTMCell", submission)
    _agreement("LSTM", submission)


@check(
    points=10,
    title="gru_cell, GRUCell and GRU agree with torch.nn.GRU (float64, relative error 1e-10)",
    hint="n = tanh(W_in x + b_in + r * (W_hn h + b_hn)): the reset gate multiplies W_hn h + b_hn",
)
def test_gru_matches_torch(submission: types.ModuleType) -> None:
    _cell_agreement("GRUCell", submission)
    _agreement("GRU", submission)


@check(
    points=10,
    title="LSTM gradients w.r.t. input, initial state and every parameter agree with torch's",
    hint="do not detach the state between time steps or layers",
)
def test_lstm_gradients_match_torch(submission: types.ModuleType) -> None:
    _gradients("LSTM", submission)


@check(
    points=5,
    title="GRU gradients w.r.t. input, initial state and every parameter agree with torch's",
    hint="do not detach the state between time steps or layers",
)
def test_gru_gradients_match_torch(submission: types.ModuleType) -> None:
    _gradients("GRU", submission)


def _gradcheck(kind: str, submission: types.ModuleType) -> None:
    """gradcheck w.r.t. the input, the state and every parameter of one cell."""
    cell = getattr(submission, kind)(3, 4).double()
    names = [name for name, _ in cell.named_parameters()]
    generator = _generator(4)
    x = torch.randn(2, 3, dtype=torch.float64, generator=generator)
    states = [torch.randn(2, 4, dtype=torch.float64, generator=generator)]
    if kind == "LSTMCell":
        states.append(torch.randn(2, 4, dtype=torch.float64, generator=generator))
    params = [p.detach().clone() for p in cell.parameters()]

    def run(*tensors: torch.Tensor) -> Any:
        x_, *rest = tensors
        state = tuple(rest[: len(states)]) if len(states) == 2 else rest[0]
        values = dict(zip(names, rest[len(states) :], strict=True))
        return torch.func.functional_call(cell, values, (x_, state))

    inputs = tuple(t.requires_grad_() for t in (x, *states, *params))
    ok = torch.autograd.gradcheck(run, inputs, eps=1e-6, atol=1e-6, raise_exception=False)
    assert ok, (
        f"{kind}(3, 4): torch.autograd.gradcheck finds that the gradients autograd computes "
        "through your cell differ from finite differences (a custom backward, .data or "
        "detach() in the cell?)"
    )


@check(
    points=5,
    title="torch.autograd.gradcheck passes on LSTMCell and GRUCell (float64)",
    visibility="hidden",
)
def test_cell_gradcheck(submission: types.ModuleType) -> None:
    _gradcheck("LSTMCell", submission)
    _gradcheck("GRUCell", submission)


@check(
    points=5,
    title="Carrying state: two chunks with the state passed on equal one run",
    hint="start each layer k from state[k] when a state is given (not from zeros)",
)
def test_state_carries_over_chunks(submission: types.ModuleType) -> None:
    generator = _generator(5)
    for kind, config in [
        ("LSTM", Config(num_layers=2, steps=8)),
        ("GRU", Config(num_layers=2, batch_first=True, steps=8)),
    ]:
        module = getattr(submission, kind)(
            config.input_size, config.hidden_size, config.num_layers, True, config.batch_first
        ).double()
        x = config.input(generator)
        time_dim = 1 if config.batch_first else 0
        first, second = x.split([3, 5], dim=time_dim)
        with torch.no_grad():
            whole = _states(module(x))
            part_one, state = module(first)
            part_two = _states(module(second, state))
        name = f"{config.describe(kind)} on 8 steps run as 3 + 5, passing the state on"
        joined = torch.cat([part_one, part_two[0][1]], dim=time_dim)
        one_run = "one run over all 8"
        _assert_close(name, "the output", joined, whole[0][1], against=one_run)
        for (what, a), (_, b) in zip(part_two[1:], whole[1:], strict=True):
            _assert_close(name, f"the final {what}", a, b, against=one_run)


@check(points=5, title="No nn.LSTM / nn.GRU / nn.RNN* or torch's fused kernels in your file")
def test_no_forbidden_api(submission: types.ModuleType, submission_path: Path, spec: Any) -> None:
    runs: list[tuple[str, Callable[[], object]]] = [
        ("LSTM", lambda: submission.LSTM(3, 4)(torch.randn(2, 1, 3))),
        ("GRU", lambda: submission.GRU(3, 4)(torch.randn(2, 1, 3))),
        ("LSTMCell", lambda: submission.LSTMCell(3, 4)(torch.randn(1, 3))),
        ("GRUCell", lambda: submission.GRUCell(3, 4)(torch.randn(1, 3))),
    ]
    assert_no_forbidden(submission_path, spec.forbidden, runs)


class RowClassifier(nn.Module):
    """Reads a 28x28 image as 28 time steps of 28 pixels; classifies from the last ``h_n``."""

    def __init__(self, rnn: nn.Module, hidden_size: int) -> None:
        super().__init__()
        self.rnn = rnn
        self.head = nn.Linear(hidden_size, 10)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """``(B, 1, 28, 28)`` -> logits ``(B, 10)``."""
        _, (h_n, _) = self.rnn(images.squeeze(1))
        result: torch.Tensor = self.head(h_n[-1])
        return result


def accuracy_model(module: types.ModuleType, params: dict[str, Any]) -> nn.Module:
    """The accuracy check's network: ``module.LSTM(28, hidden_size, num_layers, batch_first)``
    in a :class:`RowClassifier`."""
    hidden = int(params["hidden_size"])
    rnn = module.LSTM(28, hidden, num_layers=int(params.get("num_layers", 1)), batch_first=True)
    return RowClassifier(rnn, hidden)


@check(
    points=15,
    title="Row-by-row Fashion-MNIST test accuracy after the profile's training budget",
    hint="if the loss does not fall, check the cell update c' = f * c + i * g, h' = o * tanh(c')",
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
