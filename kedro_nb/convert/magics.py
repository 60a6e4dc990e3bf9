"""IPython syntax in cells: turn it into plain Python without moving any line.

Analysis and code generation need ``ast``; a cell with ``%time``, ``!ls`` or ``%%bash`` is not
Python. :func:`clean_ipython` comments such lines out (or keeps the statement after ``%time``) so
line numbers stay those of the cell, and reports every change.
"""

from __future__ import annotations

import ast
import re

_TIMING_MAGICS = re.compile(r"^(\s*)%(?:time|timeit|prun)\s+(?=\S)")
_MAGIC_LINE = re.compile(r"^(\s*)([%!]|\w+\s*=\s*[%!])")


_MAGIC_LINE = re.compile(r"^(\s*)([%!]|\w+\s*=\s*[%!])")


class IPythonSyntax(Exception):
    """Internal: a cell that is not Python even after magics are removed (line, message)."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def clean_ipython(source: str) -> tuple[str, ast.Module, list[tuple[int, str]]]:
    """Return ``(python_source, tree, notes)`` for a cell, keeping its line numbers.

    Plain Python is returned untouched. Otherwise line magics and shell escapes become comments,
    ``%time stmt`` keeps ``stmt``, a cell magic comments out its first line (``%%time``,
    ``%%capture``) or the whole cell (any other, e.g. ``%%bash``); IPython's own transformer is the
    last resort. Each change is reported in ``notes`` as ``(line, text)``.
    """
    try:
        return source, ast.parse(source), []
    except SyntaxError as first_error:
        error = first_error
    lines = source.split("\n")
    notes: list[tuple[int, str]] = []
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        keep_body = first.split()[0] in ("%%time", "%%timeit", "%%capture", "%%prun")
        stop = 1 if keep_body else len(lines)
        for number in range(stop):
            lines[number] = "# " + lines[number] if lines[number].strip() else lines[number]
        notes.append(
            (1, f"cell magic {first.split()[0]} removed" + ("" if keep_body else " with its body"))
        )
    for number, line in enumerate(lines, start=1):
        timing = _TIMING_MAGICS.match(line)
        if timing:
            lines[number - 1] = timing.group(1) + line[timing.end() :]
            notes.append((number, f"magic {line.strip().split()[0]} removed, statement kept"))
        elif _MAGIC_LINE.match(line):
            indent = len(line) - len(line.lstrip())
            lines[number - 1] = line[:indent] + "# " + line[indent:]
            notes.append((number, f"IPython line {line.strip()!r} commented out"))
    cleaned = "\n".join(lines)
    try:
        return cleaned, ast.parse(cleaned), notes
    except SyntaxError:
        pass
    from IPython.core.inputtransformer2 import TransformerManager

    transformed = TransformerManager().transform_cell(source)
    try:
        tree = ast.parse(transformed)
    except SyntaxError:
        raise IPythonSyntax(error.lineno, error.msg) from error
    return transformed, tree, [(1, "IPython syntax translated by IPython's transformer")]
