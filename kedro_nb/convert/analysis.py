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
import builtins
from collections.abc import Container
from dataclasses import dataclass, field

from kedro_nb.convert import cells as cellconv
from kedro_nb.convert.errors import (
    CellSyntaxError,
    DuplicateNodeError,
    DuplicateOutputError,
    ForwardReferenceError,
)
from kedro_nb.convert.magics import IPythonSyntax
from kedro_nb.convert.naming import identifier, leading_comment, markdown_doc, name_arguments
from kedro_nb.convert.naming import notebook_name as notebook_name
from kedro_nb.convert.scan import (
    ALL_PARAMETERS,
    PARAMS_NAME,
    CellScan,
    Rewrite,
    scan_cell,
    scan_statement,
)
from kedro_nb.shared import PARAMS_PREFIX

_BUILTINS = frozenset(dir(builtins)) | {"__name__", "__file__"}


@dataclass(frozen=True)
class Issue:
    """A warning about one cell: ``kind`` is ``mutation``, ``undefined``, ``hidden-state``,
    ``ipython``, ``catalog`` or ``syntax``."""

    kind: str
    cell_index: int
    line: int | None
    message: str
    node: str | None = None

    def __str__(self) -> str:
        where = f"cell {self.cell_index}" + (f", line {self.line}" if self.line else "")
        who = f" (node {self.node!r})" if self.node else ""
        return f"{where}{who}: {self.kind}: {self.message}"


@dataclass
class NodeCell:
    """One node: what the pipeline needs (name, inputs, outputs, tags) and what codegen needs."""

    name: str
    cell_index: int
    cell_id: str
    source: str
    scan: CellScan
    inputs: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    pipeline: str | None = None
    doc: str | None = None
    body_start: int = 1
    globals_used: set[str] = field(default_factory=set)
    rewrites: list[Rewrite] = field(default_factory=list)
    explicit_inputs: bool = False
    explicit_outputs: bool = False


@dataclass
class SetupDefinition:
    """One top-level statement of a setup cell (an import, a ``def``/``class`` or a constant)."""

    cell_index: int
    statement: ast.stmt
    source: str
    binds: set[str]
    reads: dict[str, int]


@dataclass
class NotebookAnalysis:
    """Everything the rest of ``convert`` needs to know about one notebook."""

    name: str
    nodes: list[NodeCell]
    setup: list[SetupDefinition]
    setup_cells: list[int]
    issues: list[Issue]

    def pipelines(self, default: str | None = None) -> dict[str, list[NodeCell]]:
        """Nodes by pipeline: metadata ``pipeline``, else ``default``, else the notebook name."""
        grouped: dict[str, list[NodeCell]] = {}
        for node in self.nodes:
            grouped.setdefault(node.pipeline or default or self.name, []).append(node)
        return grouped

    def setup_closure(self, names: set[str]) -> list[SetupDefinition]:
        """The setup statements defining ``names`` and everything they need, in notebook order."""
        wanted, todo = set(), list(names)
        while todo:
            name = todo.pop()
            if name in wanted:
                continue
            wanted.add(name)
            for definition in self.setup:
                if name in definition.binds:
                    todo.extend(definition.reads)
        return [d for d in self.setup if d.binds & wanted]


def _is_setup(tree: ast.Module) -> bool:
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
            try:
                ast.literal_eval(statement.value)
            except ValueError:
                return False
            return True
        return False

    return bool(tree.body) and all(ok(s) for s in tree.body)


def _scan(source: str, index: int, strict: bool) -> CellScan | Issue:
    try:
        return scan_cell(source)
    except IPythonSyntax as exc:
        if strict:
            raise CellSyntaxError(
                f"Syntax error in cell {index}, line {exc.line}: {exc.message}. "
                "Fix the cell (node cells must be Python; IPython magics are allowed).",
                cell_index=index,
                line=exc.line,
            ) from exc
        return Issue("syntax", index, exc.line, f"not Python ({exc.message}); cell ignored")


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
                    f"Node name {node_name!r} is used by cells {seen[node_name]} and {index}: "
                    "node names must be unique in a notebook. Rename one of the tags."
                )
            seen[node_name] = index
            scan = _scan(source, index, strict=True)
            assert isinstance(scan, CellScan)
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
        if not cellconv.is_skipped(cell) and _is_setup(scan.tree):
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
                    SetupDefinition(index, statement, "\n".join(lines), set(binds), dict(reads))
                )
        else:
            for bound in scan.binds:
                exploration_binds.setdefault(bound, index)
    analysis = NotebookAnalysis(name, nodes, setup, setup_cells, issues)
    _resolve(analysis, catalog, exploration_binds)
    return analysis


def _resolve(
    analysis: NotebookAnalysis, catalog: Container[str], exploration: dict[str, int]
) -> None:
    setup_names = {n for d in analysis.setup for n in d.binds}
    for node in analysis.nodes:
        if node.name in setup_names:
            raise DuplicateNodeError(
                f"Node name {node.name!r} (cell {node.cell_index}) is also bound by a setup cell: "
                "the generated module would define it twice. Rename the node tag."
            )
    producers: dict[str, NodeCell] = {}
    output_of: dict[str, NodeCell] = {}

    def add_output(producer: NodeCell, dataset: str, reader: NodeCell | None) -> None:
        if producer.explicit_outputs:
            return
        other = output_of.get(dataset)
        if other is not None and other is not producer:
            raise DuplicateOutputError(
                f"Nodes {other.name!r} (cell {other.cell_index}) and {producer.name!r} "
                f"(cell {producer.cell_index}) both produce {dataset!r}"
                + (f", read by node {reader.name!r}" if reader else "")
                + ": a dataset has one producer. Give one of the results another name."
            )
        output_of[dataset] = producer
        if dataset not in producer.outputs:
            producer.outputs.append(dataset)

    for position, node in enumerate(analysis.nodes):
        scan, explicit_inputs = node.scan, node.explicit_inputs
        inferred: list[str] = []
        for name, line in scan.reads.items():
            if name in producers:
                inferred.append(name)
                add_output(producers[name], name, node)
            elif name in setup_names:
                node.globals_used.add(name)
            elif name in catalog:
                inferred.append(name)
            elif name in _BUILTINS:
                continue
            elif any(name in later.scan.binds for later in analysis.nodes[position + 1 :]):
                later = next(n for n in analysis.nodes[position + 1 :] if name in n.scan.binds)
                raise ForwardReferenceError(
                    f"Node {node.name!r} (cell {node.cell_index}, line {line}) reads {name!r}, "
                    f"which the later node {later.name!r} (cell {later.cell_index}) produces. "
                    "Move the producing cell above, or declare the dataset in the catalog."
                )
            elif name in exploration:
                analysis.issues.append(
                    Issue(
                        "hidden-state",
                        node.cell_index,
                        line,
                        f"reads {name!r}, defined only in exploration cell {exploration[name]}: "
                        "tag that cell as a node, move it to setup or declare it in the catalog",
                        node.name,
                    )
                )
            else:
                analysis.issues.append(
                    Issue(
                        "undefined", node.cell_index, line, f"{name!r} is never defined", node.name
                    )
                )
        inferred += list(scan.catalog_loads)
        inferred += [PARAMS_PREFIX + key for key in scan.param_refs]
        if scan.uses_all_params:
            inferred.append(ALL_PARAMETERS)
        if not explicit_inputs:
            node.inputs = list(dict.fromkeys(inferred))
        node.globals_used |= {n for n in node.scan.reads if n in setup_names and n not in producers}
        for name in node.scan.binds:
            if name in catalog and name not in node.inputs:
                add_output(node, name, None)
        for dataset, *_ in scan.catalog_saves:
            add_output(node, dataset, None)
        for name in node.scan.binds:
            producers[name] = node
    for node in analysis.nodes:
        if not node.outputs and not node.explicit_outputs:
            terminal = [n for n in node.scan.binds if n not in node.inputs and n not in setup_names]
            if terminal:  # a node nobody reads still hands back its result (a free output)
                last = max(terminal, key=lambda n: node.scan.binds[n])
                add_output(node, last, None)
        if not node.explicit_outputs:  # canonical order: where the cell binds / saves them
            saved = {dataset: line for dataset, _, _, line in node.scan.catalog_saves}
            node.outputs.sort(key=lambda o: (node.scan.binds.get(o) or saved.get(o, 0), o))
        clash = sorted(set(node.inputs) & set(node.outputs))
        if clash:
            raise DuplicateOutputError(
                f"Node {node.name!r} (cell {node.cell_index}) both reads and produces {clash}: a "
                "dataset is written once. Bind the result to a new name (e.g. "
                f"{clash[0]}_clean = ...)."
            )
        name_arguments(node, setup_names)
        saved = {dataset for dataset, *_ in node.scan.catalog_saves}
        for output in node.outputs if node.explicit_outputs else ():
            if identifier(output) not in node.scan.binds and output not in saved:
                analysis.issues.append(
                    Issue(
                        "undefined",
                        node.cell_index,
                        None,
                        f"metadata output {output!r} is never assigned by the cell",
                        node.name,
                    )
                )
        for name, line, kind in node.scan.mutations:
            if name in node.inputs:
                analysis.issues.append(
                    Issue(
                        "mutation",
                        node.cell_index,
                        line,
                        f"changes its input {name!r} in place ({kind}); copy it first "
                        f"({name} = {name}.copy()) so reruns and other readers see the original",
                        node.name,
                    )
                )
    _check_setup(analysis, setup_names, exploration, set(producers))
    analysis.issues.sort(key=lambda i: (i.cell_index, i.line or 0, i.kind))


def _check_setup(
    analysis: NotebookAnalysis, setup_names: set[str], exploration: dict[str, int], nodes: set[str]
) -> None:
    """Setup code the nodes use may only read setup names: anything else is state it leans on."""
    used = set().union(*(n.globals_used for n in analysis.nodes)) if analysis.nodes else set()
    for definition in analysis.setup_closure(used):
        for name, line in definition.reads.items():
            if name in setup_names or name in _BUILTINS or name == PARAMS_NAME:
                continue
            if name in exploration or name in nodes:
                where = f"exploration cell {exploration[name]}" if name in exploration else "a node"
                text = f"setup code reads {name!r}, bound only by {where}; pass it as an argument"
                analysis.issues.append(Issue("hidden-state", definition.cell_index, line, text))
            else:
                text = f"setup code reads {name!r}, which is never defined"
                analysis.issues.append(Issue("undefined", definition.cell_index, line, text))
