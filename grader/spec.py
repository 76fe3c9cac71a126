"""Loading and validating ``assignments/<name>/assignment.yaml``.

An assignment folder holds ``assignment.yaml`` (this module's :class:`AssignmentSpec`),
``README.md`` (the task) and the skeleton module the student edits. The hidden suite lives
in ``grader/suites/test_<name>.py`` and the reference solution in ``solutions/<name>.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from core.errors import AssignmentError

PROFILES = ("quick", "full")
DATA_SETS = ("fashion-mnist",)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def assignments_root() -> Path:
    """The folder holding one sub-folder per assignment."""
    return Path(str(resources.files("assignments")))


SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"
"""Where the reference solutions are: the ``solutions/`` folder of the instructor's checkout,
beside ``grader/``. The package built from this repository does not ship them (a student's
install has none), and they are not an importable package."""


def solutions_root() -> Path | None:
    """The folder holding the reference solutions; ``None`` where there is none (a student's
    install)."""
    return SOLUTIONS if SOLUTIONS.is_dir() else None


def suites_root() -> Path:
    """The folder holding the hidden suites."""
    return Path(str(resources.files("grader.suites")))


@dataclass(frozen=True)
class Profile:
    """A training budget and the accuracy asked for after it.

    Attributes:
        name: ``quick`` (CPU default) or ``full`` (GPU default).
        steps: Optimiser steps of the accuracy check.
        batch_size: Images per step.
        lr: Learning rate.
        threshold: The score (0 to 1) the trained model is held to; its meaning is the
            suite's: the least test accuracy for a classifier, the most test reconstruction
            MSE for ``aae``.
        timeout_s: Wall-clock limit of a whole attempt under this profile, seconds.
        train_timeout_s: Limit of one training check (marked ``training=True``), seconds.
        params: Assignment-specific settings (model width, seeds, ...), free-form.
    """

    name: str
    steps: int
    batch_size: int
    lr: float
    threshold: float
    timeout_s: float
    train_timeout_s: float
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AssignmentSpec:
    """One assignment's metadata, read from its ``assignment.yaml``.

    Attributes:
        name: Folder name and CLI name, e.g. ``resnet``.
        title: One-line title.
        topic: Study topic the tracker files attempts under, e.g. ``CNN``.
        module: File name of the skeleton / submission, e.g. ``resnet.py``.
        timeout_s: Wall-clock limit of a whole attempt in seconds.
        check_timeout_s: Default wall-clock limit of one check in seconds.
        memory_mb: Address-space limit of the grading process on CPU, in MiB.
        forbidden: Dotted names the submission may not use (``torchvision``, ``torch.nn.LSTM``;
            ``*`` matches within one part), found statically in its source.
        data: Data set the suite needs (``fashion-mnist``) or ``None``; checked before grading.
        profiles: ``quick`` and ``full``.
        folder: The assignment folder.
        suite: The hidden pytest suite, ``grader/suites/test_<name>.py``.
        forbidden_calls: Functions refused at run time when the submission reaches them, mapped
            to the reason shown (``torch._VF.lstm``: ``what torch.nn.LSTM runs``); see
            :func:`grader.forbidden.guard_calls`.
    """

    name: str
    title: str
    topic: str
    module: str
    timeout_s: float
    check_timeout_s: float
    memory_mb: int
    forbidden: tuple[str, ...]
    data: str | None
    profiles: dict[str, Profile]
    folder: Path
    suite: Path
    forbidden_calls: dict[str, str] = field(default_factory=dict)

    @property
    def skeleton(self) -> Path:
        """The skeleton file a student starts from."""
        return self.folder / self.module

    @property
    def readme(self) -> Path:
        """The task description."""
        return self.folder / "README.md"

    @property
    def solution(self) -> Path:
        """The reference implementation (it may not exist: see :data:`SOLUTIONS`)."""
        return SOLUTIONS / self.module

    def profile(self, name: str) -> Profile:
        """The profile called ``name``.

        Raises:
            AssignmentError: ``name`` is not a profile of this assignment.
        """
        try:
            return self.profiles[name]
        except KeyError:
            raise AssignmentError(
                f"assignment {self.name!r} has no profile",
                name,
                f"use one of {', '.join(self.profiles)}",
            ) from None


def list_assignments(root: Path | None = None) -> list[str]:
    """Names of every assignment folder (one with an ``assignment.yaml``), sorted."""
    base = root or assignments_root()
    return sorted(p.parent.name for p in base.glob("*/assignment.yaml"))


def load_assignment(name: str, root: Path | None = None) -> AssignmentSpec:
    """Load and validate one assignment.

    Args:
        name: The assignment's name, e.g. ``"resnet"``.
        root: Folder of assignments; the packaged ``assignments/`` by default.

    Raises:
        AssignmentError: unknown name, unreadable YAML, a missing or mistyped field.
    """
    base = root or assignments_root()
    path = base / name / "assignment.yaml"
    if not _NAME.match(name) or not path.is_file():
        known = ", ".join(list_assignments(base)) or "none"
        raise AssignmentError("unknown assignment", name, f"choose one of: {known}")
    return parse_spec(path)


def parse_spec(path: Path) -> AssignmentSpec:
    """Parse one ``assignment.yaml`` file.

    Raises:
        AssignmentError: the file is not valid YAML or a field is missing or of the wrong type.
    """
    import yaml  # here, not at the top: `course log` never reads YAML

    try:
        # libyaml's safe loader when PyYAML has it (same results, about 10x faster)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        raise AssignmentError(f"{path} is not valid YAML", str(exc).splitlines()[0]) from exc
    if not isinstance(raw, dict):
        raise AssignmentError(f"{path} must be a mapping of fields", type(raw).__name__)
    where = str(path)
    name = path.parent.name
    module = _get(raw, "module", str, where)
    if not module.endswith(".py") or "/" in module:
        raise AssignmentError(f"{where}: module must be a file name ending in .py", module)
    profiles_raw = _get(raw, "profiles", dict, where)
    missing = [p for p in PROFILES if p not in profiles_raw]
    if missing:
        raise AssignmentError(f"{where}: profiles must define quick and full; missing", missing[0])
    timeout = _number(raw, "timeout_s", where, default=300)
    check_timeout = _number(raw, "check_timeout_s", where, default=min(120.0, timeout))
    profiles = {
        p: _profile(p, profiles_raw[p], f"{where}: profiles.{p}", timeout, check_timeout)
        for p in profiles_raw
    }
    forbidden = raw.get("forbidden", [])
    if not isinstance(forbidden, list) or not all(isinstance(f, str) for f in forbidden):
        raise AssignmentError(f"{where}: forbidden must be a list of dotted names", forbidden)
    calls = raw.get("forbidden_calls") or {}
    if not isinstance(calls, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in calls.items()
    ):
        raise AssignmentError(
            f"{where}: forbidden_calls must map dotted function names to a reason", calls
        )
    return AssignmentSpec(
        name=name,
        title=_get(raw, "title", str, where),
        topic=_get(raw, "topic", str, where),
        module=module,
        timeout_s=timeout,
        check_timeout_s=check_timeout,
        memory_mb=int(_number(raw, "memory_mb", where, default=8192)),
        forbidden=tuple(forbidden),
        data=_data(raw, where),
        profiles=profiles,
        folder=path.parent,
        suite=suites_root() / f"test_{name}.py",
        forbidden_calls=dict(calls),
    )


def _data(raw: dict[str, Any], where: str) -> str | None:
    value = raw.get("data")
    if value not in (None, *DATA_SETS):
        raise AssignmentError(f"{where}: unknown data set", value, f"use one of {DATA_SETS}")
    return str(value) if value else None


def _profile(name: str, raw: object, where: str, timeout: float, check_timeout: float) -> Profile:
    if not isinstance(raw, dict):
        raise AssignmentError(f"{where} must be a mapping", raw)
    steps = _get(raw, "steps", int, where)
    batch = _get(raw, "batch_size", int, where)
    lr = _number(raw, "lr", where)
    threshold = _number(raw, "threshold", where)
    if steps <= 0 or batch <= 0 or lr <= 0:
        raise AssignmentError(
            f"{where}: steps, batch_size and lr must be positive", (steps, batch, lr)
        )
    if not 0.0 <= threshold <= 1.0:
        raise AssignmentError(f"{where}: threshold is a score between 0 and 1", threshold)
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise AssignmentError(f"{where}: params must be a mapping", params)
    return Profile(
        name=name,
        steps=steps,
        batch_size=batch,
        lr=lr,
        threshold=threshold,
        timeout_s=_number(raw, "timeout_s", where, default=timeout),
        train_timeout_s=_number(raw, "train_timeout_s", where, default=check_timeout),
        params=params,
    )


def _get(raw: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in raw:
        raise AssignmentError(f"{where}: missing field", key, f"add `{key}:` to the file")
    value = raw[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise AssignmentError(f"{where}: field {key} must be {kind.__name__}", value)
    return value


def _number(raw: dict[str, Any], key: str, where: str, default: float | None = None) -> float:
    if key not in raw and default is not None:
        return float(default)
    value = _get(raw, key, object, where) if key not in raw else raw[key]
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise AssignmentError(f"{where}: field {key} must be a non-negative number", value)
    return float(value)
