"""The grading child of :mod:`grader.runner`: ``python -m grader.grade_child SUITE ARGS``.

It is ``python -m pytest SUITE ARGS`` (the same arguments and exit status) except that, once
pytest is done (every event written, the events file or channel closed), the process ends with
:func:`grader.process.exit_child` rather than the interpreter's teardown, which spends 0.1 s to
1 s of CPU on torch's objects and would wait for threads the student's code left running.
"""

from __future__ import annotations

import pytest

from grader.process import exit_child

if __name__ == "__main__":
    exit_child(int(pytest.main()))
