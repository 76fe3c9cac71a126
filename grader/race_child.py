"""The child process of ``course optim race``: ``python -m grader.race_child ...``.

:func:`grader.race.write_race` starts it and reads its report. It imports the student's file,
runs each of :func:`grader.race.runners` on the Rosenbrock function from
:data:`grader.race.START` and returns :func:`grader.pictures.race_image`'s picture of the
three paths, which :func:`grader.tool.tool_main` saves to ``--out`` before it reports
``done`` (see :mod:`grader.race` and :mod:`grader.tool`).

Every exception from student code, ``SystemExit`` included, becomes one ``error`` event whose
message names the exception and the deepest line of the student's file: ``your code raised
ValueError: ... (optim.py, line 80, in __init__)`` (:func:`grader.tool.stage`). A runner whose
class still raises the skeleton's ``NotImplementedError`` is skipped (``skipped`` holds that
message), so a student with only ``SGD`` written sees it race; when every runner is skipped,
the first one's message is the error. A runner whose point stops being finite ends its path
there (``diverged``); the others go on.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.events import Writer, progress_reporter
from grader.process import exit_child
from grader.race import MINIMUM, NEAR, START, Runner, rosenbrock, runners
from grader.spec import parse_spec
from grader.student import describe
from grader.tool import Failure, load_submission, stage, tool_main

if TYPE_CHECKING:
    import types
    from collections.abc import Callable

    from PIL import Image


class Skipped(Failure):
    """The runner's class is not written yet (the skeleton's ``NotImplementedError``)."""


def race(
    module: types.ModuleType,
    runner: Runner,
    steps: int,
    submission: Path,
    on_step: Callable[[], None],
) -> tuple[list[tuple[float, float]], dict[str, Any]]:
    """One runner's path (``steps + 1`` points at most) and its ``done`` fields.

    Raises:
        Skipped: the class raised ``NotImplementedError`` when built or at its first step.
        Failure: the class is missing, or the student's code raised.
    """
    import torch

    cls = getattr(module, runner.cls, None)
    if not isinstance(cls, type):
        raise Failure(f"{submission.name} has no class {runner.cls}: keep the skeleton's names")
    point = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    with stage(f"building {runner.describe()}", submission):
        try:
            optimizer = cls([point], **runner.options)
        except NotImplementedError as exc:
            raise Skipped(describe(exc, submission, stage="building")) from None
    path = [START]
    reached: int | None = None
    diverged: int | None = None
    with stage(f"stepping {runner.describe()}", submission):
        for step in range(1, steps + 1):
            optimizer.zero_grad()
            rosenbrock(point[0], point[1]).backward()
            try:
                optimizer.step()
            except NotImplementedError as exc:
                if step > 1:
                    raise
                raise Skipped(describe(exc, submission, stage="stepping")) from None
            on_step()
            x, y = (float(v) for v in point.detach())
            if not (math.isfinite(x) and math.isfinite(y)):
                diverged = step
                break
            path.append((x, y))
            if reached is None and math.dist((x, y), MINIMUM) <= NEAR:
                reached = step
    x, y = path[-1]
    try:
        value = float(rosenbrock(x, y))
    except OverflowError:  # a diverging runner's last finite point
        value = math.inf
    fields = {
        "name": runner.name,
        "describe": runner.describe(),
        "x": x,
        "y": y,
        "value": value,
        "reached": reached,
        "diverged": diverged,
        "skipped": None,
    }
    return path, fields


def run(args: argparse.Namespace, events: Writer) -> tuple[Image.Image, dict[str, Any]]:
    """Race and draw; the picture and the ``done`` event's other fields.

    Raises:
        Failure: the student's code failed.
    """
    from grader.pictures import race_image

    spec = parse_spec(Path(args.assignment_dir) / "assignment.yaml")
    profile = spec.profile(args.profile)
    path = Path(args.submission)
    module = load_submission(path)
    field = runners(float(profile.params["race_lr"]))
    total = args.steps * len(field)
    report = progress_reporter(events)
    events.emit("progress", step=0, total=total)
    taken = 0

    def on_step() -> None:
        nonlocal taken
        taken += 1
        report(taken, total)

    paths: dict[str, list[tuple[float, float]]] = {}
    results: list[dict[str, Any]] = []
    for runner in field:
        events.emit("stage", name=runner.describe())
        try:
            points, fields = race(module, runner, args.steps, path, on_step)
        except Skipped as skipped:
            results.append(
                {"name": runner.name, "describe": runner.describe(), "skipped": skipped.message}
            )
        else:
            paths[f"{runner.name}: {runner.describe()}"] = points
            results.append(fields)
        taken = field.index(runner) * args.steps + args.steps
        report(taken, total)
    if not paths:
        raise Failure(str(results[0]["skipped"]))
    return race_image(paths, START, MINIMUM), {"runners": results}


def arguments(p: argparse.ArgumentParser) -> None:
    """The child's own arguments (:func:`grader.tool.tool_main` adds the common ones)."""
    p.add_argument("--assignment-dir", required=True, help="folder holding assignment.yaml")
    p.add_argument("--profile", default="quick", help="quick or full")
    p.add_argument("--steps", type=int, required=True, help="steps of each runner")


def main(argv: list[str] | None = None) -> int:
    """Run the child; its exit status (0 done, 1 error reported)."""
    return tool_main("grader.race_child", __doc__, arguments, run, argv)


if __name__ == "__main__":
    exit_child(main())
