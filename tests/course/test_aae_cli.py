"""`course aae samples` end to end through click: the real child process on real data, trained
for 2 steps, so each run takes a few seconds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from course.cli import cli
from grader.data import find_dataset
from grader.pictures import grid_size
from grader.spec import load_assignment

needs_data = pytest.mark.skipif(
    find_dataset() is None, reason="Fashion-MNIST is not installed (make test installs it)"
)


@needs_data
def test_samples_with_the_solution(runner: CliRunner, outside: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.png"
    result = runner.invoke(
        cli, ["aae", "samples", "--solution", "--steps", "2", "--device", "cpu", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        f"Wrote {re.escape(str(out))}: 64 prior samples, 32 test images with reconstructions "
        r"\(test MSE 0\.\d{4} after 2 steps, \d+\.\d s\)\n",
        result.stdout,
    ), result.stdout
    assert result.stderr == ""
    with Image.open(out) as image:
        assert (image.format, image.size) == ("PNG", grid_size(64, 32))


@needs_data
def test_samples_with_the_skeleton(runner: CliRunner, outside: Path, tmp_path: Path) -> None:
    skeleton = load_assignment("aae").skeleton
    lines = skeleton.read_text(encoding="utf-8").splitlines()
    [(line, text)] = [
        (number, found.group(1))
        for number, source in enumerate(lines, start=1)
        if (found := re.search(r'raise NotImplementedError\("(AAE\.__init__[^"]*)"\)', source))
    ]
    out = tmp_path / "s.png"
    args = ["--submission", str(skeleton), "--steps", "2", "--device", "cpu", "--out", str(out)]
    result = runner.invoke(cli, ["aae", "samples", *args])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: not implemented yet: {text} (aae.py, line {line}, in __init__)\n"
    )
    assert not out.exists()


def test_samples_steps_must_be_positive(runner: CliRunner, outside: Path) -> None:
    result = runner.invoke(cli, ["aae", "samples", "--solution", "--steps", "0"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error: Invalid value for '--steps': 0 is not in the range x>=1.\n" in result.stderr


@needs_data
def test_samples_folder_must_exist(runner: CliRunner, outside: Path, tmp_path: Path) -> None:
    folder = tmp_path / "missing"
    result = runner.invoke(
        cli, ["aae", "samples", "--solution", "--device", "cpu", "--out", str(folder / "s.png")]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: the folder to write the picture in does not exist: {folder}. make it first, "
        "or pass another --out\n"
    )


def test_samples_outside_a_workspace(runner: CliRunner, outside: Path) -> None:
    result = runner.invoke(cli, ["aae", "samples"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: no submission to grade: no course.yaml here or in a parent folder: {outside}. "
        "run `course init DIR` and grade inside DIR, or pass --submission PATH/aae.py\n"
    )


def test_aae_help_lists_samples(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["aae", "--help"])
    assert result.exit_code == 0
    assert "Tools for the aae assignment." in result.stdout
    assert "samples  Train your AAE, draw its samples to a PNG." in result.stdout
