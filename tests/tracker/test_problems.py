"""tracker.problems: recording attempts, what it refuses, and reading them back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from core.errors import UsageError
from tests.tracker.problem_data import TODAY, six_attempts
from tests.tracker.problem_data import add as _add
from tests.tracker.problem_data import day as _day
from tracker.problems import (
    SITES,
    ProblemAttempt,
    list_attempts,
    normalize_tags,
    problems_between,
)
from tracker.store import open_db


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


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
    return six_attempts(db)


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


def test_sites_constant() -> None:
    assert SITES == ("boj", "programmers", "leetcode", "other")
