"""tracker.retro: writing KPT items, reviewing Try items, summaries and the editor template."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

import tracker.retro
from core.errors import StoreError, UsageError
from tracker.retro import (
    RetroDay,
    RetroInput,
    RetroItem,
    RetroSummary,
    check_day,
    editor_template,
    open_tries_before,
    parse_editor_text,
    retro_day,
    retro_summary,
    write_retro,
)
from tracker.store import insert as real_insert
from tracker.store import open_db

TODAY = date(2026, 11, 21)  # a Saturday
NOW = datetime(2026, 11, 21, 4, 49, tzinfo=timezone.utc)
D18, D19, D20 = date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


def _write(db: Database, day: date, **given: Any) -> RetroDay:
    return write_retro(db, day, today=TODAY, now=NOW, **given)


def _rows(db: Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM retro_items ORDER BY id"))


def _try(item_id: int, day: date, text: str, status: str = "open", **rest: Any) -> RetroItem:
    fields: dict[str, Any] = {"carried_from": None, "reviewed_on": None, **rest}
    return RetroItem(item_id, day, "try", text, status, **fields)


# --- write_retro ----------------------------------------------------------------------------


def test_write_retro_stores_items_in_order(db: Database) -> None:
    retro = _write(
        db,
        D20,
        keep=["  finished the LSTM lab ", "합성곱 신경망 정리"],
        problem=["slept at 3 am"],
        try_=["read the ResNet paper"],
    )
    assert retro == RetroDay(
        day=D20,
        keeps=[
            RetroItem(1, D20, "keep", "finished the LSTM lab", None, None, None),
            RetroItem(2, D20, "keep", "합성곱 신경망 정리", None, None, None),
        ],
        problems=[RetroItem(3, D20, "problem", "slept at 3 am", None, None, None)],
        tries=[_try(4, D20, "read the ResNet paper")],
        earlier_open=[],
    )
    assert _rows(db)[0] == {
        "id": 1,
        "day": "2026-11-20",
        "kind": "keep",
        "text": "finished the LSTM lab",
        "status": None,
        "carried_from": None,
        "reviewed_on": None,
        "created_at": "2026-11-21T04:49:00Z",
    }


def test_write_retro_nothing_given_writes_nothing(db: Database) -> None:
    retro = _write(db, TODAY)
    assert retro == RetroDay(TODAY, [], [], [], [])
    assert retro.is_empty
    assert _rows(db) == []


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"keep": ["ok", "  "]}, "a Keep item is empty: '  '. Write some text, e.g. --keep "),
        ({"problem": [""]}, "a Problem item is empty: ''. Write some text, e.g. --problem "),
        ({"try_": ["\n"]}, "a Try item is empty: '\\n'. Write some text, e.g. --try "),
    ],
)
def test_write_retro_refuses_blank_text(
    db: Database, given: dict[str, list[str]], message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        _write(db, D20, **given)
    assert caught.value.message.startswith(message)
    assert _rows(db) == []


def test_write_retro_refuses_future_day(db: Database) -> None:
    with pytest.raises(UsageError) as caught:
        _write(db, date(2026, 11, 22), keep=["x"])
    assert caught.value.message == (
        "a retro cannot be for a future day: 2026-11-22. "
        "Today is 2026-11-21; pass --date today or an earlier date"
    )
    assert _rows(db) == []


def test_check_day_accepts_today_and_earlier() -> None:
    check_day(TODAY, TODAY)
    check_day(D18, TODAY)
    with pytest.raises(UsageError, match="future"):
        check_day(date(2027, 1, 1), TODAY)


# --- reviewing ------------------------------------------------------------------------------


@pytest.fixture
def tries(db: Database) -> Database:
    """Open tries #1, #2 on the 18th and #3 on the 19th; a keep #4 on the 19th."""
    _write(db, D18, try_=["read the ResNet paper", "bed by 1 am"])
    _write(db, D19, keep=["pair programming"], try_=["review backprop"])
    return db


def test_open_tries_before_covers_every_earlier_day(tries: Database) -> None:
    assert open_tries_before(tries, D18) == []
    assert [item.id for item in open_tries_before(tries, D19)] == [1, 2]
    # The 20th was skipped: on the 21st the tries of both the 18th and 19th are asked about.
    assert open_tries_before(tries, TODAY) == [
        _try(1, D18, "read the ResNet paper"),
        _try(2, D18, "bed by 1 am"),
        _try(4, D19, "review backprop"),
    ]


def test_open_tries_before_is_ordered_by_day_then_id(db: Database) -> None:
    _write(db, D19, try_=["later day, smaller id"])
    _write(db, D18, try_=["earlier day, larger id"])
    assert [item.id for item in open_tries_before(db, TODAY)] == [2, 1]


def test_review_kept_dropped_carried(tries: Database) -> None:
    retro = _write(tries, D20, keep=["k"], problem=["p"], try_=["new"], kept=[1], dropped=[4])
    assert retro.tries == [_try(7, D20, "new")]
    retro = _write(tries, TODAY, carried=[2])
    assert retro.tries == [_try(8, TODAY, "bed by 1 am", carried_from=2)]
    assert retro.earlier_open == [_try(7, D20, "new")]
    statuses = {row["id"]: (row["status"], row["reviewed_on"]) for row in _rows(tries)}
    assert statuses == {
        1: ("kept", "2026-11-20"),
        2: ("carried", "2026-11-21"),
        3: (None, None),
        4: ("dropped", "2026-11-20"),
        5: (None, None),
        6: (None, None),
        7: ("open", None),
        8: ("open", None),
    }


def test_carried_items_come_after_keeps_and_problems_before_new_tries(tries: Database) -> None:
    retro = _write(tries, D20, keep=["k"], problem=["p"], try_=["new"], carried=[4, 1])
    assert [(item.id, item.kind, item.carried_from) for item in retro.tries] == [
        (7, "try", 1),
        (8, "try", 4),
        (9, "try", None),
    ]
    assert [item.id for item in retro.keeps + retro.problems] == [5, 6]
    assert retro.earlier_open == [_try(2, D18, "bed by 1 am")]


def test_a_carried_copy_can_be_carried_again(tries: Database) -> None:
    _write(tries, D20, carried=[1])
    retro = _write(tries, TODAY, carried=[5])
    assert retro.tries == [_try(6, TODAY, "read the ResNet paper", carried_from=5)]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"kept": [99]},
            "no retro item with that id: 99. See the open Try items with course retro --show",
        ),
        (
            {"dropped": [3]},
            "retro item #3 is a Keep item, not a Try: 'pair programming'. "
            "Only Try items are marked kept, dropped or carried",
        ),
        (
            {"carried": [4]},
            "Try #4 is from 2026-11-19, not from a day before 2026-11-19: 'review backprop'. "
            "A Try is marked in the retro of a later day; pass --date with a later day",
        ),
        (
            {"kept": [1], "carried": [1]},
            "Try #1 is marked more than once: kept, carried. Mark it once",
        ),
        ({"kept": [2, 2]}, "Try #2 is marked more than once: kept, kept. Mark it once"),
    ],
)
def test_review_refusals_write_nothing(
    tries: Database, given: dict[str, list[int]], message: str
) -> None:
    before = _rows(tries)
    with pytest.raises(UsageError) as caught:
        _write(tries, D19, **{"keep": ["written only if all is well"], "kept": [1], **given})
    assert caught.value.message == message
    assert _rows(tries) == before


def test_review_of_a_later_try_is_refused(tries: Database) -> None:
    with pytest.raises(UsageError, match="Try #4 is from 2026-11-19, not from a day before"):
        _write(tries, D18, kept=[4])


def test_review_of_a_reviewed_try_is_refused(tries: Database) -> None:
    _write(tries, D20, dropped=[2])
    before = _rows(tries)
    with pytest.raises(UsageError) as caught:
        _write(tries, TODAY, kept=[1], carried=[2])
    assert caught.value.message == (
        "Try #2 is already dropped on 2026-11-20: 'bed by 1 am'. "
        "Only open Try items can be marked. See the open Try items with course retro --show"
    )
    assert _rows(tries) == before


def test_write_retro_is_one_transaction(tries: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure halfway (the third insert) leaves nothing behind, reviews included."""
    before = _rows(tries)
    calls: list[str] = []

    def failing_insert(db: Database, table: str, record: dict[str, Any]) -> int:
        calls.append(record["text"])
        if len(calls) == 3:
            raise sqlite3.OperationalError("disk I/O error")
        return real_insert(db, table, record)

    monkeypatch.setattr(tracker.retro, "insert", failing_insert)
    with pytest.raises(StoreError, match="the tracker database could not be written"):
        _write(tries, D20, keep=["a"], problem=["b"], kept=[1], carried=[2], try_=["c"])
    assert calls == ["a", "b", "bed by 1 am"]
    assert _rows(tries) == before


# --- retro_day ------------------------------------------------------------------------------


def test_retro_day(tries: Database) -> None:
    _write(tries, D20, kept=[1], problem=["tired"])
    retro = retro_day(tries, D19)
    assert retro == RetroDay(
        day=D19,
        keeps=[RetroItem(3, D19, "keep", "pair programming", None, None, None)],
        problems=[],
        tries=[_try(4, D19, "review backprop")],
        earlier_open=[_try(2, D18, "bed by 1 am")],
    )
    assert retro_day(tries, D18).tries == [
        _try(1, D18, "read the ResNet paper", "kept", reviewed_on=D20),
        _try(2, D18, "bed by 1 am"),
    ]
    assert retro_day(tries, TODAY) == RetroDay(
        TODAY, [], [], [], [_try(2, D18, "bed by 1 am"), _try(4, D19, "review backprop")]
    )


def test_retro_day_to_json(tries: Database) -> None:
    assert retro_day(tries, D19).to_json() == {
        "day": "2026-11-19",
        "keeps": [
            {
                "id": 3,
                "day": "2026-11-19",
                "kind": "keep",
                "text": "pair programming",
                "status": None,
                "carried_from": None,
                "reviewed_on": None,
            }
        ],
        "problems": [],
        "tries": [
            {
                "id": 4,
                "day": "2026-11-19",
                "kind": "try",
                "text": "review backprop",
                "status": "open",
                "carried_from": None,
                "reviewed_on": None,
            }
        ],
        "earlier_open": [
            _try(1, D18, "read the ResNet paper").to_json(),
            _try(2, D18, "bed by 1 am").to_json(),
        ],
    }


def test_retro_item_to_json_with_review() -> None:
    item = _try(5, D19, "x", "carried", carried_from=2, reviewed_on=D20)
    assert item.to_json() == {
        "id": 5,
        "day": "2026-11-19",
        "kind": "try",
        "text": "x",
        "status": "carried",
        "carried_from": 2,
        "reviewed_on": "2026-11-20",
    }


# --- retro_summary --------------------------------------------------------------------------


def test_retro_summary_counts_and_completion_rate(db: Database) -> None:
    _write(db, date(2026, 11, 15), try_=["before the week"])  # 1: not in the span
    _write(db, date(2026, 11, 16), keep=["k1"], try_=["a", "b", "c", "d"])  # 2; 3..6
    _write(db, date(2026, 11, 17), problem=["p1"], kept=[1, 3], dropped=[4], carried=[5])
    # 7: problem, 8: carried copy of 5 (a Try of the 17th, still open)
    _write(db, D18, kept=[8])
    summary = retro_summary(db, date(2026, 11, 16), date(2026, 11, 22))
    assert [item.id for item in summary.keeps] == [2]
    assert [item.id for item in summary.problems] == [7]
    assert [item.id for item in summary.tries] == [3, 4, 5, 6, 8]
    assert (summary.kept, summary.dropped, summary.carried, summary.open) == (2, 1, 1, 1)
    assert summary.reviewed == 4
    assert summary.completion_rate == 0.5
    assert summary.to_json()["completion_rate"] == 0.5


def test_retro_summary_without_reviews_has_no_rate(db: Database) -> None:
    _write(db, D20, try_=["a"])
    summary = retro_summary(db, D20, D20)
    assert (summary.kept, summary.dropped, summary.carried, summary.open) == (0, 0, 0, 1)
    assert summary.completion_rate is None
    assert summary.to_json() == {
        "start": "2026-11-20",
        "end": "2026-11-20",
        "keeps": [],
        "problems": [],
        "tries": [_try(1, D20, "a").to_json()],
        "kept": 0,
        "dropped": 0,
        "carried": 0,
        "open": 1,
        "completion_rate": None,
    }
    assert retro_summary(db, D18, D19) == RetroSummary(D18, D19, [], [], [], 0, 0, 0, 0)


def test_retro_summary_rate_all_kept_and_none_kept() -> None:
    assert RetroSummary(D18, D20, kept=3).completion_rate == 1.0
    assert RetroSummary(D18, D20, dropped=1, carried=1, open=5).completion_rate == 0.0


def test_retro_summary_refuses_reversed_span(db: Database) -> None:
    with pytest.raises(UsageError) as caught:
        retro_summary(db, D20, D18)
    assert caught.value.message == (
        "the span of days ends before it starts: 2026-11-20 to 2026-11-18. "
        "Give the earlier day first"
    )


# --- editor template ------------------------------------------------------------------------

EARLIER = [_try(12, D20, "read the ResNet paper"), _try(15, D20, "bed by 1 am")]

TEMPLATE = """\
# Retro of Saturday 2026-11-21
#
# Try items still open from earlier days. Between the brackets write
#   k  kept: it held, or it is done
#   d  dropped: you give it up
#   c  carried: try it again (a new Try on 2026-11-21)
# or leave the brackets empty to keep it open.
[ ] #12 (2026-11-20) read the ResNet paper
[ ] #15 (2026-11-20) bed by 1 am

## Keep
# What went well and should go on? One item per line.

## Problem
# What went wrong or got in the way?

## Try
# What will you try next?

# Lines starting with # are comments. Save and close the editor to store the retro;
# leave everything empty (or quit without saving) to write nothing.
"""


def test_editor_template() -> None:
    assert editor_template(TODAY, EARLIER) == TEMPLATE


def test_editor_template_without_open_tries() -> None:
    assert editor_template(D20, []).splitlines()[:4] == [
        "# Retro of Friday 2026-11-20",
        "#",
        "# No Try items are open from earlier days.",
        "",
    ]


def test_editor_template_puts_each_try_on_one_line() -> None:
    template = editor_template(TODAY, [_try(3, D19, "line one\nline  two")])
    assert "[ ] #3 (2026-11-19) line one line two\n" in template


def test_unchanged_template_is_empty() -> None:
    parsed = parse_editor_text(TEMPLATE, EARLIER)
    assert parsed == RetroInput()
    assert parsed.is_empty


def test_parse_filled_template() -> None:
    filled = TEMPLATE.replace("[ ] #12", "[k] #12").replace("[ ] #15", "[ C ] #15")
    filled = filled.replace(
        "## Keep\n", "## Keep\n- finished the LSTM lab\n  합성곱 신경망 정리  \n-\n"
    ).replace("## Try\n", "## try\n- [ ] wake up at 8\n#1 not an item\n")
    filled += "## Problem\n-  slept at 3 am\n"
    parsed = parse_editor_text(filled, EARLIER)
    assert parsed == RetroInput(
        keep=("finished the LSTM lab", "합성곱 신경망 정리"),
        problem=("slept at 3 am",),
        try_=("[ ] wake up at 8",),
        kept=(12,),
        carried=(15,),
    )
    assert not parsed.is_empty


@pytest.mark.parametrize(
    ("mark", "field"),
    [("d", "dropped"), ("D", "dropped"), ("kept", "kept"), ("carried", "carried"), (" k ", "kept")],
)
def test_parse_marks(mark: str, field: str) -> None:
    parsed = parse_editor_text(f"[{mark}] #12 whatever text\n", EARLIER)
    assert getattr(parsed, field) == (12,)


def test_deleted_review_line_leaves_try_open() -> None:
    assert parse_editor_text("[d] #15\n## Keep\nx\n", EARLIER) == RetroInput(
        keep=("x",), dropped=(15,)
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "# c\n[x] #12 (2026-11-20) read the ResNet paper\n",
            "line 2 of the retro has an unknown mark: '[x] #12 (2026-11-20) read the ResNet "
            "paper'. Write k (kept), d (dropped) or c (carried) between the brackets, or "
            "leave them empty",
        ),
        (
            "[k] #13 (2026-11-20) read the ResNet paper\n",
            "line 1 of the retro names #13, which is not an open Try of an earlier day: "
            "'[k] #13 (2026-11-20) read the ResNet paper'. "
            "Keep the [ ] #ID lines as the template wrote them",
        ),
        (
            "[k] #12 a\n[d] #12 a\n",
            "line 2 of the retro lists Try #12 a second time: '[d] #12 a'. "
            "Keep one line per Try item",
        ),
        (
            "finished the lab\n## Keep\n",
            "line 1 of the retro is outside the Keep, Problem and Try sections: "
            "'finished the lab'. Write items under ## Keep, ## Problem or ## Try; above them "
            "only the [ ] #ID lines of open Try items",
        ),
        (
            "## Keep\na\n## Keeps\nb\n",
            "line 3 of the retro is an unknown heading: '## Keeps'. "
            "The sections are ## Keep, ## Problem and ## Try; start a comment with one #",
        ),
    ],
)
def test_parse_errors_quote_the_line(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_editor_text(text, EARLIER)
    assert caught.value.message == message
