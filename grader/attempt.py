"""What every command that runs a student's file needs first: the spec, the file, the device,
the profile and the data, resolved and checked before any child process starts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.data import ensure_dataset
from grader.runner import default_profile, resolve_device
from grader.sandbox import Sandbox, resolve
from grader.spec import AssignmentSpec, load_assignment
from grader.workspace import locate_submission


@dataclass(frozen=True)
class Prepared:
    """An attempt ready to run.

    Attributes:
        spec: The assignment.
        submission: The file to run.
        device: ``cpu`` or ``cuda`` (resolved from ``auto``).
        profile: ``quick`` or ``full`` (the device's default when none was asked for).
        sandbox: What will confine the child (``bwrap`` or ``none``), and the one warning line
            to show when ``auto`` found no working bubblewrap.
    """

    spec: AssignmentSpec
    submission: Path
    device: str
    profile: str
    sandbox: Sandbox = field(default_factory=lambda: Sandbox("none"))


def prepare(
    name: str,
    *,
    submission: Path | None = None,
    solution: bool = False,
    device: str = "auto",
    profile: str | None = None,
    cwd: Path | None = None,
    sandbox: str = "auto",
) -> Prepared:
    """Resolve assignment ``name``'s spec, file, device and profile, and find its data set.

    Args:
        name: Assignment name, e.g. ``"resnet"``.
        submission: The file; found in the workspace holding ``cwd`` when ``None``.
        solution: Use the reference solution instead (teaching assistants, demos).
        device: ``auto``, ``cpu`` or ``cuda``.
        profile: ``quick`` or ``full``; ``quick`` on CPU and ``full`` on CUDA when ``None``.
        cwd: Where to look for the workspace; the current directory by default.
        sandbox: ``auto`` (bubblewrap when it works here, else none with a warning),
            ``bwrap`` or ``none`` (see :func:`grader.sandbox.resolve`).

    Raises:
        AssignmentError: unknown assignment or profile.
        UsageError, WorkspaceError: no file to run, or an unknown device or sandbox.
        EnvironmentProblem, DataError: no CUDA when asked for, no data (may download it),
            ``bwrap`` asked for where it cannot run.
    """
    spec = load_assignment(name)
    path = locate_submission(spec, submission=submission, solution=solution, cwd=cwd or Path.cwd())
    resolved = resolve_device(device)
    chosen = profile or default_profile(resolved)
    spec.profile(chosen)
    if spec.data == "fashion-mnist":
        ensure_dataset()
    return Prepared(spec, path, resolved, chosen, resolve(sandbox))
