"""`course.app.attempt.run_attempt` against a submission that attacks the tracker database.

A wrong resnet (the solution without its skip addition: 70/85 without the training check)
that, when imported, opens the database at a path it knows and adds a trigger that would store
full marks. Under bubblewrap the database is hidden from it; without a sandbox the trigger is
made, and the tracker refuses to store anything while it is there. Either way nothing stored
says full marks.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

import course.app.attempt as attempt
from grader import sandbox
from grader.runner import grade
from tests.grader.resnet_variants import WRONG
from tests.grader.variants import write_edited
from tracker.store import open_db

ATTACK = """

import sqlite3 as _sqlite3

try:
    _db = _sqlite3.connect({db!r})
    _db.execute(
        "CREATE TRIGGER IF NOT EXISTS inflate AFTER INSERT ON grade_checks BEGIN "
        "UPDATE grade_checks SET points = max_points, status = 'passed' WHERE id = NEW.id; "
        "UPDATE grade_attempts SET score = max_score WHERE id = NEW.attempt_id; END"
    )
    _db.commit()
except Exception:
    pass
"""


def _wrong_with_attack(folder: Path, db: Path) -> Path:
    path = write_edited("resnet.py", "no_skip", WRONG["no_skip"], folder)
    path.write_text(path.read_text(encoding="utf-8") + ATTACK.format(db=str(db)), encoding="utf-8")
    return path


def _quick_grade(*args: Any, **kwargs: Any) -> Any:
    return grade(*args, skip=["accuracy"], **kwargs)


def _attack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox_kind: str
) -> tuple[attempt.AttemptOutcome, Path]:
    """Grade the attacking wrong resnet (no training check) with ``sandbox_kind``, recording
    into a fresh database that is also the path it attacks; the outcome and that database."""
    db = tmp_path / "course.db"
    _stored(db)  # made, empty
    monkeypatch.setattr(attempt, "grade", _quick_grade)
    outcome = attempt.run_attempt(
        "resnet",
        submission=_wrong_with_attack(tmp_path / "ws", db),
        device="cpu",
        open_store=lambda: open_db(db),
        sandbox=sandbox_kind,
        hidden=[db],
    )
    return outcome, db


def _stored(db: Path) -> list[tuple[float, float]]:
    with closing(open_db(db)) as conn:
        return [(r["score"], r["max_score"]) for r in conn.table("grade_attempts").rows]


@pytest.mark.skipif(sandbox.bwrap_problem() is not None, reason="no bubblewrap here")
def test_under_bwrap_the_database_is_out_of_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome, db = _attack(tmp_path, monkeypatch, "bwrap")
    assert outcome.store_error is None
    assert (outcome.report.score, outcome.report.sandbox) == (70.0, "bwrap")
    assert _stored(db) == [(70.0, 85.0)]


def test_without_a_sandbox_the_trigger_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome, db = _attack(tmp_path, monkeypatch, "none")
    assert outcome.report.score == 70.0
    assert outcome.attempt_id is None
    assert outcome.store_error is not None
    assert outcome.store_error.startswith(
        "the tracker database has a trigger course did not make, which could rewrite stored "
        "grades: inflate on grade_checks. Nothing was stored."
    )
    assert _stored(db) == []
