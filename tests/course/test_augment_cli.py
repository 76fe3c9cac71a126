"""`course augment preview` end to end through click: the real child process on the real
Fashion-MNIST test images (about 2 s a run).

The submissions are copies of `solutions/augment.py` with a `fashion_pipeline` appended.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from course.cli import cli
from grader.data import find_dataset
from grader.pictures import preview_size
from grader.spec import SOLUTIONS

needs_data = pytest.mark.skipif(
    find_dataset() is None, reason="Fashion-MNIST is not installed (make test installs it)"
)

FLIP_AND_CROP = "Compose([RandomCrop(28, padding=2), RandomHorizontalFlip(0.5)])"


def write_submission(folder: Path, body: str) -> Path:
    """``folder/augment.py``: the reference solution with ``body`` appended."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "augment.py"
    source = (SOLUTIONS / "augment.py").read_text(encoding="utf-8")
    path.write_text(source.rstrip("\n") + "\n\n\n" + body, encoding="utf-8")
    return path


@needs_data
def test_preview_with_a_working_pipeline(runner: CliRunner, outside: Path, tmp_path: Path) -> None:
    path = write_submission(
        tmp_path / "sub", f"def fashion_pipeline():\n    return {FLIP_AND_CROP}\n"
    )
    out = tmp_path / "grid.png"
    result = runner.invoke(
        cli, ["augment", "preview", "--submission", str(path), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Wrote {out}: 16 test images before and after your fashion_pipeline() "
        "(outputs (16, 1, 28, 28))\n"
    )
    assert result.stderr == ""
    with Image.open(out) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "L", preview_size(16))


@needs_data
def test_preview_warns_about_values_outside_0_1(
    runner: CliRunner, outside: Path, tmp_path: Path
) -> None:
    path = write_submission(
        tmp_path / "sub",
        "def fashion_pipeline():\n    return Compose([Resize(40), Normalize(0.2860, 0.3530)])\n",
    )
    args = ["--submission", str(path), "--n", "1", "--seed", "7"]
    result = runner.invoke(cli, ["augment", "preview", *args])  # --out: grid.png here
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Wrote grid.png: 1 test image before and after your fashion_pipeline() "
        "(outputs (1, 1, 40, 40))\n"
    )
    assert re.fullmatch(
        r"Warning: your pipeline returned values outside \[0, 1\] \(min -0\.81, max \d\.\d\d\), "
        r"e\.g\. after a Normalize; the picture clips them\n",
        result.stderr,
    ), result.stderr
    with Image.open(outside / "grid.png") as image:
        assert image.size == preview_size(1)


@needs_data
def test_preview_with_a_skeleton(runner: CliRunner, outside: Path, tmp_path: Path) -> None:
    path = write_submission(
        tmp_path / "sub",
        'def fashion_pipeline():\n    raise NotImplementedError("fashion_pipeline: compose")\n',
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    line = lines.index('    raise NotImplementedError("fashion_pipeline: compose")') + 1
    out = tmp_path / "grid.png"
    result = runner.invoke(
        cli, ["augment", "preview", "--submission", str(path), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: not implemented yet: fashion_pipeline: compose "
        f"(augment.py, line {line}, in fashion_pipeline)\n"
    )
    assert not out.exists()


@needs_data
def test_preview_with_the_solution(runner: CliRunner, outside: Path, tmp_path: Path) -> None:
    out = tmp_path / "grid.png"
    result = runner.invoke(cli, ["augment", "preview", "--solution", "--n", "8", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        f"Wrote {re.escape(str(out))}: 8 test images before and after your fashion_pipeline\\(\\) "
        r"\(outputs \(8, 1, \d+, \d+\)\)\n",
        result.stdout,
    ), result.stdout
    with Image.open(out) as image:
        assert image.size == preview_size(8)


@pytest.mark.parametrize("n", ["0", "65"])
def test_preview_n_must_be_1_to_64(runner: CliRunner, outside: Path, n: str) -> None:
    result = runner.invoke(cli, ["augment", "preview", "--solution", "--n", n])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"Error: Invalid value for '--n': {n} is not in the range 1<=x<=64.\n" in result.stderr
    assert not (outside / "grid.png").exists()


def test_preview_outside_a_workspace(runner: CliRunner, outside: Path) -> None:
    result = runner.invoke(cli, ["augment", "preview"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: no submission to grade: no course.yaml here or in a parent folder: {outside}. "
        "run `course init DIR` and grade inside DIR, or pass --submission PATH/augment.py\n"
    )


@needs_data
def test_preview_folder_must_exist(runner: CliRunner, outside: Path, tmp_path: Path) -> None:
    path = write_submission(
        tmp_path / "sub", f"def fashion_pipeline():\n    return {FLIP_AND_CROP}\n"
    )
    folder = tmp_path / "missing"
    args = ["--submission", str(path), "--out", str(folder / "grid.png")]
    result = runner.invoke(cli, ["augment", "preview", *args])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: the folder to write the picture in does not exist: {folder}. make it first, "
        "or pass another --out\n"
    )


def test_augment_help_lists_preview(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["augment", "--help"])
    assert result.exit_code == 0
    assert "Tools for the augment assignment." in result.stdout
    assert "preview  Draw test images before and after your pipeline." in result.stdout
