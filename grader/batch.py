"""The child of :func:`grader.runner.grade_many`: ``python -m grader.batch --job FILE``.

The job file is a JSON list; each item is the pytest command line that grades one submission
(the arguments after ``python -m grader.grade_child``, each with its own ``--results`` events
file and ``--submission``). They run one after the other in this process with ``pytest.main``, so
Python and torch start once for all of them. Nothing isolates one submission from the next:
only for trusted files (see :func:`grader.runner.grade_many`).

Each ``pytest.main`` makes its own configuration, so the plugin's per-session state (the
events writer, the cached import failure, the forbidden-call guards, installed and removed per
session) does not carry over; the suite's module is imported once and reused, and each
submission is imported under its own module name (:func:`grader.student.import_submission`);
torch's gradient mode and default dtype are put back after each. As in
:mod:`grader.grade_child`, the process ends with :func:`grader.process.exit_child`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grader.process import exit_child, exit_with_parent


def main(argv: list[str] | None = None) -> int:
    """Run every pytest command line of the job in order; 0 when all ran.

    Args:
        argv: Arguments instead of ``sys.argv[1:]``: ``--job FILE`` and ``--parent-pid PID``
            (the watchdog, :func:`grader.process.exit_with_parent`).

    Returns:
        The exit status, 0 (each run's outcome is in its events file).
    """
    import pytest

    parser = argparse.ArgumentParser(prog="python -m grader.batch", description=__doc__)
    parser.add_argument("--job", required=True, help="JSON list of pytest command lines")
    parser.add_argument("--parent-pid", type=int, help="exit when this is no longer the parent")
    args = parser.parse_args(argv)
    if args.parent_pid:
        exit_with_parent(args.parent_pid)
    runs = json.loads(Path(args.job).read_text(encoding="utf-8"))
    for run in runs:
        pytest.main([str(arg) for arg in run])
        _reset_torch()
    return 0


def _reset_torch() -> None:
    """Put back the torch settings a new process starts with that a submission may have changed
    (gradient mode, default dtype); the rest of torch's global state carries over."""
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_grad_enabled(True)
        torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    exit_child(main())
