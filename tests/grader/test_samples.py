"""`grader.samples` (the child process behind `course aae samples`), its picture
(`grader.pictures.grid_image`) and the helpers of `grader.sample_child`.

The picture is checked pixel by pixel on tensors made here. Each `write_samples` test starts a
child process that imports torch and trains for at most 3 steps on real Fashion-MNIST (a few
seconds each); the endless-loop test waits for its 6 s limit.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from core.errors import SubmissionError, UsageError
from grader.data import find_dataset
from grader.pictures import BACKGROUND, grid_image, grid_size
from grader.sample_child import expect_images, range_warnings
from grader.samples import write_samples
from grader.spec import AssignmentSpec, load_assignment
from grader.student import describe, import_submission
from grader.tool import Failure as ChildFailure
from tests.grader.variants import Edits, write_edited, wrong_header

# about 15 s together (pytest --durations): started early, see tests/conftest.py
pytestmark = pytest.mark.early(15)

needs_data = pytest.mark.skipif(
    find_dataset() is None, reason="Fashion-MNIST is not installed (make test installs it)"
)

SIDE = 56  # a 28 x 28 tile at scale 2
STEP = SIDE + 2  # tile plus the 2-pixel gap


@pytest.fixture(scope="module")
def spec() -> AssignmentSpec:
    return load_assignment("aae")


def _constant_tiles(values: list[int]) -> torch.Tensor:
    """Tiles ``(len(values), 1, 28, 28)`` whose pixels are ``value / 255``."""
    return (
        torch.tensor(values, dtype=torch.float32)
        .div(255)
        .reshape(-1, 1, 1, 1)
        .expand(-1, 1, 28, 28)
    )


def _pixels(image: Image.Image) -> torch.Tensor:
    return torch.from_numpy(np.array(image)).long()


def _tile(pixels: torch.Tensor, row: int, col: int) -> torch.Tensor:
    return pixels[row * STEP : row * STEP + SIDE, col * STEP : col * STEP + SIDE]


# --- the picture ------------------------------------------------------------------------------


def test_grid_size() -> None:
    # 8 columns of 56 pixels and 7 gaps; 8 sample rows + 1 blank + 4 pairs = 17 rows, 16 gaps
    assert grid_size(64, 32) == (8 * 56 + 7 * 2, 17 * 56 + 16 * 2) == (462, 984)
    assert grid_size(64, 32, scale=1, gap=0) == (224, 17 * 28)
    assert grid_size(3, 9, columns=8, scale=3, gap=1) == (8 * 84 + 7, 6 * 84 + 5)


def test_grid_image_layout() -> None:
    samples = _constant_tiles(list(range(64)))
    originals = _constant_tiles([100 + j for j in range(32)])
    reconstructions = _constant_tiles([150 + j for j in range(32)])
    image = grid_image(samples, originals, reconstructions)
    assert (image.mode, image.size) == ("L", (462, 984))
    pixels = _pixels(image)
    for i in range(64):
        assert torch.equal(_tile(pixels, i // 8, i % 8), torch.full((SIDE, SIDE), i)), i
    for j in range(32):
        row = 9 + 2 * (j // 8)
        assert torch.equal(_tile(pixels, row, j % 8), torch.full((SIDE, SIDE), 100 + j)), j
        assert torch.equal(_tile(pixels, row + 1, j % 8), torch.full((SIDE, SIDE), 150 + j)), j
    # the blank row (row 8, with the gaps above and below it) is all background
    assert torch.equal(pixels[8 * STEP - 2 : 9 * STEP], torch.full((STEP + 2, 462), BACKGROUND))
    # the gaps between columns and between rows are background
    for col in range(7):
        gap = pixels[:, col * STEP + SIDE : (col + 1) * STEP]
        assert torch.equal(gap, torch.full((984, 2), BACKGROUND)), col
    for row in range(16):
        gap = pixels[row * STEP + SIDE : (row + 1) * STEP]
        assert torch.equal(gap, torch.full((2, 462), BACKGROUND)), row
    assert BACKGROUND == 255


def test_grid_image_scales_with_nearest_neighbour() -> None:
    samples = torch.zeros(64, 1, 28, 28)
    samples[9, 0, 3, 5] = 1.0  # tile in row 1, column 1
    image = grid_image(samples, torch.zeros(8, 1, 28, 28), torch.zeros(8, 1, 28, 28))
    assert image.size == grid_size(64, 8) == (462, 11 * 56 + 10 * 2)
    tile = _tile(_pixels(image), 1, 1)
    expected = torch.zeros(SIDE, SIDE, dtype=torch.int64)
    expected[6:8, 10:12] = 255  # pixel (3, 5) becomes the 2 x 2 block at (6, 10)
    assert torch.equal(tile, expected)


def test_grid_image_clips_values() -> None:
    values = torch.tensor([-0.5, 0.0, 0.2, 0.5, 1.0, 1.7, float("nan"), float("inf")])
    samples = values.reshape(-1, 1, 1, 1).expand(-1, 1, 28, 28)
    image = grid_image(samples, torch.zeros(8, 1, 28, 28), torch.zeros(8, 1, 28, 28))
    pixels = _pixels(image)
    got = [int(_tile(pixels, 0, col)[0, 0]) for col in range(8)]
    assert got == [0, 0, 51, 128, 255, 255, 0, 255]
    # a last row that is not full is padded with background
    short = grid_image(
        torch.zeros(3, 1, 28, 28), torch.zeros(1, 1, 28, 28), torch.ones(1, 1, 28, 28)
    )
    assert short.size == (462, 4 * 56 + 3 * 2)
    short_pixels = _pixels(short)
    assert int(_tile(short_pixels, 0, 2)[0, 0]) == 0
    assert torch.equal(_tile(short_pixels, 0, 3), torch.full((SIDE, SIDE), BACKGROUND))
    assert int(_tile(short_pixels, 3, 0)[0, 0]) == 255


@pytest.mark.parametrize(
    ("samples", "originals", "reconstructions", "message"),
    [
        (
            (64, 784),
            (32, 1, 28, 28),
            (32, 1, 28, 28),
            "samples must have shape (N, 1, 28, 28) with N >= 1, got (64, 784)",
        ),
        (
            (64, 1, 28, 28),
            (32, 3, 28, 28),
            (32, 3, 28, 28),
            "originals must have shape (N, 1, 28, 28) with N >= 1, got (32, 3, 28, 28)",
        ),
        (
            (0, 1, 28, 28),
            (32, 1, 28, 28),
            (32, 1, 28, 28),
            "samples must have shape (N, 1, 28, 28) with N >= 1, got (0, 1, 28, 28)",
        ),
        (
            (64, 1, 28, 28),
            (32, 1, 28, 28),
            (31, 1, 28, 28),
            "reconstructions must have the shape of originals (32, 1, 28, 28), got (31, 1, 28, 28)",
        ),
    ],
)
def test_grid_image_wrong_shapes(
    samples: tuple[int, ...],
    originals: tuple[int, ...],
    reconstructions: tuple[int, ...],
    message: str,
) -> None:
    with pytest.raises(ValueError) as info:
        grid_image(torch.zeros(samples), torch.zeros(originals), torch.zeros(reconstructions))
    assert str(info.value) == message


def test_grid_image_bad_scale() -> None:
    with pytest.raises(ValueError) as info:
        grid_image(
            torch.zeros(1, 1, 28, 28), torch.zeros(1, 1, 28, 28), torch.zeros(1, 1, 28, 28), scale=0
        )
    assert str(info.value) == "scale must be >= 1, gap >= 0 and columns >= 1, got 0, 2 and 8"


# --- the child's helpers ----------------------------------------------------------------------


def test_describe_points_at_the_students_line(tmp_path: Path) -> None:
    path = tmp_path / "student.py"
    path.write_text(
        "import sys\n"
        "def todo():\n"
        "    raise NotImplementedError('todo: see README')\n"
        "def bad():\n"
        "    raise ValueError('bad value\\nsecond line')\n"
        "def leave():\n"
        "    sys.exit(3)\n",
        encoding="utf-8",
    )
    module = import_submission(path)
    messages = []
    for name in ("todo", "bad", "leave"):
        try:
            getattr(module, name)()
        except BaseException as exc:  # SystemExit too
            messages.append(describe(exc, path, stage="training"))
    assert messages == [
        "not implemented yet: todo: see README (student.py, line 3, in todo)",
        "your code raised ValueError: bad value (student.py, line 5, in bad)",
        "your code called sys.exit(3) (student.py, line 7, in leave)",
    ]
    assert describe(TypeError("train_step returned None"), path, stage="training") == (
        "training failed: TypeError: train_step returned None"
    )


def test_expect_images() -> None:
    expect_images("sample(64)", torch.zeros(64, 1, 28, 28), 64)
    with pytest.raises(ChildFailure) as info:
        expect_images("sample(64)", torch.zeros(64, 784), 64)
    assert (
        info.value.message == "sample(64) returned shape (64, 784); it must return (64, 1, 28, 28)"
    )
    with pytest.raises(ChildFailure) as info:
        expect_images("sample(64)", [1, 2], 64)
    assert info.value.message == (
        "sample(64) returned list; it must return a tensor (64, 1, 28, 28)"
    )


def test_range_warnings() -> None:
    inside = torch.full((2, 1, 28, 28), 0.5)
    assert range_warnings(inside, inside) == []
    low = inside.clone()
    low[0, 0, 0, 0] = -0.314
    high = inside.clone()
    high[1, 0, 5, 5] = 1.516
    assert range_warnings(low, inside) == [
        "sample() returned values outside [0, 1] (min -0.31, max 0.50): end the decoder with "
        "a sigmoid"
    ]
    assert range_warnings(low, high) == [
        "sample() and decode(encode(x)) returned values outside [0, 1] (min -0.31, max 1.52): "
        "end the decoder with a sigmoid"
    ]
    nan = inside.clone()
    nan[0, 0, :2, 0] = float("nan")
    assert range_warnings(inside, nan) == [
        "the decoder returned 2 NaN values; they are drawn black"
    ]


# --- write_samples ----------------------------------------------------------------------------


def _skeleton_line(spec: AssignmentSpec, marker: str) -> tuple[int, str]:
    """Line number and message of the skeleton's ``raise NotImplementedError("<marker>...")``."""
    lines = spec.skeleton.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        found = re.search(r'raise NotImplementedError\("(' + re.escape(marker) + r'[^"]*)"\)', line)
        if found:
            return number, found.group(1)
    raise AssertionError(f"no raise NotImplementedError({marker}...) in {spec.skeleton}")


def _variant(tmp_path: Path, name: str, what: str, edits: Edits) -> Path:
    header = wrong_header("AAE", f"WRONG ON PURPOSE (grader test fixture): {what}")
    return write_edited("aae.py", name, [header, *edits], tmp_path / name)


TRAIN_STEP_START = "        # 1. reconstruction: encoder and decoder\n"


@needs_data
def test_write_samples_with_the_solution(spec: AssignmentSpec, tmp_path: Path) -> None:
    out = tmp_path / "samples.png"
    out.write_bytes(b"an older picture")
    calls: list[tuple[int, int]] = []
    result = write_samples(
        spec, spec.solution, out, steps=3, on_progress=lambda s, t: calls.append((s, t))
    )
    assert result.path == out
    assert result.steps == 3
    assert 0 < result.recon_mse < 1
    assert result.seconds > 0
    assert result.warnings == []
    assert calls[0] == (0, 3)
    assert calls[-1] == (3, 3)
    with Image.open(out) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "L", grid_size(64, 32))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samples.png"]  # no temp file left


@needs_data
def test_write_samples_with_the_skeleton(spec: AssignmentSpec, tmp_path: Path) -> None:
    # AAE.__init__ runs (and raises) before any of Encoder's methods
    line, text = _skeleton_line(spec, "AAE.__init__")
    out = tmp_path / "samples.png"
    with pytest.raises(SubmissionError) as info:
        write_samples(spec, spec.skeleton, out, steps=3)
    assert info.value.exit_code == 1
    assert info.value.message == f"not implemented yet: {text} (aae.py, line {line}, in __init__)"
    assert list(tmp_path.iterdir()) == []


@needs_data
def test_write_samples_stops_an_endless_loop(spec: AssignmentSpec, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    path = _variant(
        tmp_path,
        "endless",
        "train_step never returns",
        [
            (
                TRAIN_STEP_START,
                "        import os, pathlib\n"
                f"        pathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()))\n"
                "        while True:\n"
                "            pass\n" + TRAIN_STEP_START,
            )
        ],
    )
    out = tmp_path / "samples.png"
    with pytest.raises(SubmissionError) as info:
        write_samples(spec, path, out, steps=3, timeout_s=6)
    assert "did not finish within 6 s" in info.value.message
    assert info.value.message.endswith(
        "look for an endless loop in train_step, or pass a smaller --steps N"
    )
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["endless", "pid"]


@needs_data
def test_write_samples_when_the_child_exits(spec: AssignmentSpec, tmp_path: Path) -> None:
    path = _variant(
        tmp_path,
        "exits",
        "train_step ends the process",
        [(TRAIN_STEP_START, "        import os\n        os._exit(3)\n" + TRAIN_STEP_START)],
    )
    with pytest.raises(SubmissionError) as info:
        write_samples(spec, path, tmp_path / "samples.png", steps=3)
    message = info.value.message
    assert message.startswith("the sampling process exited with code 3 (")
    assert message.endswith(
        "): look for os._exit in your code; otherwise it crashed in native code or ran out of "
        "memory"
    )


@needs_data
def test_write_samples_warns_about_a_decoder_without_sigmoid(
    spec: AssignmentSpec, tmp_path: Path
) -> None:
    path = _variant(
        tmp_path,
        "no_sigmoid",
        "the decoder has no sigmoid",
        [
            (
                "            nn.Linear(hidden_dim, out_features),\n            nn.Sigmoid(),\n",
                "            nn.Linear(hidden_dim, out_features),\n",
            )
        ],
    )
    out = tmp_path / "samples.png"
    result = write_samples(spec, path, out, steps=2)
    assert result.steps == 2
    [warning] = result.warnings
    assert re.fullmatch(
        r"sample\(\) and decode\(encode\(x\)\) returned values outside \[0, 1\] "
        r"\(min -\d+\.\d\d, max -?\d+\.\d\d\): end the decoder with a sigmoid",
        warning,
    ), warning
    with Image.open(out) as image:
        assert image.size == grid_size(64, 32)


def test_write_samples_needs_the_folder(spec: AssignmentSpec, tmp_path: Path) -> None:
    folder = tmp_path / "missing"
    with pytest.raises(UsageError) as info:
        write_samples(spec, spec.solution, folder / "samples.png", steps=1)
    assert info.value.exit_code == 2
    assert info.value.message == (
        f"the folder to write the picture in does not exist: {folder}. make it first, or pass "
        "another --out"
    )


def test_write_samples_checks_steps_and_paths(spec: AssignmentSpec, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        write_samples(spec, spec.solution, tmp_path / "s.png", steps=0)
    assert info.value.message == "steps must be a positive whole number: 0. pass --steps 1 or more"
    with pytest.raises(UsageError) as info:
        write_samples(spec, tmp_path / "nope.py", tmp_path / "s.png", steps=1)
    assert (
        info.value.message == f"submission file not found: {tmp_path / 'nope.py'}. check the path"
    )
    with pytest.raises(UsageError) as info:
        write_samples(spec, spec.solution, tmp_path, steps=1)
    assert (
        info.value.message
        == f"--out is a folder, not a file: {tmp_path}. pass a file name, e.g. x.png"
    )
    assert list(tmp_path.iterdir()) == []
