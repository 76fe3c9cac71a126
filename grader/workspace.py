"""Student workspaces: a folder with ``course.yaml`` and a copy of every skeleton.

``course init DIR`` makes one; ``course grade NAME`` looks for the submission in the
workspace that holds the current directory (this folder or a parent with ``course.yaml``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from core.errors import UsageError, WorkspaceError
from grader.spec import AssignmentSpec, list_assignments, load_assignment

CONFIG_NAME = "course.yaml"


@dataclass(frozen=True)
class Workspace:
    """A student workspace.

    Attributes:
        root: The folder holding ``course.yaml``.
        database: Tracker database named by ``course.yaml``'s ``database`` setting (resolved
            against ``root``), or ``None`` when it names none.
    """

    root: Path
    database: Path | None = None

    def submission(self, spec: AssignmentSpec) -> Path:
        """Where the student's file for ``spec`` lives: ``<root>/<name>/<module>``."""
        return self.root / spec.name / spec.module


@dataclass(frozen=True)
class InitResult:
    """What :func:`init_workspace` did.

    Attributes:
        workspace: The workspace.
        created: Files written, relative to the workspace root.
        kept: Files that already existed and were left untouched.
    """

    workspace: Workspace
    created: list[str]
    kept: list[str]


def find_workspace(start: Path) -> Workspace | None:
    """The workspace holding ``start`` (it or a parent has ``course.yaml``), else ``None``.

    Raises:
        WorkspaceError: ``course.yaml`` exists but is not valid.
    """
    for folder in (start.resolve(), *start.resolve().parents):
        config = folder / CONFIG_NAME
        if config.is_file():
            return _read(config)
    return None


def _read(config: Path) -> Workspace:
    import yaml  # here, not at the top: `course log` never reads YAML

    try:
        raw = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, OSError) as exc:
        raise WorkspaceError(
            f"cannot read workspace file {config}", str(exc).splitlines()[0]
        ) from exc
    if not isinstance(raw, dict):
        raise WorkspaceError(f"workspace file {config} must be a mapping", type(raw).__name__)
    database = raw.get("database")
    if database is not None and not isinstance(database, str):
        raise WorkspaceError(f"{config}: database must be a path", database)
    db_path = (config.parent / database).resolve() if database else None
    return Workspace(root=config.parent, database=db_path)


def init_workspace(directory: Path) -> InitResult:
    """Make (or complete) a workspace in ``directory``, never overwriting a student's file.

    Writes ``course.yaml`` and, per assignment, ``<name>/<module>`` (the skeleton) and
    ``<name>/README.md``. Files already there are kept as they are.

    Raises:
        WorkspaceError: ``directory`` is a file or cannot be written.
    """
    directory = directory.resolve()
    if directory.exists() and not directory.is_dir():
        raise WorkspaceError("cannot make a workspace here: it is a file", str(directory))
    created: list[str] = []
    kept: list[str] = []
    names = list_assignments()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        config = directory / CONFIG_NAME
        if config.exists():
            kept.append(CONFIG_NAME)
        else:
            config.write_text(
                "# course workspace: `course grade NAME` run in here grades NAME/<file>.\n"
                "# database: course.db   # optional: keep the tracker database here instead\n"
                f"assignments: [{', '.join(names)}]\n",
                encoding="utf-8",
            )
            created.append(CONFIG_NAME)
        for name in names:
            spec = load_assignment(name)
            (directory / name).mkdir(exist_ok=True)
            for source in (spec.skeleton, spec.readme):
                target = directory / name / source.name
                rel = f"{name}/{source.name}"
                if target.exists():
                    kept.append(rel)
                else:
                    shutil.copyfile(source, target)
                    created.append(rel)
    except OSError as exc:
        raise WorkspaceError("cannot write the workspace", str(directory), str(exc)) from exc
    return InitResult(workspace=_read(directory / CONFIG_NAME), created=created, kept=kept)


def locate_submission(
    spec: AssignmentSpec, *, submission: Path | None, solution: bool, cwd: Path
) -> Path:
    """The file to grade: ``--submission``, else the reference with ``--solution``, else the
    workspace's copy.

    Raises:
        UsageError: both ``submission`` and ``solution``, or ``submission`` does not exist.
        WorkspaceError: no workspace holds ``cwd``, or it lacks the assignment's file.
    """
    if solution and submission is not None:
        raise UsageError("--solution and --submission exclude each other", str(submission))
    if solution:
        if not spec.solution.is_file():
            raise UsageError(
                "no reference solution here: they are the instructor's and only a checkout of "
                "the course repository has them",
                str(spec.solution),
                "grade your own file, or run this from the instructor's checkout",
            )
        return spec.solution
    if submission is not None:
        if not submission.is_file():
            raise UsageError("submission file not found", str(submission), "check the path")
        return submission
    workspace = find_workspace(cwd)
    if workspace is None:
        raise WorkspaceError(
            "no submission to grade: no course.yaml here or in a parent folder",
            str(cwd),
            f"run `course init DIR` and grade inside DIR, or pass --submission PATH/{spec.module}",
        )
    path = workspace.submission(spec)
    if not path.is_file():
        raise WorkspaceError(
            f"the workspace has no file for {spec.name}",
            str(path),
            f"run `course init {workspace.root}` to add the missing skeleton",
        )
    return path
