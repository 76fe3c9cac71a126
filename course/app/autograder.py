"""Gradescope's autograder: the bundle a TA uploads, and what runs inside it for each student.

Gradescope runs ``setup.sh`` once when it builds the image, then ``run_autograder`` for each
submission, with the student's files in ``/autograder/submission`` and the results expected in
``/autograder/results/results.json`` (its "Autograder specifications"). :func:`build_bundle`
writes the zip: ``setup.sh`` (torch, this project's wheel built from the checkout, bubblewrap and
Fashion-MNIST where they can be installed), ``run_autograder`` (``course autograder-run NAME``)
and the wheel. :func:`run_autograder` grades with the same runner and suite as ``course grade``
and writes Gradescope's JSON (:func:`grader.exports.gradescope_results`); it writes a result
even when there is nothing to grade.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from core.errors import EnvironmentProblem, UsageError
from grader.cohort import find_in_folder
from grader.exports import gradescope_results
from grader.runner import default_profile, grade, resolve_device
from grader.sandbox import resolve
from grader.spec import load_assignment

ROOT = Path("/autograder")
"""Gradescope's autograder folder."""

_NOT_IN_WHEEL = (".git", ".venv", "build", "dist", ".demo", "*.egg-info", "__pycache__", "*.db")
"""What the wheel's build copy of the checkout leaves out."""


@dataclass(frozen=True)
class Bundle:
    """A written bundle.

    Attributes:
        path: The zip.
        files: Its members, sorted.
    """

    path: Path
    files: list[str]


def _setup_sh(wheel: str) -> str:
    torch_version = version("torch").split("+")[0]
    return f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
cd /autograder/source
if command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq || true
  apt-get install -y -qq bubblewrap python3-pip || true
  apt-get install -y -qq dataset-fashion-mnist || true
fi
python3 -m pip install -q torch=={torch_version} --index-url https://download.pytorch.org/whl/cpu \\
  || python3 -m pip install -q torch=={torch_version}
python3 -m pip install -q ./{wheel}
course data
"""


def _run_autograder(name: str) -> str:
    return f"""#!/usr/bin/env bash
# Gradescope runs this for each submission; the results go to /autograder/results/results.json.
cd /autograder/source
exec course autograder-run {name} --root /autograder
"""


def build_bundle(name: str, out: Path, project: Path | None = None) -> Bundle:
    """Write the Gradescope autograder zip of assignment ``name`` to ``out``.

    Args:
        name: Assignment name, e.g. ``resnet``.
        out: The zip to write.
        project: The checkout to build the wheel from; the one this code runs from by default.

    Raises:
        AssignmentError: ``name`` is not an assignment.
        EnvironmentProblem: no checkout (an installed copy without ``pyproject.toml``) or the
            wheel could not be built.
        UsageError: ``out`` cannot be written.
    """
    load_assignment(name)
    source = project or Path(__file__).resolve().parents[2]
    if not (source / "pyproject.toml").is_file():
        raise EnvironmentProblem(
            "the autograder bundle is built from a checkout of course", str(source),
            "run it from the project's folder (git clone, then make setup)",
        )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="course-wheel-") as tmp:
        # a clean copy, so that no stale build/ folder or local artefact gets into the wheel
        tree = Path(tmp) / "src"
        shutil.copytree(source, tree, ignore=shutil.ignore_patterns(*_NOT_IN_WHEEL))
        built = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
             "-w", str(Path(tmp) / "dist"), str(tree)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        wheels = sorted((Path(tmp) / "dist").glob("*.whl"))
        if built.returncode != 0 or len(wheels) != 1:
            raise EnvironmentProblem(
                "cannot build the wheel", str(source), (built.stderr.strip() or "no wheel")[-300:]
            )
        wheel = wheels[0]
        members = {
            "setup.sh": _setup_sh(wheel.name).encode(),
            "run_autograder": _run_autograder(name).encode(),
        }
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
                for member, data in members.items():
                    info = zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0))
                    info.external_attr = (stat.S_IFREG | 0o755) << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    zf.writestr(info, data)
                zf.write(wheel, wheel.name)
        except OSError as exc:
            raise UsageError("cannot write the bundle", str(out), exc.strerror or str(exc)) from exc
        return Bundle(out, sorted([*members, wheel.name]))


def run_autograder(name: str, root: Path = ROOT) -> dict[str, object]:
    """Grade ``root/submission`` and write ``root/results/results.json``.

    The submission is the shallowest ``<module>`` below ``root/submission``. Grading uses
    bubblewrap where it works there (Gradescope's containers may not allow it; then none, and
    the results' ``output`` says so), the device's default profile, and the suite's time limits.

    Returns:
        What was written to ``results.json``.

    Raises:
        AssignmentError: ``name`` is not an assignment.
    """
    spec = load_assignment(name)
    jail = resolve("auto")
    device = resolve_device("auto")
    found = find_in_folder(root / "submission", spec.module)
    if found.path is None:
        results = gradescope_results(None, found.problem.replace("submission/", "your upload"))
    else:
        report = grade(
            spec, found.path, device=device, profile=default_profile(device), sandbox=jail.kind
        )
        results = gradescope_results(report)
        if jail.warning:
            results["output"] = f"{results['output']}\n({jail.warning})"
    folder = root / "results"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / ".results.json.tmp"
    tmp.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, folder / "results.json")
    return results
