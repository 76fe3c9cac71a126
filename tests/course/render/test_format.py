"""`course.render.format`: the formatters every renderer shares."""

from __future__ import annotations

import pytest

from course.render.format import bar, format_minutes, format_percent, plural


@pytest.mark.parametrize(
    ("count", "one", "many", "shown"),
    [
        (1, "day", None, "1 day"),
        (0, "day", None, "0 days"),
        (3, "Try item", None, "3 Try items"),
        (1, "problem solved", "problems solved", "1 problem solved"),
        (2, "problem solved", "problems solved", "2 problems solved"),
    ],
)
def test_plural(count: int, one: str, many: str | None, shown: str) -> None:
    assert plural(count, one, many) == shown


@pytest.mark.parametrize(
    ("amount", "full", "width", "shown"),
    [
        (0, 100, 10, ""),
        (5, 0, 10, ""),
        (1, 100, 10, "█"),  # anything above 0 shows one cell
        (75, 100, 10, "████████"),
        (250, 100, 10, "█" * 10),  # never past the width
        (90, 120, 20, "█" * 15),
    ],
)
def test_bar(amount: float, full: float, width: int, shown: str) -> None:
    assert bar(amount, full, width) == shown


def test_minutes_and_percent() -> None:
    assert (format_minutes(150), format_minutes(0), format_percent(74.6)) == (
        "2h 30m",
        "0h 00m",
        "75%",
    )
