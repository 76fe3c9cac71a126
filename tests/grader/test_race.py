"""`grader.race` (the child process behind `course optim race`) and its picture
(`grader.pictures.race_image`).

Each `write_race` test starts a child process that imports torch and steps three optimizers
on a 2-D function (a few seconds each); the endless-loop test waits for its 5 s limit.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
from PIL import Image

from core.errors import AssignmentError, SubmissionError, UsageError
from grader.pictures import race_image
from grader.race import MINIMUM, START, rosenbrock, runners, write_race
from grader.spec import AssignmentSpec, load_assignment
from tests.grader.reports import line_of
from tests.grader.variants import write_edited, wrong_header

# about 14 s together (pytest --durations): started early, see tests/conftest.py
pytestmark = pytest.mark.early(14)


@pytest.fixture(scope="module")
def spec() -> AssignmentSpec:
    return load_assignment("optim")


def test_rosenbrock_and_the_runners() -> None:
    assert rosenbrock(1.0, 1.0) == 0.0
    assert rosenbrock(*START) == (1 + 1.5) ** 2 + 100 * (2 - 2.25) ** 2 == 12.5
    assert [(r.name, r.describe()) for r in runners(0.02)] == [
        ("SGD", "SGD(lr=0.001)"),
        ("momentum", "SGD(lr=0.001, momentum=0.9)"),
        ("Adam", "Adam(lr=0.02)"),
    ]


def test_race_image_draws_every_path_in_its_colour() -> None:
    paths = {"a": [START, (0.0, 0.0)], "b": [START, (1.9, 2.9), (5.0, 9.0)]}
    image = race_image(paths, START, MINIMUM, size=(360, 300))
    assert (image.mode, image.size) == ("RGB", (360, 300))
    colours = {pixel for _, pixel in image.getcolors(360 * 300) or []}
    assert (214, 39, 40) in colours  # the first path, tab10 red
    assert (31, 119, 180) in colours  # the second, tab10 blue


def test_race_image_refuses_an_empty_path() -> None:
    with pytest.raises(ValueError) as info:
        race_image({"a": []}, START, MINIMUM)
    assert str(info.value) == "path 'a' has no points"


def test_write_race_with_the_solution(spec: AssignmentSpec, tmp_path: Path) -> None:
    out = tmp_path / "race.png"
    progress: list[tuple[int, int]] = []
    result = write_race(
        spec, spec.solution, out, steps=1200, on_progress=lambda s, t: progress.append((s, t))
    )
    assert result.steps == 1200 and result.path == out
    with Image.open(out) as image:
        assert (image.format, image.size) == ("PNG", (720, 600))
    sgd, momentum, adam = result.runners
    assert [r.describe for r in result.runners] == [r.describe() for r in runners(0.02)]
    # plain SGD crawls along the valley floor; momentum gets there; Adam does not yet
    assert sgd.reached is None and sgd.diverged is None and sgd.x < adam.x < momentum.x
    assert momentum.reached is not None and momentum.reached <= 1200
    assert math.dist((momentum.x, momentum.y), MINIMUM) <= 1e-2
    assert adam.reached is None and adam.value == pytest.approx(rosenbrock(adam.x, adam.y))
    assert progress[0] == (0, 3600) and progress[-1] == (3600, 3600)


def test_write_race_with_the_skeleton(spec: AssignmentSpec, tmp_path: Path) -> None:
    with pytest.raises(SubmissionError) as info:
        write_race(spec, spec.skeleton, tmp_path / "race.png", steps=10)
    line = line_of(spec.skeleton, 'raise NotImplementedError("SGD.__init__')
    assert info.value.message == (
        "not implemented yet: SGD.__init__: validate, then super().__init__(params, defaults) "
        f"(optim.py, line {line}, in __init__)"
    )
    assert not (tmp_path / "race.png").exists()


def _adam_unwritten(folder: Path) -> Path:
    """The solution with ``Adam.__init__`` still the skeleton's."""
    header = wrong_header("optim", "WRONG ON PURPOSE (grader test fixture): Adam is not written.")
    adam = "        amsgrad: bool = False,\n    ) -> None:\n        if lr < 0:\n"
    unwritten = (
        "        amsgrad: bool = False,\n    ) -> None:\n"
        '        raise NotImplementedError("Adam.__init__: not yet")\n        if lr < 0:\n'
    )
    return write_edited("optim.py", "adam_unwritten", [header, (adam, unwritten)], folder)


def test_write_race_skips_a_class_not_written_yet(spec: AssignmentSpec, tmp_path: Path) -> None:
    submission = _adam_unwritten(tmp_path / "unwritten")
    result = write_race(spec, submission, tmp_path / "race.png", steps=1200)
    sgd, momentum, adam = result.runners
    assert sgd.skipped is None and momentum.skipped is None
    assert momentum.reached is not None
    line = line_of(submission, 'raise NotImplementedError("Adam.__init__')
    assert (
        adam.skipped
        == f"not implemented yet: Adam.__init__: not yet (optim.py, line {line}, in __init__)"
    )
    assert (adam.x, adam.y, adam.reached, adam.diverged) == (*START, None, None)
    with Image.open(tmp_path / "race.png") as image:
        assert image.size == (720, 600)


def test_write_race_reports_a_diverging_optimizer(spec: AssignmentSpec, tmp_path: Path) -> None:
    # SGD that steps along +g: it climbs out of the valley until the point overflows
    header = wrong_header("optim", "WRONG ON PURPOSE (grader test fixture): SGD climbs.")
    submission = write_edited(
        "optim.py",
        "climbs",
        [
            header,
            ("                p.add_(g, alpha=-lr)\n", "                p.add_(g, alpha=lr)\n"),
        ],
        tmp_path / "climbs",
    )
    result = write_race(spec, submission, tmp_path / "race.png", steps=300)
    sgd, momentum, adam = result.runners
    assert sgd.diverged is not None and momentum.diverged is not None
    assert sgd.diverged < 300 and math.isfinite(sgd.x) and sgd.reached is None
    assert adam.diverged is None


def test_write_race_stops_an_endless_loop(spec: AssignmentSpec, tmp_path: Path) -> None:
    header = wrong_header("optim", "WRONG ON PURPOSE (grader test fixture): Adam.step hangs.")
    submission = write_edited(
        "optim.py",
        "hangs",
        [
            header,
            (
                "                step_size = lr / (1 - beta1**t)\n",
                "                while True:\n                    pass\n",
            ),
        ],
        tmp_path / "hangs",
    )
    with pytest.raises(SubmissionError) as info:
        write_race(spec, submission, tmp_path / "race.png", steps=50, timeout_s=5)
    assert info.value.message == (
        "the race did not finish within 5 s (it was running Adam(lr=0.02)): look for an "
        "endless loop in its __init__ or step, or pass a smaller --steps N"
    )


def test_write_race_checks_its_arguments(spec: AssignmentSpec, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as usage:
        write_race(spec, spec.solution, tmp_path / "race.png", steps=0)
    assert (usage.value.what, usage.value.value) == (
        "steps must be a whole number from 1 to 100000",
        0,
    )
    with pytest.raises(UsageError) as missing:
        write_race(spec, tmp_path / "nope.py", tmp_path / "race.png", steps=5)
    assert missing.value.what == "submission file not found"
    quick = dataclasses.replace(spec.profile("quick"), params={"race_lr": 0.02})
    bare = dataclasses.replace(spec, profiles={"quick": quick})
    with pytest.raises(AssignmentError) as spec_error:
        write_race(bare, spec.solution, tmp_path / "race.png")
    assert (
        spec_error.value.what
        == f"{spec.folder / 'assignment.yaml'}: profiles.quick.params has no race_steps"
    )
