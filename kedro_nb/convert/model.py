"""What the analysis of a notebook produces: nodes, setup definitions and issues (plain data).

Cell positions are kept 0-based (``cell_index``, the position in the notebook's ``cells``);
everything shown to a user counts cells from 1, as Jupyter users do (see :func:`cell_label`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from kedro_nb.convert.cells import cell_label
from kedro_nb.convert.scan import CellScan, Rewrite

__all__ = ["Issue", "NodeCell", "NotebookAnalysis", "SetupDefinition", "cell_label"]


@dataclass(frozen=True)
class Issue:
    """A warning about one cell: ``kind`` is ``mutation``, ``undefined``, ``hidden-state``,
    ``shared-state``, ``ipython``, ``catalog`` or ``syntax``."""

    kind: str
    cell_index: int
    line: int | None
    message: str
    node: str | None = None

    def __str__(self) -> str:
        where = cell_label(self.cell_index) + (f", line {self.line}" if self.line else "")
        who = f" (node {self.node!r})" if self.node else ""
        return f"{where}{who}: {self.kind}: {self.message}"


@dataclass
class NodeCell:
    """One node: what the pipeline needs (name, inputs, outputs, tags) and what codegen needs.

    ``inputs`` and ``outputs`` are dataset names; ``args`` (one per input) are the generated
    function's parameters and ``returns`` (one per output) the cell variables it returns. They
    differ from the dataset names when a name is rebound (``df`` returned as ``df__clean``).
    """

    name: str
    cell_index: int
    cell_id: str
    source: str
    scan: CellScan
    inputs: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    returns: list[str] = field(default_factory=list)
    #: dataset name -> the cell variable holding it, for inputs read as plain variables
    input_variables: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    pipeline: str | None = None
    doc: str | None = None
    body_start: int = 1
    globals_used: set[str] = field(default_factory=set)
    rewrites: list[Rewrite] = field(default_factory=list)
    explicit_inputs: bool = False
    explicit_outputs: bool = False
    #: upstream values the cell changes in place (``df["c"] = ...``, ``items.append(x)``):
    #: variable -> line of the first change; the node hands each on as a new value
    updates: dict[str, int] = field(default_factory=dict)

    @property
    def assigned(self) -> dict[str, int]:
        """Every name the node makes a new value of (assigned or updated) -> its first line."""
        return {**self.updates, **self.scan.binds}

    @property
    def output_variables(self) -> dict[str, str]:
        """Dataset name -> the cell variable it holds, for every output."""
        return dict(zip(self.outputs, self.returns, strict=True))


@dataclass
class SetupDefinition:
    """One top-level statement of a setup cell (an import, a ``def``/``class`` or a constant)."""

    cell_index: int
    statement: ast.stmt
    source: str
    binds: set[str]
    reads: dict[str, int]
    #: module-level names its functions change when called (``global``, ``cache[k] = v``)
    changes: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """What the statement defines, for messages (``bump``, ``calls``)."""
        return getattr(self.statement, "name", None) or ", ".join(sorted(self.binds))


@dataclass
class NotebookAnalysis:
    """Everything the rest of ``convert`` needs to know about one notebook."""

    name: str
    nodes: list[NodeCell]
    setup: list[SetupDefinition]
    setup_cells: list[int]
    issues: list[Issue]
    #: variable assigned by nodes -> the dataset name of each of its values, in notebook order
    values: dict[str, list[str]] = field(default_factory=dict)

    def is_superseded(self, dataset: str) -> bool:
        """True for the plain name of a variable that later nodes assign again (``df`` before
        ``df__clean``): declaring it in the catalog would hand the name to the last value."""
        later = self.values.get(dataset, [])
        return len(later) > 1 and later[0] == dataset

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
