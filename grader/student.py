"""The student's code, as every child that runs it sees it: importing it, and what to say when
it fails.

:func:`import_submission` imports the file by path under a private module name;
:func:`describe` turns an exception raised while the student's code ran into the one-line
message the student sees, naming the deepest frame of their file: ``not implemented yet``,
``your code raised ValueError: boom (resnet.py, line 12, in forward)``, ``your code called
sys.exit(3) (...)``. Every message is clipped to :data:`MESSAGE_LIMIT` characters. The grading
plugin (:mod:`grader.plugin`) and the tools' children (:mod:`grader.tool`) both use it.

This module imports nothing heavy (no torch).
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import traceback
import types
from pathlib import Path

from grader.forbidden import ForbiddenCall

MESSAGE_LIMIT = 400
"""Most characters of a message about the student's code (longer ones end in ``…``)."""


class SubmissionImportError(Exception):
    """The student's file could not be imported; the message says why (at most 400
    characters)."""


def clip(text: str) -> str:
    """``text`` cut to :data:`MESSAGE_LIMIT` characters, the last one ``…`` when cut."""
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "\u2026"


def printable(text: str) -> str:
    """``text`` with every character that is not printable (ANSI and OSC-8 escapes, other
    control characters, bidirectional overrides, zero-width characters) written as its Python
    escape (``\\x1b``, ``\\u202e``), so a message from student code is shown as text and never
    interpreted by the terminal. Spaces and newlines stay; tabs are escaped."""
    return "".join(
        c if c.isprintable() or c == "\n" else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


def _location(filename: str, line: int, function: str) -> str:
    stage = "while importing" if function == "<module>" else f"in {function}"
    return f" ({filename}, line {line}, {stage})"


def deepest_frame(
    tb: types.TracebackType | None, submission: Path
) -> traceback.FrameSummary | None:
    """The innermost frame of ``tb`` that runs code of the file ``submission``, else ``None``.

    Files are compared after resolving symbolic links.
    """
    target = os.path.realpath(submission)
    for frame in reversed(traceback.extract_tb(tb)):
        if os.path.realpath(frame.filename) == target:
            return frame
    return None


def where(tb: types.TracebackType | None, submission: Path) -> str:
    """`` (resnet.py, line 42, in forward)`` for the deepest frame of ``tb`` in
    ``submission``, else ``""``."""
    frame = deepest_frame(tb, submission)
    if frame is None:
        return ""
    return _location(Path(os.path.realpath(submission)).name, frame.lineno or 0, frame.name)


_DUMP_FRAME = re.compile(r'^\s*File "(?P<file>.*)", line (?P<line>\d+) in (?P<name>\S+)', re.M)
_DUMP_THREAD = re.compile(r"^(?:Current thread|Thread) 0x[0-9a-f]+", re.M)


def where_in_dump(log: str, submission: Path) -> str:
    """``where``'s text for the deepest frame of ``submission`` in the last faulthandler dump of
    ``log`` (a timeout's or a crash's), else ``""``.

    faulthandler lists each thread's frames most recent first; the thread that was dumped as
    the current one (or else the first) holding a frame of the student's file wins.
    """
    target = os.path.realpath(submission)
    starts = [m.start() for m in _DUMP_THREAD.finditer(log)]
    if not starts:
        return ""
    blocks = [log[a:b] for a, b in zip(starts, [*starts[1:], len(log)], strict=True)]
    last_dump = blocks[-16:]
    current = [b for b in last_dump if b.startswith("Current thread")]
    for block in [*current[-1:], *reversed(last_dump)]:
        for frame in _DUMP_FRAME.finditer(block):
            if os.path.realpath(frame["file"]) == target:
                return _location(Path(target).name, int(frame["line"]), frame["name"])
    return ""


def describe(
    exc: BaseException,
    submission: Path,
    *,
    tb: types.TracebackType | None = None,
    stage: str | None = None,
) -> str:
    """The student-facing message of ``exc``, raised while the student's code ran.

    Only the first line of the exception's text is used; the location is the deepest frame in
    the student's file (:func:`where`), ``""`` when none is:

    - a forbidden call: ``your code called torch._VF.lstm (...), which this assignment
      forbids: ... (lstm.py, line 80, in forward)``;
    - ``your code called sys.exit(3) (resnet.py, line 9, in forward)``;
    - a ``NotImplementedError``: ``not implemented yet (resnet.py, line 56, in __init__)``
      for a grading check, ``not implemented yet: <text> (aae.py, line 161, in __init__)`` for
      a tool;
    - anything else: ``your code raised ValueError: <text> (resnet.py, line 12, in forward)``.

    For a tool (``stage`` given), an exception raised outside the student's file (e.g. by
    :func:`grader.generative.train_aae` about what ``train_step`` returned) reads ``<stage>
    failed: TypeError: <text>`` instead.

    Args:
        exc: The exception.
        submission: The student's file.
        tb: The traceback to search; ``exc.__traceback__`` by default.
        stage: For the tools: what was running, e.g. ``training``. ``None`` for a grading
            check.

    Returns:
        The message, at most :data:`MESSAGE_LIMIT` characters.
    """
    location = where(exc.__traceback__ if tb is None else tb, submission)
    lines = str(exc).strip().splitlines()
    text = ": " + lines[0] if lines else ""
    name = type(exc).__name__
    if isinstance(exc, ForbiddenCall):
        message = f"{exc}{location}"
    elif isinstance(exc, SystemExit):
        message = f"your code called sys.exit({exc.code!r}){location}"
    elif stage is not None and not location:
        message = f"{stage} failed: {name}{text}"
    elif isinstance(exc, NotImplementedError):
        message = f"not implemented yet{text if stage is not None else ''}{location}"
    else:
        message = f"your code raised {name}{text}{location}"
    return clip(message)


def import_submission(
    path: Path, *, passthrough: tuple[type[BaseException], ...] = ()
) -> types.ModuleType:
    """Import the student's file by path under a private module name.

    The name is ``_course_submission_<stem>``, with ``_2``, ``_3``, ... added when a file of
    the same stem was imported before in this process (a batch of trusted submissions), so
    each import is its own module. The file's folder is put first on ``sys.path``, for the
    student's own helper modules.

    Args:
        path: The student's file.
        passthrough: Exceptions raised while importing that propagate as they are (e.g. the
            grading check's time limit). A ``KeyboardInterrupt`` is the file's failure like any
            other: the children run in their own session, so only the student's code raises
            one.

    Returns:
        The module.

    Raises:
        SubmissionImportError: the file is missing, has a syntax error, or raised (or exited)
            while being imported: ``importing resnet.py failed (line 3): ValueError: ...``.
    """
    if not path.is_file():
        raise SubmissionImportError(clip(f"your file {path} does not exist"))
    base = f"_course_submission_{path.stem}"
    name, count = base, 1
    while name in sys.modules:
        count += 1
        name = f"{base}_{count}"
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise SubmissionImportError(clip(f"{path.name} cannot be imported as a Python module"))
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    try:
        module_spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise SubmissionImportError(
            clip(f"{path.name} has a syntax error at line {exc.lineno}: {exc.msg}")
        ) from None
    except BaseException as exc:
        if isinstance(exc, passthrough):
            raise
        frame = deepest_frame(exc.__traceback__, path)
        line = f" (line {frame.lineno})" if frame is not None else ""
        what = (
            f"sys.exit({exc.code!r})"
            if isinstance(exc, SystemExit)
            else f"{type(exc).__name__}: {exc}"
        )
        raise SubmissionImportError(clip(f"importing {path.name} failed{line}: {what}")) from None
    return module
