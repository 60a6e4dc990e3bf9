"""Generated code must run: every module a conversion would write is checked before writing.

The check is pyflakes (the checks behind ``ruff check --select F``), run in process on the
generated text. Findings that would fail when the code runs (an undefined name, a local read
before it is assigned, a broken format string, a syntax pyflakes rejects...) stop the
conversion: nothing is written. The other findings (an unused local, a redefinition, an
f-string without placeholders...) are harmless in a notebook cell and become warnings the
command prints. Each finding carries the ``ruff`` code of the same rule (:data:`RUFF_CODES`);
the tests compare them with ``ruff check --select F`` on the same files. A finding in a node
function is reported against the notebook cell it came from (cell index, line in the cell,
node, name), so the user fixes the notebook, not the generated file.
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
from kedro_nb.convert.model import Issue

if TYPE_CHECKING:
    from kedro_nb.convert.analysis import NodeCell
    from kedro_nb.convert.converter import Conversion


#: pyflakes message class -> the ruff rule reporting the same (``ruff check --select F``)
RUFF_CODES = {
    "UnusedImport": "F401", "ImportShadowedByLoopVar": "F402", "ImportStarUsed": "F403",
    "LateFutureImport": "F404", "ImportStarUsage": "F405", "ImportStarNotPermitted": "F406",
    "FutureFeatureNotDefined": "F407", "PercentFormatInvalidFormat": "F501",
    "PercentFormatExpectedMapping": "F502", "PercentFormatExpectedSequence": "F503",
    "PercentFormatExtraNamedArguments": "F504", "PercentFormatMissingArgument": "F505",
    "PercentFormatMixedPositionalAndNamed": "F506", "PercentFormatPositionalCountMismatch": "F507",
    "PercentFormatStarRequiresSequence": "F508", "PercentFormatUnsupportedFormatCharacter": "F509",
    "StringDotFormatInvalidFormat": "F521", "StringDotFormatExtraNamedArguments": "F522",
    "StringDotFormatExtraPositionalArguments": "F523", "StringDotFormatMissingArgument": "F524",
    "StringDotFormatMixingAutomatic": "F525", "FStringMissingPlaceholders": "F541",
    "MultiValueRepeatedKeyLiteral": "F601", "MultiValueRepeatedKeyVariable": "F602",
    "TooManyExpressionsInStarredAssignment": "F621", "TwoStarredExpressions": "F622",
    "AssertTuple": "F631", "IsLiteral": "F632", "InvalidPrintSyntax": "F633", "IfTuple": "F634",
    "BreakOutsideLoop": "F701", "ContinueOutsideLoop": "F702", "YieldOutsideFunction": "F704",
    "ReturnOutsideFunction": "F706", "DefaultExceptNotLast": "F707",
    "ForwardAnnotationSyntaxError": "F722", "RedefinedWhileUnused": "F811",
    "UndefinedName": "F821", "UndefinedExport": "F822", "UndefinedLocal": "F823",
    "UnusedIndirectAssignment": "F824", "UnusedVariable": "F841", "UnusedAnnotation": "F842",
    "RaiseNotImplemented": "F901",
}  # fmt: skip

#: rules whose finding fails when the line runs (NameError, UnboundLocalError, SyntaxError,
#: the format errors Python raises, ``raise NotImplemented``'s TypeError): these stop a
#: conversion; every other rule is a warning (an unused local in a cell is harmless)
FAILS_AT_RUN_TIME = frozenset(
    {
        "F404", "F406", "F407", "F501", "F502", "F503", "F505", "F506", "F507", "F508", "F509",
        "F521", "F524", "F525", "F621", "F622", "F633", "F701", "F702", "F704", "F706", "F707",
        "F821", "F822", "F823", "F901",
    }
)  # fmt: skip


#: the kind of the issues :func:`verify` adds: harmless findings of the generated code
LINT_KIND = "lint"


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
    #: the ruff rule of the same check (``F821``); ``F???`` for a pyflakes check ruff lacks
    code: str = "F???"

    @property
    def blocking(self) -> bool:
        """Whether the generated code would fail at run time (see :data:`FAILS_AT_RUN_TIME`);
        a pyflakes check without a known ruff rule blocks, to be safe."""
        return self.code in FAILS_AT_RUN_TIME or self.code not in RUFF_CODES.values()

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
            code = RUFF_CODES.get(type(message).__name__, "F???")
            function = next(
                (f for f in functions if f.node.lineno <= message.lineno <= f.node.end_lineno),
                None,
            )
            node = by_id.get(function.cell_id) if function else None
            if function is None or node is None:
                found.append(Finding(path, message.lineno, text_of, code=code))
                continue
            cell_line = _cell_line(node, function.node, message.lineno)
            hint = _analysis_hint(conversion, node, message.message_args)
            found.append(
                Finding(
                    path,
                    message.lineno,
                    text_of,
                    node.cell_index,
                    cell_line,
                    node.name,
                    hint,
                    code,
                )
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


def verify(conversion: Conversion) -> list[Finding]:
    """Raise :class:`UnrunnableCodeError` listing every finding of the generated code that
    would fail at run time; the harmless ones are returned, and those in a node's cell are
    added to ``conversion.issues`` (kind ``lint``) for the command to print as warnings."""
    found = findings(conversion)
    problems = [f for f in found if f.blocking]
    if problems:
        root = conversion.layout.root
        raise UnrunnableCodeError(
            f"Not converting {conversion.notebook.name}: the generated code would fail when "
            "it runs:\n"
            + "\n".join(f"  {p.describe(root)}" for p in problems)
            + "\nFix the cells: read only names that an earlier node produces, the catalog "
            "declares or a setup cell defines. Nothing was written."
        )
    harmless = [f for f in found if not f.blocking]
    known = {(i.kind, i.cell_index, i.line, i.message) for i in conversion.issues}
    for f in harmless:
        if f.cell_index is not None:
            issue = Issue(LINT_KIND, f.cell_index, f.cell_line, f"{f.message} ({f.code})", f.node)
            if (issue.kind, issue.cell_index, issue.line, issue.message) not in known:
                conversion.issues.append(issue)
    return harmless
