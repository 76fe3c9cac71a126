"""Keeping a submission off the APIs its assignment forbids, statically and at run time.

Static (:func:`find_forbidden`): the submission's source is parsed (never run) and every import,
dotted name, ``getattr(x, "...")`` and ``importlib.import_module("...")`` / ``__import__("...")``
is resolved through the file's own import aliases, so ``from torch import nn; nn.LSTM`` is seen
as ``torch.nn.LSTM``. Names built at run time or reached through ``from m import *`` slip past it.

At run time (:func:`guard_calls`): named functions, typically the kernels a forbidden module
runs (``torch._VF.lstm`` is what ``nn.LSTM`` calls), are replaced by wrappers that raise
:class:`ForbiddenCall` when the student's file is on the call stack, however the call was
reached. The suite's own reference computations call them freely.
"""

from __future__ import annotations

import ast
import functools
import importlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One use of a forbidden API.

    Attributes:
        forbidden: The forbidden name it matched, e.g. ``torch.nn.LSTM``.
        used: The full name the code reaches, e.g. ``torch.nn.LSTM.__init__``.
        line: 1-based line number in the submission.
    """

    forbidden: str
    used: str
    line: int


def find_forbidden(source: str, forbidden: Iterable[str]) -> list[Finding]:
    """Every use of a forbidden dotted name in ``source``, in line order, one per line and name.

    Args:
        source: Python source of the submission.
        forbidden: Dotted names; a name also forbids everything under it (``torchvision``
            forbids ``torchvision.models.resnet18``). ``*`` and ``?`` match within one part
            (``torch.nn.RNN*`` forbids ``torch.nn.RNNCell`` but not ``torch.nn.Linear``).

    Raises:
        SyntaxError: ``source`` is not valid Python.
    """
    names = tuple(forbidden)
    if not names:
        return []
    tree = ast.parse(source)
    aliases = _aliases(tree)
    found: dict[tuple[int, str], Finding] = {}

    def check(full: str | None, line: int) -> None:
        if full is None:
            return
        for name in names:
            if matches(full, name):
                found.setdefault((line, name), Finding(name, full, line))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                check(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                check(f"{node.module}.{alias.name}", node.lineno)
        elif isinstance(node, (ast.Attribute, ast.Name)):
            check(_resolve(node, aliases), node.lineno)
        elif isinstance(node, ast.Call):
            check(_dynamic(node, aliases), node.lineno)
    return sorted(found.values(), key=lambda f: (f.line, f.forbidden))


def matches(full: str, pattern: str) -> bool:
    """True when dotted ``full`` is ``pattern`` or lies under it (``fnmatch`` per name part).

    >>> matches("torch.nn.RNNCell.forward", "torch.nn.RNN*"), matches("torch.nn", "torch.nn.RNN*")
    (True, False)
    """
    parts = full.split(".")
    depth = pattern.count(".") + 1
    return len(parts) >= depth and fnmatchcase(".".join(parts[:depth]), pattern)


def _aliases(tree: ast.AST) -> dict[str, str]:
    table: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    table[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    table[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                table[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return table


def _resolve(node: ast.expr, aliases: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])


def _dynamic(call: ast.Call, aliases: dict[str, str]) -> str | None:
    """``getattr(x, "A")``, ``importlib.import_module("m")`` and ``__import__("m")``."""
    args = call.args
    const = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    func = call.func
    if isinstance(func, ast.Name) and func.id == "getattr" and len(args) >= 2 and const:
        base = _resolve(args[0], aliases)
        return f"{base}.{const[0]}" if base else None
    target = _resolve(func, aliases)
    is_import = (isinstance(func, ast.Name) and func.id == "__import__") or target in (
        "importlib.import_module",
    )
    return const[0] if is_import and const else None


class ForbiddenCall(Exception):
    """The submission reached a function its assignment forbids (raised inside its call)."""

    def __init__(self, name: str, reason: str = "") -> None:
        self.name = name
        self.reason = reason
        because = f" ({reason})" if reason else ""
        super().__init__(
            f"your code called {name}{because}, which this assignment forbids: "
            "write the computation yourself"
        )


def resolve(dotted: str) -> tuple[Any, str]:
    """The object holding the last attribute of ``dotted`` and that attribute's name.

    ``resolve("torch._VF.lstm")`` is ``(<module torch._VF>, "lstm")``: the longest importable
    module prefix, then attributes.

    Raises:
        ValueError: no prefix of ``dotted`` is an importable module, or an attribute on the way
            (or the last one) does not exist.
    """
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:-1]:
            if not hasattr(owner, attr):
                raise ValueError(f"{dotted}: {'.'.join(parts[:cut])} has no attribute {attr}")
            owner = getattr(owner, attr)
        if not hasattr(owner, parts[-1]):
            raise ValueError(f"{dotted}: no such function")
        return owner, parts[-1]
    raise ValueError(f"{dotted}: no prefix is an importable module")


@functools.lru_cache(maxsize=4096)
def _realpath(filename: str) -> str:
    return os.path.realpath(filename)


def _reached_from(filename: str, frame: Any) -> bool:
    while frame is not None:
        if _realpath(frame.f_code.co_filename) == filename:
            return True
        frame = frame.f_back
    return False


@contextmanager
def guard_calls(
    calls: dict[str, str], submission: os.PathLike[str] | str, missing_ok: bool = False
) -> Iterator[None]:
    """Make the functions in ``calls`` raise :class:`ForbiddenCall` when called from ``submission``.

    Each name is replaced on the object that holds it (a module or class) for the duration;
    calls whose stack does not include the submission's file go through unchanged. On exit the
    original attributes are put back (or removed, where they came from ``__getattr__``).

    Args:
        calls: Dotted function name to the reason shown to the student, e.g.
            ``{"torch._VF.lstm": "what torch.nn.LSTM runs"}``.
        submission: Path of the student's file.
        missing_ok: Leave out names that do not resolve (a function this torch version lacks
            cannot be reached) instead of raising.

    Raises:
        ValueError: a name does not resolve to an existing attribute (see :func:`resolve`) and
            ``missing_ok`` is false.
    """
    filename = os.path.realpath(submission)
    patched: list[tuple[Any, str, Any, bool]] = []
    try:
        for dotted, reason in calls.items():
            try:
                owner, attr = resolve(dotted)
            except ValueError:
                if missing_ok:
                    continue
                raise
            original = getattr(owner, attr)
            own = attr in getattr(owner, "__dict__", {})
            setattr(owner, attr, _guarded(original, dotted, reason, filename))
            patched.append((owner, attr, original, own))
        yield
    finally:
        for owner, attr, original, own in reversed(patched):
            if own:
                setattr(owner, attr, original)
            else:
                delattr(owner, attr)


def _guarded(
    original: Callable[..., Any], dotted: str, reason: str, filename: str
) -> Callable[..., Any]:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if _reached_from(filename, sys._getframe(1)):
            raise ForbiddenCall(dotted, reason)
        return original(*args, **kwargs)

    guarded.__name__ = getattr(original, "__name__", dotted.rsplit(".", 1)[-1])
    guarded.__doc__ = getattr(original, "__doc__", None)
    return guarded
