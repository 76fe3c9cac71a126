"""`course optim race` end to end through click: the real child process, 50 steps a runner."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from course.cli import cli


def test_race_with_the_solution(runner: CliRunner, outside: Path, tmp_path: Path) -> None:
    out = tmp_path / "race.png"
    result = runner.invoke(cli, ["optim", "race", "--solution", "--steps", "50", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Wrote {out}: 3 optimizers, 50 steps each, on Rosenbrock from (-1.5, 2)"
    assert [line.split(": ")[0] for line in lines[1:]] == [
        "  SGD, SGD(lr=0.001)",
        "  momentum, SGD(lr=0.001, momentum=0.9)",
        "  Adam, Adam(lr=0.02)",
    ]
    assert all(": not within 0.01 of (1, 1); ends at (" in line for line in lines[1:])
    with Image.open(out) as image:
        assert (image.format, image.size) == ("PNG", (720, 600))


def test_race_with_the_skeleton_exits_1(runner: CliRunner, outside: Path, tmp_path: Path) -> None:
    out = tmp_path / "race.png"
    result = runner.invoke(cli, ["optim", "race", "--steps", "5", "--out", str(out)])
    assert result.exit_code == 2  # outside a workspace and no --submission: bad usage
    assert result.stderr.startswith("Error: ")
    skeleton = Path(__file__).parents[2] / "assignments" / "optim" / "optim.py"
    result = runner.invoke(
        cli, ["optim", "race", "--submission", str(skeleton), "--steps", "5", "--out", str(out)]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: not implemented yet: SGD.__init__: ")
    assert not out.exists()


def test_race_steps_must_be_in_range(runner: CliRunner, outside: Path) -> None:
    for steps in ("0", "100001"):
        result = runner.invoke(cli, ["optim", "race", "--solution", "--steps", steps])
        assert result.exit_code == 2
        assert "Invalid value for '--steps'" in result.stderr


def test_race_shows_a_runner_not_written_yet(
    runner: CliRunner, outside: Path, tmp_path: Path
) -> None:
    solution = Path(__file__).parents[2] / "solutions" / "optim.py"
    text = solution.read_text(encoding="utf-8").replace(
        "class Adam(Optimizer):",
        "class Adam(Optimizer):\n    def __init__(self, *a, **k):\n"
        '        raise NotImplementedError("Adam.__init__: not yet")\n\n\nclass _Adam(Optimizer):',
        1,
    )
    mine = tmp_path / "optim.py"
    mine.write_text(text, encoding="utf-8")
    out = tmp_path / "race.png"
    args = ["optim", "race", "--submission", str(mine), "--steps", "20", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    line = (
        text.splitlines().index('        raise NotImplementedError("Adam.__init__: not yet")') + 1
    )
    assert result.stdout.splitlines()[3] == (
        "  Adam, Adam(lr=0.02): skipped, not implemented yet: Adam.__init__: not yet "
        f"(optim.py, line {line}, in __init__)"
    )
    assert out.exists()
