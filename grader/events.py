"""The one JSON-lines event protocol between a child that runs student code and its parent.

The child sends one JSON object a line, ``{"event": <kind>, ...fields}``, flushed at once,
and the parent reads them while the child runs: over a signed pipe (below) for every child
that runs student code, or to an events file named on the command line for the trusted batch
and for tests. Never the child's stdout, so whatever the student's code prints goes to the
child's log and cannot garble the events.

Two vocabularies share the protocol:

- :data:`GRADING` (the pytest plugin, :mod:`grader.plugin`, read by :mod:`grader.runner`):
  ``collected`` (ids, titles, points, visibility, hints of the checks to run), ``start`` (a
  check began), ``progress`` (a training step of the running check), ``result`` (a check's
  status and message), ``environment`` (the child lacks data) and ``finished`` (the session
  ended);
- :data:`TOOL` (the tools' children, :mod:`grader.tool`): ``progress`` (a long stage's step),
  ``stage`` (the child began a stage, so a timeout can say where it hung), ``done`` (the tool's
  result) and ``error`` (the student's code failed or the data is missing).

The grading child does not write a file its command line names (student code in the same
process could append forged lines to it): :func:`open_channel` makes a pipe the child inherits
and a per-child key, handed to the child on its stdin before the student's file is imported
(the pipe's number and the key never appear in argv or the environment). Each line the child's
:class:`SignedWriter` sends carries a sequence number and an HMAC-SHA256 of its text;
:class:`SignedReader` in the parent refuses the first line that is not authentic or out of
sequence, and everything after it (:attr:`SignedReader.problem`). What this does and does not
protect against: docs/architecture.md, "Threat model". :class:`EventWriter` /
:class:`EventReader` (a plain file) remain for the trusted batch and for tests.

This module imports nothing heavy: both sides use it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import secrets
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
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


class SignedWriter:
    """The child's end of a signed channel: one authenticated JSON line per event.

    Made from the handshake the parent wrote to the child's stdin (:meth:`from_handshake`); the
    key itself is not kept, only an HMAC object primed with it.

    Args:
        fd: The inherited pipe's write end.
        key: The per-child key.
        vocabulary: The event kinds this writer may emit.
    """

    def __init__(self, fd: int, key: bytes, vocabulary: Collection[str]) -> None:
        self._vocabulary = frozenset(vocabulary)
        self._mac = hmac.new(key, digestmod=hashlib.sha256)
        self._file: IO[bytes] = os.fdopen(fd, "wb", buffering=0)
        self._seq = 0

    @classmethod
    def from_handshake(cls, data: bytes, vocabulary: Collection[str]) -> SignedWriter:
        """The writer the handshake ``{"fd": N, "key": hex}`` describes.

        Raises:
            ValueError: the handshake is not one :func:`open_channel` wrote.
        """
        try:
            fields = json.loads(data)
            fd, key = int(fields["fd"]), bytes.fromhex(fields["key"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"not a channel handshake: {data[:80]!r}") from exc
        return cls(fd, key, vocabulary)

    def emit(self, event: str, **fields: Any) -> None:
        """Send ``{"event": event, "seq": n, **fields}`` with its HMAC, in one write.

        Raises:
            ValueError: ``event`` is not in this writer's vocabulary (a bug in the caller).
        """
        if event not in self._vocabulary:
            raise ValueError(f"unknown event {event!r}; expected one of {sorted(self._vocabulary)}")
        payload = json.dumps({"event": event, "seq": self._seq, **fields}).encode("utf-8")
        self._seq += 1
        mac = self._mac.copy()
        mac.update(payload)
        self._file.write(payload + b" " + mac.hexdigest().encode("ascii") + b"\n")

    def close(self) -> None:
        """Close the pipe; later :meth:`emit` calls raise ``ValueError``."""
        self._file.close()


Writer = EventWriter | SignedWriter
"""Either writer: what the plugin and the tools' children emit through."""


class SignedReader:
    """The parent's end of a signed channel: authentic events in order, nothing after a bad one.

    Args:
        fd: The pipe's read end (made non-blocking here; closed by :meth:`close`).
        key: The key handed to the child.
    """

    def __init__(self, fd: int, key: bytes) -> None:
        os.set_blocking(fd, False)
        self._fd = fd
        self._key = key
        self._buffer = b""
        self._seq = 0
        self.problem: str | None = None
        """Why the channel stopped being trusted (a forged, altered, replayed or garbled line);
        ``None`` while every line was authentic."""

    def read(self) -> list[dict[str, Any]]:
        """Every authentic event sent since the last call, in order.

        The first line that fails (bad HMAC, wrong sequence number, not a JSON object with an
        ``event`` key) sets :attr:`problem`; it and every later line are dropped.
        """
        while True:
            try:
                chunk = os.read(self._fd, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        found: list[dict[str, Any]] = []
        for line in lines:
            if self.problem is not None:
                break
            event = self._verify(line)
            if event is not None:
                found.append(event)
        return found

    def _verify(self, line: bytes) -> dict[str, Any] | None:
        payload, _, digest = line.rpartition(b" ")
        expected = hmac.new(self._key, payload, hashlib.sha256).hexdigest().encode("ascii")
        if not hmac.compare_digest(digest, expected):
            self.problem = "an event line without the grader's signature"
            return None
        event = json.loads(payload)
        if not isinstance(event, dict) or not isinstance(event.get("event"), str):
            self.problem = "a signed line that is not an event"
            return None
        if event.get("seq") != self._seq:
            self.problem = f"event {event.get('seq')!r} where {self._seq} was due (replayed)"
            return None
        self._seq += 1
        return event

    def close(self) -> None:
        """Close the read end."""
        os.close(self._fd)


@dataclass
class Channel:
    """A signed channel about to be handed to a child (see :func:`open_channel`).

    Attributes:
        reader: The parent's end.
        child_fd: The write end the child inherits (``pass_fds``); the parent closes its copy
            once the child started.
        handshake: What the parent writes to the child's stdin: the fd number and the key.
    """

    reader: SignedReader
    child_fd: int
    handshake: bytes


def read_handshake() -> bytes:
    """In a child: read stdin to its end (the parent closes it after the handshake), then put
    ``/dev/null`` in its place, so the student's code finds nothing there. Call it before the
    student's file is imported."""
    chunks = []
    while chunk := os.read(0, 4096):
        chunks.append(chunk)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    return b"".join(chunks)


def open_channel() -> Channel:
    """A new pipe and a new 256-bit key for one child."""
    read_fd, write_fd = os.pipe()
    key = secrets.token_bytes(32)
    handshake = json.dumps({"fd": write_fd, "key": key.hex()}).encode("ascii")
    return Channel(SignedReader(read_fd, key), write_fd, handshake)


def progress_reporter(
    writer: EventWriter | SignedWriter | None,
    interval_s: float = PROGRESS_INTERVAL_S,
    **fields: Any,
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
