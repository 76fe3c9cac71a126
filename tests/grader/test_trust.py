"""Grader trust: what a determined or careless student's file does to the grader, and what it
gets for it (issue "Grader trust").

Two kinds of tests. Those on a fake assignment (no torch: fast) drive the runner's protocol,
limits and messages. Those on the real ``resnet`` and ``lstm`` suites take a wrong network (the
resnet solution without its skip addition, 70/85 honestly without the training check) and add
one tampering route to it: each must end with the wrong network losing its points or the
attempt marked tampered, never full marks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import grader.runner as runner
from grader import sandbox
from grader.results import GradeReport
from grader.runner import grade
from grader.spec import SOLUTIONS, load_assignment
from tests.grader.resnet_variants import WRONG as RESNET_WRONG
from tests.grader.test_runner import _line, _spec, _submission
from tests.grader.variants import write_edited

# about 41 s together (pytest --durations): started early, see tests/conftest.py
pytestmark = pytest.mark.early(41)

needs_bwrap = pytest.mark.skipif(
    sandbox.bwrap_problem() is not None, reason=f"no bubblewrap here: {sandbox.bwrap_problem()}"
)

TWO_CHECKS = """\
import pytest

check = pytest.mark.check


@check(points=1, title="first", timeout=30)
def test_first(submission):
    assert submission.add(1, 2) == 3


@check(points=1, title="second")
def test_second(submission):
    assert submission.run() == 4


@check(points=1, title="third")
def test_third(submission):
    assert submission.add(2, 2) == 4
"""

ADD = "def add(a, b):\n    return a + b\n\n\n"


def _statuses(report: GradeReport) -> list[tuple[str, str]]:
    return [(c.id, c.status) for c in report.checks]


def _messages(report: GradeReport) -> dict[str, str]:
    return {c.id: c.message for c in report.checks}


def _marked_processes(marker: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


# --- the protocol: forged, replayed and out-of-turn events ------------------------------------


FORGE = (
    ADD
    + """\
import json
import os


def run():
    # write "passed" results for every check to every pipe this process can write, then leave
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if not os.path.islink(f"/proc/self/fd/{fd}") or "pipe" not in os.readlink(
                f"/proc/self/fd/{fd}"
            ):
                continue
            for cid in ("second", "third"):
                os.write(fd, json.dumps({"event": "result", "id": cid, "status": "passed",
                                         "message": "", "seq": 99}).encode() + b" 00\\n")
            os.write(fd, json.dumps({"event": "finished", "exitstatus": 0}).encode() + b"\\n")
        except OSError:
            pass
    os._exit(0)
"""
)


def test_forged_events_are_tampering_and_earn_nothing(tmp_path: Path) -> None:
    spec = _spec(tmp_path, TWO_CHECKS)
    report = grade(spec, _submission(tmp_path, "fake.py", FORGE))
    assert report.tampered
    assert _statuses(report) == [("first", "passed"), ("second", "error"), ("third", "error")]
    assert report.score == 1.0
    assert report.note == "tampering: an event line without the grader's signature"
    assert _messages(report)["third"] == (
        "not graded: the grading process was stopped for tampering (an event line without the "
        "grader's signature)"
    )


def test_the_channel_is_not_in_argv_or_the_environment(tmp_path: Path) -> None:
    suite = TWO_CHECKS.replace(
        "assert submission.run() == 4",
        "import os, sys; assert submission.run(sys.argv, dict(os.environ)) == 4",
    )
    source = ADD + (
        "def run(argv, env):\n"
        "    assert not any('results' in a or 'events' in a for a in argv), argv\n"
        "    assert not any(k.startswith('COURSE_') and k != 'COURSE_DATA_DIR' for k in env), env\n"
        "    assert 'PYTHONSTARTUP' not in env and env['HOME'] != os.path.expanduser('~root')\n"
        "    return 4\n"
        "import os\n"
    )
    spec = _spec(tmp_path, suite)
    os.environ["COURSE_DB"] = str(tmp_path / "secret.db")
    try:
        report = grade(spec, _submission(tmp_path, "fake.py", source))
    finally:
        del os.environ["COURSE_DB"]
    assert _statuses(report) == [("first", "passed"), ("second", "passed"), ("third", "passed")]
    assert not report.tampered


# --- limits the student cannot switch off -----------------------------------------------------


NO_ALARM = (
    ADD
    + """\
import signal


def run():
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.setitimer(signal.ITIMER_REAL, 0)
    while True: pass  # one line: the stack dump finds the loop there whenever it is taken
"""
)


def test_switching_the_alarm_off_does_not_escape_the_check_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the stacks are dumped 2 s past the limit; the runner stops the child 4 s past it
    monkeypatch.setattr(runner, "CHECK_GRACE_S", 4.0)
    spec = _spec(tmp_path, TWO_CHECKS)
    submission = _submission(tmp_path, "fake.py", NO_ALARM)
    started = time.perf_counter()
    report = grade(spec, submission)
    assert time.perf_counter() - started < 40
    assert _statuses(report) == [("first", "passed"), ("second", "timeout"), ("third", "passed")]
    line = _line(NO_ALARM, "while True: pass")
    assert _messages(report)["second"] == (
        f"did not finish within 3 s, and its own timer did not stop it (fake.py, line {line}, "
        "in run)"
    )
    assert report.note == "'second' ran past its 3 s limit and was restarted"


def test_exit_with_no_check_running_restarts(tmp_path: Path) -> None:
    suite = TWO_CHECKS.replace(
        '@check(points=1, title="third")',
        "import os\n\n\n@pytest.fixture(autouse=True)\ndef _leave(request):\n"
        "    yield\n    if request.node.name == 'test_second':\n        os._exit(0)\n\n\n"
        '@check(points=1, title="third")',
    )
    spec = _spec(tmp_path, suite)
    report = grade(spec, _submission(tmp_path, "fake.py", ADD + "def run():\n    return 4\n"))
    assert _statuses(report) == [("first", "passed"), ("second", "passed"), ("third", "passed")]
    assert report.note == (
        "the grading process exited with code 0 between two checks and was restarted"
    )


# --- every failure names the line -------------------------------------------------------------


def test_keyboard_interrupt_is_that_checks_error(tmp_path: Path) -> None:
    source = ADD + "def run():\n    raise KeyboardInterrupt\n"
    spec = _spec(tmp_path, TWO_CHECKS)
    report = grade(spec, _submission(tmp_path, "fake.py", source))
    assert _statuses(report) == [("first", "passed"), ("second", "error"), ("third", "passed")]
    line = _line(source, "raise KeyboardInterrupt")
    assert _messages(report)["second"] == (
        f"your code raised KeyboardInterrupt (fake.py, line {line}, in run): grading carried on"
    )
    assert report.note == ""


def test_a_segfault_names_the_line(tmp_path: Path) -> None:
    source = ADD + "import ctypes\n\n\ndef run():\n    return ctypes.string_at(0)\n"
    spec = _spec(tmp_path, TWO_CHECKS)
    report = grade(spec, _submission(tmp_path, "fake.py", source))
    assert _statuses(report) == [("first", "passed"), ("second", "error"), ("third", "passed")]
    line = _line(source, "string_at(0)")
    assert _messages(report)["second"] == (
        f"the grading process was killed by SIGSEGV while this check ran (fake.py, line {line}, "
        "in run)"
    )


def test_a_sleep_in_init_is_named_as_init(tmp_path: Path) -> None:
    source = ADD + (
        "import time\n\n\nclass Net:\n    def __init__(self):\n        time.sleep(60)\n\n\n"
        "def run():\n    return Net()\n"
    )
    spec = _spec(tmp_path, TWO_CHECKS)
    report = grade(spec, _submission(tmp_path, "fake.py", source))
    line = _line(source, "time.sleep(60)")
    assert _messages(report)["second"] == (
        f"did not finish within 3 s: still running (fake.py, line {line}, in __init__)"
    )


def test_an_import_that_times_out_keeps_its_message(tmp_path: Path) -> None:
    suite = TWO_CHECKS.replace("timeout=30", "timeout=2")
    source = "import time\ntime.sleep(30)\n" + ADD + "def run():\n    return 4\n"
    spec = _spec(tmp_path, suite)
    report = grade(spec, _submission(tmp_path, "fake.py", source))
    expected = "importing fake.py did not finish in time (line 2)"
    assert _statuses(report) == [("first", "timeout"), ("second", "timeout"), ("third", "timeout")]
    assert set(_messages(report).values()) == {expected}


def test_escape_codes_in_a_message_are_shown_as_text(tmp_path: Path) -> None:
    source = ADD + (
        "def run():\n"
        "    raise ValueError('\\x1b[2J\\x1b]8;;http://evil\\x07click\\x1b]8;;\\x07\\u202e')\n"
    )
    spec = _spec(tmp_path, TWO_CHECKS)
    report = grade(spec, _submission(tmp_path, "fake.py", source))
    message = _messages(report)["second"]
    assert "\x1b" not in message and "\x07" not in message and "\u202e" not in message
    line = _line(source, "raise ValueError")
    assert message == (
        "your code raised ValueError: \\x1b[2J\\x1b]8;;http://evil\\x07click\\x1b]8;;\\x07"
        f"\\u202e (fake.py, line {line}, in run)"
    )


CYCLE_SUITE = """\
import pytest

check = pytest.mark.check


@check(points=1, title="leaves a cycle", timeout=30)
def test_leave(submission):
    submission.leave()


@check(points=1, title="needs the memory")
def test_need(submission):
    assert len(bytearray(800 * 2**20)) == 800 * 2**20
"""

CYCLE = """\
import gc


def leave():
    holder = {"data": bytearray(800 * 2**20)}
    holder["self"] = holder  # a reference cycle: only the garbage collector frees it
    gc.collect()  # still referenced: it moves to the oldest generation, collected rarely
    del holder
    raise ValueError("failed, leaving 800 MiB behind")
"""


def test_a_failed_checks_garbage_is_collected_before_the_next(tmp_path: Path) -> None:
    spec = _spec(tmp_path, CYCLE_SUITE)
    spec = spec.__class__(**{**spec.__dict__, "memory_mb": 1500})
    report = grade(spec, _submission(tmp_path, "fake.py", CYCLE))
    assert _statuses(report) == [("leave", "error"), ("need", "passed")]


# --- processes left behind --------------------------------------------------------------------


def _orphan_source(marker: str) -> str:
    return ADD + (
        "import subprocess, sys\n\n\n"
        "def run():\n"
        f"    sleeper = [sys.executable, '-c', 'import time; time.sleep(600)', '{marker}']\n"
        "    subprocess.Popen(sleeper, start_new_session=True)\n"
        "    subprocess.Popen(sleeper)\n"
        "    return 4\n"
    )


@pytest.mark.parametrize("kind", ["none", pytest.param("bwrap", marks=needs_bwrap)])
def test_no_process_is_left_behind(tmp_path: Path, kind: str) -> None:
    marker = f"course-orphan-{uuid.uuid4().hex}"
    spec = _spec(tmp_path, TWO_CHECKS)
    report = grade(spec, _submission(tmp_path, "fake.py", _orphan_source(marker)), sandbox=kind)
    assert _statuses(report) == [("first", "passed"), ("second", "passed"), ("third", "passed")]
    assert report.sandbox == kind
    deadline = time.monotonic() + 5
    while _marked_processes(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _marked_processes(marker) == []


# --- the grader's own files -------------------------------------------------------------------


EDIT_SUITE = ADD + (
    "import sys\n\n\n"
    "def run():\n"
    "    path = sys.modules['grader.plugin'].__file__\n"
    "    with open(path, 'a') as f:\n"
    "        f.write('\\n# edited\\n')\n"
    "    suite = SUITE\n"
    "    with open(suite, 'a') as f:\n"
    "        f.write('\\n# edited\\n')\n"
    "    return 4\n"
)


def test_editing_the_suite_or_plugin_is_tampering_and_is_undone(tmp_path: Path) -> None:
    spec = _spec(tmp_path, TWO_CHECKS)
    before = spec.suite.read_bytes()
    source = EDIT_SUITE.replace("SUITE\n", f"{str(spec.suite)!r}\n")
    report = grade(spec, _submission(tmp_path, "fake.py", source))
    assert report.tampered
    assert spec.suite.read_bytes() == before
    assert report.note == (
        "tampering: your code changed the grader's files: copied grader/plugin.py, installed "
        "suite/test_fake.py"
    )
    assert _statuses(report) == [("first", "passed"), ("second", "passed"), ("third", "passed")]
    assert report.score == 3.0  # what it earned honestly stays; the attempt is marked


# --- the real suites: a wrong network and one route each --------------------------------------


def _no_skip(folder: Path, attack: str) -> Path:
    """The resnet solution without its skip addition, with ``attack`` appended."""
    path = write_edited("resnet.py", "no_skip", RESNET_WRONG["no_skip"], folder)
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + attack, encoding="utf-8")
    return path


def _resnet(path: Path, sandbox_kind: str = "none") -> GradeReport:
    return grade(load_assignment("resnet"), path, skip=["accuracy"], sandbox=sandbox_kind)


HONEST = 70.0
"""The wrong network's score on resnet without the training check (85): it loses the 15
points of ``identity_shortcut`` and ``gradient_through_shortcut``."""


def test_the_wrong_network_scores_70_honestly(tmp_path: Path) -> None:
    report = _resnet(_no_skip(tmp_path, ""))
    assert (report.score, report.max_score, report.tampered) == (HONEST, 85.0, False)


def test_a_patched_plugin_is_tampering(tmp_path: Path) -> None:
    attack = "import sys\nsys.modules['grader.plugin'].classify = lambda *a: ('passed', '')\n"
    report = _resnet(_no_skip(tmp_path, attack))
    assert report.tampered
    assert report.score < HONEST
    assert report.note.startswith("tampering: your code replaced grader.plugin.classify")


def test_patching_torch_is_tampering(tmp_path: Path) -> None:
    attack = (
        "import torch\n_close = torch.allclose\n"
        "torch.allclose = lambda *a, **k: True\ntorch.testing.assert_close = lambda *a, **k: None\n"
    )
    report = _resnet(_no_skip(tmp_path, attack))
    assert report.tampered
    assert report.score < HONEST
    first = report.checks[0]
    assert first.status == "error"
    assert first.message.startswith("your code replaced torch.allclose and 1 more")


def test_a_global_forward_hook_is_tampering(tmp_path: Path) -> None:
    attack = (
        "import torch\ntorch.nn.modules.module.register_module_forward_hook(lambda m, i, o: o)\n"
    )
    report = _resnet(_no_skip(tmp_path, attack))
    assert report.tampered
    assert report.score < HONEST
    assert report.checks[0].message.startswith(
        "your code registered a global module hook (torch.nn.modules.module._global_forward_hooks)"
    )


def test_a_torch_function_mode_is_tampering(tmp_path: Path) -> None:
    """A mode that reroutes every torch call (the suite's reference math included)."""
    attack = (
        "import torch\nfrom torch.overrides import TorchFunctionMode\n\n\n"
        "class _Quiet(TorchFunctionMode):\n"
        "    def __torch_function__(self, func, types, args=(), kwargs=None):\n"
        "        return func(*args, **(kwargs or {}))\n\n\n"
        "_Quiet().__enter__()\n"
    )
    report = _resnet(_no_skip(tmp_path, attack))
    assert report.tampered
    assert report.score < HONEST
    assert report.checks[0].message.startswith(
        "your code registered a TorchFunctionMode (torch.overrides)"
    )


def test_the_solutions_are_not_importable(tmp_path: Path) -> None:
    attack = "from solutions.resnet import *  # noqa\n"
    report = _resnet(_no_skip(tmp_path, attack))
    assert report.score == 0.0
    assert report.checks[0].message.startswith("importing resnet.py failed (line ")
    assert report.checks[0].message.endswith("ModuleNotFoundError: No module named 'solutions'")


@needs_bwrap
def test_the_solutions_cannot_be_read_in_the_sandbox(tmp_path: Path) -> None:
    attack = f"exec(open({str(SOLUTIONS / 'resnet.py')!r}).read())\n"
    report = _resnet(_no_skip(tmp_path, attack), "bwrap")
    assert report.score == 0.0
    assert report.sandbox == "bwrap"
    assert report.checks[0].message.startswith("importing resnet.py failed (line ")


def test_a_swapped_torch_reference_is_tampering(tmp_path: Path) -> None:
    """lstm: the suite compares the student's LSTM with ``torch.nn.LSTM``; the file swaps in its
    own class so that a wrong LSTM would be compared with itself."""
    from tests.grader.lstm_variants import WRONG as LSTM_WRONG

    name = next(iter(LSTM_WRONG))
    path = write_edited("lstm.py", name, LSTM_WRONG[name], tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n\nimport sys\nsetattr(sys.modules['torch' + '.nn'], 'LS' + 'TM', LSTM)\n",
        encoding="utf-8",
    )
    report = grade(load_assignment("lstm"), path, skip=["accuracy"])
    assert report.tampered
    assert not report.full_marks
    assert "torch.nn.LSTM" in report.note


def test_a_non_utf8_file_gets_a_clear_message(tmp_path: Path) -> None:
    path = _no_skip(tmp_path, "")
    data = path.read_bytes().replace(b"# ", b"# caf\xe9 ", 1)
    path.write_bytes(data)
    line = data[: data.index(b"\xe9")].count(b"\n") + 1
    report = _resnet(path)
    forbidden = next(c for c in report.checks if c.id == "no_forbidden_api")
    assert forbidden.status == "failed"
    assert forbidden.message == (
        f"resnet.py is not valid UTF-8: byte 0xe9 on line {line}; save the file as UTF-8"
    )
    assert report.score == HONEST - 5


def test_the_wheel_ships_no_solutions(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(root)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    import zipfile

    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if n.startswith("solutions/")]
    assert "grader/suites/test_resnet.py" in names
    assert "assignments/resnet/resnet.py" in names


def test_kill_group_reaches_a_stopped_child() -> None:
    """The runner ends a child (and its group) with SIGKILL even when it stopped itself."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSTOP)"],
        start_new_session=True,
    )
    time.sleep(0.2)
    from grader.process import kill_group

    kill_group(proc)
    assert proc.wait(timeout=5) == -signal.SIGKILL
