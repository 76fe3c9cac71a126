"""The Ray backend of a cohort run: each submission one Ray task (the optional extra
``cluster``: ``pip install 'course-toolkit[cluster]'``).

Each task asks Ray for ``num_cpus`` and ``num_gpus`` (fractions allowed: ``num_gpus=0.5`` puts
two gradings on one GPU) and runs the same sandboxed grading child as the local pool
(:func:`grader.cohort.grade_submission`), on whichever node Ray picks, with
``OMP_NUM_THREADS`` set to its CPU share. Ray sets ``CUDA_VISIBLE_DEVICES`` for a task with
GPUs, and the grading child keeps it. On a real cluster the submissions and this project must
be at the same paths on every node (a shared file system): tasks carry paths, not files.

    ray start --head                      # on the head node; `ray start --address ...` on others
    course cohort grade resnet subs/ --backend ray --ray-address auto

Without ``--ray-address`` a local cluster is started for the run (``ray.init()``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.errors import EnvironmentProblem, UsageError
from grader.cohort import Done, Submission, Worker, grade_submission
from grader.spec import AssignmentSpec


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise EnvironmentProblem(
            "the ray backend needs Ray", "ray is not installed",
            "pip install 'course-toolkit[cluster]', or use --backend local",
        ) from exc  # fmt: skip
    return ray


def grade_cohort_ray(
    spec: AssignmentSpec,
    submissions: Sequence[Submission],
    *,
    device: str,
    profile: str,
    sandbox: str,
    on_done: Done,
    num_cpus: float = 1.0,
    num_gpus: float = 0.0,
    address: str | None = None,
    timeout_s: float | None = None,
    hidden: Sequence[Path] = (),
) -> None:
    """Grade every submission as a Ray task, reporting each as it finishes (in this thread).

    Args:
        spec: The assignment.
        submissions: What to grade.
        device: ``cpu`` or ``cuda``.
        profile: ``quick`` or ``full``.
        sandbox: ``bwrap`` or ``none``, on the node that runs the task.
        on_done: Called with each result, in the order they finish.
        num_cpus: CPUs each task asks for (its child's ``OMP_NUM_THREADS``, at least 1).
        num_gpus: GPUs each task asks for; a fraction shares a GPU.
        address: A running cluster (``auto``, ``ray://host:10001``, ``host:6379``); a local
            one is started when ``None``.
        timeout_s: Wall-clock limit per submission in seconds; the profile's by default.
        hidden: Paths no child may see.

    Raises:
        UsageError: ``num_cpus`` or ``num_gpus`` is negative, or ``num_cpus`` is 0.
        EnvironmentProblem: Ray is not installed or the cluster cannot be reached.
    """
    if num_cpus <= 0 or num_gpus < 0:
        raise UsageError(
            "a Ray task needs CPUs > 0 and GPUs >= 0", f"{num_cpus} CPUs, {num_gpus} GPUs",
            "pass --task-cpus 1 --task-gpus 0",
        )  # fmt: skip
    ray = _ray()
    started = not ray.is_initialized()
    if started:
        try:
            ray.init(
                address=address, include_dashboard=False, log_to_driver=False,
                configure_logging=False,
            )  # fmt: skip
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise EnvironmentProblem(
                "cannot reach the Ray cluster", address or "a local one", str(exc)
            ) from exc
    try:
        # the local pool's per-submission step, as a task
        remote = ray.remote(num_cpus=num_cpus, num_gpus=num_gpus, max_retries=0)(grade_submission)
        worker = Worker(0, {"OMP_NUM_THREADS": str(max(1, math.floor(num_cpus)))})
        pending = {
            remote.remote(spec, s, worker, device, profile, sandbox, timeout_s, list(hidden)): s
            for s in submissions
        }
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                submission = pending.pop(ref)
                try:
                    report, why = ray.get(ref)
                except ray.exceptions.RayError as exc:  # the worker died, not the child
                    report, why = None, f"the Ray task failed: {str(exc).splitlines()[0]}"
                on_done(submission, report, why)
    finally:
        if started:
            ray.shutdown()
