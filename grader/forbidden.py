"""Static check that a submission does not call APIs the assignment forbids.

The submission's source is parsed (never run) and every import, dotted name, ``getattr(x, "...")``
and ``importlib.import_module("...")`` / ``__import__("...")`` is resolved through the file's own
import aliases, so ``from torch import nn; nn.LSTM`` is seen as ``torch.nn.LSTM``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass


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
            forbids ``torchvision.models.resnet18``).

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
            if full == name or full.startswith(name + "."):
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
