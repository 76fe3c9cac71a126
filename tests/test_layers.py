"""The layer rule of docs/architecture.md, asserted.

``core`` imports nothing of ours; ``grader`` and ``tracker`` import ``core`` and never each
other nor ``course`` (the CLI and the app layer). Checked twice: statically, over every import
statement of every module (a lazy import inside a function counts too), and by importing every
module of a package in a fresh interpreter and looking at what got loaded.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from tests.fresh import fresh_python

ROOT = Path(__file__).resolve().parents[1]
OURS = ("core", "course", "grader", "tracker", "solutions", "assignments")
ALLOWED: dict[str, set[str]] = {
    "core": {"core"},
    "grader": {"core", "grader", "solutions"},  # suites time the reference (augment)
    "tracker": {"core", "tracker"},
    "course": {"core", "course", "grader", "tracker"},
}


def modules(package: str) -> list[str]:
    """Dotted names of every module of ``package`` (suites included)."""
    names = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def imported_packages(path: Path) -> set[str]:
    """The top-level packages of ours that ``path`` imports anywhere."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(OURS)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_every_import_statement_follows_the_layers(package: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) - ALLOWED[package])
        for path in sorted((ROOT / package).rglob("*.py"))
        if imported_packages(path) - ALLOWED[package]
    }
    assert wrong == {}


def loaded_after_importing(names: list[str]) -> set[str]:
    """Top-level module names loaded by a fresh interpreter that imports ``names``."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    return set(json.loads(fresh_python(code).stdout))


def test_grader_loads_no_tracker_cli_or_database() -> None:
    names = [m for m in modules("grader") if not m.startswith("grader.suites.test_")]
    loaded = loaded_after_importing(names)
    assert loaded & {"tracker", "course", "click", "sqlite_utils", "rich"} == set()


def test_tracker_loads_no_grader_cli_or_torch() -> None:
    loaded = loaded_after_importing(modules("tracker"))
    # click is loaded, but by sqlite-utils (which is also a command-line tool), not by us:
    # the static test above holds tracker to importing no CLI of ours.
    assert loaded & {"grader", "course", "torch", "numpy", "rich"} == set()


def test_core_loads_nothing_of_ours() -> None:
    loaded = loaded_after_importing(modules("core"))
    assert loaded & set(OURS) == {"core"}


def test_matplotlib_loads_only_when_a_picture_is_drawn() -> None:
    """It costs about half a second: the CLI's modules, every render module included, leave
    it to the functions that draw."""
    names = ["course.cli", *(m for m in modules("course") if m.startswith("course.render"))]
    assert "matplotlib" not in loaded_after_importing(names)
