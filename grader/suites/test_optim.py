"""Hidden suite of the `optim` assignment.

Each test is one graded check (``@pytest.mark.check``); fixtures come from
:mod:`grader.plugin`. The student's SGD, Adam and AdamW are run next to ``torch.optim``'s on
the same small problems in float64 for 200 steps, and every parameter's trajectory is compared
(CS231n's relative error, at most 1e-10: the same maths in another order of operations stays
near 1e-15). Sources: Kingma and Ba, ICLR 2015 (arXiv:1412.6980), Algorithm 1; Reddi et al.,
ICLR 2018 (AMSGrad); Loshchilov and Hutter, ICLR 2019 (arXiv:1711.05101), Algorithm 2; torch's
documented update rules for SGD with momentum, dampening and Nesterov.

The plugin refuses the functions torch's optimizers run (``forbidden_calls`` in
``assignment.yaml``) whenever the student's file is on the stack, so a submission that wraps
``torch.optim.Adam`` errors in every check that steps it, with a message naming the call.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

from grader.numerics import rel_error
from grader.race import MINIMUM, NEAR, START, rosenbrock
from grader.suites.common import assert_no_forbidden, assert_trains

check = pytest.mark.check

TOLERANCE = 1e-10
"""Largest relative error (CS231n's ``rel_error``) accepted against torch in float64."""

STEPS = 200
"""Steps of every trajectory compared with torch's."""

REFERENCES: dict[str, type[torch.optim.Optimizer]] = {
    "SGD": torch.optim.SGD,
    "Adam": torch.optim.Adam,
    "AdamW": torch.optim.AdamW,
}
"""torch's optimizers, taken when the suite is imported (before the student's file is)."""

ORDER_HINT = (
    "apply the updates in the order the docstring gives, read every option from group[...], "
    "and count steps with Python ints"
)

Loss = Callable[[list[torch.Tensor]], torch.Tensor]


@dataclass(frozen=True)
class Problem:
    """A small smooth regression problem in float64: log-cosh loss of an affine map.

    Its parameters start in [1, 2] and its optimum lies in [1, 3], so no coordinate passes
    near zero, where a relative error would mean nothing.

    Attributes:
        start: The starting point, ``W (4, 3)`` and ``b (3,)``.
        x: Inputs ``(32, 4)``.
        y: Targets ``(32, 3)``.
    """

    start: list[torch.Tensor]
    x: torch.Tensor
    y: torch.Tensor

    @classmethod
    def make(cls, seed: int) -> Problem:
        g = torch.Generator().manual_seed(seed)

        def uniform(*shape: int, low: float = 1.0, high: float = 2.0) -> torch.Tensor:
            return low + (high - low) * torch.rand(*shape, dtype=torch.float64, generator=g)

        x = torch.randn(32, 4, dtype=torch.float64, generator=g)
        y = x @ uniform(4, 3, high=3.0) + uniform(3)  # (32, 3)
        y = y + 0.1 * torch.randn(32, 3, dtype=torch.float64, generator=g)
        return cls([uniform(4, 3), uniform(3)], x, y)

    def parameters(self) -> list[torch.Tensor]:
        """Fresh leaf copies of the starting point: ``W (4, 3)`` and ``b (3,)``."""
        return [p.clone().requires_grad_() for p in self.start]

    def loss(self, params: list[torch.Tensor]) -> torch.Tensor:
        weight, bias = params
        return torch.log(torch.cosh(self.x @ weight + bias - self.y)).mean()


def _describe(kind: str, options: dict[str, Any]) -> str:
    return f"{kind}({', '.join(f'{k}={v!r}' for k, v in options.items())})"


def _assert_own(kind: str, cls: type) -> None:
    """``cls`` is a ``torch.optim.Optimizer`` none of whose classes but ``Optimizer`` itself is
    torch's: ``class Adam(torch.optim.Adam): pass`` would run torch's step with no frame of the
    student's file on the stack, out of the run-time guard's sight."""
    assert isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer), (
        f"{kind} should be a class derived from torch.optim.Optimizer, not "
        f"{getattr(cls, '__name__', type(cls).__name__)}"
    )
    borrowed = [
        f"{c.__module__}.{c.__qualname__}"
        for c in cls.__mro__
        if c.__module__.startswith("torch.") and c is not torch.optim.Optimizer
    ]
    assert not borrowed, (
        f"{kind} is or derives from {borrowed[0]}: derive from torch.optim.Optimizer and "
        "write the update yourself"
    )


def _construct(
    submission: types.ModuleType, kind: str, params: Any, options: dict[str, Any]
) -> torch.optim.Optimizer:
    """The student's optimizer of ``kind`` (see :func:`_assert_own`)."""
    optimizer = getattr(submission, kind)(params, **options)
    _assert_own(kind, type(optimizer))
    assert isinstance(optimizer, torch.optim.Optimizer)
    return optimizer


def _steps(
    optimizer: torch.optim.Optimizer,
    params: list[torch.Tensor],
    loss: Loss,
    steps: int,
    live: Callable[[int], list[torch.Tensor]] | None = None,
    schedule: Any = None,
) -> Iterator[list[torch.Tensor]]:
    """Take ``steps`` steps, yielding copies of ``params`` after each.

    ``live(step)`` picks the parameters the loss sees at that step (the others get no
    gradient); ``schedule`` is stepped after each step.
    """
    for step in range(steps):
        optimizer.zero_grad()
        used = params if live is None else live(step)
        value = loss(used) if live is None else _partial_loss(loss, params, used)
        value.backward()
        optimizer.step()
        if schedule is not None:
            schedule.step()
        yield [p.detach().clone() for p in params]


def _partial_loss(loss: Loss, params: list[torch.Tensor], used: list[torch.Tensor]) -> Any:
    """The loss with the parameters not in ``used`` taken as constants (no gradient)."""
    return loss([p if any(p is u for u in used) else p.detach() for p in params])


def _torch_path(
    cache: dict[object, Any],
    key: tuple[object, ...],
    run: Callable[[], Iterator[list[torch.Tensor]]],
) -> Iterator[list[torch.Tensor]]:
    """torch's trajectory ``run()`` (the parameters after each step), kept in ``cache`` (the
    plugin's ``reference_cache``) on first use and replayed after: it does not depend on the
    submission, so a trusted batch of submissions in one process
    (:func:`grader.runner.grade_many`) computes each once."""
    key = ("optim", *key)
    if key not in cache:
        cache[key] = list(run())
    return iter(cache[key])


def _torch_run(
    kind: str,
    groups: Any,
    options: dict[str, Any],
    params: list[torch.Tensor],
    loss: Loss,
    live: Callable[[int], list[torch.Tensor]] | None = None,
    scheduled: Callable[[torch.optim.Optimizer], Any] | None = None,
) -> Callable[[], Iterator[list[torch.Tensor]]]:
    """What :func:`_torch_path` runs: torch's ``kind`` made on ``groups`` (the parameters or
    their groups) with ``options``, stepping ``params`` (see :func:`_steps`)."""

    def run() -> Iterator[list[torch.Tensor]]:
        optimizer = REFERENCES[kind](groups, **options)
        schedule = None if scheduled is None else scheduled(optimizer)
        return _steps(optimizer, params, loss, STEPS, live, schedule)

    return run


def _compare(
    name: str,
    reference: str,
    got: Iterator[list[torch.Tensor]],
    want: Iterator[list[torch.Tensor]],
    offset: int = 0,
) -> None:
    """Fail at the first step whose parameters differ from the reference's."""
    for step, (mine, theirs) in enumerate(zip(got, want, strict=True), start=offset + 1):
        for index, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            assert a.shape == b.shape, (
                f"{name}: parameter {index} has shape {tuple(a.shape)} after step {step}, "
                f"expected {tuple(b.shape)}"
            )
            assert a.dtype == torch.float64, (
                f"{name}: parameter {index} became {a.dtype} after step {step}; keep the "
                "parameter's dtype (float64 here)"
            )
            error = rel_error(a, b)
            assert error <= TOLERANCE, (
                f"{name}: after step {step} of {STEPS} the parameters differ from "
                f"{reference}'s (relative error {error:.1e}, at most {TOLERANCE:.0e} allowed)"
            )


def _trajectory(
    submission: types.ModuleType,
    kind: str,
    options: dict[str, Any],
    seed: int,
    cache: dict[object, Any],
) -> None:
    """200 steps of the student's optimizer and torch's on one problem, compared each step."""
    problem = Problem.make(seed)
    mine, theirs = problem.parameters(), problem.parameters()
    student = _construct(submission, kind, mine, options)
    _compare(
        _describe(kind, options),
        f"torch.optim.{kind}",
        _steps(student, mine, problem.loss, STEPS),
        _torch_path(
            cache,
            ("trajectory", kind, repr(options), seed),
            _torch_run(kind, theirs, options, theirs, problem.loss),
        ),
    )


SGD_OPTIONS: list[dict[str, Any]] = [
    {"lr": 0.1},
    {"lr": 0.1, "weight_decay": 0.05},
    {"lr": 0.05, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.9, "dampening": 0.5},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True},
    {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.05, "nesterov": True},
]
ADAM_OPTIONS: list[dict[str, Any]] = [
    {"lr": 0.05},
    {"lr": 0.05, "betas": (0.8, 0.99)},
    {"lr": 0.05, "eps": 1e-3},
    {"lr": 0.05, "weight_decay": 0.05},
    {"lr": 0.05, "amsgrad": True},
    {"lr": 0.05, "weight_decay": 0.05, "amsgrad": True},
]
ADAMW_OPTIONS: list[dict[str, Any]] = [
    {"lr": 0.05},
    {"lr": 0.05, "weight_decay": 0.1},
    {"lr": 0.05, "weight_decay": 0.1, "eps": 1e-3, "betas": (0.8, 0.99)},
    {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True},
]


@check(
    points=5,
    title="SGD, Adam and AdamW are torch.optim.Optimizer subclasses: param groups with "
    "torch's option names, step(closure)",
    hint="call super().__init__(params, defaults) with the options under torch's names",
)
def test_is_an_optimizer(submission: types.ModuleType) -> None:
    expected: dict[str, dict[str, Any]] = {
        "SGD": {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01},
        "Adam": {"lr": 0.01, "betas": (0.8, 0.9), "eps": 1e-6, "weight_decay": 0.01},
        "AdamW": {"lr": 0.01, "betas": (0.8, 0.9), "eps": 1e-6, "weight_decay": 0.2},
    }
    for kind, options in expected.items():
        cls = getattr(submission, kind)
        _assert_own(kind, cls)
        weight = torch.ones(2, 2, dtype=torch.float64, requires_grad=True)
        bias = torch.ones(2, dtype=torch.float64, requires_grad=True)
        given: list[dict[str, Any]] = [{"params": [weight]}, {"params": [bias], "lr": 0.5}]
        optimizer: Any = cls(given, **options)
        name = _describe(kind, options)
        groups = optimizer.param_groups
        assert len(groups) == 2, f"{name} with two param groups has {len(groups)} param groups"
        for key, value in options.items():
            assert key in groups[0] and groups[0][key] == value, (
                f"{name}: param_groups[0][{key!r}] is {groups[0].get(key, 'missing')!r}, "
                f"expected {value!r} (torch's option names, set through defaults)"
            )
        assert groups[1]["lr"] == 0.5, (
            f"{name}: the second group's own lr=0.5 became {groups[1].get('lr')!r}"
        )
        _check_closure(name, optimizer, [weight, bias])


def _check_closure(name: str, optimizer: Any, params: list[torch.Tensor]) -> None:
    """``step(closure)`` calls the closure once, returns its loss and moves downhill."""
    calls: list[int] = []

    def closure() -> torch.Tensor:
        calls.append(1)
        optimizer.zero_grad()
        loss = sum((p**2).sum() for p in params)
        assert isinstance(loss, torch.Tensor)
        loss.backward()  # type: ignore[no-untyped-call]
        return loss.detach()

    result = optimizer.step(closure)
    assert len(calls) == 1, f"{name}.step(closure) called the closure {len(calls)} times"
    assert isinstance(result, torch.Tensor) and float(result) == 6.0, (
        f"{name}.step(closure) returned {result!r}, expected the closure's loss 6.0"
    )
    assert float(params[0].detach().max()) < 1.0, (
        f"{name}.step(closure) did not move the parameters down the gradient"
    )


@check(
    points=15,
    title="SGD matches torch.optim.SGD over 200 steps: plain, weight decay, momentum, "
    "dampening, Nesterov (float64, relative error 1e-10)",
    hint="the momentum buffer starts as a copy of the first gradient (no dampening then); "
    "Nesterov steps along g + momentum * b; " + ORDER_HINT,
)
def test_sgd_matches_torch(
    submission: types.ModuleType, reference_cache: dict[object, Any]
) -> None:
    for seed, options in enumerate(SGD_OPTIONS):
        _trajectory(submission, "SGD", options, seed, reference_cache)


@check(
    points=15,
    title="Adam matches torch.optim.Adam over 200 steps: betas, eps, L2 weight decay, AMSGrad "
    "(float64, relative error 1e-10)",
    hint="bias-correct m by 1 - beta1^t and v by 1 - beta2^t, add eps after the square root, "
    "take AMSGrad's maximum of v before the bias correction; " + ORDER_HINT,
)
def test_adam_matches_torch(
    submission: types.ModuleType, reference_cache: dict[object, Any]
) -> None:
    for seed, options in enumerate(ADAM_OPTIONS):
        _trajectory(submission, "Adam", options, seed, reference_cache)


@check(
    points=10,
    title="AdamW matches torch.optim.AdamW over 200 steps: decoupled weight decay, AMSGrad "
    "(float64, relative error 1e-10)",
    hint="shrink p by (1 - lr * weight_decay) before the Adam update; the moments see the "
    "plain gradient; " + ORDER_HINT,
)
def test_adamw_matches_torch(
    submission: types.ModuleType, reference_cache: dict[object, Any]
) -> None:
    for seed, options in enumerate(ADAMW_OPTIONS):
        _trajectory(submission, "AdamW", options, seed, reference_cache)


GROUPED: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    "SGD": ({"lr": 0.05}, {"momentum": 0.9}, {"lr": 0.01, "momentum": 0.5, "weight_decay": 0.1}),
    "Adam": ({"lr": 0.05}, {}, {"lr": 0.01, "betas": (0.5, 0.9), "amsgrad": True}),
    "AdamW": ({"lr": 0.05}, {"weight_decay": 0.1}, {"lr": 0.01, "weight_decay": 0.5}),
}
"""Per optimizer: the defaults, the first group's options, the second group's options."""


@check(
    points=10,
    title="Two param groups with their own lr and options match torch's",
    hint="loop over self.param_groups and read lr and every option from the group",
)
def test_param_groups(submission: types.ModuleType, reference_cache: dict[object, Any]) -> None:
    for seed, (kind, (defaults, first, second)) in enumerate(GROUPED.items()):
        problem = Problem.make(10 + seed)
        mine, theirs = problem.parameters(), problem.parameters()

        def groups(p: list[torch.Tensor]) -> list[dict[str, Any]]:
            return [{"params": [p[0]], **first}, {"params": [p[1]], **second}]  # noqa: B023

        student = _construct(submission, kind, groups(mine), defaults)
        name = f"{_describe(kind, defaults)} with groups {first} and {second}"
        _compare(
            name,
            f"torch.optim.{kind}",
            _steps(student, mine, problem.loss, STEPS),
            _torch_path(
                reference_cache,
                ("groups", kind, seed),
                _torch_run(kind, groups(theirs), defaults, theirs, problem.loss),
            ),
        )


ROUND_TRIP: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.1}),
]


@check(
    points=10,
    title="state_dict / load_state_dict mid-run: 100 steps, save, a new optimizer loads, "
    "100 more equal torch's 200",
    hint="keep every per-parameter value (step count, momentum buffer, m, v) in self.state[p]",
)
def test_state_dict_round_trip(
    submission: types.ModuleType, reference_cache: dict[object, Any]
) -> None:
    half = STEPS // 2
    for seed, (kind, options) in enumerate(ROUND_TRIP):
        problem = Problem.make(20 + seed)
        first, theirs = problem.parameters(), problem.parameters()
        student = _construct(submission, kind, first, options)
        want = _torch_path(
            reference_cache,
            ("round trip", kind, seed),
            _torch_run(kind, theirs, options, theirs, problem.loss),
        )
        name = f"{_describe(kind, options)} saved after step {half} and loaded into a new one"
        for _ in zip(_steps(student, first, problem.loss, half), range(half), strict=True):
            next(want)
        saved = student.state_dict()
        second = [p.detach().clone().requires_grad_() for p in first]
        resumed = _construct(submission, kind, second, options)
        resumed.load_state_dict(saved)
        got = _steps(resumed, second, problem.loss, half)
        _compare(name, f"torch.optim.{kind}", got, want, offset=half)


@check(
    points=5,
    title="A parameter without a gradient is left alone: its value and its state (step count, "
    "buffers) do not change",
    hint="skip a parameter whose .grad is None before touching it or its state",
)
def test_parameter_without_gradient_untouched(
    submission: types.ModuleType, reference_cache: dict[object, Any]
) -> None:
    cases: list[tuple[str, dict[str, Any]]] = [
        ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1}),
        ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
        ("AdamW", {"lr": 0.05, "weight_decay": 0.1}),
    ]
    quiet = 20
    for seed, (kind, options) in enumerate(cases):
        problem = Problem.make(30 + seed)
        mine, theirs = problem.parameters(), problem.parameters()
        student = _construct(submission, kind, mine, options)

        def live(params: list[torch.Tensor]) -> Callable[[int], list[torch.Tensor]]:
            return lambda index: params[:1] if index < quiet else params

        name = _describe(kind, options)
        frozen = mine[1].detach().clone()
        got = _steps(student, mine, problem.loss, STEPS, live(mine))
        want = _torch_path(
            reference_cache,
            ("no gradient", kind, seed),
            _torch_run(kind, theirs, options, theirs, problem.loss, live(theirs)),
        )
        for step, (values, _) in enumerate(zip(got, want, strict=False), start=1):
            assert torch.equal(values[1], frozen), (
                f"{name}: the bias, which has no gradient (.grad is None) in steps 1 to "
                f"{quiet}, changed at step {step}"
            )
            if step == quiet:
                break
        _compare(
            f"{name}, the bias getting gradients from step {quiet + 1} on",
            f"torch.optim.{kind}",
            got,
            want,
            offset=quiet,
        )


SCHEDULED: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("Adam", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.1}),
]


@check(
    points=5,
    title="torch's LR schedulers drive them: StepLR halving lr every 50 steps matches torch's",
    hint="read group['lr'] in every step: a scheduler changes it between steps",
)
def test_lr_scheduler_drives_it(
    submission: types.ModuleType, reference_cache: dict[object, Any]
) -> None:
    for seed, (kind, options) in enumerate(SCHEDULED):
        problem = Problem.make(40 + seed)
        mine, theirs = problem.parameters(), problem.parameters()
        student = _construct(submission, kind, mine, options)
        _compare(
            f"{_describe(kind, options)} under StepLR(step_size=50, gamma=0.5)",
            f"torch.optim.{kind}",
            _steps(student, mine, problem.loss, STEPS, schedule=_step_lr(student)),
            _torch_path(
                reference_cache,
                ("StepLR", kind, seed),
                _torch_run(kind, theirs, options, theirs, problem.loss, scheduled=_step_lr),
            ),
        )


def _step_lr(optimizer: torch.optim.Optimizer) -> Any:
    """The scheduler of the StepLR check: lr halved every 50 steps."""
    return torch.optim.lr_scheduler.StepLR(optimizer, step_size=50, gamma=0.5)


def _cosine_warmup(step: int, total: int, warmup: int) -> float:
    """The schedule the skeleton's docstring defines."""
    if step < warmup:
        return step / warmup
    if step >= total:
        return 0.0
    return 0.5 * (1.0 + math.cos(math.pi * (step - warmup) / (total - warmup)))


@check(
    points=5,
    title="cosine_warmup: linear warm-up, cosine to 0 at total, 0 after; bad arguments raise "
    "ValueError",
    hint="step / warmup during the warm-up; the cosine runs over total - warmup steps",
)
def test_cosine_warmup(submission: types.ModuleType) -> None:
    for total, warmup in [(110, 10), (100, 0), (7, 3), (1000, 999)]:
        for step in sorted({*range(0, total + 3), *range(0, total + 3, max(1, total // 50))}):
            if total > 200 and step % 37 and step not in (warmup - 1, warmup, total):
                continue
            got = submission.cosine_warmup(step, total, warmup)
            want = _cosine_warmup(step, total, warmup)
            assert isinstance(got, int | float) and abs(float(got) - want) <= 1e-12, (
                f"cosine_warmup({step}, total={total}, warmup={warmup}) is {got!r}, "
                f"expected {want:.6g}"
            )
    for args in [(0, 0, 0), (5, 100, -1), (-1, 100, 10)]:
        try:
            submission.cosine_warmup(*args)
        except ValueError:
            continue
        pytest.fail(f"cosine_warmup{args} should raise ValueError")


@check(
    points=5,
    title="The lab's race: your Adam on the Rosenbrock function from (-1.5, 2) ends within "
    "1e-2 of (1, 1) in the profile's steps",
)
def test_rosenbrock_race(submission: types.ModuleType, profile: Any) -> None:
    lr, steps = float(profile.params["race_lr"]), int(profile.params["race_steps"])
    point = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    optimizer = _construct(submission, "Adam", [point], {"lr": lr})
    for _ in _steps(optimizer, [point], lambda p: rosenbrock(p[0][0], p[0][1]), steps):
        pass
    distance = math.dist((float(point[0]), float(point[1])), MINIMUM)
    assert distance <= NEAR, (
        f"Adam(lr={lr}) ended at ({float(point[0]):.4f}, {float(point[1]):.4f}) after {steps} "
        f"steps, {distance:.3g} from (1, 1); torch's Adam gets within 1e-2 by step 2009"
    )


@check(
    points=5,
    title="No torch.optim.SGD / Adam / AdamW or the update functions they run in your file",
)
def test_no_forbidden_api(submission: types.ModuleType, submission_path: Path, spec: Any) -> None:
    def run(kind: str, options: dict[str, Any]) -> Callable[[], object]:
        def go() -> None:
            problem = Problem.make(50)
            params = problem.parameters()
            optimizer = getattr(submission, kind)(params, **options)
            with torch.enable_grad():
                for _ in _steps(optimizer, params, problem.loss, 2):
                    pass

        return go

    runs = [(kind, run(kind, {"lr": 0.01})) for kind in ("SGD", "Adam", "AdamW")]
    runs.append(("SGD with momentum", run("SGD", {"lr": 0.01, "momentum": 0.9})))
    assert_no_forbidden(submission_path, spec.forbidden, runs)


def accuracy_model(module: types.ModuleType, params: dict[str, Any]) -> nn.Module:
    """The accuracy check's MLP: ``(B, 1, 28, 28)`` -> ``(B, 784)`` -> ``hidden_size`` -> 10
    (torch's layers: what is graded is ``module``'s optimizer, see :func:`accuracy_options`)."""
    hidden = int(params["hidden_size"])
    return nn.Sequential(nn.Flatten(), nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def accuracy_options(module: types.ModuleType) -> dict[str, Any]:
    """The :func:`grader.training.train_classifier` options of the accuracy check: the student's
    ``AdamW`` as the optimizer (``bench/profiles.py`` trains with them too)."""
    return {"optimizer": module.AdamW}


@check(
    points=10,
    title="An MLP trained with your AdamW: Fashion-MNIST test accuracy after the profile's budget",
    hint="if the loss does not fall, check the sign of the update and the bias corrections",
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
        **accuracy_options(submission),
    )
