"""`course cohort export`: the gradebook's latest grades as CSV, Gradescope results, JSON or
per-student Markdown feedback, written atomically (a temporary file, then a rename)."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from core.errors import UsageError
from course.app import gradebook
from grader import exports

FORMATS = ("csv", "gradescope", "json", "feedback")


@dataclass(frozen=True)
class Written:
    """What an export wrote.

    Attributes:
        path: The file or folder.
        count: Students exported.
    """

    path: Path
    count: int


def export(
    gradebook_path: Path,
    fmt: str,
    out: Path,
    *,
    assignment: str | None = None,
    reveal_hidden: bool = False,
) -> Written:
    """Write each student's latest attempt at one assignment.

    Args:
        gradebook_path: The gradebook.
        fmt: ``csv`` (``student, score, max_score``, then one column per check),
            ``gradescope`` (``out/<student>/results.json``), ``json`` (one list) or
            ``feedback`` (``out/<student>.md``).
        out: The file (csv, json) or folder (gradescope, feedback).
        assignment: Which assignment; may be omitted when the gradebook holds one.
        reveal_hidden: Gradescope: hidden checks visible after the due date.

    Raises:
        UsageError: unknown format, no or ambiguous assignment, or ``out`` cannot be written.
        StoreError: the gradebook cannot be read.
    """
    if fmt not in FORMATS:
        raise UsageError("unknown export format", fmt, f"use one of {', '.join(FORMATS)}")
    with closing(gradebook.open_gradebook(gradebook_path)) as db:
        assignment = gradebook.pick_assignment(db, assignment, gradebook_path)
        entries = gradebook.latest(db, assignment)
    try:
        if fmt == "csv":
            _write(out, _csv(entries))
        elif fmt == "json":
            rows = [exports.report_json(e.student, e.report, e.problem) for e in entries]
            _write(out, json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        else:
            out.mkdir(parents=True, exist_ok=True)
            for e in entries:
                if fmt == "gradescope":
                    data = exports.gradescope_results(
                        e.report, e.problem, reveal_hidden=reveal_hidden
                    )
                    (out / e.student).mkdir(exist_ok=True)
                    _write(out / e.student / "results.json", json.dumps(data, indent=2) + "\n")
                else:
                    _write(out / f"{e.student}.md", exports.feedback_markdown(
                        e.student, e.report, e.problem))  # fmt: skip
    except OSError as exc:
        raise UsageError("cannot write the export", str(out), exc.strerror or str(exc)) from exc
    return Written(out, len(entries))


def _csv(entries: list[gradebook.Entry]) -> str:
    check_ids: list[str] = []
    for e in entries:
        for c in e.report.checks if e.report else []:
            if c.id not in check_ids:
                check_ids.append(c.id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(exports.csv_header(check_ids))
    for e in entries:
        writer.writerow(exports.csv_row(e.student, e.report, e.max_score, check_ids))
    return buffer.getvalue()


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
