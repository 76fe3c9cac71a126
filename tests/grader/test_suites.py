"""Every hidden suite, both ways, through one harness over ``registry.SUITES``.

For each assignment: the solution gets full marks on the quick profile, the untouched skeleton
scores 0 with the line of each ``raise NotImplementedError``, each wrong variant fails exactly
the checks written to catch its bug (with their messages), each other correct version passes
every check, the variants only training catches fail their training check, and the extra
submissions say what they must.

These run the real grader (child processes) on real Fashion-MNIST. To keep ``make test`` fast,
every submission but the solution is graded in one child per assignment
(:func:`grader.runner.grade_many`): those that need no training without the training checks,
those only training catches with only those; the solution is graded alone by
:func:`grader.runner.grade`, once per session. The tests that train are marked ``training``
(``pytest -m "not training"`` leaves them out, and their batch is then not graded).

Each assignment gets two test classes made from the registry, ``TestSolution_<name>`` and
``TestVariants_<name>`` (one, ``TestSolutionAndVariants_<name>``, when it ``shares_training``):
under pytest-xdist's ``--dist loadscope`` a class runs on one worker, so each batch is graded
once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
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


Kind = str
"""A batch of one assignment: ``fast`` (the skeleton, wrong and correct variants and extras,
without the training checks) or ``trained`` (the variants only training catches and the
skeleton, with only the training checks; first the solution with every check when the suite
``shares_training``)."""


class Batches:
    """Every report the harness needs, graded on first use and kept for the session.

    The batches of one assignment that this session will ask for (``wanted``) are graded in
    one child, so Python, torch and the suite start once per assignment.
    """

    def __init__(self, folder: Path, wanted: Collection[tuple[str, Kind]]) -> None:
        self._folder = folder
        self._wanted = set(wanted)
        self._done: dict[tuple[str, str], Graded] = {}

    def _cases(
        self, suite: Suite, kind: Kind
    ) -> tuple[dict[str, Callable[[Path], Path]], Sequence[str]]:
        """The submissions of one batch, and the checks they are graded without."""
        spec = load_assignment(suite.name)
        cases: dict[str, Callable[[Path], Path]] = {}
        if kind == "fast":
            cases["skeleton"] = lambda _: spec.skeleton
            for name in [*suite.expected, *suite.not_trained]:
                cases[f"wrong/{name}"] = _variant(suite, name, suite.wrong[name])
            for name, edits in suite.correct.items():
                cases[f"correct/{name}"] = _variant(suite, name, edits)
            for name, extra in suite.extras.items():
                cases[f"extra/{name}"] = _built(spec, extra.build)
            return cases, suite.training
        if suite.shares_training:
            cases["solution"] = lambda _: spec.solution
        if suite.skeleton_training is not None:
            cases["skeleton"] = lambda _: spec.skeleton
        for name in suite.trained:
            cases[f"wrong/{name}"] = _variant(suite, name, suite.wrong[name])
        return cases, suite.not_training

    def _graded(self, suite: Suite, kind: Kind) -> Graded:
        """The batch ``kind`` of ``suite``, graded in one child with the other batch of the
        suite when the session wants it too (the trained one first, the solution first of
        all)."""
        key = (suite.name, kind)
        if key not in self._done:
            kinds = [k for k in ("trained", "fast") if k == kind or (suite.name, k) in self._wanted]
            paths: dict[tuple[Kind, str], Path] = {}
            skips: list[Sequence[str]] = []
            for batch in kinds:
                cases, skip = self._cases(suite, batch)
                for case, build in cases.items():
                    paths[(batch, case)] = build(
                        self._folder / suite.name / batch / case.replace("/", "-")
                    )
                    skips.append(() if case == "solution" else skip)
            spec = load_assignment(suite.name)
            reports = grade_many(spec, list(paths.values()), device="cpu", skips=skips)
            for batch in kinds:
                self._done[(suite.name, batch)] = {}
            for ((batch, case), path), report in zip(paths.items(), reports, strict=True):
                self._done[(suite.name, batch)][case] = (report, path)
        return self._done[key]

    def fast(self, suite: Suite) -> Graded:
        """Skeleton, wrong and correct variants and extras, without the training checks."""
        return self._graded(suite, "fast")

    def trained(self, suite: Suite) -> Graded:
        """The variants only training catches (and the skeleton), with only the training
        checks; first the solution with every check when the suite ``shares_training``."""
        return self._graded(suite, "trained")

    def solution(self, suite: Suite) -> GradeReport:
        """The reference solution with every check, trained once per session: graded alone
        by :func:`grader.runner.grade`, the path students take, unless the suite
        ``shares_training``."""
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


def batch(kind: Kind) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Names the batch a harness test reads (:func:`batches` grades what the session wants)."""

    def mark(test: Callable[..., None]) -> Callable[..., None]:
        test.batch = kind  # type: ignore[attr-defined]
        return test

    return mark


@pytest.fixture(scope="session")
def batches(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Batches:
    """The session's reports. The batches it will want are read from the selected tests (a
    trained batch only where Fashion-MNIST is installed: else those tests skip)."""
    wanted: set[tuple[str, Kind]] = set()
    for item in request.session.items:
        suite: Suite | None = getattr(getattr(item, "cls", None), "suite", None)
        kind: Kind | None = getattr(getattr(item, "function", None), "batch", None)
        if kind == "solution" and suite is not None and suite.shares_training:
            kind = "trained"  # the solution is graded in the trained batch
        has_data = kind == "fast" or find_dataset() is not None
        if suite is not None and kind in ("fast", "trained") and has_data:
            wanted.add((suite.name, kind))
    return Batches(tmp_path_factory.mktemp("suites"), wanted)


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


class SolutionTests:
    """The reference solution with every check, the training ones included."""

    suite: ClassVar[Suite]

    @pytest.mark.training
    @needs_data
    @batch("solution")
    def test_solution_gets_full_marks_on_quick(self, batches: Batches) -> None:
        report = batches.solution(self.suite)
        assert [c.id for c in report.checks] == self.suite.checks
        assert failing(report) == {}
        assert (report.score, report.max_score) == (100.0, 100.0)
        assert report.full_marks
        assert report.note == ""


class VariantsTests:
    """Every other submission of one assignment: what needs no training, and what only the
    training checks catch (with the skeleton's training checks). The two batches are graded
    in one child when both are selected (:class:`Batches`), so they are one class: under
    ``--dist loadscope`` a class runs on one worker."""

    suite: ClassVar[Suite]

    @pytest.mark.training
    @needs_data
    @batch("trained")
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

    @batch("fast")
    def test_untouched_skeleton_scores_zero(self, batches: Batches) -> None:
        report, path = batches.fast(self.suite)["skeleton"]
        assert [c.id for c in report.checks] == self.suite.not_training
        assert report.score == 0.0
        assert {c.status for c in report.checks} == {"error"}
        if self.suite.skeleton is not None:
            self.suite.skeleton(report, path, load_assignment(self.suite.name))

    @batch("fast")
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

    @batch("fast")
    def test_other_correct_versions_pass(self, correct: str, batches: Batches) -> None:
        report, _ = batches.fast(self.suite)[f"correct/{correct}"]
        assert [c.id for c in report.checks] == self.suite.not_training
        assert failing(report) == {}

    @batch("fast")
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


class SolutionAndVariantsTests(SolutionTests, VariantsTests):
    """Both, for a suite that ``shares_training``: the solution is graded first in the
    trained batch (:meth:`Batches.trained`), so it must be in the same class, on one worker."""


def _classes() -> list[tuple[float, str, type]]:
    """The harness's test classes with what each costs in ``make test`` (seconds)."""
    made: list[tuple[float, str, type]] = []
    for suite in SUITES.values():
        if suite.shares_training:
            cost = suite.training_cost + suite.variants_cost
            made.append((cost, f"TestSolutionAndVariants_{suite.name}", SolutionAndVariantsTests))
        else:
            made.append((suite.training_cost, f"TestSolution_{suite.name}", SolutionTests))
            made.append((suite.variants_cost, f"TestVariants_{suite.name}", VariantsTests))
    return sorted(made, key=lambda made: -made[0])


# Two classes per assignment (one that shares_training), named after it: pytest collects them
# from the module's names; under `--dist loadscope` each is one unit of work, and the ones
# that train go first (tests/conftest.py), in this order: the costliest first.
for _cost, _name, _base in _classes():
    _suite = SUITES[_name.rsplit("_", 1)[1]]
    globals()[_name] = type(_name, (_base,), {"suite": _suite, "__module__": __name__})
