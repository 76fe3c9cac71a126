"""The pytest plugin of the grading child (``python -m grader.grade_child SUITE -p grader.plugin``).

It gives the hidden suites their fixtures (``spec``, ``profile``, ``device``,
``submission_path``, ``submission``, ``fashion_mnist``, ``progress``), enforces each check's time
limit, classifies each outcome (passed, failed, error, timeout) with a message that points at the
student's code, never at the grader's (:func:`grader.student.describe`), and appends the
grading events of :mod:`grader.events` (``collected``, ``start``, ``progress``, ``result``,
``environment``, ``finished``) to the signed channel whose handshake arrives on stdin
(``--channel``, what :mod:`grader.runner` uses) or to the events file given with ``--results``
(the trusted batch, :mod:`grader.batch`).

Against a submission that tampers (see docs/architecture.md, "Threat model"): the channel is
read from stdin and stdin closed before anything else; every grader module a check may import
later is imported at collection; a :class:`grader.integrity.Snapshot` is taken after collection,
before the student's file is imported, and compared after every check (a replaced reference
makes that check an ``error`` naming it, ``tampered`` in its result, and is put back);
``KeyboardInterrupt`` and ``pytest.exit`` from the student's code are that check's error, not
the end of the session; faulthandler dumps every thread's stack to the log if a check overruns
its limit by 2 s or the process crashes, so the parent can name the student's line; garbage is
collected between checks.

A check is a test function marked ``@pytest.mark.check(points=..., title=..., visibility=...,
hint=..., timeout=...)``.
"""

from __future__ import annotations

import faulthandler
import gc
import os
import signal
import sys
import time
import types
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

from core.errors import DataError
from grader.events import GRADING, EventWriter, SignedWriter, progress_reporter, read_handshake
from grader.forbidden import guard_calls
from grader.integrity import Snapshot, describe_changes
from grader.process import exit_with_parent
from grader.spec import AssignmentSpec, Profile, parse_spec
from grader.student import (
    SubmissionImportError,
    clip,
    deepest_frame,
    describe,
    import_submission,
    where,
)

DUMP_AFTER_S = 2.0
"""How long past its limit a check runs before faulthandler dumps the stacks to the log, s."""

GRADER_MODULES = (
    "grader.data",
    "grader.training",
    "grader.numerics",
    "grader.generative",
    "grader.forbidden",
    "grader.suites.common",
)
"""Imported at collection, so that no check imports grader code after the student's file ran."""


class CheckTimeout(BaseException):
    """Raised in the main thread when a check runs past its time limit."""


class SubmissionImportTimeout(SubmissionImportError):
    """Importing the student's file ran past the limit of the check that first needed it.

    An ``Exception`` (unlike :class:`CheckTimeout`), so pytest keeps it as the failure of the
    session fixture and every later check gets the same message.
    """


class StudentInterrupt(Exception):
    """The student's code raised ``KeyboardInterrupt`` or called ``pytest.exit``: an error
    of that check, instead of the end of the grading session."""


# pytest puts /dev/null on fd 0 once it starts capturing, after importing ``-p`` plugins: the
# handshake is read now, at import, when the runner asked for the channel.
_HANDSHAKE = read_handshake() if "--channel" in sys.argv else b""
# likewise pytest captures fd 2 during checks: faulthandler writes to the child's log (its
# stderr as the runner opened it) through a copy of the descriptor taken now
_LOG = os.fdopen(os.dup(2), "w", closefd=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("course grader")
    group.addoption("--assignment-dir", help="folder holding the assignment.yaml")
    group.addoption("--submission", help="path of the student's file")
    group.addoption("--device", default="cpu", help="cpu or cuda")
    group.addoption("--profile", default="quick", help="quick or full")
    group.addoption("--results", help="JSON-lines file the events are appended to")
    group.addoption(
        "--channel", action="store_true", help="read a signed channel's handshake from stdin"
    )
    group.addoption(
        "--seed", type=int, default=0, help="seed of every check's torch and training RNGs"
    )
    group.addoption("--skip-checks", default="", help="comma-separated check ids not to run")
    group.addoption("--parent-pid", help="exit when this process is no longer the parent")


def check_id(item: pytest.Item) -> str:
    """The check's id: the test's name without ``test_``."""
    return item.name.removeprefix("test_")


def check_meta(item: pytest.Item) -> dict[str, Any]:
    """Points, title, visibility, hint and timeout of a collected check."""
    mark = item.get_closest_marker("check")
    kwargs = dict(mark.kwargs) if mark else {}
    doc = (getattr(getattr(item, "function", None), "__doc__", None) or "").strip()
    title = kwargs.get("title") or (doc.splitlines()[0] if doc else check_id(item))
    return {
        "id": check_id(item),
        "title": title,
        "points": float(kwargs.get("points", 1)),
        "visibility": kwargs.get("visibility", "visible"),
        "hint": kwargs.get("hint"),
        "timeout": kwargs.get("timeout"),
        "training": bool(kwargs.get("training", False)),
    }


def _recorder(config: pytest.Config) -> EventWriter | SignedWriter | None:
    recorder: EventWriter | SignedWriter | None = getattr(config, "_course_recorder", None)
    return recorder


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "check(points, title, visibility, hint, timeout, training): a graded check",
    )
    if config.getoption("--channel"):
        config._course_recorder = SignedWriter.from_handshake(  # type: ignore[attr-defined]
            _HANDSHAKE, GRADING
        )
    if (parent := config.getoption("--parent-pid")) is not None:
        exit_with_parent(int(parent))
        faulthandler.enable(file=_LOG, all_threads=True)
    folder = config.getoption("--assignment-dir")
    if folder:
        spec = parse_spec(Path(str(folder)) / "assignment.yaml")
        config._course_spec = spec  # type: ignore[attr-defined]
    results = config.getoption("--results")
    if results:
        config._course_recorder = EventWriter(Path(results), GRADING)  # type: ignore[attr-defined]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = {s for s in config.getoption("--skip-checks").split(",") if s}
    kept = [item for item in items if check_id(item) not in skip]
    config.hook.pytest_deselected(items=[i for i in items if check_id(i) in skip])
    items[:] = kept
    if (rec := _recorder(config)) is not None:
        rec.emit("collected", checks=[{**check_meta(i), "limit_s": _timeout(i)} for i in kept])


def pytest_collection_finish(session: pytest.Session) -> None:
    """Import the grader modules checks use and install the forbidden-call guards, then take
    the snapshot the checks are compared with (the student's file is imported later, by the
    first check that needs it)."""
    if "torch" in sys.modules:
        import importlib

        for name in GRADER_MODULES:
            importlib.import_module(name)
    config = session.config
    if submission := config.getoption("--submission"):
        _install_guards(config, Path(str(submission)).resolve())
    config._course_snapshot = Snapshot(lambda: _hook_impls(config))  # type: ignore[attr-defined]
    # What exists now (torch, pytest, the suite) lives as long as the process: moved out of
    # the collector's sight, a full collection costs about 1 ms, not 45 ms. A batch's later
    # session freezes what it added; what an earlier session left frozen stays (about 0.75 MB
    # a session), as unfreezing everything to find it again costs 60 ms a session.
    gc.collect()
    gc.freeze()


def _hook_impls(config: pytest.Config) -> dict[str, tuple[Any, ...]]:
    """The implementation functions of every pytest hook, by hook name."""
    return {
        name: tuple(impl.function for impl in caller.get_hookimpls())
        for name, caller in vars(config.hook).items()
        if hasattr(caller, "get_hookimpls")
    }


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    rec = _recorder(item.config)
    if rec is not None:
        rec.emit("start", id=check_id(item))
    item._course_started = time.perf_counter()  # type: ignore[attr-defined]
    faulthandler.dump_traceback_later(_timeout(item) + DUMP_AFTER_S, exit=False, file=_LOG)
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()
        _release_memory(full=not getattr(item, "_course_passed", False))


def _release_memory(full: bool) -> None:
    """Collect garbage (a failed check's reference cycles) and empty CUDA's cache between
    checks, so that one check's leftovers do not fail the next. A full collection follows a
    check that did not pass; after one that passed, only the young generations are collected.
    Both are cheap because the objects that existed at collection (torch's among them) are
    frozen (:func:`gc.freeze`, in :func:`pytest_collection_finish`)."""
    gc.collect(2 if full else 1)
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_initialized():
        torch.cuda.empty_cache()


def _timeout(item: pytest.Item) -> float:
    """The check's limit in seconds: its marker's, the profile's for training checks, the spec's."""
    meta = check_meta(item)
    if meta["timeout"]:
        return float(meta["timeout"])
    spec: AssignmentSpec | None = getattr(item.config, "_course_spec", None)
    if spec is None:
        return 120.0
    if meta["training"]:
        return spec.profile(str(item.config.getoption("--profile"))).train_timeout_s
    return spec.check_timeout_s


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`CheckTimeout` in the main thread after ``seconds`` (SIGALRM; no-op without)."""
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: types.FrameType | None) -> None:
        raise CheckTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    with time_limit(_timeout(item)), _interrupts_are_errors():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    with time_limit(_timeout(item)), _interrupts_are_errors():
        return (yield)


@contextmanager
def _interrupts_are_errors() -> Iterator[None]:
    """Turn ``KeyboardInterrupt`` / ``pytest.exit`` raised by the check into
    :class:`StudentInterrupt` (the child runs in its own session: no terminal's Ctrl-C
    reaches it, so they can only come from the student's code)."""
    try:
        yield
    except (KeyboardInterrupt, pytest.exit.Exception) as exc:
        raise StudentInterrupt(type(exc).__name__).with_traceback(exc.__traceback__) from exc


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    done = getattr(item, "_course_done", False)
    if done or (call.when != "call" and report.passed):
        return report
    snapshot: Snapshot | None = getattr(item.config, "_course_snapshot", None)
    changed = snapshot.changed() if snapshot is not None else []
    if changed:
        status, message = "error", describe_changes(changed)
    else:
        status, message = classify(call.excinfo, item, report)
    item._course_done = True  # type: ignore[attr-defined]
    item._course_passed = status == "passed"  # type: ignore[attr-defined]
    if (rec := _recorder(item.config)) is not None:
        started = getattr(item, "_course_started", time.perf_counter())
        rec.emit(
            "result",
            id=check_id(item),
            status=status,
            message=message,
            duration_s=round(time.perf_counter() - started, 3),
            tampered=changed,
            measurement=getattr(item, "_course_measurement", None),
        )
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if (rec := _recorder(session.config)) is not None:
        rec.emit("finished", exitstatus=int(exitstatus))


def pytest_unconfigure(config: pytest.Config) -> None:
    guards: ExitStack | None = getattr(config, "_course_guards", None)
    if guards is not None:
        guards.close()
    if (rec := _recorder(config)) is not None:
        rec.close()


def _install_guards(config: pytest.Config, path: Path) -> None:
    """Refuse the spec's ``forbidden_calls`` from the submission, before it is imported.

    Installed first, a ``from torch import lstm`` in the student's file binds the guarded
    function. Names this torch version lacks are left out (nothing to reach).
    """
    spec: AssignmentSpec | None = getattr(config, "_course_spec", None)
    if spec is None or not spec.forbidden_calls or hasattr(config, "_course_guards"):
        return
    guards = ExitStack()
    guards.enter_context(guard_calls(spec.forbidden_calls, path, missing_ok=True))
    config._course_guards = guards  # type: ignore[attr-defined]


def classify(
    excinfo: pytest.ExceptionInfo[BaseException] | None,
    item: pytest.Item,
    report: pytest.TestReport,
) -> tuple[str, str]:
    """The status and student-facing message of a finished check.

    ``failed``: an assertion of the suite did not hold (its message is the suite's).
    ``timeout``: the check ran past its limit. ``error``: the student's code raised, exited or
    could not be imported; the message names the exception and the line of the student's file.
    """
    if excinfo is None:
        if report.skipped:
            return "failed", "check was skipped"
        return "passed", ""
    exc = excinfo.value
    submission = Path(str(item.config.getoption("--submission") or ""))
    if isinstance(exc, CheckTimeout):
        return "timeout", timeout_message(
            _timeout(item), check_meta(item)["training"], where(excinfo.tb, submission)
        )
    if isinstance(exc, SubmissionImportTimeout):
        return "timeout", clip(str(exc))
    if isinstance(exc, SubmissionImportError):
        return "error", clip(str(exc))
    if isinstance(exc, StudentInterrupt):
        cause = exc.__cause__ or exc
        return "error", clip(
            f"your code raised {exc}{where(cause.__traceback__, submission)}: grading carried on"
        )
    if isinstance(exc, DataError):
        if (rec := _recorder(item.config)) is not None:
            rec.emit("environment", message=exc.message)
        return "error", clip(exc.message)
    if isinstance(exc, pytest.fail.Exception) or (
        isinstance(exc, AssertionError) and _raised_in_suite(excinfo, item)
    ):
        return "failed", clip(str(exc).split("\nassert ")[0].strip())
    return "error", describe(exc, submission, tb=excinfo.tb)


def timeout_message(limit_s: float, training: bool, location: str) -> str:
    """What a check that ran past its limit says; ``location`` is :func:`grader.student.where`'s
    `` (resnet.py, line 12, in forward)`` for where the student's code was, or ``""``."""
    if training:
        return clip(
            f"training did not finish within {limit_s:.0f} s, the profile's limit, set far above "
            "what a correct solution needs on an idle machine: if other programs were busy, "
            + (
                f"grade again; otherwise your code was still running{location}"
                if location
                else "grade again; otherwise look for a slow loop in forward"
            )
        )
    if location:
        return clip(f"did not finish within {limit_s:.0f} s: still running{location}")
    return (
        f"did not finish within {limit_s:.0f} s: look for an endless loop or a "
        "far too slow operation"
    )


def _raised_in_suite(excinfo: pytest.ExceptionInfo[BaseException], item: pytest.Item) -> bool:
    """True when the innermost frame is the check's own file or a module in ``grader/suites``."""
    last = excinfo.traceback[-1] if excinfo.traceback else None
    if last is None:
        return False
    where = Path(str(last.path))
    return where == Path(str(item.path)) or where.parent.name == "suites"


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def spec(pytestconfig: pytest.Config) -> AssignmentSpec:
    """The assignment being graded."""
    loaded: AssignmentSpec = pytestconfig._course_spec  # type: ignore[attr-defined]
    return loaded


@pytest.fixture(scope="session")
def profile(spec: AssignmentSpec, pytestconfig: pytest.Config) -> Profile:
    """The profile (training budget and thresholds) of this attempt."""
    return spec.profile(str(pytestconfig.getoption("--profile")))


@pytest.fixture(scope="session")
def device(pytestconfig: pytest.Config) -> Any:
    """The ``torch.device`` checks run on."""
    import torch

    return torch.device(str(pytestconfig.getoption("--device")))


@pytest.fixture(scope="session")
def submission_path(pytestconfig: pytest.Config) -> Path:
    """Path of the student's file."""
    return Path(str(pytestconfig.getoption("--submission"))).resolve()


@pytest.fixture(scope="session")
def submission(submission_path: Path, pytestconfig: pytest.Config) -> types.ModuleType:
    """The student's module, imported once; a failed import fails every check that uses it."""
    failure: SubmissionImportError | None = getattr(pytestconfig, "_course_import_failure", None)
    if failure is not None:
        raise type(failure)(str(failure))
    _install_guards(pytestconfig, submission_path)
    try:
        return import_submission(submission_path, passthrough=(CheckTimeout,))
    except CheckTimeout as exc:
        frame = deepest_frame(exc.__traceback__, submission_path)
        line = f" (line {frame.lineno})" if frame is not None else ""
        timeout = SubmissionImportTimeout(
            f"importing {submission_path.name} did not finish in time{line}"
        )
        pytestconfig._course_import_failure = timeout  # type: ignore[attr-defined]
        raise timeout from None
    except SubmissionImportError as exc:
        pytestconfig._course_import_failure = exc  # type: ignore[attr-defined]
        raise


@pytest.fixture(scope="session")
def fashion_mnist(device: Any) -> Any:
    """Fashion-MNIST as tensors on the check device (:class:`grader.data.FashionMNIST`)."""
    from grader.data import load_fashion_mnist

    return load_fashion_mnist(device)


@pytest.fixture
def progress(request: pytest.FixtureRequest) -> Callable[[int, int], None]:
    """``progress(step, total)`` reports training progress to the CLI (at most 5 times a second)."""
    return progress_reporter(_recorder(request.config), id=check_id(request.node))


@pytest.fixture(scope="session")
def seed(pytestconfig: pytest.Config) -> int:
    """The attempt's seed (``--seed``, 0 unless ``course verify --seeds`` asks for others):
    torch's global seed at the start of every check and the training checks' batch order."""
    return int(pytestconfig.getoption("--seed"))


@pytest.fixture
def measure(request: pytest.FixtureRequest) -> Callable[..., None]:
    """``measure(name, value, threshold, higher_is_better=True)`` records what a training
    check measured, for ``course verify --seeds``; call it before asserting on the value."""
    item = request.node

    def record(name: str, value: float, threshold: float, higher_is_better: bool = True) -> None:
        item._course_measurement = {
            "name": str(name),
            "value": float(value),
            "threshold": float(threshold),
            "higher_is_better": bool(higher_is_better),
        }

    return record


_TRUSTED_CACHE: dict[object, Any] = {}
"""The trusted batch's :func:`reference_cache`, kept across its sessions."""


@pytest.fixture
def reference_cache(pytestconfig: pytest.Config) -> dict[object, Any]:
    """A dict for what a check computes without the submission (torch's own trajectories, a
    baseline training), under keys the check makes from everything the value depends on.

    In the trusted batch (``--results``, :func:`grader.runner.grade_many`) it is one dict for
    every session of the process, so a batch of submissions computes each value once. In a
    graded attempt (``--channel``) it is a new, empty dict for each check: nothing a
    submission does can put a value there for a later check or another submission.
    """
    trusted = pytestconfig.getoption("--results") and not pytestconfig.getoption("--channel")
    return _TRUSTED_CACHE if trusted else {}


@pytest.fixture(autouse=True)
def _fixed_seed(seed: int) -> None:
    """Every check starts from torch's seed (0 by default), so results repeat.

    Every suite imports torch when it is collected, so torch is there before any check runs;
    a suite that never imports torch (the runner's own tests) does not pay 2-3 s to import it
    only to seed it.
    """
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)
