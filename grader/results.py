"""The result model of one grade attempt.

:class:`GradeReport` is what :func:`grader.runner.grade` returns, what the CLI renders and
what :mod:`tracker.grades` stores. It imports nothing heavy (no torch).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["passed", "failed", "error", "timeout"]
Visibility = Literal["visible", "hidden"]

STATUSES: tuple[Status, ...] = ("passed", "failed", "error", "timeout")
VISIBILITIES: tuple[Visibility, ...] = ("visible", "hidden")


@dataclass(frozen=True)
class Measurement:
    """What a training check measured and the threshold it held it to.

    Attributes:
        name: What was measured, e.g. ``"test accuracy"``.
        value: The measured figure.
        threshold: The profile's threshold for it.
        higher_is_better: True for an accuracy or a gain, False for an error such as an MSE.
    """

    name: str
    value: float
    threshold: float
    higher_is_better: bool = True

    @property
    def margin(self) -> float:
        """How far the value is on the good side of the threshold (negative: it fell short)."""
        gap = self.value - self.threshold
        return gap if self.higher_is_better else -gap

    def to_json(self) -> dict[str, Any]:
        """The measurement as the ``--json`` output gives it."""
        return {
            "name": self.name,
            "value": self.value,
            "threshold": self.threshold,
            "higher_is_better": self.higher_is_better,
            "margin": self.margin,
        }


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check of a hidden suite.

    Attributes:
        id: Stable identifier, the test function's name without ``test_`` (e.g. ``"shapes_basic"``).
        title: One line shown to the student.
        status: ``passed``; ``failed`` (an assertion about the student's code did not hold);
            ``error`` (the student's code raised, crashed the grading process or could not be
            imported); ``timeout`` (the check ran past its time limit).
        points: Points earned, ``max_points`` when passed, else 0.
        max_points: Points the check is worth.
        visibility: ``visible``: message and hint are shown; ``hidden``: only title and
            pass/fail (Gradescope's meaning).
        message: Why it failed, in one or two sentences; empty when passed or hidden.
        hint: What to look at when it fails, from the suite; ``None`` when there is none.
        duration_s: Wall time of the check in seconds.
        measurement: What a training check measured against its threshold (``None`` for
            other checks, for hidden ones and when the check stopped before measuring).
    """

    id: str
    title: str
    status: Status
    points: float
    max_points: float
    visibility: Visibility = "visible"
    message: str = ""
    hint: str | None = None
    duration_s: float = 0.0
    measurement: Measurement | None = None

    @property
    def passed(self) -> bool:
        """True when the check passed."""
        return self.status == "passed"

    def to_json(self) -> dict[str, Any]:
        """The check as the ``--json`` output gives it (hint folded into the message)."""
        message = self.message
        if self.hint and self.status == "failed" and self.visibility == "visible":
            message = f"{message} Hint: {self.hint}".strip()
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "points": self.points,
            "max_points": self.max_points,
            "visibility": self.visibility,
            "message": message,
        }
        if self.measurement is not None:
            out["measurement"] = self.measurement.to_json()
        return out


@dataclass(frozen=True)
class GradeReport:
    """One grade attempt.

    Attributes:
        assignment: Assignment name, e.g. ``"resnet"``.
        score: Points earned, the sum over ``checks``.
        max_score: Points available.
        device: ``"cpu"`` or ``"cuda"`` (what the checks ran on).
        profile: ``"quick"`` or ``"full"``.
        duration_s: Wall time of the whole attempt in seconds, child start to report.
        checks: Every check of the suite, in suite order.
        submission: Path of the graded file.
        submission_sha256: SHA-256 hex digest of the graded file's bytes.
        started_at: UTC ISO-8601 timestamp of the attempt's start.
        note: Anything about the attempt as a whole (e.g. "grading stopped after 120 s"),
            empty when nothing went wrong.
        sandbox: What confined the grading child: ``bwrap`` or ``none``.
        tampered: The student's code tampered with grading (the note says how); the checks it
            affected score 0.
    """

    assignment: str
    score: float
    max_score: float
    device: str
    profile: str
    duration_s: float
    checks: list[CheckResult] = field(default_factory=list)
    submission: str = ""
    submission_sha256: str = ""
    started_at: str = ""
    note: str = ""
    sandbox: str = "none"
    tampered: bool = False

    @property
    def full_marks(self) -> bool:
        """True when every point was earned (and there was at least one check)."""
        return bool(self.checks) and self.score >= self.max_score

    def to_json(self) -> dict[str, Any]:
        """The report as ``course grade --json`` prints it."""
        return {
            "assignment": self.assignment,
            "score": self.score,
            "max_score": self.max_score,
            "device": self.device,
            "profile": self.profile,
            "duration_s": round(self.duration_s, 3),
            "sandbox": self.sandbox,
            "tampered": self.tampered,
            "checks": [c.to_json() for c in self.checks],
        }

    def to_dict(self) -> dict[str, Any]:
        """Every field, for storage and exports."""
        return asdict(self)
