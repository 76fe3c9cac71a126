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
would otherwise spend importing (``bench/tracker_startup.py``). python-dateutil's parser,
which sqlite-utils also imports, is loaded lazily: it runs only if something parses a date
with it (the tracker does not).
"""

from __future__ import annotations

import sys


def _import_sqlite_utils_without_numpy() -> None:
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    _import_lazily("dateutil.parser")
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]


def _import_lazily(name: str) -> None:
    """Import ``name`` with :class:`importlib.util.LazyLoader`: its code runs on first use.

    sqlite-utils imports python-dateutil's parser (about 20 ms) for two recipes the tracker
    never calls; lazily, that costs nothing until something uses it.
    """
    import importlib.util

    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:  # so `from parent import child` finds it without the import system touching it
        setattr(sys.modules[parent], child, module)


_import_sqlite_utils_without_numpy()
