"""Turn a notebook's cells into node specifications: inputs, outputs, setup code and warnings.

Rules (see ``cells`` for how a cell becomes a node):

- a node's **inputs** are the names it reads before binding them that an earlier node binds or the
  catalog declares; ``params["a"]["b"]`` / ``params.a.b`` become ``params:a.b``, bare ``params``
  becomes ``parameters``, ``catalog.load("x")`` becomes ``x``;
- a node's **outputs** are the names it binds that a later node reads, or that the catalog declares
  (``catalog.save("y", v)`` declares ``y``); a node with none of those returns the name it binds
  last (a free output of the pipeline, as Kedro returns them from a run);
- untagged cells made only of imports, ``def``/``class``, literal constants and UPPER_CASE
  constants (``TOKEN = re.compile(...)``) are **setup**: their
  names are globals of the node functions, never inputs; other untagged cells are **exploration**;
- a node reading a name that only exploration binds gets a ``hidden-state`` issue, a name bound
  nowhere an ``undefined`` issue, changing an input in place a ``mutation`` issue.
"""

from __future__ import annotations

import ast
from collections.abc import Container

from kedro_nb.convert import cells as cellconv
from kedro_nb.convert.dataflow import resolve_dataflow
from kedro_nb.convert.errors import CellSyntaxError, DuplicateNodeError, IPythonOnlyError
from kedro_nb.convert.magics import IPythonSyntax
from kedro_nb.convert.model import (
    Issue,
    NodeCell,
    NotebookAnalysis,
    SetupDefinition,
    cell_label,
)
from kedro_nb.convert.naming import identifier as identifier
from kedro_nb.convert.naming import leading_comment, markdown_doc
from kedro_nb.convert.naming import notebook_name as notebook_name
from kedro_nb.convert.scan import (
    CellScan,
    declared_globals,
    module_state_changes,
    scan_cell,
    scan_statement,
)

__all__ = ["Issue", "NodeCell", "NotebookAnalysis", "SetupDefinition", "analyze_notebook"]


def _first_not_setup(tree: ast.Module) -> ast.stmt | None:
    """The first statement of the cell a setup cell may not hold (None: all may)."""
    # module state of the cell's own helpers: names its functions read or declare global
    helper_state: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            helper_state.update(scan_statement(statement)[0], declared_globals(statement))

    def ok(statement: ast.stmt) -> bool:
        if isinstance(
            statement, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            return True
        if isinstance(statement, ast.ClassDef):
            return True
        if isinstance(statement, ast.Expr):
            return isinstance(statement.value, ast.Constant)
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if not all(isinstance(t, ast.Name) for t in targets):
                return False
            if all(t.id.isupper() for t in targets):  # type: ignore[attr-defined]
                return True  # PEP 8 constant, e.g. TOKEN = re.compile(...)
            if all(t.id in helper_state for t in targets):  # type: ignore[attr-defined]
                return True  # state of a helper defined here, e.g. counts = Counter()
            try:
                ast.literal_eval(statement.value)
            except ValueError:
                return False
            return True
        return False

    return next((s for s in tree.body if not ok(s)), None)


def _is_setup(tree: ast.Module) -> bool:
    return bool(tree.body) and _first_not_setup(tree) is None


def _setup_blocker(tree: ast.Module) -> int | None:
    """The line of the first statement that keeps a would-be setup cell (one with an import,
    ``def`` or ``class``) from being setup, e.g. ``pd.set_option(...)`` beside the imports;
    None for a cell with nothing setup-like, or a setup cell."""
    definitions = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    if not any(isinstance(statement, definitions) for statement in tree.body):
        return None
    blocker = _first_not_setup(tree)
    return None if blocker is None else blocker.lineno


def _scan(source: str, index: int, strict: bool) -> CellScan | Issue:
    try:
        return scan_cell(source)
    except IPythonSyntax as exc:
        if strict:
            raise CellSyntaxError(
                f"Syntax error in {cell_label(index)}, line {exc.line}: {exc.message}. "
                "Fix the cell (node cells must be Python; IPython magics are allowed).",
                cell_index=index,
                line=exc.line,
            ) from exc
        return Issue("syntax", index, exc.line, f"not Python ({exc.message}); cell ignored")


def _refuse_ipython_only(scan: CellScan, index: int, node_name: str) -> None:
    """A node cell runs without IPython too: IPython-only lines make it unrunnable there."""
    if not scan.untranslatable:
        return
    first = scan.untranslatable[0]
    others = len(scan.untranslatable) - 1
    more = f" (and {others} more line{'s' if others > 1 else ''} like it)" if others else ""
    raise IPythonOnlyError(
        f"Node {node_name!r} ({cell_label(index)}, line {first.line}): {first.text!r} "
        f"cannot run without IPython: {first.reason}{more}. A node also runs as generated "
        f"source, under `kedro-nb run` and in worker processes; {first.advice()}.",
        cell_index=index,
        line=first.line,
    )


def analyze_notebook(
    nb: cellconv.Notebook, *, name: str = "notebook", catalog: Container[str] = ()
) -> NotebookAnalysis:
    """Analyse a notebook dict; ``catalog`` holds the dataset names the catalog declares.

    Raises a :class:`~kedro_nb.convert.errors.ConvertError` subclass for duplicate node names,
    invalid tags or metadata, syntax errors in node cells, two producers of one output and reads of
    a later node's output. Warnings are returned in ``issues``.
    """
    issues: list[Issue] = []
    nodes: list[NodeCell] = []
    setup: list[SetupDefinition] = []
    setup_cells: list[int] = []
    exploration_binds: dict[str, int] = {}
    not_setup: dict[int, int] = {}  # would-be setup cell -> the line that keeps it exploration
    seen: dict[str, int] = {}
    raw_cells = nb.get("cells", [])
    for index, cell in enumerate(raw_cells):
        if cell.get("cell_type") != "code":
            continue
        source = cellconv.cell_source(cell)
        node_name = cellconv.node_name(cell, index=index)
        if node_name is not None and not cellconv.is_skipped(cell):
            if node_name in seen:
                raise DuplicateNodeError(
                    f"Node name {node_name!r} is used by cells {seen[node_name] + 1} and "
                    f"{index + 1}: "
                    "node names must be unique in a notebook. Rename one of the tags."
                )
            seen[node_name] = index
            scan = _scan(source, index, strict=True)
            assert isinstance(scan, CellScan)
            _refuse_ipython_only(scan, index, node_name)
            meta = cellconv.node_metadata(cell, index=index)
            doc, body_start = leading_comment(source)
            if doc is None and index and raw_cells[index - 1].get("cell_type") == "markdown":
                doc = markdown_doc(raw_cells[index - 1])
            node = NodeCell(
                node_name,
                index,
                cellconv.cell_id(cell, index),
                source,
                scan,
                tags=list(meta.tags),
                pipeline=meta.pipeline,
                doc=doc,
                body_start=body_start,
            )
            node.inputs = list(meta.inputs) if meta.inputs is not None else []
            node.outputs = list(meta.outputs) if meta.outputs is not None else []
            node.explicit_inputs = meta.inputs is not None
            node.explicit_outputs = meta.outputs is not None
            nodes.append(node)
            issues.extend(
                Issue("ipython", index, line, text, node_name) for line, text in scan.notes
            )
            issues.extend(
                Issue("catalog", index, line, text, node_name) for line, text in scan.catalog_notes
            )
            continue
        scan = _scan(source, index, strict=False)
        if isinstance(scan, Issue):
            issues.append(scan)
            continue
        issues.extend(
            Issue("ipython", index, u.line, f"{u.text!r} left out: {u.reason}")
            for u in scan.untranslatable
        )
        if not cellconv.is_skipped(cell) and not scan.shows_values and _is_setup(scan.tree):
            setup_cells.append(index)
            for statement in scan.tree.body:
                if isinstance(statement, ast.Expr):
                    continue
                reads, binds = scan_statement(statement)
                first = statement.lineno
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    first = min([first] + [d.lineno for d in statement.decorator_list])
                lines = scan.source.split("\n")[first - 1 : statement.end_lineno]
                setup.append(
                    SetupDefinition(
                        index,
                        statement,
                        "\n".join(lines),
                        set(binds) | set(declared_globals(statement)),
                        dict(reads),
                        module_state_changes(statement),
                    )
                )
        else:
            for bound in scan.binds:
                exploration_binds.setdefault(bound, index)
            blocker = _setup_blocker(scan.tree)
            if blocker is not None:
                not_setup[index] = blocker
    analysis = NotebookAnalysis(name, nodes, setup, setup_cells, issues)
    resolve_dataflow(analysis, catalog, exploration_binds, not_setup)
    return analysis
