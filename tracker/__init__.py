"""The study tracker: one SQLite file, its study log, grade history and reports.

- :mod:`tracker.store` finds, opens and migrates the database.
- :mod:`tracker.study` parses and records study time (``course log``).
- :mod:`tracker.grades` stores every grade attempt with its checks.
- :mod:`tracker.report` aggregates study time and grades per week (``course report``).

The library returns data and never prints; rendering lives in :mod:`course.render_study`.
"""
