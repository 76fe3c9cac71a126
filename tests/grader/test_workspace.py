"""`grader.workspace`: `course init`'s folder and finding the file to grade."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import grader.spec as spec_module
from core.errors import UsageError, WorkspaceError
from grader.spec import AssignmentSpec, load_assignment
from grader.workspace import (
    CONFIG_NAME,
    Workspace,
    find_workspace,
    init_workspace,
    locate_submission,
)

CONFIG_TEXT = (
    "# course workspace: `course grade NAME` run in here grades NAME/<file>.\n"
    "# database: course.db   # optional: keep the tracker database here instead\n"
    "assignments: [aae, augment, cnn, lstm, optim, resnet, vit]\n"
)
ASSIGNMENT_FILES = [
    "aae/aae.py",
    "aae/README.md",
    "augment/augment.py",
    "augment/README.md",
    "cnn/cnn.py",
    "cnn/README.md",
    "lstm/lstm.py",
    "lstm/README.md",
    "optim/optim.py",
    "optim/README.md",
    "resnet/resnet.py",
    "resnet/README.md",
    "vit/vit.py",
    "vit/README.md",
]
ALL_FILES = ["course.yaml", *ASSIGNMENT_FILES]


@pytest.fixture
def resnet() -> AssignmentSpec:
    return load_assignment("resnet")


def test_init_creates_the_workspace(tmp_path: Path, resnet: AssignmentSpec) -> None:
    root = tmp_path / "ws"
    result = init_workspace(root)
    assert result.created == ALL_FILES
    assert result.kept == []
    assert result.workspace == Workspace(root=root, database=None)
    assert (root / CONFIG_NAME).read_text(encoding="utf-8") == CONFIG_TEXT
    assert (root / "resnet" / "resnet.py").read_bytes() == resnet.skeleton.read_bytes()
    assert (root / "resnet" / "README.md").read_bytes() == resnet.readme.read_bytes()
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == sorted(
        [
            "aae",
            "aae/README.md",
            "aae/aae.py",
            "augment",
            "augment/README.md",
            "augment/augment.py",
            "cnn",
            "cnn/README.md",
            "cnn/cnn.py",
            "course.yaml",
            "lstm",
            "lstm/README.md",
            "lstm/lstm.py",
            "optim",
            "optim/README.md",
            "optim/optim.py",
            "resnet",
            "resnet/README.md",
            "resnet/resnet.py",
            "vit",
            "vit/README.md",
            "vit/vit.py",
        ]
    )


def test_init_in_an_existing_empty_folder(tmp_path: Path) -> None:
    result = init_workspace(tmp_path)
    assert result.created == ALL_FILES
    assert result.workspace.root == tmp_path


def test_init_again_keeps_the_students_files(tmp_path: Path, resnet: AssignmentSpec) -> None:
    init_workspace(tmp_path)
    mine = tmp_path / "resnet" / "resnet.py"
    edited = b"# my work\r\nclass BasicBlock:  # \xc3\xa9\n    pass\n"
    mine.write_bytes(edited)
    (tmp_path / "resnet" / "README.md").unlink()
    result = init_workspace(tmp_path)
    assert result.created == ["resnet/README.md"]
    assert result.kept == [
        "course.yaml",
        "aae/aae.py",
        "aae/README.md",
        "augment/augment.py",
        "augment/README.md",
        "cnn/cnn.py",
        "cnn/README.md",
        "lstm/lstm.py",
        "lstm/README.md",
        "optim/optim.py",
        "optim/README.md",
        "resnet/resnet.py",
        "vit/vit.py",
        "vit/README.md",
    ]
    assert mine.read_bytes() == edited
    assert (tmp_path / "resnet" / "README.md").read_bytes() == resnet.readme.read_bytes()


def test_init_adds_an_assignment_published_after_the_workspace_was_made(tmp_path: Path) -> None:
    init_workspace(tmp_path)
    for name in ("cnn", "optim"):  # as made before the cnn and optim assignments existed
        shutil.rmtree(tmp_path / name)
    (tmp_path / "resnet" / "resnet.py").write_text("# my work\n", encoding="utf-8")
    (tmp_path / "lstm" / "lstm.py").write_text("# half done\n", encoding="utf-8")
    config = (tmp_path / CONFIG_NAME).read_bytes()
    result = init_workspace(tmp_path)
    assert result.created == ["cnn/cnn.py", "cnn/README.md", "optim/optim.py", "optim/README.md"]
    assert result.kept == [
        "course.yaml",
        "aae/aae.py",
        "aae/README.md",
        "augment/augment.py",
        "augment/README.md",
        "lstm/lstm.py",
        "lstm/README.md",
        "resnet/resnet.py",
        "resnet/README.md",
        "vit/vit.py",
        "vit/README.md",
    ]
    assert (tmp_path / "resnet" / "resnet.py").read_text(encoding="utf-8") == "# my work\n"
    assert (tmp_path / "lstm" / "lstm.py").read_text(encoding="utf-8") == "# half done\n"
    assert (tmp_path / CONFIG_NAME).read_bytes() == config
    for name in ("cnn", "optim"):
        spec = load_assignment(name)
        assert (tmp_path / name / spec.module).read_bytes() == spec.skeleton.read_bytes()


def test_init_keeps_an_existing_config(tmp_path: Path) -> None:
    (tmp_path / CONFIG_NAME).write_text("database: data/my.db\n", encoding="utf-8")
    result = init_workspace(tmp_path)
    assert result.kept == ["course.yaml"]
    assert result.created == ASSIGNMENT_FILES
    assert (tmp_path / CONFIG_NAME).read_text(encoding="utf-8") == "database: data/my.db\n"
    assert result.workspace.database == (tmp_path / "data" / "my.db").resolve()


def test_init_on_a_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        init_workspace(path)
    assert info.value.message == f"cannot make a workspace here: it is a file: {path}"
    assert info.value.exit_code == 2
    assert path.read_text(encoding="utf-8") == "hello"


def test_init_below_a_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="cannot write the workspace"):
        init_workspace(tmp_path / "notes.txt" / "ws")


# --- find_workspace ---------------------------------------------------------------------------


def test_find_workspace_from_a_nested_folder(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    nested = tmp_path / "ws" / "resnet" / "deep" / "er"
    nested.mkdir(parents=True)
    assert find_workspace(nested) == Workspace(root=(tmp_path / "ws").resolve(), database=None)
    assert find_workspace(tmp_path / "ws") == Workspace(root=(tmp_path / "ws").resolve())


def test_find_workspace_none(tmp_path: Path) -> None:
    assert find_workspace(tmp_path) is None


def test_find_workspace_nearest_wins(tmp_path: Path) -> None:
    (tmp_path / CONFIG_NAME).write_text("database: outer.db\n", encoding="utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / CONFIG_NAME).write_text("database: inner.db\n", encoding="utf-8")
    found = find_workspace(inner)
    assert found is not None
    assert found.root == inner.resolve()
    assert found.database == inner.resolve() / "inner.db"


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("database: course.db\n", "course.db"),
        ("database: ../shared/course.db\n", "../shared/course.db"),
        ("database: sub/dir/c.db\n", "sub/dir/c.db"),
        ("", None),
        ("database:\n", None),
    ],
)
def test_database_setting_resolves_against_the_root(
    tmp_path: Path, setting: str, expected: str | None
) -> None:
    root = tmp_path / "ws"
    (root / "a" / "b").mkdir(parents=True)
    (root / CONFIG_NAME).write_text(setting, encoding="utf-8")
    found = find_workspace(root / "a" / "b")
    assert found is not None
    assert found.database == (None if expected is None else (root / expected).resolve())


def test_database_absolute_path(tmp_path: Path) -> None:
    (tmp_path / CONFIG_NAME).write_text(f"database: {tmp_path / 'x' / 'c.db'}\n", "utf-8")
    found = find_workspace(tmp_path)
    assert found is not None
    assert found.database == (tmp_path / "x" / "c.db").resolve()


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("database: [unclosed\n", "cannot read workspace file {config}: "),
        ("- a\n- b\n", "workspace file {config} must be a mapping: list"),
        ("database: 5\n", "{config}: database must be a path: 5"),
        ("database: [a, b]\n", "{config}: database must be a path: ['a', 'b']"),
    ],
)
def test_invalid_config(tmp_path: Path, text: str, what: str) -> None:
    config = tmp_path / CONFIG_NAME
    config.write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        find_workspace(tmp_path)
    assert info.value.message.startswith(what.format(config=config))


# --- locate_submission ---------------------------------------------------------------------------


def test_locate_the_solution(tmp_path: Path, resnet: AssignmentSpec) -> None:
    found = locate_submission(resnet, submission=None, solution=True, cwd=tmp_path)
    assert found == resnet.solution
    assert found.is_file()


def test_no_solution_in_a_students_install(
    tmp_path: Path, resnet: AssignmentSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The package built from the repository ships no solutions: --solution says so."""
    monkeypatch.setattr(spec_module, "SOLUTIONS", tmp_path / "solutions")
    with pytest.raises(UsageError) as info:
        locate_submission(resnet, submission=None, solution=True, cwd=tmp_path)
    assert info.value.message == (
        "no reference solution here: they are the instructor's and only a checkout of the "
        f"course repository has them: {tmp_path / 'solutions' / 'resnet.py'}. grade your own "
        "file, or run this from the instructor's checkout"
    )
    assert spec_module.solutions_root() is None


def test_locate_an_explicit_submission(tmp_path: Path, resnet: AssignmentSpec) -> None:
    path = tmp_path / "mine.py"
    path.write_text("x = 1\n", encoding="utf-8")
    assert locate_submission(resnet, submission=path, solution=False, cwd=tmp_path) == path


def test_explicit_submission_missing(tmp_path: Path, resnet: AssignmentSpec) -> None:
    path = tmp_path / "nope.py"
    with pytest.raises(UsageError) as info:
        locate_submission(resnet, submission=path, solution=False, cwd=tmp_path)
    assert not isinstance(info.value, WorkspaceError)
    assert info.value.message == f"submission file not found: {path}. check the path"


def test_explicit_submission_is_a_folder(tmp_path: Path, resnet: AssignmentSpec) -> None:
    with pytest.raises(UsageError, match="submission file not found"):
        locate_submission(resnet, submission=tmp_path, solution=False, cwd=tmp_path)


def test_solution_and_submission_exclude_each_other(tmp_path: Path, resnet: AssignmentSpec) -> None:
    path = tmp_path / "mine.py"
    path.write_text("x = 1\n", encoding="utf-8")
    with pytest.raises(UsageError) as info:
        locate_submission(resnet, submission=path, solution=True, cwd=tmp_path)
    assert info.value.message == f"--solution and --submission exclude each other: {path}"


def test_no_workspace(tmp_path: Path, resnet: AssignmentSpec) -> None:
    with pytest.raises(WorkspaceError) as info:
        locate_submission(resnet, submission=None, solution=False, cwd=tmp_path)
    assert info.value.message == (
        f"no submission to grade: no course.yaml here or in a parent folder: {tmp_path}. "
        "run `course init DIR` and grade inside DIR, or pass --submission PATH/resnet.py"
    )
    assert info.value.exit_code == 2


def test_workspace_file_found_from_a_subfolder(tmp_path: Path, resnet: AssignmentSpec) -> None:
    init_workspace(tmp_path)
    found = locate_submission(resnet, submission=None, solution=False, cwd=tmp_path / "resnet")
    assert found == tmp_path.resolve() / "resnet" / "resnet.py"


def test_workspace_missing_the_file(tmp_path: Path, resnet: AssignmentSpec) -> None:
    init_workspace(tmp_path)
    (tmp_path / "resnet" / "resnet.py").unlink()
    with pytest.raises(WorkspaceError) as info:
        locate_submission(resnet, submission=None, solution=False, cwd=tmp_path)
    root = tmp_path.resolve()
    assert info.value.message == (
        f"the workspace has no file for resnet: {root / 'resnet' / 'resnet.py'}. "
        f"run `course init {root}` to add the missing skeleton"
    )


def test_explicit_submission_wins_over_the_workspace(
    tmp_path: Path, resnet: AssignmentSpec
) -> None:
    init_workspace(tmp_path)
    other = tmp_path / "other.py"
    other.write_text("x = 2\n", encoding="utf-8")
    assert locate_submission(resnet, submission=other, solution=False, cwd=tmp_path) == other
