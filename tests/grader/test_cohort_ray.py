"""The Ray backend on a local cluster: the same fake submissions give the same reports as the
local pool (real grading children, no torch in them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import UsageError
from grader.cohort import find_submissions, grade_cohort, workers_for
from grader.results import GradeReport
from tests.grader.test_cohort import _spec, _write

ray = pytest.importorskip("ray", reason="the optional extra 'cluster' (Ray) is not installed")

from grader.cohort_ray import grade_cohort_ray  # noqa: E402


def _statuses(report: GradeReport | None) -> list[tuple[str, str, float]] | None:
    return None if report is None else [(c.id, c.status, c.points) for c in report.checks]


def test_ray_tasks_grade_like_the_local_pool(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    subs = tmp_path / "subs"
    _write(subs / "alice.py", "def add(a, b):\n    return a + b\n")
    _write(subs / "bob.py", "def add(a, b):\n    return a - b\n")
    _write(subs / "carol" / "fake.py", "import os\nos._exit(3)\n")
    _write(subs / "dave" / "readme.txt")
    found = find_submissions(subs, "fake.py", tmp_path / "u")
    local: dict[str, tuple[GradeReport | None, str]] = {}
    grade_cohort(
        spec, found, workers=workers_for(2, "cpu"), device="cpu", profile="quick",
        sandbox="none", on_done=lambda s, r, why: local.__setitem__(s.student, (r, why)),
    )  # fmt: skip
    remote: dict[str, tuple[GradeReport | None, str]] = {}
    grade_cohort_ray(
        spec, found, device="cpu", profile="quick", sandbox="none", num_cpus=1,
        on_done=lambda s, r, why: remote.__setitem__(s.student, (r, why)),
    )  # fmt: skip
    assert not ray.is_initialized()  # the cluster it started is shut down
    assert sorted(remote) == ["alice", "bob", "carol", "dave"]
    for student, (report, why) in local.items():
        assert (_statuses(remote[student][0]), remote[student][1]) == (_statuses(report), why)
    alice = remote["alice"][0]
    assert alice is not None and alice.score == 4.0
    assert remote["dave"] == (None, "no fake.py in dave/")


def test_bad_task_sizes_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        grade_cohort_ray(
            _spec(tmp_path), [], device="cpu", profile="quick", sandbox="none",
            on_done=lambda s, r, why: None, num_cpus=0,
        )  # fmt: skip
    assert caught.value.message == (
        "a Ray task needs CPUs > 0 and GPUs >= 0: 0 CPUs, 0.0 GPUs. "
        "pass --task-cpus 1 --task-gpus 0"
    )
