"""Generated code must run: every module a conversion would write is checked before writing.

The check is pyflakes (the checks behind ``ruff check --select F``: undefined names, unused
locals and imports, redefinitions, ...), run in process on the generated text. A finding in a
node function is reported against the notebook cell it came from (cell index, line in the cell,
node, name), so the user fixes the notebook, not the generated file; nothing is written.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kedro_nb.convert.cells import cell_label
from kedro_nb.convert.errors import UnrunnableCodeError
from kedro_nb.convert.generated import functions_in

if TYPE_CHECKING:
    from kedro_nb.convert.analysis import NodeCell
    from kedro_nb.convert.converter import Conversion


@dataclass(frozen=True)
class Finding:
    """One problem of the generated code, traced back to its cell where it lies in a node."""

    path: Path
    line: int
    message: str
    cell_index: int | None = None
    cell_line: int | None = None
    node: str | None = None
    #: the analysis' advice about the same name (``: defined only in exploration cell 3 ...``)
    hint: str = ""

    def describe(self, root: Path) -> str:
        shown = Path(os.path.relpath(self.path, root)).as_posix()
        if self.cell_index is None:
            return f"{shown}, line {self.line}: {self.message}"
        where = cell_label(self.cell_index) + (f", line {self.cell_line}" if self.cell_line else "")
        return (
            f"{where} (node {self.node!r}): {self.message}{self.hint} ({shown}, line {self.line})"
        )


def _cell_line(node: NodeCell, function: ast.FunctionDef, line: int) -> int | None:
    """The line of ``node``'s cell that generated line ``line`` of ``function``."""
    body = function.body
    docstring = body[0] if body and isinstance(body[0], ast.Expr) else None
    first = (docstring.end_lineno or docstring.lineno) + 1 if docstring else function.lineno + 1
    cell_lines = node.scan.source.split("\n")
    start = node.body_start
    while start <= len(cell_lines) and not cell_lines[start - 1].strip():
        start += 1
    cell_line = line - first + start
    return cell_line if start <= cell_line <= len(cell_lines) else None


def findings(conversion: Conversion) -> list[Finding]:
    """Every pyflakes finding in the conversion's generated sources."""
    from pyflakes.checker import Checker

    by_id = {n.cell_id: n for nodes in conversion.groups.values() for n in nodes}
    found: list[Finding] = []
    for path, text in sorted(conversion.sources.items()):
        tree = ast.parse(text, filename=str(path))
        functions = functions_in(text) if path.name == "nodes.py" else []
        for message in sorted(Checker(tree, filename=str(path)).messages, key=lambda m: m.lineno):
            text_of = message.message % message.message_args
            function = next(
                (f for f in functions if f.node.lineno <= message.lineno <= f.node.end_lineno),
                None,
            )
            node = by_id.get(function.cell_id) if function else None
            if function is None or node is None:
                found.append(Finding(path, message.lineno, text_of))
                continue
            cell_line = _cell_line(node, function.node, message.lineno)
            hint = _analysis_hint(conversion, node, message.message_args)
            found.append(
                Finding(path, message.lineno, text_of, node.cell_index, cell_line, node.name, hint)
            )
    return found


def _analysis_hint(conversion: Conversion, node: NodeCell, args: tuple[object, ...]) -> str:
    """The analysis' advice about the same name in the same cell (``: defined only in ...``)."""
    name = args[0] if args else None
    hint = ""
    for issue in conversion.issues:
        if issue.cell_index == node.cell_index and f"{name!r}" in issue.message:
            hint = f": {issue.message}"
            break
    beside = conversion.notebook.parent
    if conversion.layout.is_project and isinstance(name, str):
        from kedro_nb.convert.catalog import DeclaredDatasets, catalog_files

        if name in DeclaredDatasets.from_files(catalog_files([beside], recursive=False)):
            hint += (
                f"; {name!r} is declared in a catalog file beside the notebook, which a project "
                "does not read: move the entry to conf/base/catalog.yml"
            )
    return hint


def verify(conversion: Conversion) -> None:
    """Raise :class:`UnrunnableCodeError` listing every finding of the generated code."""
    problems = findings(conversion)
    if not problems:
        return
    root = conversion.layout.root
    raise UnrunnableCodeError(
        f"Not converting {conversion.notebook.name}: the generated code would not run or "
        "would fail `ruff check --select F`:\n"
        + "\n".join(f"  {p.describe(root)}" for p in problems)
        + "\nFix the cells: read only names that an earlier node produces, the catalog "
        "declares or a setup cell defines, and use every name a cell assigns (or delete it). "
        "Nothing was written."
    )
