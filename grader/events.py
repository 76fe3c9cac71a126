"""The one JSON-lines event protocol between a child that runs student code and its parent.

The child appends one JSON object a line, ``{"event": <kind>, ...fields}``, to an events file
the parent made and named on the child's command line, flushing after each line; the parent
follows the file while the child runs (:class:`EventReader`). A file rather than the child's
stdout, so whatever the student's code prints goes to the child's log and cannot garble the
events.

Two vocabularies share the protocol:

- :data:`GRADING` (the pytest plugin, :mod:`grader.plugin`, read by :mod:`grader.runner`):
  ``collected`` (ids, titles, points, visibility, hints of the checks to run), ``start`` (a
  check began), ``progress`` (a training step of the running check), ``result`` (a check's
  status and message), ``environment`` (the child lacks data) and ``finished`` (the session
  ended);
- :data:`TOOL` (the tools' children, :mod:`grader.tool`): ``progress`` (a long stage's step),
  ``stage`` (the child began a stage, so a timeout can say where it hung), ``done`` (the tool's
  result) and ``error`` (the student's code failed or the data is missing).

This module imports nothing heavy: both sides use it.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Collection
from pathlib import Path
from types import TracebackType
from typing import IO, Any

GRADING = frozenset({"collected", "start", "progress", "result", "environment", "finished"})
"""Event kinds of the grading child."""
TOOL = frozenset({"progress", "stage", "done", "error"})
"""Event kinds of the tools' children (``course aae samples``, ``course augment preview``)."""

PROGRESS_INTERVAL_S = 0.2
"""Least time between two ``progress`` events of one stage, seconds (the last step is always
sent)."""

ProgressCallback = Callable[[int, int], None]
"""``on_progress(step, total)``: progress of a long stage."""


class EventWriter:
    """Appends events of one vocabulary to an events file, one JSON object a line, flushed at once.

    Args:
        path: The events file (made if missing, appended to).
        vocabulary: The event kinds this writer may emit (:data:`GRADING` or :data:`TOOL`).
    """

    def __init__(self, path: Path, vocabulary: Collection[str]) -> None:
        self._vocabulary = frozenset(vocabulary)
        self._file: IO[str] = path.open("a", encoding="utf-8")

    def emit(self, event: str, **fields: Any) -> None:
        """Write ``{"event": event, **fields}`` as one line and flush it.

        Raises:
            ValueError: ``event`` is not in this writer's vocabulary (a bug in the caller).
        """
        if event not in self._vocabulary:
            raise ValueError(f"unknown event {event!r}; expected one of {sorted(self._vocabulary)}")
        self._file.write(json.dumps({"event": event, **fields}) + "\n")
        self._file.flush()

    def close(self) -> None:
        """Close the file; later :meth:`emit` calls raise ``ValueError``."""
        self._file.close()


def progress_reporter(
    writer: EventWriter | None, interval_s: float = PROGRESS_INTERVAL_S, **fields: Any
) -> ProgressCallback:
    """The one progress throttle: ``report(step, total)`` emitting ``progress`` events.

    The first call always emits, then at most one event every ``interval_s`` seconds, and
    always the last step (``step == total``).

    Args:
        writer: Where the events go; ``None`` gives a callback that does nothing.
        interval_s: Least time between two events, seconds.
        **fields: Added to every event (the grading child's ``id`` of the running check).

    Returns:
        The callback.
    """
    last = -math.inf

    def report(step: int, total: int) -> None:
        nonlocal last
        if writer is None:
            return
        now = time.perf_counter()
        if step == total or now - last >= interval_s:
            last = now
            writer.emit("progress", **fields, step=step, total=total)

    return report


class EventReader:
    """Follows an events file that a child is still writing.

    Args:
        path: The events file; it must exist (the parent makes it before starting the child).
    """

    def __init__(self, path: Path) -> None:
        self._file: IO[str] = path.open("r", encoding="utf-8", errors="replace")

    def read(self) -> list[dict[str, Any]]:
        """Every complete event written since the last call, in order.

        A last line without its newline is left for the next call; lines that are not a JSON
        object with an ``event`` key are skipped.
        """
        found: list[dict[str, Any]] = []
        while True:
            position = self._file.tell()
            line = self._file.readline()
            if not line.endswith("\n"):
                self._file.seek(position)
                return found
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(event, dict) and isinstance(event.get("event"), str):
                found.append(event)

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def __enter__(self) -> EventReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
