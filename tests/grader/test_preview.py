"""`grader.preview` (the child process behind `course augment preview`), its picture
(`grader.pictures.preview_image`) and the helpers of `grader.preview_child`.

The picture is checked pixel by pixel on tensors made here. Each `write_preview` test starts a
child process that imports torch and the Fashion-MNIST test images (about 2 s); the
endless-loop test waits for its 5 s limit. The submissions are copies of
`solutions/augment.py` with a `fashion_pipeline` appended (a later `def` replaces an earlier
one), so the tests do not depend on the skeleton or on the solution's own pipeline.
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
from grader.pictures import BACKGROUND, preview_image, preview_size
from grader.preview import write_preview
from grader.preview_child import choose_images, expect_batch, range_warnings
from grader.spec import SOLUTIONS, AssignmentSpec, load_assignment
from grader.tool import Failure as ChildFailure
from tests.grader.reports import line_of

# about 13 s together (pytest --durations): started early, see tests/conftest.py
pytestmark = pytest.mark.early(13)

needs_data = pytest.mark.skipif(
    find_dataset() is None, reason="Fashion-MNIST is not installed (make test installs it)"
)

SIDE = 56  # a 28 x 28 tile at scale 2
STEP = SIDE + 2  # tile plus the 2-pixel gap
FLIP_AND_CROP = "Compose([RandomCrop(28, padding=2), RandomHorizontalFlip(0.5)])"


@pytest.fixture(scope="module")
def spec() -> AssignmentSpec:
    return load_assignment("augment")


def write_submission(folder: Path, body: str) -> Path:
    """``folder/augment.py``: the reference solution with ``body`` appended."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "augment.py"
    source = (SOLUTIONS / "augment.py").read_text(encoding="utf-8")
    path.write_text(source.rstrip("\n") + "\n\n\n" + body, encoding="utf-8")
    return path


def _constant_tiles(values: list[int], side: int = 28) -> torch.Tensor:
    """Images ``(len(values), 1, side, side)`` whose pixels are ``value / 255``."""
    return (
        torch.tensor(values, dtype=torch.float32)
        .div(255)
        .reshape(-1, 1, 1, 1)
        .expand(-1, 1, side, side)
    )


def _pixels(image: Image.Image) -> torch.Tensor:
    return torch.from_numpy(np.array(image)).long()


def _tile(pixels: torch.Tensor, row: int, col: int) -> torch.Tensor:
    return pixels[row * STEP : row * STEP + SIDE, col * STEP : col * STEP + SIDE]


# --- the picture ------------------------------------------------------------------------------


def test_preview_size() -> None:
    # 8 columns of 56 pixels and 7 gaps; two rows (originals, augmented) per 8 images
    assert preview_size(16) == (8 * 56 + 7 * 2, 4 * 56 + 3 * 2) == (462, 230)
    assert preview_size(1) == preview_size(8) == (462, 2 * 56 + 2)
    assert preview_size(9) == (462, 4 * 56 + 3 * 2)
    assert preview_size(64) == (462, 16 * 56 + 15 * 2)
    assert preview_size(3, columns=4, scale=1, gap=0) == (4 * 28, 2 * 28)


def test_preview_image_layout() -> None:
    # 12 images: a full pair of rows, then a pair of rows with 4 tiles and 4 blank places;
    # the augmented images are 32 x 32, scaled to 28 x 28 (a constant stays constant)
    originals = _constant_tiles([10 + i for i in range(12)])
    augmented = _constant_tiles([100 + i for i in range(12)], side=32)
    image = preview_image(originals, augmented)
    assert (image.mode, image.size) == ("L", preview_size(12)) == ("L", (462, 230))
    pixels = _pixels(image)
    for i in range(12):
        row, col = 2 * (i // 8), i % 8
        assert torch.equal(_tile(pixels, row, col), torch.full((SIDE, SIDE), 10 + i)), i
        assert torch.equal(_tile(pixels, row + 1, col), torch.full((SIDE, SIDE), 100 + i)), i
    for col in range(4, 8):  # the last pair of rows is padded with background
        for row in (2, 3):
            assert torch.equal(_tile(pixels, row, col), torch.full((SIDE, SIDE), BACKGROUND))
    for col in range(7):  # the gaps between columns and between rows are background
        gap = pixels[:, col * STEP + SIDE : (col + 1) * STEP]
        assert torch.equal(gap, torch.full((230, 2), BACKGROUND)), col
    for row in range(3):
        gap = pixels[row * STEP + SIDE : (row + 1) * STEP]
        assert torch.equal(gap, torch.full((2, 462), BACKGROUND)), row
    assert BACKGROUND == 255


def test_preview_image_scales_other_sizes_with_nearest_neighbour() -> None:
    originals = torch.zeros(2, 1, 28, 28)
    small = torch.zeros(2, 1, 14, 14)
    small[1, 0, 3, 5] = 1.0  # becomes the 2 x 2 block at (6, 10) of 28 x 28, then 4 x 4
    image = preview_image(originals, small)
    tile = _tile(_pixels(image), 1, 1)
    expected = torch.zeros(SIDE, SIDE, dtype=torch.int64)
    expected[12:16, 20:24] = 255
    assert torch.equal(tile, expected)
    # a 56 x 56 output keeps every other pixel: (6, 10) and (7, 11) land on (3, 5); (7, 10)
    # does not
    large = torch.zeros(1, 1, 56, 56)
    large[0, 0, 6, 10] = 0.2
    large[0, 0, 7, 10] = 1.0
    tile = _tile(_pixels(preview_image(originals[:1], large)), 1, 0)
    expected = torch.zeros(SIDE, SIDE, dtype=torch.int64)
    expected[6:8, 10:12] = 51
    assert torch.equal(tile, expected)


def test_preview_image_clips_values() -> None:
    values = torch.tensor([-0.5, 0.0, 0.2, 0.5, 1.0, 1.7, float("nan"), float("inf")])
    augmented = values.reshape(-1, 1, 1, 1).expand(-1, 1, 20, 20)
    pixels = _pixels(preview_image(torch.ones(8, 1, 28, 28), augmented))
    assert [int(_tile(pixels, 1, col)[0, 0]) for col in range(8)] == [
        0, 0, 51, 128, 255, 255, 0, 255,
    ]  # fmt: skip
    assert [int(_tile(pixels, 0, col)[0, 0]) for col in range(8)] == [255] * 8


@pytest.mark.parametrize(
    ("originals", "augmented", "message"),
    [
        (
            (4, 784),
            (4, 1, 28, 28),
            "originals must have shape (N, 1, 28, 28) with N >= 1, got (4, 784)",
        ),
        (
            (4, 1, 28, 28),
            (3, 1, 28, 28),
            "augmented must have shape (4, 1, H, W) with H, W >= 1, got (3, 1, 28, 28)",
        ),
        (
            (4, 1, 28, 28),
            (4, 3, 28, 28),
            "augmented must have shape (4, 1, H, W) with H, W >= 1, got (4, 3, 28, 28)",
        ),
        (
            (4, 1, 28, 28),
            (4, 1, 0, 28),
            "augmented must have shape (4, 1, H, W) with H, W >= 1, got (4, 1, 0, 28)",
        ),
    ],
)
def test_preview_image_wrong_shapes(
    originals: tuple[int, ...], augmented: tuple[int, ...], message: str
) -> None:
    with pytest.raises(ValueError) as info:
        preview_image(torch.zeros(originals), torch.zeros(augmented))
    assert str(info.value) == message


# --- the child's helpers ----------------------------------------------------------------------


def test_expect_batch() -> None:
    assert expect_batch(torch.zeros(16, 1, 32, 24), 16) == (16, 1, 32, 24)
    cases: list[tuple[object, str]] = [
        (
            [torch.zeros(1, 28, 28)] * 16,
            "your pipeline returned list for a batch of 16 images; it must return one tensor "
            "(16, 1, H, W)",
        ),
        (
            torch.zeros(15, 1, 28, 28),
            "your pipeline returned shape (15, 1, 28, 28) for a batch of 16 images (16, 1, 28, "
            "28); it must return (16, 1, H, W), the same images in the same order",
        ),
        (
            torch.zeros(16, 28, 28),
            "your pipeline returned shape (16, 28, 28) for a batch of 16 images (16, 1, 28, "
            "28); it must return (16, 1, H, W), the same images in the same order",
        ),
        (
            torch.zeros(16, 1, 28, 28, dtype=torch.uint8),
            "your pipeline returned a tensor of torch.uint8; it must return float images",
        ),
    ]
    for value, message in cases:
        with pytest.raises(ChildFailure) as info:
            expect_batch(value, 16)
        assert info.value.message == message


def test_range_warnings() -> None:
    inside = torch.full((2, 1, 28, 28), 0.5)
    assert range_warnings(inside) == []
    outside = inside.clone()
    outside[0, 0, 0, 0] = -0.8104
    outside[1, 0, 3, 3] = 2.0231
    assert range_warnings(outside) == [
        "your pipeline returned values outside [0, 1] (min -0.81, max 2.02), e.g. after a "
        "Normalize; the picture clips them"
    ]
    outside[1, 0, :3, 0] = float("nan")
    assert range_warnings(outside)[1:] == [
        "your pipeline returned 3 NaN values; they are drawn black"
    ]
    assert range_warnings(torch.full((1, 1, 2, 2), float("nan"))) == [
        "your pipeline returned 4 NaN values; they are drawn black"
    ]


@needs_data
def test_choose_images() -> None:
    images = choose_images(16, 0)
    assert images.shape == (16, 1, 28, 28)
    assert images.dtype == torch.float32
    assert float(images.min()) >= 0.0 and float(images.max()) <= 1.0
    assert torch.equal(images, choose_images(16, 0))
    assert torch.equal(images[:3], choose_images(3, 0))
    assert not torch.equal(images, choose_images(16, 1))
    assert len({tuple(image.flatten().tolist()) for image in images}) == 16  # distinct


# --- write_preview ----------------------------------------------------------------------------


@needs_data
def test_write_preview_with_a_working_pipeline(spec: AssignmentSpec, tmp_path: Path) -> None:
    path = write_submission(
        tmp_path / "good", f"def fashion_pipeline():\n    return {FLIP_AND_CROP}\n"
    )
    out = tmp_path / "grid.png"
    out.write_bytes(b"an older picture")
    result = write_preview(spec, path, out)
    assert result.path == out
    assert result.count == 16
    assert result.output_shape == (16, 1, 28, 28)
    assert result.warnings == []
    with Image.open(out) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "L", preview_size(16))
        pixels = _pixels(image)
    # the originals' rows are the seeded test images, in order
    originals = (choose_images(16, 0) * 255).round().long()
    for i in (0, 7, 8, 15):
        tile = _tile(pixels, 2 * (i // 8), i % 8)[::2, ::2]
        assert torch.equal(tile, originals[i, 0]), i
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good", "grid.png"]  # no temp file


@needs_data
def test_write_preview_with_a_skeleton(spec: AssignmentSpec, tmp_path: Path) -> None:
    path = write_submission(
        tmp_path / "skeleton",
        "def fashion_pipeline():\n"
        '    """Your training augmentation."""\n'
        '    raise NotImplementedError("fashion_pipeline: compose your transforms")\n',
    )
    line = line_of(path, "raise NotImplementedError")
    out = tmp_path / "grid.png"
    with pytest.raises(SubmissionError) as info:
        write_preview(spec, path, out, n=4)
    assert info.value.exit_code == 1
    assert info.value.message == (
        "not implemented yet: fashion_pipeline: compose your transforms "
        f"(augment.py, line {line}, in fashion_pipeline)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["skeleton"]


@needs_data
def test_write_preview_stops_an_endless_loop(spec: AssignmentSpec, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    path = write_submission(
        tmp_path / "endless",
        "def fashion_pipeline():\n"
        "    import os, pathlib\n"
        f"    pathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()))\n"
        "    while True:\n"
        "        pass\n",
    )
    out = tmp_path / "grid.png"
    with pytest.raises(SubmissionError) as info:
        write_preview(spec, path, out, timeout_s=5)
    assert info.value.message == (
        "fashion_pipeline() did not return within 5 s: look for an endless loop in "
        "fashion_pipeline or in your transforms' __init__"
    )
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["endless", "pid"]


class_source = """
class Broken:
    def __call__(self, x, generator=None):
        return {result}


def fashion_pipeline():
    return Compose([RandomHorizontalFlip(0.5), Broken()])
"""


def test_write_preview_refuses_a_forged_report(spec: AssignmentSpec, tmp_path: Path) -> None:
    """The student's code writes a ``done`` line to every pipe it can reach: unsigned, it is
    refused, and no picture is written."""
    path = write_submission(
        tmp_path / "forged",
        "def fashion_pipeline():\n"
        "    import json, os\n"
        "    line = json.dumps({'event': 'done', 'count': 16, 'shape': [16, 1, 28, 28],\n"
        "                       'warnings': [], 'width': 1, 'height': 1}).encode() + b'\\n'\n"
        "    for name in os.listdir('/proc/self/fd'):\n"
        "        try:\n"
        "            if 'pipe' in os.readlink(f'/proc/self/fd/{name}'):\n"
        "                os.write(int(name), line)\n"
        "        except OSError:\n"
        "            pass\n"
        "    os._exit(0)\n",
    )
    out = tmp_path / "grid.png"
    with pytest.raises(SubmissionError) as info:
        write_preview(spec, path, out)
    assert info.value.message == (
        "the preview process's report was tampered with: an event line without the grader's "
        "signature"
    )
    assert not out.exists()


@needs_data
@pytest.mark.parametrize(
    ("result", "message"),
    [
        (
            "list(x)",
            "your pipeline returned list for a batch of 16 images; it must return one tensor "
            "(16, 1, H, W)",
        ),
        (
            "x[1:]",
            "your pipeline returned shape (15, 1, 28, 28) for a batch of 16 images (16, 1, 28, "
            "28); it must return (16, 1, H, W), the same images in the same order",
        ),
        ("x / 0 if x.requires_grad else 1 / 0", None),
    ],
    ids=["list", "batch", "raises"],
)
def test_write_preview_names_a_wrong_output(
    spec: AssignmentSpec, tmp_path: Path, result: str, message: str | None
) -> None:
    path = write_submission(tmp_path / "wrong", class_source.format(result=result))
    if message is None:  # raised in the student's own transform
        line = line_of(path, "return x / 0")
        message = (
            "your code raised ZeroDivisionError: division by zero "
            f"(augment.py, line {line}, in __call__)"
        )
    with pytest.raises(SubmissionError) as info:
        write_preview(spec, path, tmp_path / "grid.png")
    assert info.value.message == message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wrong"]


@needs_data
def test_write_preview_resize_and_normalize(spec: AssignmentSpec, tmp_path: Path) -> None:
    path = write_submission(
        tmp_path / "normalized",
        "def fashion_pipeline():\n"
        "    return Compose([Resize(32), RandomCrop(30), Normalize(0.2860, 0.3530)])\n",
    )
    out = tmp_path / "grid.png"
    result = write_preview(spec, path, out, n=9, seed=3)
    assert (result.count, result.output_shape) == (9, (9, 1, 30, 30))
    [warning] = result.warnings
    assert re.fullmatch(
        r"your pipeline returned values outside \[0, 1\] \(min -0\.81, max \d\.\d\d\), e\.g\. "
        r"after a Normalize; the picture clips them",
        warning,
    ), warning
    with Image.open(out) as image:
        assert image.size == preview_size(9)


def test_write_preview_checks_its_arguments(spec: AssignmentSpec, tmp_path: Path) -> None:
    path = write_submission(
        tmp_path / "sub", f"def fashion_pipeline():\n    return {FLIP_AND_CROP}\n"
    )
    out = tmp_path / "grid.png"
    cases: list[tuple[dict[str, object], str]] = [
        ({"n": 0}, "the number of images must be 1 to 64: 0. pass --n 1 to 64"),
        ({"n": 65}, "the number of images must be 1 to 64: 65. pass --n 1 to 64"),
        ({"seed": -1}, "the seed must be a whole number from 0 to 2**63 - 1: -1"),
        ({"timeout_s": 0}, "the time limit must be positive, seconds: 0"),
    ]
    for kwargs, message in cases:
        with pytest.raises(UsageError) as info:
            write_preview(spec, path, out, **kwargs)  # type: ignore[arg-type]
        assert info.value.message == message
    with pytest.raises(UsageError) as info:
        write_preview(spec, tmp_path / "nope.py", out)
    assert (
        info.value.message == f"submission file not found: {tmp_path / 'nope.py'}. check the path"
    )
    with pytest.raises(UsageError) as info:
        write_preview(spec, path, tmp_path / "missing" / "grid.png")
    assert info.value.message == (
        f"the folder to write the picture in does not exist: {tmp_path / 'missing'}. make it "
        "first, or pass another --out"
    )
    with pytest.raises(UsageError) as info:
        write_preview(spec, path, tmp_path)
    assert (
        info.value.message
        == f"--out is a folder, not a file: {tmp_path}. pass a file name, e.g. x.png"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"]
