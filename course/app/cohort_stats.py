"""`course cohort stats`: what a cohort's grades say, from the gradebook (data, not rendering).

The score distribution in 10-point bins, each check's pass rate (which idea the cohort
missed), time per submission, and groups of identical submissions (the same source once
comments, blank lines and spacing are removed).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from course.app import gradebook


@dataclass(frozen=True)
class CheckRate:
    """One check across the cohort.

    Attributes:
        id: The check's id.
        title: Its title.
        passed: Graded submissions that passed it.
        graded: Graded submissions that ran it.
    """

    id: str
    title: str
    passed: int
    graded: int


@dataclass(frozen=True)
class CohortStats:
    """A cohort's grades at a glance.

    Attributes:
        assignment: e.g. ``resnet``.
        students: Students in the gradebook for it.
        graded: Those with a graded file (the rest had nothing to grade).
        max_score: Points available.
        bins: ``(low, high, count)`` per 10-point bin of the scores (missing ones count as 0),
            ``high`` inclusive only for the last bin.
        mean: Mean score over every student.
        checks: Pass rate of every check, in suite order.
        median_s: Median seconds per graded submission.
        max_s: The longest, in seconds.
        identical: Groups of two or more students with the same normalised source, sorted.
    """

    assignment: str
    students: int
    graded: int
    max_score: float
    bins: list[tuple[float, float, int]]
    mean: float
    checks: list[CheckRate]
    median_s: float
    max_s: float
    identical: list[list[str]]


def cohort_stats(gradebook_path: Path, assignment: str | None = None) -> CohortStats:
    """The statistics of each student's latest attempt at ``assignment``.

    Raises:
        UsageError: no or ambiguous assignment.
        StoreError: the gradebook cannot be read.
    """
    with closing(gradebook.open_gradebook(gradebook_path)) as db:
        assignment = gradebook.pick_assignment(db, assignment, gradebook_path)
        entries = gradebook.latest(db, assignment)
    reports = [e.report for e in entries if e.report is not None]
    total = max((e.max_score for e in entries), default=100.0)
    scores = [e.report.score if e.report else 0.0 for e in entries]
    step = total / 10
    bins = []
    for i in range(10):
        low, high = i * step, (i + 1) * step
        last = i == 9
        count = sum(1 for s in scores if low <= s < high or (last and s == high))
        bins.append((low, high, count))
    rates: dict[str, CheckRate] = {}
    for report in reports:
        for c in report.checks:
            old = rates.get(c.id, CheckRate(c.id, c.title, 0, 0))
            rates[c.id] = CheckRate(c.id, c.title, old.passed + c.passed, old.graded + 1)
    groups: dict[str, list[str]] = defaultdict(list)
    for e in entries:
        if e.normalised:
            groups[e.normalised].append(e.student)
    seconds = [r.duration_s for r in reports]
    return CohortStats(
        assignment=assignment,
        students=len(entries),
        graded=len(reports),
        max_score=total,
        bins=bins,
        mean=statistics.fmean(scores) if scores else 0.0,
        checks=list(rates.values()),
        median_s=statistics.median(seconds) if seconds else 0.0,
        max_s=max(seconds, default=0.0),
        identical=sorted(sorted(g) for g in groups.values() if len(g) > 1),
    )
