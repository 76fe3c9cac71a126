"""``course optim race``: the lab's optimizer race, run with the student's optimizers.

The student's ``SGD``, ``SGD`` with momentum and ``Adam`` each descend the Rosenbrock function
``f(x, y) = (1 - x)^2 + 100 (y - x^2)^2`` from ``(-1.5, 2)`` (its minimum is ``(1, 1)``) for
the same number of steps; the child process (``python -m grader.race_child``, see
:mod:`grader.race_child`), started by :func:`grader.tool.run_tool` like ``course aae
samples``', draws the three paths over the function's contours
(:func:`grader.pictures.race_image`). Student code never runs in the calling process.

Besides the protocol's ``error`` event, the child reports (:mod:`grader.events`):

- ``{"event": "stage", "name": "Adam(lr=0.02)"}``: a runner starts;
- ``{"event": "progress", "step": s, "total": t}``: steps taken by all three together;
- ``{"event": "done", "runners": [{"name", "describe", "x", "y", "value", "reached",
  "diverged", "skipped"}, ...]}``: the picture is written; a skipped runner (its class still
  the skeleton's) has only ``name``, ``describe`` and ``skipped``.

This module imports nothing heavy: the suite and the child share :func:`rosenbrock` and
:data:`RUNNERS` from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import AssignmentError, UsageError
from grader.events import ProgressCallback
from grader.process import jail_for
from grader.spec import AssignmentSpec
from grader.tool import ChildProgress, run_tool

START = (-1.5, 2.0)
"""Where every runner starts, the lab's point."""
MINIMUM = (1.0, 1.0)
"""Rosenbrock's minimum, where ``f`` is 0."""
NEAR = 1e-2
"""A runner has reached the minimum once it is this close (Euclidean distance)."""
MAX_STEPS = 100_000
"""Most steps ``--steps`` may ask for."""


@dataclass(frozen=True)
class Runner:
    """One optimizer in the race.

    Attributes:
        name: The legend's label.
        cls: The student's class, ``SGD`` or ``Adam``.
        options: Its keyword arguments; ``lr`` is the lab's.
    """

    name: str
    cls: str
    options: dict[str, Any]

    def describe(self) -> str:
        """``SGD(lr=0.001, momentum=0.9)``."""
        return f"{self.cls}({', '.join(f'{k}={v!r}' for k, v in self.options.items())})"


def runners(adam_lr: float) -> list[Runner]:
    """The three runners: plain SGD and momentum at the lab's learning rates, and Adam at the
    profile's ``race_lr`` (the rate the grader's race check uses)."""
    return [
        Runner("SGD", "SGD", {"lr": 1e-3}),
        Runner("momentum", "SGD", {"lr": 1e-3, "momentum": 0.9}),
        Runner("Adam", "Adam", {"lr": adam_lr}),
    ]


def rosenbrock(x: Any, y: Any) -> Any:
    """``(1 - x)^2 + 100 (y - x^2)^2`` for floats, arrays or tensors alike."""
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


@dataclass(frozen=True)
class RunnerResult:
    """Where one runner ended.

    Attributes:
        name: The legend's label.
        describe: The optimizer and its options, e.g. ``SGD(lr=0.001, momentum=0.9)``.
        x: Its last finite point's x (the start when skipped).
        y: Its last finite point's y.
        value: ``f`` there.
        reached: The first step (1-based) at which it was within :data:`NEAR` of (1, 1), or
            ``None``.
        diverged: The step at which its point stopped being finite, or ``None``.
        skipped: Why it did not run (its class raised the skeleton's ``NotImplementedError``:
            ``not implemented yet: Adam.__init__: ... (optim.py, line 120, in __init__)``),
            or ``None``.
    """

    name: str
    describe: str
    x: float
    y: float
    value: float
    reached: int | None
    diverged: int | None
    skipped: str | None = None


@dataclass(frozen=True)
class RaceResult:
    """What :func:`write_race` did.

    Attributes:
        path: The PNG written.
        steps: Steps each runner took.
        runners: One result per runner, in :func:`runners`' order.
    """

    path: Path
    steps: int
    runners: list[RunnerResult]


def write_race(
    spec: AssignmentSpec,
    submission: Path,
    out: Path,
    *,
    profile: str = "quick",
    steps: int | None = None,
    timeout_s: float | None = None,
    on_progress: ProgressCallback | None = None,
    sandbox: str = "none",
    hidden: Sequence[Path] = (),
) -> RaceResult:
    """Race ``submission``'s optimizers on Rosenbrock and write
    :func:`grader.pictures.race_image`'s PNG.

    The child imports the file and, for each of :func:`runners` (Adam at the profile's
    ``params.race_lr``), builds the student's class on one float64 point ``(2,)`` at
    :data:`START` and takes ``steps`` steps (``zero_grad``, ``f`` forward and backward,
    ``step``), on the CPU. The PNG goes to a temporary file in ``out``'s folder, which
    replaces ``out`` only when all went well.

    Args:
        spec: The ``optim`` assignment.
        submission: The student's file.
        out: Where the PNG goes; its folder must exist. PNG whatever the file's suffix.
        profile: ``quick`` or ``full``: the race's steps and Adam's learning rate.
        steps: Steps instead of the profile's ``params.race_steps``, 1 to :data:`MAX_STEPS`.
        timeout_s: Wall-clock limit of the whole child, seconds; the profile's
            ``train_timeout_s`` by default.
        on_progress: Called in this process as ``on_progress(step, total)``, ``total`` being
            the three runners' steps together.
        sandbox: ``bwrap`` or ``none`` (resolved, see :func:`grader.sandbox.resolve`).
        hidden: Paths the child must not see besides the solutions (the tracker's database).

    Returns:
        The path, the steps and where each runner ended (or why it was skipped).

    Raises:
        UsageError: ``steps`` outside 1 to :data:`MAX_STEPS`, ``timeout_s`` not positive,
            ``out``'s folder missing or not writable, ``out`` a folder, or the submission
            file missing.
        AssignmentError: unknown profile, or one without ``params.race_lr`` /
            ``params.race_steps``.
        SubmissionError: the student's code raised, exited, crashed or hung past the deadline,
            or none of the three classes is written yet.
    """
    budget = spec.profile(profile)
    missing = [key for key in ("race_lr", "race_steps") if key not in budget.params]
    if missing:
        raise AssignmentError(
            f"{spec.folder / 'assignment.yaml'}: profiles.{profile}.params has no "
            + " or ".join(missing),
            sorted(budget.params),
        )
    total = int(budget.params["race_steps"]) if steps is None else steps
    if not 1 <= total <= MAX_STEPS:
        raise UsageError(
            "steps must be a whole number from 1 to 100000", total, "pass --steps 3000, say"
        )
    limit = budget.train_timeout_s if timeout_s is None else timeout_s
    if limit <= 0:
        raise UsageError("the time limit must be positive, seconds", limit)
    command = [
        "--assignment-dir", str(spec.folder), "--profile", profile, "--steps", str(total),
    ]  # fmt: skip
    done = run_tool(
        "grader.race_child",
        command,
        submission=submission,
        out=out,
        memory_mb=spec.memory_mb,
        device="cpu",
        limit_s=limit,
        timeout_message=lambda progress: _timeout_message(limit, progress),
        process="the race",
        jail=jail_for(spec, submission, sandbox, hidden),
        on_progress=on_progress,
    )
    return RaceResult(path=out, steps=total, runners=[_runner(r) for r in done["runners"]])


def _runner(fields: dict[str, Any]) -> RunnerResult:
    """One runner of the child's ``done`` event."""
    if fields.get("skipped") is not None:
        return RunnerResult(
            name=str(fields["name"]),
            describe=str(fields["describe"]),
            x=START[0],
            y=START[1],
            value=float(rosenbrock(*START)),
            reached=None,
            diverged=None,
            skipped=str(fields["skipped"]),
        )
    return RunnerResult(
        name=str(fields["name"]),
        describe=str(fields["describe"]),
        x=float(fields["x"]),
        y=float(fields["y"]),
        value=float(fields["value"]),
        reached=None if fields["reached"] is None else int(fields["reached"]),
        diverged=None if fields["diverged"] is None else int(fields["diverged"]),
    )


def _timeout_message(limit: float, progress: ChildProgress) -> str:
    """Where the child hung, from the last runner it started."""
    if not progress.stage:
        return (
            f"your code did not finish within {limit:g} s, before the race began: look for an "
            "endless loop at the top level of optim.py"
        )
    return (
        f"the race did not finish within {limit:g} s (it was running {progress.stage}): look "
        "for an endless loop in its __init__ or step, or pass a smaller --steps N"
    )
