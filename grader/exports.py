"""Reports in the shapes an LMS takes: Gradescope's ``results.json``, gradebook CSV rows,
per-student feedback. Plain data (dicts, rows, text); writing the files is the caller's.

Gradescope's autograder format (its documentation, "Autograder specifications"): a top-level
``score``, ``execution_time`` (seconds), ``output``, ``visibility``, ``stdout_visibility`` and
``tests``, each test with ``name``, ``number``, ``score``, ``max_score``, ``status``
(``passed`` / ``failed``), ``output`` and ``visibility``. Our ``hidden`` check (title and
pass/fail only, no message) becomes Gradescope's ``hidden`` test (students never see it) by
default, or ``after_due_date`` with ``reveal_hidden``; a hidden check's message is never
exported either way.
"""

from __future__ import annotations

from typing import Any

from grader.results import CheckResult, GradeReport


def gradescope_results(
    report: GradeReport | None, problem: str = "", *, reveal_hidden: bool = False
) -> dict[str, Any]:
    """Gradescope's ``results.json`` for one submission.

    Args:
        report: The grade report; ``None`` when there was nothing to grade.
        problem: Why there was nothing to grade (the top-level ``output`` then).
        reveal_hidden: Show hidden checks after the due date instead of never.

    Returns:
        The JSON object, ready for ``json.dump``.
    """
    if report is None:
        return {
            "score": 0.0,
            "execution_time": 0,
            "output": f"Not graded: {problem}",
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [],
        }
    hidden = "after_due_date" if reveal_hidden else "hidden"
    tests = [
        {
            "name": check.title,
            "number": str(number),
            "score": check.points,
            "max_score": check.max_points,
            "status": "passed" if check.passed else "failed",
            "output": _output(check),
            "visibility": "visible" if check.visibility == "visible" else hidden,
        }
        for number, check in enumerate(report.checks, 1)
    ]
    output = report.note or f"{report.assignment}: {report.score:g} / {report.max_score:g}"
    return {
        "score": report.score,
        "execution_time": round(report.duration_s),
        "output": output,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _output(check: CheckResult) -> str:
    if check.visibility == "hidden" or check.passed:
        return "" if check.visibility == "hidden" else "passed"
    status = {"failed": "", "error": "error: ", "timeout": "timed out: "}[check.status]
    text = f"{status}{check.message}".strip()
    if check.hint and check.status == "failed":
        text = f"{text} Hint: {check.hint}".strip()
    return text


def csv_header(check_ids: list[str]) -> list[str]:
    """``student, score, max_score``, then one column per check id (its points)."""
    return ["student", "score", "max_score", *check_ids]


def csv_row(
    student: str, report: GradeReport | None, max_score: float, check_ids: list[str]
) -> list[str]:
    """One student's row under :func:`csv_header`; a missing submission scores 0 with empty
    check cells."""
    if report is None:
        return [student, "0", f"{max_score:g}", *["" for _ in check_ids]]
    points = {c.id: c.points for c in report.checks}
    cells = [f"{points[i]:g}" if i in points else "" for i in check_ids]
    return [student, f"{report.score:g}", f"{report.max_score:g}", *cells]


def feedback_markdown(student: str, report: GradeReport | None, problem: str = "") -> str:
    """Per-student feedback as Markdown: the score, then each check's points and what to fix
    (a hidden check: its title and pass/fail only)."""
    if report is None:
        return f"# {student}\n\nNot graded: {problem}\n"
    lines = [
        f"# {student}: {report.assignment} {report.score:g} / {report.max_score:g}",
        "",
        "| check | points | result |",
        "| --- | ---: | --- |",
    ]
    for check in report.checks:
        result: str = "passed" if check.passed else check.status
        if not check.passed and check.visibility == "visible":
            result = _output(check) if check.status != "failed" else f"failed: {_output(check)}"
        cell = result.replace("|", "\\|").replace("\n", " ")
        title = check.title.replace("|", "\\|")
        lines.append(f"| {title} | {check.points:g} / {check.max_points:g} | {cell} |")
    if report.note:
        lines += ["", f"Note: {report.note}"]
    return "\n".join(lines) + "\n"


def report_json(student: str, report: GradeReport | None, problem: str = "") -> dict[str, Any]:
    """One student's entry of the JSON export: ``student``, ``problem`` and the report as
    ``course grade --json`` gives it (hidden messages empty)."""
    entry: dict[str, Any] = {"student": student, "problem": problem}
    entry.update(report.to_json() if report else {"score": 0.0, "checks": []})
    return entry
