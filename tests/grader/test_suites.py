"""Every hidden suite, both ways, through one harness over ``registry.SUITES``.

For each assignment: the solution gets full marks on the quick profile, the untouched skeleton
scores 0 with the line of each ``raise NotImplementedError``, each wrong variant fails exactly
the checks written to catch its bug (with their messages), each other correct version passes
every check, the variants only training catches fail their training check, and the extra
submissions say what they must.

These run the real grader (child processes) on real Fashion-MNIST. To keep ``make test`` fast,
the submissions that need no training are graded several to a child
(:func:`grader.runner.grade_many`), the solution is trained once per session, and the tests
that train are marked ``training`` (``pytest -m "not training"`` leaves them out).

Each assignment gets two test classes made from the registry, ``TestSuite_<name>`` (what needs
no training) and ``TestTraining_<name>``: under pytest-xdist's ``--dist loadscope`` a class
runs on one worker, so each batch is graded once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

import pytest

from grader.data import find_dataset
from grader.results import GradeReport
from grader.runner import grade, grade_many
from grader.spec import AssignmentSpec, load_assignment
from tests.grader.registry import SUITES, Suite
from tests.grader.reports import failing, message
from tests.grader.variants import write_edited

needs_data = pytest.mark.skipif(
    find_dataset() is None, reason="Fashion-MNIST is not installed (make test installs it)"
)

Graded = dict[str, tuple[GradeReport, Path]]
"""Reports by case (``skeleton``, ``wrong/<name>``, ``correct/<name>``, ``extra/<name>``),
each with the file it graded."""


class Batches:
    """Every report the harness needs, graded on first use and kept for the session."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._done: dict[tuple[str, str], Graded] = {}

    def _grade(
        self,
        suite: Suite,
        kind: str,
        cases: dict[str, Callable[[Path], Path]],
        skip: Sequence[str],
        unskipped: Sequence[str] = (),
    ) -> Graded:
        """Grade ``cases`` in one child, each without the checks ``skip`` (those named in
        ``unskipped`` with every check)."""
        key = (suite.name, kind)
        if key not in self._done:
            spec = load_assignment(suite.name)
            paths = {
                case: build(self._folder / suite.name / kind / case.replace("/", "-"))
                for case, build in cases.items()
            }
            skips = [() if case in unskipped else skip for case in paths]
            reports = grade_many(spec, list(paths.values()), device="cpu", skips=skips)
            self._done[key] = {
                case: (report, path)
                for (case, path), report in zip(paths.items(), reports, strict=True)
            }
        return self._done[key]

    def fast(self, suite: Suite) -> Graded:
        """Skeleton, wrong and correct variants and extras, without the training checks."""
        spec = load_assignment(suite.name)
        cases: dict[str, Callable[[Path], Path]] = {"skeleton": lambda _: spec.skeleton}
        for name in [*suite.expected, *suite.not_trained]:
            cases[f"wrong/{name}"] = _variant(suite, name, suite.wrong[name])
        for name, edits in suite.correct.items():
            cases[f"correct/{name}"] = _variant(suite, name, edits)
        for name, extra in suite.extras.items():
            cases[f"extra/{name}"] = _built(spec, extra.build)
        return self._grade(suite, "fast", cases, suite.training)

    def trained(self, suite: Suite) -> Graded:
        """The variants only training catches (and the skeleton), with only the training
        checks; first the solution with every check when the suite ``shares_training``."""
        spec = load_assignment(suite.name)
        cases: dict[str, Callable[[Path], Path]] = {}
        if suite.shares_training:
            cases["solution"] = lambda _: spec.solution
        if suite.skeleton_training is not None:
            cases["skeleton"] = lambda _: spec.skeleton
        for name in suite.trained:
            cases[f"wrong/{name}"] = _variant(suite, name, suite.wrong[name])
        return self._grade(suite, "trained", cases, suite.not_training, unskipped=["solution"])

    def solution(self, suite: Suite) -> GradeReport:
        """The reference solution with every check: trained once per session."""
        if suite.shares_training:
            return self.trained(suite)["solution"][0]
        key = (suite.name, "solution")
        if key not in self._done:
            spec = load_assignment(suite.name)
            self._done[key] = {"solution": (grade(spec, spec.solution), spec.solution)}
        return self._done[key]["solution"][0]


def _variant(suite: Suite, name: str, edits: list[tuple[str, str]]) -> Callable[[Path], Path]:
    return lambda folder: write_edited(suite.module, name, edits, folder)


def _built(
    spec: AssignmentSpec, build: Callable[[AssignmentSpec, Path], Path]
) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        return build(spec, folder)

    return make


@pytest.fixture(scope="session")
def batches(tmp_path_factory: pytest.TempPathFactory) -> Batches:
    return Batches(tmp_path_factory.mktemp("suites"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise each harness test over its class's suite: one test per variant or case."""
    suite: Suite | None = getattr(metafunc.cls, "suite", None)
    if suite is None:
        return
    cases = {
        "variant": [*suite.expected, *suite.not_trained],
        "correct": list(suite.correct),
        "extra": list(suite.extras),
        "trained": (["skeleton"] if suite.skeleton_training is not None else [])
        + [f"wrong/{name}" for name in suite.trained],
    }
    for argname, values in cases.items():
        if argname in metafunc.fixturenames:
            metafunc.parametrize(argname, values)


class SuiteTests:
    """The both-ways tests of one assignment that need no training (one grading child)."""

    suite: ClassVar[Suite]

    def test_untouched_skeleton_scores_zero(self, batches: Batches) -> None:
        report, path = batches.fast(self.suite)["skeleton"]
        assert [c.id for c in report.checks] == self.suite.not_training
        assert report.score == 0.0
        assert {c.status for c in report.checks} == {"error"}
        if self.suite.skeleton is not None:
            self.suite.skeleton(report, path, load_assignment(self.suite.name))

    def test_wrong_variant_fails_its_checks(self, variant: str, batches: Batches) -> None:
        suite = self.suite
        report, path = batches.fast(suite)[f"wrong/{variant}"]
        assert [c.id for c in report.checks] == suite.not_training
        assert failing(report) == suite.expected.get(variant, {})  # not_trained: passes all
        if variant in suite.messages:
            check_id, expected_message = suite.messages[variant]
            assert message(report, check_id) == expected_message
        if variant in suite.verify:
            suite.verify[variant](report, path, load_assignment(suite.name))

    def test_other_correct_versions_pass(self, correct: str, batches: Batches) -> None:
        report, _ = batches.fast(self.suite)[f"correct/{correct}"]
        assert [c.id for c in report.checks] == self.suite.not_training
        assert failing(report) == {}

    def test_extra_submission(self, extra: str, batches: Batches) -> None:
        report, path = batches.fast(self.suite)[f"extra/{extra}"]
        assert failing(report) == self.suite.extras[extra].failing
        verify = self.suite.extras[extra].verify
        if verify is not None:
            verify(report, path, load_assignment(self.suite.name))

    def test_every_variant_is_tested(self) -> None:
        suite = self.suite
        assert sorted(suite.wrong) == sorted([*suite.expected, *suite.not_trained])
        assert set(suite.messages) <= set(suite.wrong)
        assert set(suite.verify) <= set(suite.expected)
        assert set(suite.trained) <= set(suite.wrong)
        assert set(suite.not_trained) <= set(suite.trained)
        assert set(suite.verify_trained) <= set(suite.trained)
        assert set(suite.training) <= set(suite.checks)
        assert set(suite.wrong).isdisjoint(suite.correct)
        assert suite.correct, "every suite is also tested against another correct version"


@pytest.mark.training
@needs_data
class SolutionTests:
    """The reference solution with every check, the training ones included."""

    suite: ClassVar[Suite]

    def test_solution_gets_full_marks_on_quick(self, batches: Batches) -> None:
        report = batches.solution(self.suite)
        assert [c.id for c in report.checks] == self.suite.checks
        assert failing(report) == {}
        assert (report.score, report.max_score) == (100.0, 100.0)
        assert report.full_marks
        assert report.note == ""


@pytest.mark.training
@needs_data
class TrainingTests:
    """What only the training checks catch, and the skeleton's training checks."""

    suite: ClassVar[Suite]

    def test_training_checks_catch_their_variants(self, trained: str, batches: Batches) -> None:
        suite = self.suite
        report, path = batches.trained(suite)[trained]
        assert [c.id for c in report.checks] == suite.training
        spec = load_assignment(suite.name)
        if trained == "skeleton":
            assert failing(report) == suite.skeleton_training
            if suite.verify_skeleton_training is not None:
                suite.verify_skeleton_training(report, path, spec)
            return
        variant = trained.removeprefix("wrong/")
        assert failing(report) == suite.trained[variant]
        if variant in suite.verify_trained:
            suite.verify_trained[variant](report, path, spec)


class SolutionAndTrainingTests(SolutionTests, TrainingTests):
    """Both, for a suite that ``shares_training``: the solution and the trained variants are
    one batch (:meth:`Batches.trained`), so they must be one class, on one worker."""


# Three classes per assignment, named after it (pytest collects them from the module's names):
# under `--dist loadscope` each is one unit of work, and the ones that train go first
# (tests/conftest.py), the longest trainings first. A suite that shares_training has one
# class, TestSolutionAndTraining_<name>, in place of the first two.
for _base in (SolutionTests, TrainingTests, SuiteTests):
    for _suite in sorted(SUITES.values(), key=lambda suite: -suite.training_cost):
        _class: type = _base
        if _suite.shares_training and _base is SolutionTests:
            _class = SolutionAndTrainingTests
        elif _suite.shares_training and _base is TrainingTests:
            continue
        _name = f"Test{_class.__name__.removesuffix('Tests')}_{_suite.name}"
        globals()[_name] = type(_name, (_class,), {"suite": _suite, "__module__": __name__})
