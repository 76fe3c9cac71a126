"""Tamper detection inside the grading child: did the student's code replace what the suites
rely on?

The hidden suites compare the student's modules with torch's (``nn.LSTM``, ``F.conv2d``,
attention, ...), time them with :func:`time.perf_counter` and report through the plugin and
pytest. Student code runs in the same interpreter, so one line (``torch.nn.LSTM = MyLSTM``,
``sys.modules['grader.plugin'].classify = ...``) could make a wrong network compare equal to
itself or pass every check. :class:`Snapshot`, taken after the suite is collected and before
the student's file is imported, holds the objects that every name of those namespaces refers
to; :meth:`Snapshot.changed`, called after every check, names each one that now refers to
something else (or is gone), puts the original back, and reports global hooks and modes that
reroute every torch call (a module forward hook, a ``TorchFunctionMode``), which cannot be put
back. Names added after the snapshot (torch imports submodules lazily) do not count.

This is detection, not prevention: code that rewrites the checker itself (its code objects,
closures, or the signed channel's HMAC object) is beyond what an in-process grader can stop;
see docs/architecture.md, "Threat model".
"""

from __future__ import annotations

import builtins
import contextlib
import math
import os
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

TORCH_MODULES = (
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.nn.init",
    "torch.nn.modules.module",
    "torch.autograd",
    "torch.autograd.functional",
    "torch.linalg",
    "torch.fft",
    "torch.testing",
    "torch.optim",
    "torch.func",
)
"""torch namespaces whose names are watched, when imported."""

OTHER_MODULES = ("pytest", "_pytest.runner", "_pytest.reports", "_pytest.python", "pluggy")
"""Non-torch modules the grading depends on, watched when imported (with every ``grader.*``
and ``core.*`` module, :mod:`builtins`, :mod:`math` and :mod:`time`)."""

_GLOBAL_HOOKS = (
    "_global_forward_hooks",
    "_global_forward_pre_hooks",
    "_global_backward_hooks",
    "_global_backward_pre_hooks",
    "_global_parameter_registration_hooks",
    "_global_module_registration_hooks",
    "_global_buffer_registration_hooks",
)
"""Registries of ``torch.nn.modules.module`` that run code on every module's call."""


_GONE = object()
"""What a name that is no longer in its namespace reads as in :meth:`Snapshot.changed`."""


def _watched_modules() -> dict[str, Any]:
    names = [*TORCH_MODULES, *OTHER_MODULES]
    ours = ("grader", "core")
    names += [n for n in sys.modules if n in ours or n.startswith(("grader.", "core."))]
    found = {name: sys.modules[name] for name in names if name in sys.modules}
    found.update(builtins=builtins, math=math, time=time)
    return found


def _watched_classes(modules: dict[str, Any]) -> dict[str, type]:
    """Classes whose attributes are watched: torch's tensor and module classes, every class
    ``torch.nn`` and ``torch.optim`` export, and pytest's report classes."""
    classes: dict[str, type] = {}
    torch = modules.get("torch")
    if torch is not None:
        classes["torch.Tensor"] = torch.Tensor
        base = getattr(torch._C, "TensorBase", None) or getattr(torch._C, "_TensorBase", None)
        if isinstance(base, type):
            classes["torch._C.TensorBase"] = base
    for label in ("torch.nn", "torch.optim", "torch.autograd"):
        module = modules.get(label)
        for key, value in vars(module).items() if module is not None else ():
            if isinstance(value, type) and not key.startswith("_"):
                classes[f"{label}.{key}"] = value
    reports = modules.get("_pytest.reports")
    if reports is not None:
        classes["_pytest.reports.TestReport"] = reports.TestReport
    return classes


def _modes() -> dict[str, int]:
    """How many torch function / dispatch modes and global module hooks are active."""
    counts: dict[str, int] = {}
    if "torch" not in sys.modules:
        return counts
    module = sys.modules.get("torch.nn.modules.module")
    for name in _GLOBAL_HOOKS:
        registry = getattr(module, name, None)
        if registry is not None:
            counts[f"a global module hook (torch.nn.modules.module.{name})"] = len(registry)
    overrides = sys.modules.get("torch.overrides")
    stack = getattr(overrides, "_get_current_function_mode_stack", None)
    if callable(stack):
        counts["a TorchFunctionMode (torch.overrides)"] = len(stack())
    dispatch = sys.modules.get("torch.utils._python_dispatch")
    stack = getattr(dispatch, "_get_current_dispatch_mode_stack", None)
    if callable(stack):
        counts["a TorchDispatchMode (torch.utils._python_dispatch)"] = len(stack())
    return counts


class Snapshot:
    """What the watched names refer to now, to compare with later.

    Args:
        hooks: Returns ``{hook name: implementation functions}`` of the running pytest
            (``config.hook``), so that a plugin the student registers or removes is seen.
    """

    def __init__(self, hooks: Callable[[], dict[str, tuple[Any, ...]]] | None = None) -> None:
        modules = _watched_modules()
        self._modules = dict(modules)
        owners: list[tuple[str, Any]] = [*modules.items(), *_watched_classes(modules).items()]
        self._namespaces: list[tuple[str, Any, dict[str, Any]]] = [
            (label, owner, dict(vars(owner))) for label, owner in owners
        ]
        self._hooks = hooks
        self._hook_impls = hooks() if hooks is not None else {}
        self._modes = _modes()

    def changed(self) -> list[str]:
        """The watched names that changed since the snapshot, put back where possible.

        Returns:
            ``torch.nn.LSTM``, ``grader.plugin.classify``, ``sys.modules['torch.nn']``,
            ``pytest hook pytest_runtest_makereport``, ``a TorchFunctionMode
            (torch.overrides)``, ...; empty when nothing changed.
        """
        found: list[str] = []
        for label, module in self._modules.items():
            if sys.modules.get(label, module) is not module:
                found.append(f"sys.modules[{label!r}]")
                sys.modules[label] = module
        for label, owner, entries in self._namespaces:
            get = vars(owner).get
            # one comprehension per namespace: this runs after every check (about 6000 names)
            for key in [k for k, v in entries.items() if get(k, _GONE) is not v]:
                now, value = get(key, _GONE), entries[key]
                if now is not _GONE and _torch_wrapper(now, value):
                    entries[key] = now
                    continue
                found.append(f"{label}.{key}")
                _put_back(owner, key, value)
        if self._hooks is not None:
            now = self._hooks()
            found += [
                f"pytest hook {name}"
                for name in sorted(set(now) | set(self._hook_impls))
                if not _same(now.get(name, ()), self._hook_impls.get(name, ()))
            ]
        modes = _modes()
        found += [name for name, count in modes.items() if count != self._modes.get(name, 0)]
        return found


def _torch_wrapper(new: Any, original: Any) -> bool:
    """True when ``new`` is torch's own wrapper of ``original``: torch wraps some functions the
    first time they are used (an optimizer class's ``step`` on its first instance,
    ``torch.manual_seed`` when ``torch._dynamo`` loads), with ``functools.wraps`` and code in
    torch's package."""
    if getattr(new, "__wrapped__", None) is not original:
        return False
    code = getattr(new, "__code__", None)
    torch = sys.modules.get("torch")
    if code is None or torch is None or torch.__file__ is None:
        return False
    folder = os.path.dirname(os.path.realpath(torch.__file__)) + os.sep
    return bool(os.path.realpath(code.co_filename).startswith(folder))


def _same(a: Iterable[Any], b: Iterable[Any]) -> bool:
    first, second = list(a), list(b)
    return len(first) == len(second) and all(x is y for x, y in zip(first, second, strict=True))


def _put_back(owner: Any, key: str, value: Any) -> None:
    with contextlib.suppress(AttributeError, TypeError):
        setattr(owner, key, value)


def describe_changes(names: list[str]) -> str:
    """``your code replaced torch.nn.LSTM`` (``and 2 more`` when there are several)."""
    first = names[0]
    verb = "registered" if first.startswith("a ") else "replaced"
    more = f" and {len(names) - 1} more" if len(names) > 1 else ""
    return f"your code {verb} {first}{more}: the grader relies on it, so this check cannot count"
