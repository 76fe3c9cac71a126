"""`course.render.grade`: the score table, the summary line, JSON and `course init`'s lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from course.render.grade import (
    GradeProgress,
    init_lines,
    print_report,
    report_json,
    report_table,
    summary_line,
)
from grader.results import CheckResult, GradeReport
from grader.runner import Event
from grader.workspace import InitResult, Workspace

CHECKS = [
    CheckResult("shapes", "BasicBlock output shapes", "passed", 10.0, 10.0, duration_s=0.5),
    CheckResult(
        "params",
        "Parameter counts equal torchvision's",
        "failed",
        0.0,
        10.0,
        message="BasicBlock(64, 64) has 1000 parameters, expected 73984",
        hint="two 3x3 convolutions without bias, two BatchNorms",
    ),
    CheckResult("grad", "Gradient reaches the input", "passed", 5.0, 5.0, visibility="hidden"),
    CheckResult("stride", "Stride on the right conv", "failed", 0.0, 5.0, visibility="hidden"),
    CheckResult(
        "forward",
        "Forward runs",
        "error",
        0.0,
        5.0,
        message="your code raised RuntimeError: boom (resnet.py, line 12, in forward)",
        hint="look at forward",
    ),
    CheckResult(
        "accuracy",
        "Accuracy after 400 steps",
        "timeout",
        0.0,
        20.0,
        message="did not finish within 150 s",
    ),
    CheckResult("bare", "Failed without a message", "failed", 0.0, 2.5, hint="a hint alone"),
]
REPORT = GradeReport(
    "resnet",
    15.0,
    57.5,
    "cpu",
    "quick",
    27.64,
    CHECKS,
    submission="/home/student/ws/resnet/resnet.py",
    submission_sha256="ab" * 32,
    started_at="2026-11-21T04:49:00Z",
    note="grading stopped at the attempt's 300 s limit",
)

TABLE = """\
resnet: 15/57.5 points

  Check                                  Points   Status    Message
 {RULE}
  BasicBlock output shapes                10/10   passed
  Parameter counts equal torchvision's     0/10   failed    BasicBlock(64, 64) has 1000
                                                            parameters, expected 73984
                                                            Hint: two 3x3 convolutions without
                                                            bias, two BatchNorms
  Gradient reaches the input                5/5   passed    hidden check
  Stride on the right conv                  0/5   failed    hidden check: no details
  Forward runs                              0/5   error     your code raised RuntimeError: boom
                                                            (resnet.py, line 12, in forward)
  Accuracy after 400 steps                 0/20   timeout   did not finish within 150 s
  Failed without a message                0/2.5   failed    Hint: a hint alone
""".format(RULE="━" * 98)


def _text(console: Console) -> str:
    file = console.file
    assert isinstance(file, io.StringIO)
    return "".join(line.rstrip() + "\n" for line in file.getvalue().splitlines())


def test_report_table(console: Console) -> None:
    console.print(report_table(REPORT))
    assert _text(console) == TABLE + "\n"


def test_print_report(console: Console) -> None:
    print_report(console, REPORT)
    assert _text(console) == (
        TABLE
        + "\n"
        + "Score 15/57.5 · cpu · quick profile · 27.6 s · no sandbox\n"
        + "Note: grading stopped at the attempt's 300 s limit\n"
    )


def test_print_report_full_marks_without_note(console: Console) -> None:
    report = GradeReport(
        "resnet",
        3.0,
        3.0,
        "cuda",
        "full",
        1.25,
        [
            CheckResult("a", "First", "passed", 2.0, 2.0),
            CheckResult("b", "Second", "passed", 1.0, 1.0, visibility="hidden"),
        ],
    )
    print_report(console, report)
    assert _text(console) == (
        "resnet: 3/3 points\n"
        "\n"
        "  Check    Points   Status   Message\n"
        " " + "━" * 41 + "\n"
        "  First       2/2   passed\n"
        "  Second      1/1   passed   hidden check\n"
        "\n"
        "Score 3/3 · cuda · full profile · 1.2 s · no sandbox\n"
    )


def test_hidden_check_never_shows_its_message(console: Console) -> None:
    leaky = CheckResult(
        "x", "Hidden", "failed", 0.0, 1.0, visibility="hidden", message="secret", hint="secret"
    )
    console.print(report_table(GradeReport("resnet", 0.0, 1.0, "cpu", "quick", 0.0, [leaky])))
    text = _text(console)
    assert "hidden check: no details" in text
    assert "secret" not in text


def test_summary_line() -> None:
    assert summary_line(REPORT) == "Score 15/57.5 · cpu · quick profile · 27.6 s · no sandbox"
    zero = GradeReport("lstm", 0.0, 110.0, "cuda", "full", 0.04)
    assert summary_line(zero) == "Score 0/110 · cuda · full profile · 0.0 s · no sandbox"
    jailed = GradeReport("lstm", 0.0, 110.0, "cuda", "full", 0.04, sandbox="bwrap", tampered=True)
    assert summary_line(jailed) == (
        "Score 0/110 · cuda · full profile · 0.0 s · bwrap sandbox · TAMPERED"
    )


def test_report_json_exact() -> None:
    data = json.loads(report_json(REPORT))
    assert list(data) == [
        "assignment",
        "score",
        "max_score",
        "device",
        "profile",
        "duration_s",
        "sandbox",
        "tampered",
        "checks",
    ]
    assert data["checks"][0] == {
        "id": "shapes",
        "title": "BasicBlock output shapes",
        "status": "passed",
        "points": 10.0,
        "max_points": 10.0,
        "visibility": "visible",
        "message": "",
    }
    for check in data["checks"]:
        assert list(check) == [
            "id",
            "title",
            "status",
            "points",
            "max_points",
            "visibility",
            "message",
        ]
    assert {k: v for k, v in data.items() if k != "checks"} == {
        "assignment": "resnet",
        "score": 15.0,
        "max_score": 57.5,
        "device": "cpu",
        "profile": "quick",
        "duration_s": 27.64,
        "sandbox": "none",
        "tampered": False,
    }
    assert [(c["id"], c["status"], c["points"], c["message"]) for c in data["checks"]] == [
        ("shapes", "passed", 10.0, ""),
        (
            "params",
            "failed",
            0.0,
            "BasicBlock(64, 64) has 1000 parameters, expected 73984 "
            "Hint: two 3x3 convolutions without bias, two BatchNorms",
        ),
        ("grad", "passed", 5.0, ""),
        ("stride", "failed", 0.0, ""),
        (
            "forward",
            "error",
            0.0,
            "your code raised RuntimeError: boom (resnet.py, line 12, in forward)",
        ),
        ("accuracy", "timeout", 0.0, "did not finish within 150 s"),
        ("bare", "failed", 0.0, "Hint: a hint alone"),
    ]
    assert [c["visibility"] for c in data["checks"]] == [
        "visible",
        "visible",
        "hidden",
        "hidden",
        "visible",
        "visible",
        "visible",
    ]


def test_report_json_rounds_duration_and_keeps_unicode() -> None:
    report = GradeReport(
        "resnet",
        1.0,
        1.0,
        "cpu",
        "quick",
        1.23456,
        [CheckResult("a", "합성곱 shapes", "passed", 1.0, 1.0)],
    )
    text = report_json(report)
    assert "합성곱 shapes" in text
    assert json.loads(text)["duration_s"] == 1.235
    assert text.startswith('{\n  "assignment": "resnet",\n')


def test_init_lines() -> None:
    result = InitResult(
        workspace=Workspace(root=Path("/home/student/ws")),
        created=["resnet/README.md"],
        kept=["course.yaml", "resnet/resnet.py"],
    )
    assert init_lines(result) == [
        "Workspace ready: /home/student/ws",
        "  created resnet/README.md",
        "  kept    course.yaml (already there, not touched)",
        "  kept    resnet/resnet.py (already there, not touched)",
        "Next: edit a skeleton, then run `course grade NAME` inside /home/student/ws.",
    ]


def test_progress_shows_nothing_off_a_terminal(console: Console) -> None:
    with GradeProgress(console) as progress:
        progress(Event("start", "a", "First"))
        progress(Event("progress", "a", "First", step=3, total=10))
        progress(Event("result", "a", "First", status="passed"))
    assert _text(console) == ""


def test_progress_on_a_terminal_is_transient() -> None:
    console = Console(
        file=io.StringIO(), width=100, color_system=None, force_terminal=True, legacy_windows=False
    )
    with GradeProgress(console) as progress:
        progress(Event("start", "a", "First check"))
        progress(Event("progress", "a", "First check", step=3, total=10))
        progress(Event("result", "a", "First check", status="passed"))
        progress(Event("start", "b", "Second check"))
    file = console.file
    assert isinstance(file, io.StringIO)
    assert "[2] Second check" in file.getvalue()
