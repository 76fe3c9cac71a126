"""`grader.runner` and `grader.plugin` on a fake assignment: every way student code goes wrong.

Each grading run starts a child process that imports torch (about 3 s), so a fake submission
is graded once per module (``scope="module"`` fixtures) and several tests read its report.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import time
from pathlib import Path

import pytest
import torch

from core.errors import AssignmentError, EnvironmentProblem, UsageError
from grader import process
from grader.results import GradeReport
from grader.runner import Event, default_profile, grade, grade_many, resolve_device
from grader.spec import AssignmentSpec, parse_spec

# about 27 s together (pytest --durations): started early, see tests/conftest.py
pytestmark = pytest.mark.early(27)

SPEC_YAML = """\
title: Fake assignment for the runner's tests
topic: Testing
module: fake.py
timeout_s: 60
check_timeout_s: 3
memory_mb: 8192
profiles:
  quick: {steps: 1, batch_size: 1, lr: 0.1, threshold: 0.5}
  full: {steps: 2, batch_size: 1, lr: 0.1, threshold: 0.5, timeout_s: 90}
"""

# The first check of every suite imports torch and the submission while its limit runs, so it
# gets a generous marker timeout; the others use the spec's check_timeout_s (3 s).
MAIN_SUITE = '''\
import pytest

check = pytest.mark.check


@check(points=2, title="add(2, 3) is 5", hint="add, do not subtract", timeout=60)
def test_add(submission):
    got = submission.add(2, 3)
    assert got == 5, f"add(2, 3) gave {got}, expected 5"


@check(points=1, title="A hidden check", visibility="hidden", hint="never shown")
def test_secret(submission):
    assert submission.mul(3, 4) == 12, "mul(3, 4) is wrong"


@check(points=3, title="neg(4) is -4", hint="use the unary minus")
def test_negate(submission):
    assert submission.neg(4) == -4, "neg(4) is wrong"


@check(points=1, title="div(6, 3) is 2")
def test_divide(submission):
    assert submission.div(6, 3) == 2, "div(6, 3) is wrong"


@check(points=1, title="square(3) is 9")
def test_square(submission):
    assert submission.square(3) == 9, "square(3) is wrong"


@check(points=1)
def test_steps(submission, progress):
    """Steps with progress (title from the docstring)."""
    for step in range(1, 4):
        progress(step, 3)
    assert submission.mul(0, 5) == 0, "mul(0, 5) is wrong"
'''
MAIN_IDS = ["add", "secret", "negate", "divide", "square", "steps"]
MAIN_TITLES = [
    "add(2, 3) is 5",
    "A hidden check",
    "neg(4) is -4",
    "div(6, 3) is 2",
    "square(3) is 9",
    "Steps with progress (title from the docstring).",
]

CORRECT = """\
def add(a, b):
    return a + b


def mul(a, b):
    return a * b


def neg(a):
    return -a


def div(a, b):
    return a // b


def square(a):
    return a * a
"""

MIXED = """\
import sys


def add(a, b):
    return a - b


def mul(a, b):
    return 0


def _check_sign(a):
    raise ValueError("negative numbers are hard")


def neg(a):
    return _check_sign(a)


def div(a, b):
    raise NotImplementedError


def square(a):
    sys.exit(4)
"""

ROBUST_SUITE = """\
import pytest

check = pytest.mark.check


@check(points=1, title="warm-up", timeout=60)
def test_first(submission):
    assert submission.add(1, 2) == 3


@check(points=2, title="spins", hint="break out of the loop")
def test_spin(submission):
    submission.spin()


@check(points=1, title="after the spin")
def test_after_spin(submission):
    assert submission.add(2, 2) == 4


@check(points=2, title="exits hard", hint="never call os._exit")
def test_crash(submission):
    submission.crash()


@check(points=1, title="after the crash", timeout=60)
def test_after_crash(submission):
    assert submission.add(3, 3) == 6


@check(points=2, title="killed")
def test_kill(submission):
    submission.kill()


@check(points=1, title="after the kill", timeout=60)
def test_after_kill(submission):
    assert submission.add(4, 4) == 8
"""

ROBUST = """\
import os
import signal


def add(a, b):
    return a + b


def spin():
    n = 0
    while True:
        n += 1


def crash():
    os._exit(1)


def kill():
    os.kill(os.getpid(), signal.SIGKILL)
"""

SLOW_SUITE = """\
import pytest

check = pytest.mark.check


@check(points=2, title="slow one", timeout=120)
def test_slow(submission):
    submission.slow()


@check(points=1, title="never reached", timeout=120)
def test_never(submission):
    assert submission.add(1, 1) == 2
"""

SLOW = """\
import time


def add(a, b):
    return a + b


def slow():
    for _ in range(100000):
        time.sleep(0.05)
"""

IMPORT_SUITE = """\
import pytest

check = pytest.mark.check


@check(points=2, title="first", timeout=60)
def test_first(submission):
    assert submission.add(1, 2) == 3


@check(points=1, title="second")
def test_second(submission):
    assert submission.add(2, 2) == 4
"""


def _line(source: str, text: str) -> int:
    """1-based number of the only line of ``source`` containing ``text``."""
    lines = [n for n, line in enumerate(source.splitlines(), 1) if text in line]
    assert len(lines) == 1, (text, lines)
    return lines[0]


def _spec(root: Path, suite: str, name: str = "test_fake.py") -> AssignmentSpec:
    """The fake assignment under ``root/fake`` with ``suite`` written to ``root/name``."""
    folder = root / "fake"
    folder.mkdir(exist_ok=True)
    (folder / "assignment.yaml").write_text(SPEC_YAML, encoding="utf-8")
    suite_path = root / name
    suite_path.write_text(suite, encoding="utf-8")
    return dataclasses.replace(parse_spec(folder / "assignment.yaml"), suite=suite_path)


def _submission(root: Path, name: str, source: str) -> Path:
    path = root / "work" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return path


def _statuses(report: GradeReport) -> list[tuple[str, str, float, float]]:
    return [(c.id, c.status, c.points, c.max_points) for c in report.checks]


def _by_id(report: GradeReport) -> dict[str, str]:
    return {c.id: c.message for c in report.checks}


# --- a correct submission, with events ------------------------------------------------------------


@pytest.fixture(scope="module")
def correct(tmp_path_factory: pytest.TempPathFactory) -> tuple[GradeReport, list[Event], Path]:
    root = tmp_path_factory.mktemp("correct")
    spec = _spec(root, MAIN_SUITE)
    path = _submission(root, "fake.py", CORRECT)
    events: list[Event] = []
    report = grade(spec, path, device="cpu", profile="quick", on_event=events.append)
    return report, events, path


def test_correct_submission_gets_full_marks(
    correct: tuple[GradeReport, list[Event], Path],
) -> None:
    report, _, _ = correct
    assert _statuses(report) == [
        ("add", "passed", 2.0, 2.0),
        ("secret", "passed", 1.0, 1.0),
        ("negate", "passed", 3.0, 3.0),
        ("divide", "passed", 1.0, 1.0),
        ("square", "passed", 1.0, 1.0),
        ("steps", "passed", 1.0, 1.0),
    ]
    assert [c.title for c in report.checks] == MAIN_TITLES
    assert all(c.message == "" for c in report.checks)
    assert report.full_marks
    assert report.score == report.max_score == 9.0
    assert report.assignment == "fake"
    assert (report.device, report.profile) == ("cpu", "quick")
    assert report.note == ""


def test_correct_submission_report_fields(
    correct: tuple[GradeReport, list[Event], Path],
) -> None:
    report, _, path = correct
    assert report.submission == str(path.resolve())
    assert report.submission_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", report.started_at)
    assert report.started_at.endswith("Z")
    assert 0 < report.duration_s < 60
    assert all(c.duration_s >= 0 for c in report.checks)
    assert [c.visibility for c in report.checks] == [
        "visible",
        "hidden",
        "visible",
        "visible",
        "visible",
        "visible",
    ]
    assert [c.hint for c in report.checks] == [
        "add, do not subtract",
        None,
        "use the unary minus",
        None,
        None,
        None,
    ]


def test_events_in_order(correct: tuple[GradeReport, list[Event], Path]) -> None:
    _, events, _ = correct
    expected: list[tuple[str, str, int, int, str]] = []
    for cid in MAIN_IDS:
        expected.append(("start", cid, 0, 0, ""))
        if cid == "steps":
            expected += [("progress", cid, 1, 3, ""), ("progress", cid, 3, 3, "")]
        expected.append(("result", cid, 0, 0, "passed"))
    assert [(e.kind, e.check_id, e.step, e.total, e.status) for e in events] == expected
    assert [e.title for e in events if e.kind == "start"] == MAIN_TITLES


# --- wrong answers, exceptions, NotImplementedError, sys.exit -----------------------------------


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> GradeReport:
    root = tmp_path_factory.mktemp("mixed")
    spec = _spec(root, MAIN_SUITE)
    return grade(spec, _submission(root, "mixed.py", MIXED), device="cpu", profile="quick")


def test_mixed_statuses(mixed: GradeReport) -> None:
    assert _statuses(mixed) == [
        ("add", "failed", 0.0, 2.0),
        ("secret", "failed", 0.0, 1.0),
        ("negate", "error", 0.0, 3.0),
        ("divide", "error", 0.0, 1.0),
        ("square", "error", 0.0, 1.0),
        ("steps", "passed", 1.0, 1.0),
    ]
    assert (mixed.score, mixed.max_score) == (1.0, 9.0)
    assert not mixed.full_marks
    assert mixed.note == ""


def test_wrong_answer_shows_the_suites_message_and_hint(mixed: GradeReport) -> None:
    add = mixed.checks[0]
    assert add.message == "add(2, 3) gave -1, expected 5"
    assert add.hint == "add, do not subtract"
    assert add.visibility == "visible"


def test_hidden_failure_shows_nothing(mixed: GradeReport) -> None:
    secret = mixed.checks[1]
    assert (secret.status, secret.message, secret.hint, secret.visibility) == (
        "failed",
        "",
        None,
        "hidden",
    )
    assert secret.to_json()["message"] == ""


def test_exception_names_type_and_the_students_line(mixed: GradeReport) -> None:
    line = _line(MIXED, "raise ValueError")
    assert _by_id(mixed)["negate"] == (
        f"your code raised ValueError: negative numbers are hard (mixed.py, line {line}, "
        "in _check_sign)"
    )
    assert mixed.checks[2].hint == "use the unary minus"


def test_not_implemented(mixed: GradeReport) -> None:
    line = _line(MIXED, "raise NotImplementedError")
    assert _by_id(mixed)["divide"] == f"not implemented yet (mixed.py, line {line}, in div)"


def test_sys_exit_in_a_function_is_an_error_and_later_checks_run(mixed: GradeReport) -> None:
    line = _line(MIXED, "sys.exit(4)")
    assert (
        _by_id(mixed)["square"]
        == f"your code called sys.exit(4) (mixed.py, line {line}, in square)"
    )
    assert mixed.checks[-1].status == "passed"


# --- a file that cannot be imported -------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "def add(a, b)\n    return a + b\n",
            "fake.py has a syntax error at line 1: expected ':'",
        ),
        (
            "import os\n\nraise RuntimeError('no GPU here')\n",
            "importing fake.py failed (line 3): RuntimeError: no GPU here",
        ),
        (
            "import sys\n\n\nsys.exit(3)\n\ndef add(a, b):\n    return a + b\n",
            "importing fake.py failed (line 4): sys.exit(3)",
        ),
    ],
    ids=["syntax-error", "raises-at-import", "sys-exit-at-import"],
)
def test_import_failure_fails_every_check(tmp_path: Path, source: str, message: str) -> None:
    spec = _spec(tmp_path, IMPORT_SUITE)
    report = grade(spec, _submission(tmp_path, "fake.py", source), device="cpu")
    assert _statuses(report) == [("first", "error", 0.0, 2.0), ("second", "error", 0.0, 1.0)]
    assert [c.message for c in report.checks] == [message, message]
    assert report.note == ""


# --- endless loop, os._exit and SIGKILL -----------------------------------------------------------


@pytest.fixture(scope="module")
def robust(tmp_path_factory: pytest.TempPathFactory) -> tuple[GradeReport, list[Event], float]:
    root = tmp_path_factory.mktemp("robust")
    spec = _spec(root, ROBUST_SUITE, "test_robust.py")
    events: list[Event] = []
    start = time.perf_counter()
    report = grade(spec, _submission(root, "fake.py", ROBUST), on_event=events.append)
    return report, events, time.perf_counter() - start


def test_robust_statuses(robust: tuple[GradeReport, list[Event], float]) -> None:
    report, _, _ = robust
    assert _statuses(report) == [
        ("first", "passed", 1.0, 1.0),
        ("spin", "timeout", 0.0, 2.0),
        ("after_spin", "passed", 1.0, 1.0),
        ("crash", "error", 0.0, 2.0),
        ("after_crash", "passed", 1.0, 1.0),
        ("kill", "error", 0.0, 2.0),
        ("after_kill", "passed", 1.0, 1.0),
    ]
    assert (report.score, report.max_score) == (4.0, 10.0)


def test_endless_loop_times_out_after_the_check_limit(
    robust: tuple[GradeReport, list[Event], float],
) -> None:
    report, _, _ = robust
    spin = report.checks[1]
    assert spin.message == ("did not finish within 3 s: still running (fake.py, line 11, in spin)")
    assert spin.hint == "break out of the loop"
    assert 2.9 <= spin.duration_s < 10


def test_crash_is_an_error_and_the_process_restarts(
    robust: tuple[GradeReport, list[Event], float],
) -> None:
    report, _, _ = robust
    messages = _by_id(report)
    assert messages["crash"] == (
        "the grading process exited with code 1 while this check ran "
        "(os._exit, a crash in native code, or running out of memory)"
    )
    assert messages["kill"] == (
        "the grading process was killed by SIGKILL while this check ran "
        "(os._exit, a crash in native code, or running out of memory)"
    )
    assert report.note == (
        "the grading process exited with code 1 during 'crash' and was restarted; "
        "the grading process was killed by SIGKILL during 'kill' and was restarted"
    )


def test_robust_events(robust: tuple[GradeReport, list[Event], float]) -> None:
    _, events, _ = robust
    assert [(e.kind, e.check_id, e.status) for e in events] == [
        ("start", "first", ""),
        ("result", "first", "passed"),
        ("start", "spin", ""),
        ("result", "spin", "timeout"),
        ("start", "after_spin", ""),
        ("result", "after_spin", "passed"),
        ("start", "crash", ""),
        ("start", "after_crash", ""),
        ("result", "after_crash", "passed"),
        ("start", "kill", ""),
        ("start", "after_kill", ""),
        ("result", "after_kill", "passed"),
    ]


def test_robust_run_is_bounded(robust: tuple[GradeReport, list[Event], float]) -> None:
    _, _, elapsed = robust
    assert elapsed < 40


FIVE_SUITE = "import pytest\n\ncheck = pytest.mark.check\n" + "".join(
    f"\n\n@check(points=1, title={n!r}, timeout=60)\ndef test_{n}(submission):\n    pass\n"
    for n in ("one", "two", "three", "four", "five")
)


def test_crash_on_every_try_stops_with_errors_not_timeouts(tmp_path: Path) -> None:
    """A file that kills the process when imported: each try costs one check, then grading
    stops; the checks left say why they were not run (not a time limit that was never hit)."""
    spec = _spec(tmp_path, FIVE_SUITE)
    path = _submission(tmp_path, "fake.py", "import os\n\nos._exit(1)\n")
    start = time.perf_counter()
    report = grade(spec, path, device="cpu")
    assert time.perf_counter() - start < 20
    crashed = (
        "the grading process exited with code 1 while this check ran "
        "(os._exit, a crash in native code, or running out of memory)"
    )
    assert [(c.id, c.status, c.message) for c in report.checks] == [
        ("one", "error", crashed),
        ("two", "error", crashed),
        ("three", "error", crashed),
        ("four", "error", crashed),
        (
            "five",
            "error",
            "not run: the grading process died 4 times before this check (see the checks above)",
        ),
    ]
    assert report.note == (
        "the grading process exited with code 1 during 'one' and was restarted; "
        "the grading process exited with code 1 during 'two' and was restarted; "
        "the grading process exited with code 1 during 'three' and was restarted; "
        "the grading process exited with code 1 during 'four'; "
        "grading stopped after the grading process died 4 times"
    )


# --- the attempt's deadline -----------------------------------------------------------------------


def test_attempt_deadline(tmp_path: Path) -> None:
    spec = _spec(tmp_path, SLOW_SUITE)
    path = _submission(tmp_path, "fake.py", SLOW)
    start = time.perf_counter()
    report = grade(spec, path, device="cpu", profile="quick", timeout_s=4)
    elapsed = time.perf_counter() - start
    assert _statuses(report) == [("slow", "timeout", 0.0, 2.0), ("never", "timeout", 0.0, 1.0)]
    assert [c.message for c in report.checks] == [
        "still running when the attempt hit its 4 s limit",
        "not run: the attempt hit its 4 s limit first",
    ]
    assert report.note == "grading stopped at the attempt's 4 s limit"
    assert 4 <= elapsed < 15
    assert 4 <= report.duration_s < 15


# --- the suite, the file and the arguments --------------------------------------------------------


def test_suite_that_cannot_be_collected(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "import pytest\n\ndef test_broken(:\n    pass\n")
    path = _submission(tmp_path, "fake.py", CORRECT)
    with pytest.raises(EnvironmentProblem) as info:
        grade(spec, path, device="cpu")
    message = info.value.message
    assert message.startswith(f"the grading process could not collect the suite: {spec.suite}. ")
    assert "SyntaxError" in message
    assert info.value.exit_code == 3


def test_missing_submission(tmp_path: Path) -> None:
    spec = _spec(tmp_path, IMPORT_SUITE)
    with pytest.raises(UsageError) as info:
        grade(spec, tmp_path / "nope.py")
    assert (
        info.value.message == f"submission file not found: {tmp_path / 'nope.py'}. check the path"
    )


def test_unknown_profile(tmp_path: Path) -> None:
    spec = _spec(tmp_path, IMPORT_SUITE)
    path = _submission(tmp_path, "fake.py", CORRECT)
    with pytest.raises(AssignmentError, match="has no profile: medium"):
        grade(spec, path, profile="medium")


def test_resolve_device_cpu() -> None:
    assert resolve_device("cpu") == "cpu"


@pytest.mark.parametrize("name", ["bogus", "gpu", "CUDA", ""])
def test_resolve_device_unknown(name: str) -> None:
    with pytest.raises(UsageError) as info:
        resolve_device(name)
    assert info.value.message == f"unknown device: {name}. use auto, cpu or cuda"
    assert info.value.exit_code == 2


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_resolve_device_cuda_without_cuda() -> None:
    with pytest.raises(EnvironmentProblem) as info:
        resolve_device("cuda")
    assert info.value.message == (
        f"--device cuda was asked for but torch sees no CUDA device: {torch.__version__}. "
        "use --device cpu (or auto), or install a CUDA build of torch on a GPU machine"
    )
    assert info.value.exit_code == 3
    assert resolve_device("auto") == "cpu"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_resolve_device_with_cuda() -> None:
    assert resolve_device("cuda") == "cuda"
    assert resolve_device("auto") == "cuda"


def test_default_profile() -> None:
    assert default_profile("cpu") == "quick"
    assert default_profile("cuda") == "full"


def _children_running(suite: Path) -> bool:
    """True while a grading child (pytest with ``grader.plugin``) runs ``suite`` (its copy:
    the file of the same name in the grader's per-child copy)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
            named = any(arg.endswith(b"/" + suite.name.encode()) for arg in args)
            if named and b"grader.plugin" in args:
                return True
        except OSError:
            continue
    return False


def test_interrupt_kills_the_grading_child(tmp_path: Path) -> None:
    spec = _spec(tmp_path, SLOW_SUITE, name="test_interrupted.py")
    submission = _submission(tmp_path, "slow.py", SLOW)

    def interrupt(event: Event) -> None:
        if event.kind == "start":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        grade(spec, submission, device="cpu", profile="quick", on_event=interrupt)
    assert not _children_running(spec.suite)


def test_child_exits_when_its_parent_dies(tmp_path: Path) -> None:
    """A grading child whose `course` process is killed must not train on alone."""
    import subprocess
    import sys

    spec = _spec(tmp_path, SLOW_SUITE, name="test_orphaned.py")
    submission = _submission(tmp_path, "slow.py", SLOW)
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import dataclasses, sys; from pathlib import Path;"
            "from grader.spec import parse_spec; from grader.runner import grade;"
            "s = dataclasses.replace(parse_spec(Path(sys.argv[1])), suite=Path(sys.argv[2]));"
            "grade(s, Path(sys.argv[3]))",
            str(tmp_path / "fake" / "assignment.yaml"),
            str(spec.suite),
            str(submission),
        ],
        # killed, the parent cannot remove its working folder: keep it in tmp_path
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    deadline = time.monotonic() + 30
    while not _children_running(spec.suite) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _children_running(spec.suite), "the grading child never started"
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while _children_running(spec.suite) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _children_running(spec.suite)


TRAINING_SUITE = """\
import pytest

check = pytest.mark.check


@check(points=1, title="first", timeout=60)
def test_first(submission):
    assert submission.add(1, 2) == 3


@check(points=3, title="trains", training=True)
def test_trains(submission):
    submission.slow()
"""


def test_training_check_uses_the_profile_limit_and_says_the_machine_may_be_busy(
    tmp_path: Path,
) -> None:
    spec = _spec(tmp_path, TRAINING_SUITE, name="test_training_limit.py")
    quick = dataclasses.replace(spec.profile("quick"), train_timeout_s=2.0)
    spec = dataclasses.replace(spec, profiles={**spec.profiles, "quick": quick})
    (tmp_path / "fake" / "assignment.yaml").write_text(
        SPEC_YAML.replace(
            "quick: {steps: 1, batch_size: 1, lr: 0.1, threshold: 0.5}",
            "quick: {steps: 1, batch_size: 1, lr: 0.1, threshold: 0.5, train_timeout_s: 2}",
        ),
        encoding="utf-8",
    )
    report = grade(spec, _submission(tmp_path, "slow.py", SLOW), device="cpu", profile="quick")
    assert _statuses(report) == [("first", "passed", 1.0, 1.0), ("trains", "timeout", 0.0, 3.0)]
    assert report.checks[1].message.startswith(
        "training did not finish within 2 s, the profile's limit, set far above what a correct "
        "solution needs on an idle machine: if other programs were busy, grade again"
    )


# --- grade_many: trusted submissions in one child -------------------------------------------------


def _comparable(report: GradeReport) -> tuple[object, ...]:
    """Everything of a report but its durations and start time."""
    return (
        report.assignment,
        report.score,
        report.max_score,
        report.device,
        report.profile,
        report.submission,
        report.submission_sha256,
        report.note,
        [
            (c.id, c.title, c.status, c.points, c.max_points, c.visibility, c.message, c.hint)
            for c in report.checks
        ],
    )


def test_grade_many_gives_the_reports_of_grading_each_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A correct and a mixed file (both ``fake.py``) are graded in the batch's one child; the
    file that kills it at import, and the correct one after it, are graded again alone. (The
    real suites are graded in batches by tests/grader/test_suites.py.)"""
    import grader.runner

    spec = _spec(tmp_path, MAIN_SUITE)
    correct = _submission(tmp_path, "fake.py", CORRECT)
    mixed = tmp_path / "mixed" / "fake.py"
    mixed.parent.mkdir()
    mixed.write_text(MIXED, encoding="utf-8")
    crash = tmp_path / "crash" / "fake.py"
    crash.parent.mkdir()
    crash.write_text("import os\n\nos._exit(3)\n", encoding="utf-8")
    again: list[Path] = []

    def grade_again(spec: AssignmentSpec, submission: Path, **kwargs: object) -> GradeReport:
        again.append(submission)
        return grade(spec, submission, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(grader.runner, "grade", grade_again)
    batch = grade_many(spec, [correct, mixed, crash, correct])
    monkeypatch.undo()
    assert again == [crash, correct]
    alone = [grade(spec, path) for path in (correct, mixed, crash)]
    assert [_comparable(r) for r in batch] == [_comparable(r) for r in [*alone, alone[0]]]
    solution, wrong, crashed, _ = batch
    assert solution.full_marks
    assert {c.status for c in wrong.checks} >= {"failed", "error"}
    assert crashed.note.startswith(
        "the grading process exited with code 3 during 'add' and was restarted"
    )
    assert all(r.duration_s > 0 for r in batch)


def test_grade_many_of_nothing_and_of_a_missing_file(tmp_path: Path) -> None:
    spec = _spec(tmp_path, IMPORT_SUITE)
    assert grade_many(spec, []) == []
    with pytest.raises(UsageError) as info:
        grade_many(spec, [_submission(tmp_path, "fake.py", CORRECT), tmp_path / "nope.py"])
    assert (
        info.value.message == f"submission file not found: {tmp_path / 'nope.py'}. check the path"
    )


CACHE_SUITE = """\
import pytest

check = pytest.mark.check


@check(points=1, title="The cache is new", timeout=60)
def test_first(submission, reference_cache):
    seen = reference_cache.get("count", 0)
    reference_cache["count"] = seen + 1
    assert seen == 0, f"the cache held {seen}"


@check(points=1, title="The cache is still new")
def test_second(submission, reference_cache):
    assert reference_cache == {}, f"the cache held {reference_cache}"
"""

POISONS_THE_CACHE = (
    CORRECT
    + """

import sys

sys.modules["grader.plugin"]._TRUSTED_CACHE["count"] = 5
"""
)


def test_reference_cache_is_new_for_each_check_of_an_attempt(tmp_path: Path) -> None:
    """In a graded attempt no check sees what another check, or the submission, put in the
    cache: a submission that fills the batch's cache at import changes nothing."""
    spec = _spec(tmp_path, CACHE_SUITE)
    for source in (CORRECT, POISONS_THE_CACHE):
        report = grade(spec, _submission(tmp_path, "fake.py", source))
        assert _statuses(report) == [("first", "passed", 1, 1), ("second", "passed", 1, 1)]


def test_reference_cache_is_kept_across_a_batch(tmp_path: Path) -> None:
    """In the trusted batch the cache is one dict for every check of every submission."""
    spec = _spec(tmp_path, CACHE_SUITE)
    correct = _submission(tmp_path, "fake.py", CORRECT)
    first, second = grade_many(spec, [correct, correct])
    assert _statuses(first) == [("first", "passed", 1, 1), ("second", "failed", 0, 1)]
    assert _by_id(first)["second"] == "the cache held {'count': 1}"
    assert _statuses(second) == [("first", "failed", 0, 1), ("second", "failed", 0, 1)]
    assert _by_id(second)["first"] == "the cache held 1"
    assert _by_id(second)["second"] == "the cache held {'count': 2}"


def test_grade_many_skips_per_submission(tmp_path: Path) -> None:
    spec = _spec(tmp_path, MAIN_SUITE)
    correct = _submission(tmp_path, "fake.py", CORRECT)
    whole, part = grade_many(spec, [correct, correct], skips=[(), ["secret", "steps"]])
    assert [c.id for c in whole.checks] == MAIN_IDS
    assert [c.id for c in part.checks] == ["add", "negate", "divide", "square"]
    assert whole.full_marks and part.full_marks
    with pytest.raises(UsageError) as info:
        grade_many(spec, [correct, correct], skips=[()])
    assert info.value.message == (
        "one skip list per submission is needed: 1 for 2. pass as many as there are "
        "submissions, or skip for all"
    )


LINGERING = (
    CORRECT
    + """

import atexit
import threading
import time

threading.Thread(target=time.sleep, args=(3600,), daemon=False).start()
atexit.register(time.sleep, 3600)
"""
)


def test_a_thread_that_never_ends_does_not_hold_the_attempt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-daemon thread and an atexit handler that sleep for an hour: every check has its
    result, so the child is ended its exit grace (5 s; 1 s here) after the suite finished,
    with no note."""
    monkeypatch.setattr(process, "EXIT_GRACE_S", 1.0)
    spec = _spec(tmp_path, MAIN_SUITE)
    submission = _submission(tmp_path, "fake.py", LINGERING)
    started = time.perf_counter()
    report = grade(spec, submission, timeout_s=60)
    assert time.perf_counter() - started < 30
    assert report.note == ""
    assert [c.status for c in report.checks] == ["passed"] * len(MAIN_IDS)
    assert report.full_marks


# --- seeds and measurements (course verify --seeds) -----------------------------------------------

MEASURE_SUITE = """\
import pytest
import torch

check = pytest.mark.check


@check(points=1, title="The global seed", timeout=60)
def test_global_seed(submission, measure):
    measure("first draw", float(torch.rand(())), 0.0)


@check(points=2, title="A score held to 0.5", training=True)
def test_score(submission, seed, measure):
    value = submission.score(seed)
    measure("score", value, 0.5)
    assert value >= 0.5, f"score {value:.2f}; at least 0.50 is needed"


@check(points=1, title="An error held to at most 0.5")
def test_error(submission, measure):
    measure("mse", 0.25, 0.5, higher_is_better=False)


@check(points=1, title="Hidden", visibility="hidden")
def test_hidden(submission, measure):
    measure("secret", 1.0, 0.5)


@check(points=1, title="Measures nothing")
def test_plain(submission):
    assert submission.score(9) > 0
"""


@pytest.mark.parametrize(("seed", "status", "margin"), [(0, "failed", -0.125), (3, "passed", 0.25)])
def test_a_seed_reaches_every_check_and_measurements_come_back(
    tmp_path: Path, seed: int, status: str, margin: float
) -> None:
    spec = _spec(tmp_path, MEASURE_SUITE)
    submission = _submission(tmp_path, "fake.py", "def score(seed):\n    return 0.375 + seed / 8\n")
    report = grade(spec, submission, seed=seed)
    checks = {c.id: c for c in report.checks}
    assert [c.status for c in report.checks] == ["passed", status, "passed", "passed", "passed"]
    first = checks["global_seed"].measurement
    assert first is not None
    assert first.value == float(torch.rand((), generator=torch.Generator().manual_seed(seed)))
    score = checks["score"].measurement
    assert score is not None
    assert (score.name, score.value, score.threshold, score.margin) == (
        "score", 0.375 + seed / 8, 0.5, margin,
    )  # fmt: skip
    error = checks["error"].measurement
    assert error is not None
    assert (error.higher_is_better, error.margin) == (False, 0.25)
    assert checks["hidden"].measurement is None
    assert checks["plain"].measurement is None
    assert checks["score"].to_json()["measurement"] == {
        "name": "score", "value": 0.375 + seed / 8, "threshold": 0.5,
        "higher_is_better": True, "margin": margin,
    }  # fmt: skip
    assert "measurement" not in checks["plain"].to_json()
