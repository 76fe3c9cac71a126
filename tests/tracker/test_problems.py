"""tracker.problems: recording attempts, what it refuses, lists, the review queue and stats."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from core.errors import UsageError
from tracker.dates import current_streak, longest_streak
from tracker.problems import (
    SITES,
    ProblemAttempt,
    ReviewItem,
    WeakTag,
    add_attempt,
    list_attempts,
    log_attempt,
    normalize_tags,
    problem_stats,
    problems_between,
    review_queue,
)
from tracker.store import open_db

TODAY = date(2026, 11, 21)  # a Saturday
NOW = datetime(2026, 11, 21, 4, 49, tzinfo=timezone.utc)
D0 = date(2026, 11, 1)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


def _add(
    db: Database, site: str = "boj", number: str = "5525", day: date = TODAY, **options: Any
) -> ProblemAttempt:
    return add_attempt(db, site, number, day=day, today=TODAY, now=NOW, **options)


def _day(offset: int) -> date:
    return D0 + timedelta(days=offset)


# --- add_attempt ----------------------------------------------------------------------------


def test_add_attempt_stores_the_row_and_its_tags(db: Database) -> None:
    attempt = _add(
        db,
        title="IOIOI",
        tags=["string", "kmp"],
        minutes=60,
        note="KMP failure function",
        day=date(2026, 11, 20),
    )
    assert attempt == ProblemAttempt(
        1,
        "boj",
        "5525",
        "IOIOI",
        ("string", "kmp"),
        "solved",
        60,
        False,
        None,
        "KMP failure function",
        date(2026, 11, 20),
    )
    assert list(db.table("problems").rows) == [
        {
            "id": 1,
            "site": "boj",
            "number": "5525",
            "title": "IOIOI",
            "status": "solved",
            "minutes": 60,
            "used_hint": 0,
            "url": None,
            "note": "KMP failure function",
            "day": "2026-11-20",
            "created_at": "2026-11-21T04:49:00Z",
        }
    ]
    assert list(db.table("problem_tags").rows) == [
        {"problem_id": 1, "tag": "string"},
        {"problem_id": 1, "tag": "kmp"},
    ]
    assert list_attempts(db) == [attempt]


def test_add_attempt_defaults(db: Database) -> None:
    attempt = _add(db, "programmers", "42576")
    assert (attempt.status, attempt.minutes, attempt.used_hint, attempt.tags) == (
        "solved",
        None,
        False,
        (),
    )
    assert (attempt.title, attempt.url, attempt.note, attempt.day) == (None, None, None, TODAY)


def test_tags_are_normalised(db: Database) -> None:
    attempt = _add(db, tags=["String", " KMP ", "", "  ", "string", "dynamic   Programming"])
    assert attempt.tags == ("string", "kmp", "dynamic programming")
    assert list_attempts(db)[0].tags == ("string", "kmp", "dynamic programming")
    assert normalize_tags(["B", "a", "b"]) == ("b", "a")


@pytest.mark.parametrize(
    ("site", "number", "stored_site", "stored_number"),
    [
        ("BOJ", "5525", "boj", "5525"),
        (" Boj ", " 05525 ", "boj", "5525"),
        ("Programmers", "042576", "programmers", "42576"),
        ("LeetCode", "Two-Sum", "leetcode", "two-sum"),
        ("leetcode", "3sum", "leetcode", "3sum"),
        ("OTHER", " Codeforces 1900A ", "other", "Codeforces 1900A"),
    ],
)
def test_site_and_number_are_normalised(
    db: Database, site: str, number: str, stored_site: str, stored_number: str
) -> None:
    attempt = _add(db, site, number)
    assert (attempt.site, attempt.number) == (stored_site, stored_number)


def test_blank_title_url_and_note_count_as_none(db: Database) -> None:
    attempt = _add(db, title="  ", url=" ", note="\t")
    assert (attempt.title, attempt.url, attempt.note) == (None, None, None)


def test_a_later_attempt_inherits_title_tags_and_url(db: Database) -> None:
    url = "https://www.acmicpc.net/problem/5525/"
    _add(db, title="IOIOI", tags=["string"], url=url, status="failed", day=_day(0))
    _add(db, "boj", "1000", title="A+B", tags=["math"], day=_day(1))  # another problem
    again = _add(db, day=_day(2))
    assert (again.title, again.tags, again.url) == ("IOIOI", ("string",), url)
    assert list_attempts(db)[0].tags == ("string",)  # stored, not only returned


def test_inheritance_takes_the_latest_attempt_and_each_field_on_its_own(db: Database) -> None:
    _add(db, title="old title", tags=["a"], day=_day(0))
    _add(db, title="IOIOI", tags=["b", "c"], day=_day(5))
    _add(db, title="backdated", tags=["z"], day=_day(3))  # earlier day: not the latest
    attempt = _add(db, tags=["KMP"], day=_day(6))
    assert (attempt.title, attempt.tags, attempt.url) == ("IOIOI", ("kmp",), None)
    renamed = _add(db, title="IOIOI (renamed)", day=_day(7))
    assert (renamed.title, renamed.tags) == ("IOIOI (renamed)", ("kmp",))


@pytest.mark.parametrize(
    ("site", "number", "link"),
    [
        ("boj", "5525", "https://www.acmicpc.net/problem/5525"),
        (
            "programmers",
            "42576",
            "https://school.programmers.co.kr/learn/courses/30/lessons/42576",
        ),
        ("leetcode", "two-sum", "https://leetcode.com/problems/two-sum/"),
        ("other", "abc", None),
    ],
)
def test_default_links(db: Database, site: str, number: str, link: str | None) -> None:
    attempt = _add(db, site, number)
    assert (attempt.url, attempt.link) == (None, link)


def test_url_overrides_the_default_link(db: Database) -> None:
    attempt = _add(db, "other", "abc", url="https://codeforces.com/problemset/problem/1/A")
    assert attempt.link == "https://codeforces.com/problemset/problem/1/A"
    boj = _add(db, "boj", "1000", url="http://boj.kr/1000")
    assert (boj.url, boj.link) == ("http://boj.kr/1000", "http://boj.kr/1000")


@pytest.mark.parametrize(
    ("site", "number", "options", "message"),
    [
        ("codeforces", "1", {}, "unknown site: 'codeforces'. Use one of boj, programmers, "
         "leetcode, other"),
        ("", "1", {}, "unknown site: ''. Use one of boj, programmers, leetcode, other"),
        ("boj", "55a5", {}, "a BOJ problem number is digits: '55a5'. "
         "Use the number in acmicpc.net/problem/<number>, e.g. 5525"),
        ("boj", "-5", {}, "a BOJ problem number is digits: '-5'. "
         "Use the number in acmicpc.net/problem/<number>, e.g. 5525"),
        ("boj", "", {}, "a BOJ problem number is digits: ''. "
         "Use the number in acmicpc.net/problem/<number>, e.g. 5525"),
        ("programmers", "lesson1", {}, "a programmers problem number is digits: 'lesson1'. "
         "Use the lesson id in school.programmers.co.kr/learn/courses/30/lessons/<id>, "
         "e.g. 42576"),
        ("leetcode", "two sum", {}, "a LeetCode problem is its slug: 'two sum'. "
         "Use the name in leetcode.com/problems/<slug>/, e.g. two-sum"),
        ("leetcode", "1", {}, "a LeetCode problem is its slug: '1'. "
         "Use the name in leetcode.com/problems/<slug>/, e.g. two-sum"),
        ("leetcode", "two--sum", {}, "a LeetCode problem is its slug: 'two--sum'. "
         "Use the name in leetcode.com/problems/<slug>/, e.g. two-sum"),
        ("other", "  ", {}, "the problem number is empty. "
         "Name the problem, e.g. course problem add other A1"),
        ("boj", "5525", {"minutes": 0}, "the time spent must be more than 0 minutes: 0 min. "
         "Pass e.g. --minutes 45 or --minutes 1h30m, or leave --minutes out"),
        ("boj", "5525", {"minutes": -30}, "the time spent must be more than 0 minutes: -30 min."
         " Pass e.g. --minutes 45 or --minutes 1h30m, or leave --minutes out"),
        ("boj", "5525", {"minutes": 1441}, "one attempt can take at most 24 hours: 1441 min. "
         "Record each day's work on the problem as its own attempt"),
        ("boj", "5525", {"status": "done"}, "unknown status: 'done'. "
         "Use one of solved, attempted, failed"),
        ("boj", "5525", {"day": date(2026, 11, 22)}, "cannot record an attempt in the future: "
         "2026-11-22. Today is 2026-11-21; pass --date today or an earlier date"),
        ("boj", "5525", {"url": "acmicpc.net/problem/5525"}, "the URL must start with http:// "
         "or https://: 'acmicpc.net/problem/5525'. Paste the whole address of the problem's page"),
    ],
)  # fmt: skip
def test_add_attempt_refuses_bad_input(
    db: Database, site: str, number: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        _add(db, site, number, **options)
    assert caught.value.message == message
    assert caught.value.exit_code == 2
    assert db.table("problems").count == 0
    assert db.table("problem_tags").count == 0


def test_status_and_limits_accepted(db: Database) -> None:
    assert _add(db, status=" Failed ").status == "failed"
    assert _add(db, minutes=1).minutes == 1
    assert _add(db, minutes=1440).minutes == 1440


# --- listing --------------------------------------------------------------------------------


@pytest.fixture
def listed(db: Database) -> Database:
    """Six attempts over four days on three sites."""
    _add(db, "boj", "5525", title="IOIOI", tags=["string", "kmp"], status="failed", day=_day(0))
    _add(db, "boj", "5525", status="solved", day=_day(2))
    _add(db, "leetcode", "two-sum", tags=["hash"], used_hint=True, day=_day(2))
    _add(db, "programmers", "42576", tags=["hash", "string"], status="attempted", day=_day(3))
    _add(db, "boj", "1000", title="A+B", tags=["math"], day=_day(1))
    _add(db, "other", "x", day=_day(3))
    return db


def _ids(attempts: list[ProblemAttempt]) -> list[int]:
    return [attempt.id for attempt in attempts]


def test_list_attempts_newest_first(listed: Database) -> None:
    assert _ids(list_attempts(listed)) == [6, 4, 3, 2, 5, 1]


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        ({"tag": "string"}, [4, 2, 1]),
        ({"tag": " STRING "}, [4, 2, 1]),
        ({"tag": "graph"}, []),
        ({"status": "solved"}, [6, 3, 2, 5]),
        ({"status": "Attempted"}, [4]),
        ({"site": "BOJ"}, [2, 5, 1]),
        ({"start": _day(2)}, [6, 4, 3, 2]),
        ({"end": _day(1)}, [5, 1]),
        ({"start": _day(1), "end": _day(2)}, [3, 2, 5]),
        ({"tag": "hash", "status": "solved"}, [3]),
        ({"tag": "string", "site": "boj", "start": _day(1)}, [2]),
    ],
)
def test_list_attempts_filters(listed: Database, filters: dict[str, Any], ids: list[int]) -> None:
    assert _ids(list_attempts(listed, **filters)) == ids


def test_list_attempts_by_tag_keeps_every_tag(listed: Database) -> None:
    assert [attempt.tags for attempt in list_attempts(listed, tag="hash")] == [
        ("hash", "string"),
        ("hash",),
    ]


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"status": "ok"}, "unknown status: 'ok'. Use one of solved, attempted, failed"),
        ({"site": "atcoder"}, "unknown site: 'atcoder'. Use one of boj, programmers, leetcode, "
         "other"),
        ({"tag": " "}, "the tag is empty. Pass a tag such as --tag dp"),
    ],
)  # fmt: skip
def test_list_attempts_refuses_bad_filters(
    listed: Database, filters: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        list_attempts(listed, **filters)
    assert caught.value.message == message


def test_problems_between_oldest_first_both_ends_included(listed: Database) -> None:
    assert _ids(problems_between(listed, _day(1), _day(3))) == [5, 2, 3, 4, 6]
    assert _ids(problems_between(listed, _day(0), _day(0))) == [1]
    assert problems_between(listed, _day(4), _day(9)) == []


def test_attempt_to_json(db: Database) -> None:
    attempt = _add(db, title="IOIOI", tags=["string"], minutes=60, used_hint=True)
    assert attempt.to_json() == {
        "id": 1,
        "site": "boj",
        "number": "5525",
        "title": "IOIOI",
        "tags": ["string"],
        "status": "solved",
        "minutes": 60,
        "used_hint": True,
        "url": None,
        "link": "https://www.acmicpc.net/problem/5525",
        "note": None,
        "day": "2026-11-21",
    }


# --- the review queue -----------------------------------------------------------------------

# Each step: (day offset from D0, status, used_hint); the expected state after all steps:
# (due offset from D0, interval) or None when the problem is not in the queue.
Step = tuple[int, str, bool]


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        pytest.param([(0, "failed", False)], (1, 1), id="fail: due the next day"),
        pytest.param([(0, "attempted", False)], (1, 1), id="attempted counts as failed"),
        pytest.param([(0, "solved", True)], (1, 1), id="solved with a hint"),
        pytest.param([(0, "solved", False)], None, id="clean solve: never queued"),
        pytest.param([(0, "failed", False), (0, "solved", False)], (1, 1), id="same day"),
        pytest.param([(0, "failed", False), (1, "solved", False)], (4, 3), id="on due: +3"),
        pytest.param([(0, "failed", False), (3, "solved", False)], (6, 3), id="late: from then"),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (3, "solved", False)],
            (4, 3),
            id="early solve does not advance",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (4, "solved", False)],
            (11, 7),
            id="3 then 7",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (4, "solved", False),
             (11, "solved", False)],
            None,
            id="after 7 it leaves",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (4, "solved", False),
             (10, "solved", False)],
            (11, 7),
            id="early 7-day solve stays",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (4, "solved", True)],
            (5, 1),
            id="hint resets to 1",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (4, "solved", False),
             (12, "failed", False)],
            (13, 1),
            id="failure at 7 resets",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (2, "attempted", False)],
            (3, 1),
            id="attempted resets",
        ),
        pytest.param(
            [(0, "failed", False), (1, "solved", False), (4, "solved", False),
             (11, "solved", False), (12, "solved", False), (13, "failed", False)],
            (14, 1),
            id="fail after leaving: back in",
        ),
    ],
)  # fmt: skip
def test_review_queue_transitions(
    db: Database, steps: list[Step], expected: tuple[int, int] | None
) -> None:
    for offset, status, hint in steps:
        _add(db, day=_day(offset), status=status, used_hint=hint)
    queue = review_queue(db, TODAY)
    if expected is None:
        assert queue == []
    else:
        due, interval = expected
        assert [(item.due, item.interval_days) for item in queue] == [(_day(due), interval)]
        assert queue[0].last_day == _day(max(offset for offset, _, _ in steps))


def test_review_queue_attempts_of_one_day_go_in_id_order(db: Database) -> None:
    _add(db, day=_day(1), status="solved")
    _add(db, day=_day(1), status="failed")  # the failure came after the solve
    assert [(item.due, item.interval_days) for item in review_queue(db, TODAY)] == [(_day(2), 1)]


def test_review_queue_backdated_attempt_is_taken_in_day_order(db: Database) -> None:
    _add(db, day=_day(1), status="solved")
    _add(db, day=_day(0), status="failed")  # recorded later, happened earlier
    assert [(item.due, item.interval_days) for item in review_queue(db, TODAY)] == [(_day(4), 3)]


def test_review_item_fields_and_order(db: Database) -> None:
    _add(db, "boj", "5525", title="IOIOI", status="failed", day=_day(10))
    _add(db, "boj", "5525", status="solved", day=_day(11))  # due 14, step 3
    _add(db, "leetcode", "two-sum", used_hint=True, day=_day(2))  # due 3
    _add(db, "boj", "1000", status="failed", used_hint=True, day=_day(2))  # due 3, failed
    _add(db, "boj", "2000", day=_day(2))  # clean: not queued
    assert review_queue(db, TODAY) == [
        ReviewItem("boj", "1000", None, _day(3), 1, _day(2), "failed"),
        ReviewItem("leetcode", "two-sum", None, _day(3), 1, _day(2), "hint"),
        ReviewItem("boj", "5525", "IOIOI", _day(14), 3, _day(11), "failed"),
    ]


def test_review_item_overdue(db: Database) -> None:
    item = ReviewItem("boj", "1", None, date(2026, 11, 19), 1, date(2026, 11, 18), "failed")
    assert (item.is_due(TODAY), item.overdue_days(TODAY)) == (True, 2)
    assert (item.is_due(date(2026, 11, 19)), item.overdue_days(date(2026, 11, 19))) == (True, 0)
    assert (item.is_due(date(2026, 11, 18)), item.overdue_days(date(2026, 11, 18))) == (False, 0)
    assert item.to_json(TODAY) == {
        "site": "boj",
        "number": "1",
        "title": None,
        "due": "2026-11-19",
        "interval_days": 1,
        "last_day": "2026-11-18",
        "reason": "failed",
        "is_due": True,
        "overdue_days": 2,
    }
    assert "is_due" not in item.to_json()


def test_review_queue_ignores_attempts_after_today(db: Database) -> None:
    _add(db, day=_day(0), status="failed")
    _add(db, day=_day(1), status="solved")
    assert [(item.due, item.interval_days) for item in review_queue(db, _day(0))] == [(_day(1), 1)]
    assert review_queue(db, _day(0) - timedelta(days=1)) == []


def test_log_attempt_numbers_attempts_and_reports_the_queue(db: Database) -> None:
    def log(offset: int, status: str = "solved", **options: Any) -> tuple[int, Any, bool]:
        added = log_attempt(db, "boj", "5525", status=status, day=_day(offset), today=TODAY,
                            now=NOW, **options)  # fmt: skip
        review = (added.review.due, added.review.interval_days) if added.review else None
        return added.number, review, added.left_review

    assert log(0) == (1, None, False)
    assert log(1, "failed") == (2, (_day(2), 1), False)
    assert log(2) == (3, (_day(5), 3), False)
    assert log(5) == (4, (_day(12), 7), False)
    assert log(12) == (5, None, True)
    assert log(13) == (6, None, False)
    other = log_attempt(db, "boj", "1000", day=_day(0), today=TODAY, now=NOW)
    assert (other.number, other.attempt.id) == (1, 7)


# --- streaks and statistics -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("offsets", "current"),
    [
        ([0, -1, -2], 3),  # ends today
        ([-1, -2, -3], 3),  # nothing yet today: ends yesterday
        ([0, -2, -3], 1),  # a gap yesterday
        ([-2, -3], 0),  # neither today nor yesterday
        ([], 0),
        ([0], 1),
    ],
)
def test_current_streak(offsets: list[int], current: int) -> None:
    assert current_streak([TODAY + timedelta(days=d) for d in offsets], TODAY) == current


@pytest.mark.parametrize(
    ("offsets", "longest"),
    [([], 0), ([5], 1), ([1, 2, 3, 7, 8], 3), ([1, 3, 5], 1), ([9, 8, 7, 7, 1, 2], 3)],
)
def test_longest_streak(offsets: list[int], longest: int) -> None:
    assert longest_streak([_day(d) for d in offsets]) == longest


def test_streaks_count_days_with_a_solved_attempt(db: Database) -> None:
    # 2026-11-15 .. 11-17 solved (one with a hint), 11-18 only failed, 11-19 .. 11-20 solved.
    for day in (15, 16, 19, 20):
        _add(db, day=date(2026, 11, day))
    _add(db, "boj", "1", used_hint=True, day=date(2026, 11, 17))
    _add(db, "boj", "2", status="failed", day=date(2026, 11, 18))
    _add(db, "boj", "3", status="attempted", day=TODAY)
    stats = problem_stats(db, TODAY)
    assert (stats.current_streak, stats.longest_streak) == (2, 3)
    # With --since the streaks still count every attempt.
    since = problem_stats(db, TODAY, start=date(2026, 11, 19))
    assert (since.current_streak, since.longest_streak) == (2, 3)
    # A day later, yesterday (the 21st) had no solve: the streak is broken.
    assert problem_stats(db, date(2026, 11, 22)).current_streak == 0


def test_weak_tags_ranked_by_failures_and_hints_ties_by_name(db: Database) -> None:
    _add(db, "boj", "1", tags=["dp"], status="failed", day=_day(0))
    _add(db, "boj", "1", tags=["dp"], status="attempted", day=_day(1))
    _add(db, "boj", "2", tags=["graph", "bfs"], used_hint=True, day=_day(1))
    _add(db, "boj", "3", tags=["greedy"], status="failed", used_hint=True, day=_day(2))
    _add(db, "boj", "4", tags=["math", "bfs"], day=_day(2))  # clean: math is not weak
    _add(db, "boj", "5", tags=["tree"], status="failed", day=_day(2))
    assert problem_stats(db, TODAY).weak_tags == [
        WeakTag("dp", 2, 0),
        WeakTag("greedy", 1, 1),  # a failed attempt with a hint counts twice
        WeakTag("bfs", 0, 1),
        WeakTag("graph", 0, 1),
        WeakTag("tree", 1, 0),
    ]


def test_problem_stats(listed: Database) -> None:
    _add(listed, "boj", "5525", minutes=30, day=_day(4))  # a second solve of 5525
    _add(listed, "leetcode", "two-sum", minutes=45, status="failed", day=_day(4))
    stats = problem_stats(listed, TODAY)
    assert stats.attempts == 8
    assert stats.solved == 4  # boj 5525, boj 1000, leetcode two-sum, other x
    assert stats.solved_per_site == [("boj", 2), ("leetcode", 1), ("other", 1), ("programmers", 0)]
    assert stats.attempts_per_site == [
        ("boj", 4),
        ("leetcode", 2),
        ("other", 1),
        ("programmers", 1),
    ]
    assert stats.solved_per_tag == [
        ("hash", 1),
        ("kmp", 1),
        ("math", 1),
        ("string", 1),
    ]
    assert stats.attempts_per_tag == [("hash", 3), ("kmp", 3), ("math", 1), ("string", 4)]
    assert stats.median_minutes == 30.0  # only solved attempts with a time: [30]
    assert stats.weak_tags == [
        WeakTag("hash", 2, 1),
        WeakTag("string", 2, 0),
        WeakTag("kmp", 1, 0),
    ]
    assert [(item.site, item.number, item.due) for item in stats.review_queue] == [
        ("programmers", "42576", _day(4)),
        ("boj", "5525", _day(5)),  # due day 1, solved day 2: next due 2 + 3; day 4 is early
        ("leetcode", "two-sum", _day(5)),
    ]


def test_problem_stats_median_and_span(db: Database) -> None:
    _add(db, "boj", "1", minutes=20, day=_day(0))
    _add(db, "boj", "2", minutes=45, day=_day(1))
    _add(db, "boj", "3", minutes=90, status="failed", day=_day(1))  # not a solved attempt
    _add(db, "boj", "4", minutes=30, used_hint=True, day=_day(2))  # solved with a hint counts
    _add(db, "boj", "5", day=_day(2))  # no time: left out
    assert problem_stats(db, TODAY).median_minutes == 30.0
    later = problem_stats(db, TODAY, start=_day(1))
    assert (later.attempts, later.solved, later.median_minutes) == (4, 3, 37.5)
    assert problem_stats(db, TODAY, start=_day(1), end=_day(1)).attempts == 2
    assert problem_stats(db, TODAY, start=_day(3)).median_minutes is None


def test_problem_stats_empty(db: Database) -> None:
    stats = problem_stats(db, TODAY)
    assert stats.to_json() == {
        "today": "2026-11-21",
        "start": None,
        "end": None,
        "attempts": 0,
        "solved": 0,
        "median_minutes": None,
        "solved_per_tag": [],
        "solved_per_site": [],
        "weak_tags": [],
        "current_streak": 0,
        "longest_streak": 0,
        "review_queue": [],
    }


def test_problem_stats_to_json(db: Database) -> None:
    _add(db, "boj", "5525", title="IOIOI", tags=["kmp"], minutes=60, day=date(2026, 11, 19))
    _add(db, "boj", "1000", tags=["kmp"], status="failed", day=date(2026, 11, 20))
    data = problem_stats(db, TODAY, start=date(2026, 11, 1)).to_json()
    assert data == {
        "today": "2026-11-21",
        "start": "2026-11-01",
        "end": None,
        "attempts": 2,
        "solved": 1,
        "median_minutes": 60.0,
        "solved_per_tag": [{"tag": "kmp", "solved": 1, "attempts": 2}],
        "solved_per_site": [{"site": "boj", "solved": 1, "attempts": 2}],
        "weak_tags": [{"tag": "kmp", "failures": 1, "hints": 0}],
        "current_streak": 0,
        "longest_streak": 1,
        "review_queue": [
            {
                "site": "boj",
                "number": "1000",
                "title": None,
                "due": "2026-11-21",
                "interval_days": 1,
                "last_day": "2026-11-20",
                "reason": "failed",
                "is_due": True,
                "overdue_days": 0,
            }
        ],
    }


def test_sites_constant() -> None:
    assert SITES == ("boj", "programmers", "leetcode", "other")
