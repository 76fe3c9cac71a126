"""core.clock: the one stored-timestamp format, written and read."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.clock import parse_utc_timestamp, utc_timestamp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-21T04:49:00Z", datetime(2026, 11, 21, 4, 49, tzinfo=timezone.utc)),
        ("2026-11-21T04:49:00+00:00", datetime(2026, 11, 21, 4, 49, tzinfo=timezone.utc)),
        ("2026-11-21T04:49:00", datetime(2026, 11, 21, 4, 49, tzinfo=timezone.utc)),
        ("2026-11-21T13:49:00+09:00", datetime(2026, 11, 21, 4, 49, tzinfo=timezone.utc)),
        ("2026-11-21 04:49", None),
        ("2026-11-21", None),
        ("not a time", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_utc_timestamp_reads_the_stored_utc_form(
    text: str | None, expected: datetime | None
) -> None:
    assert parse_utc_timestamp(text) == expected


def test_utc_timestamp_round_trips_to_the_second() -> None:
    seoul = timezone(timedelta(hours=9))
    moment = datetime(2026, 11, 21, 13, 49, 7, 999_000, tzinfo=seoul)
    text = utc_timestamp(moment)
    assert text == "2026-11-21T04:49:07Z"
    assert parse_utc_timestamp(text) == moment.replace(microsecond=0)


def test_utc_timestamp_converts_to_utc() -> None:
    seoul = timezone(timedelta(hours=9))
    assert utc_timestamp(datetime(2026, 11, 21, 13, 49, 5, 999, tzinfo=seoul)) == (
        "2026-11-21T04:49:05Z"
    )
