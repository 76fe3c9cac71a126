"""What `--minutes` refuses, and the exact error line, for every command that takes it."""

from __future__ import annotations

_FORMS = "Write it like 2h30m, 1.5h, 90m or 45 (minutes)\n"

BAD_MINUTES: list[tuple[str, str]] = [
    ("1h30", f"Error: cannot read the duration: '1h30'. {_FORMS}"),
    ("-30", f"Error: cannot read the duration: '-30'. {_FORMS}"),
    ("an hour", f"Error: cannot read the duration: 'an hour'. {_FORMS}"),
    (
        "0h0m",
        "Error: study time must be more than 0 minutes: 0 min. "
        "Pass e.g. --hours 1.5, --minutes 90 or --duration 1h30m\n",
    ),
]
"""``(value, the error line)`` pairs: each exits 2 and writes nothing."""
