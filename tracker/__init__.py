"""The study tracker: one SQLite file and everything a student keeps in it.

- :mod:`tracker.store` finds, opens and migrates the database.
- :mod:`tracker.parsers` reads what people type: days, durations, clock times, weeks, months.
- :mod:`tracker.study` records study time (``course log``, ``edit``, ``delete``).
- :mod:`tracker.grades` stores every grade attempt with its checks (refusing a file someone
  added triggers to, and reading each attempt back before it is committed).
- :mod:`tracker.report` aggregates study time and grades per period (``course report``).

The library returns data and never prints; rendering lives in ``course/render/``.

Importing this package imports sqlite-utils with numpy hidden, unless numpy is already
loaded. sqlite-utils imports numpy only to map numpy scalar types to columns, which the
tracker never stores, and numpy's import is about 100 ms of the 200 ms a ``course log``
would otherwise spend importing (``bench/tracker_startup.py``).
"""

from __future__ import annotations

import sys


def _import_sqlite_utils_without_numpy() -> None:
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]


_import_sqlite_utils_without_numpy()
