"""Which value of each name every node reads and produces: rebinding made explicit.

A notebook run top to bottom rebinds names freely (``df = df.dropna()``); a pipeline needs one
dataset per value. Each node cell that assigns a name at its top level makes a new **value** of
it, and a node reading a name it has not assigned itself reads the value of the nearest node
above that assigned it: exactly what a top-to-bottom run hands it.

Dataset names of the values of a name ``x``, assigned by nodes ``a``, ``b``, ``c`` in that order:

- ``x`` for the first (``a``), ``x__b`` and ``x__c`` for the later ones: the suffix is ``__`` and
  the name of the node that made the value;
- if the catalog declares ``x``, the **last** value (``c``, what a top-to-bottom run leaves in
  ``x``) is ``x`` and is always an output, the earlier ones ``x__a``, ``x__b``; if the catalog's
  ``x`` is also read before any node assigns it (raw data), it stays an input and every value
  carries the suffix;
- names given explicitly (metadata ``outputs``, ``catalog.save("x", ...)``) are never renamed: an
  inferred value whose plain name one of them takes carries the suffix;
- a suffixed name that the notebook already uses gets ``_2``, ``_3``, ... appended.

Only values some later node reads, the catalog's final value and a node's free output become
outputs. Generated functions keep the cell's own variable names: ``def clean(df): ...; return df``
with input ``df`` and output ``df__clean``; the renaming lives in the node's inputs and outputs.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Container

from kedro_nb.convert.errors import (
    DuplicateNodeError,
    DuplicateOutputError,
    ForwardReferenceError,
)
from kedro_nb.convert.model import Issue, NodeCell, NotebookAnalysis, cell_label
from kedro_nb.convert.naming import identifier, name_arguments
from kedro_nb.convert.scan import (
    ALL_PARAMETERS,
    DEFINITIONS,
    PARAMS_NAME,
    declared_globals,
    module_state_changes,
)
from kedro_nb.shared import PARAMS_PREFIX

BUILTIN_NAMES = frozenset(dir(builtins)) | {"__name__", "__file__"}
#: between a rebound name and the node that made the value: ``df__clean``
SUFFIX_SEPARATOR = "__"

_Value = tuple[str, str]  # (variable, name of the node that assigned it)


def versioned_name(variable: str, node: str) -> str:
    """The dataset name of the value of ``variable`` that node ``node`` made (before clashes)."""
    return f"{variable}{SUFFIX_SEPARATOR}{node}"


def _where(node: NodeCell, line: int | None = None) -> str:
    return f"{cell_label(node.cell_index)}" + (f", line {line}" if line else "")


class _Flow:
    """One pass over the nodes in notebook order, then the naming of every value."""

    def __init__(
        self,
        analysis: NotebookAnalysis,
        catalog: Container[str],
        exploration: dict[str, int],
        not_setup: dict[int, int] | None = None,
    ) -> None:
        self.analysis = analysis
        self.catalog = catalog
        self.exploration = exploration
        self.not_setup = not_setup or {}
        self.setup_names = {n for d in analysis.setup for n in d.binds}
        #: variable -> the inferred nodes assigning it, in notebook order
        self.assigners: dict[str, list[NodeCell]] = {}
        #: catalog names some node reads before any node assigns them (they stay inputs)
        self.external: set[str] = set()
        #: explicit dataset name (metadata outputs, catalog.save) -> its node
        self.reserved: dict[str, NodeCell] = {}
        #: per node, in read order: (variable, value it reads) or (variable, dataset name)
        self.reads: dict[str, list[tuple[str, _Value | str]]] = {}

    # -- pass 1: what each read sees -------------------------------------------------------------
    def reserve(self) -> None:
        for node in self.analysis.nodes:
            if node.name in self.setup_names:
                raise DuplicateNodeError(
                    f"Node name {node.name!r} ({_where(node)}) is also bound by a setup cell: "
                    "the generated module would define it twice. Rename the node tag."
                )
            explicit = (
                list(node.outputs)
                if node.explicit_outputs
                else [d for d, *_ in node.scan.catalog_saves]
            )
            for dataset in dict.fromkeys(explicit):
                other = self.reserved.get(dataset)
                if other is not None and other is not node:
                    raise DuplicateOutputError(
                        f"Nodes {other.name!r} ({_where(other)}) and {node.name!r} "
                        f"({_where(node)}) both name their output {dataset!r} (metadata outputs "
                        "or catalog.save): a dataset has one producer. Rename one of them."
                    )
                self.reserved[dataset] = node

    def trace(self) -> None:
        """Resolve every read to the value a top-to-bottom run gives it."""
        latest: dict[str, tuple[NodeCell, str | None]] = {}  # variable -> (node, explicit name)
        nodes = self.analysis.nodes
        for position, node in enumerate(nodes):
            seen: list[tuple[str, _Value | str]] = []
            for name, line in node.scan.reads.items():
                source = latest.get(name)
                if source is not None:
                    producer, dataset = source
                    if not producer.explicit_outputs:
                        seen.append((name, (name, producer.name)))
                    elif dataset is not None:
                        seen.append((name, dataset))
                    else:
                        self._issue(
                            "undefined",
                            node,
                            line,
                            f"reads {name!r}, which node {producer.name!r} ({_where(producer)}) "
                            "assigns but leaves out of its metadata 'outputs': add it there",
                        )
                elif name in self.setup_names:
                    node.globals_used.add(name)
                elif name in self.catalog:
                    self.external.add(name)
                    seen.append((name, name))
                elif name in BUILTIN_NAMES:
                    continue
                elif not (node.explicit_inputs and name in node.inputs):
                    self._unbound(node, name, line, nodes[position + 1 :])
            for name in node.scan.soft_reads:
                source = latest.get(name)
                if source is not None and not source[0].explicit_outputs:
                    seen.append((name, (name, source[0].name)))
                elif source is not None and source[1] is not None:
                    seen.append((name, source[1]))
            self.reads[node.name] = seen
            if not (node.explicit_outputs or node.explicit_inputs):
                read = {variable for variable, _ in seen}
                for name, line, _kind in node.scan.mutations:
                    if name in read and name not in node.updates:
                        node.updates[name] = line
            if node.explicit_outputs:
                named = {identifier(o): o for o in node.outputs}
                for name in node.scan.binds:
                    latest[name] = (node, named.get(name))
                for name, dataset in named.items():
                    latest[name] = (node, dataset)
            else:
                for name in node.assigned:
                    self.assigners.setdefault(name, []).append(node)
                    latest[name] = (node, None)

    def _unbound(self, node: NodeCell, name: str, line: int, later: list[NodeCell]) -> None:
        producer = next((n for n in later if name in n.scan.binds), None)
        # an exploration cell above the node binds the name first: top to bottom, that is the
        # value the node reads, so the advice is about hidden state, not about the later node
        explored_above = self.exploration.get(name, node.cell_index) < node.cell_index
        if producer is not None and not explored_above:
            raise ForwardReferenceError(
                f"Node {node.name!r} ({_where(node, line)}) reads {name!r}, which the later "
                f"node {producer.name!r} ({_where(producer)}) produces. Move the producing cell "
                "above, or declare the dataset in the catalog."
            )
        if name in self.exploration and self.exploration[name] in self.not_setup:
            cell = self.exploration[name]
            self._issue(
                "hidden-state",
                node,
                line,
                f"reads {name!r}, defined only in exploration {cell_label(cell)}, which "
                f"line {self.not_setup[cell]} keeps from being a setup cell (setup cells hold "
                "only imports, def/class and constants): move that line to a cell of its own",
            )
        elif name in self.exploration:
            self._issue(
                "hidden-state",
                node,
                line,
                f"reads {name!r}, defined only in exploration "
                f"{cell_label(self.exploration[name])}: tag that cell as a node, move it to "
                "setup or declare it in the catalog",
            )
        else:
            self._issue("undefined", node, line, f"{name!r} is never defined")

    def _issue(self, kind: str, node: NodeCell, line: int | None, text: str) -> None:
        self.analysis.issues.append(Issue(kind, node.cell_index, line, text, node.name))

    # -- pass 2: dataset names -------------------------------------------------------------------
    def names(self) -> dict[_Value, str]:
        natural = {
            versioned_name(variable, node.name)
            for variable, assigners in self.assigners.items()
            for node in assigners
        }
        taken = set(self.reserved) | self.setup_names
        for node in self.analysis.nodes:
            taken |= set(node.scan.binds) | set(node.scan.reads)
            # an explicit input naming a value (``df__clean``) refers to it; others are taken
            taken |= set(node.inputs) - natural if node.explicit_inputs else set(node.inputs)
        named: dict[_Value, str] = {}
        for variable, assigners in self.assigners.items():
            if variable in self.reserved or variable in self.external:
                plain = None
            elif variable in self.catalog:
                plain = assigners[-1]
            else:
                plain = assigners[0]
            for node in assigners:
                if node is plain:
                    named[(variable, node.name)] = variable
                    continue
                base = candidate = versioned_name(variable, node.name)
                number = 1
                while candidate in taken:
                    number += 1
                    candidate = f"{base}_{number}"
                taken.add(candidate)
                named[(variable, node.name)] = candidate
            self.analysis.values[variable] = [named[(variable, n.name)] for n in assigners]
        return named

    # -- pass 3: inputs and outputs of every node ------------------------------------------------
    def wire(self, named: dict[_Value, str]) -> None:
        by_name = {node.name: node for node in self.analysis.nodes}
        produced: dict[str, dict[str, str]] = {n.name: {} for n in self.analysis.nodes}
        value_of = {dataset: value for value, dataset in named.items()}
        for variable, assigners in self.assigners.items():
            if variable in self.catalog and variable not in self.external:
                produced[assigners[-1].name][variable] = variable  # the catalog's final value
        for node in self.analysis.nodes:
            inputs: list[str] = []
            for variable, source in self.reads[node.name]:
                dataset = named[source] if isinstance(source, tuple) else source
                if isinstance(source, tuple) and not node.explicit_inputs:
                    produced[source[1]][dataset] = variable
                inputs.append(dataset)
                node.input_variables.setdefault(dataset, variable)
            inputs += list(node.scan.catalog_loads)
            inputs += [PARAMS_PREFIX + key for key in node.scan.param_refs]
            if node.scan.uses_all_params:
                inputs.append(ALL_PARAMETERS)
            if node.explicit_inputs:  # exactly the datasets named, each in its variable
                node.input_variables = {}
                for dataset in node.inputs:
                    variable = identifier(dataset)
                    if dataset in value_of:
                        variable, producer = value_of[dataset]
                        produced[producer][dataset] = variable
                    if variable in node.scan.reads and not dataset.startswith(PARAMS_PREFIX):
                        node.input_variables.setdefault(dataset, variable)
                covered = set(node.input_variables.values()) | {identifier(i) for i in node.inputs}
                for variable, _source in self.reads[node.name]:
                    if variable not in covered and variable in node.scan.reads:
                        self._issue(
                            "undefined",
                            node,
                            node.scan.reads[variable],
                            f"reads {variable!r}, which its metadata 'inputs' leave out (the "
                            "cell would fail with NameError): add it there",
                        )
            else:
                node.inputs = list(dict.fromkeys(inputs))
            if not node.explicit_outputs:
                for dataset, *_ in node.scan.catalog_saves:
                    produced[node.name][dataset] = identifier(dataset)
        for name, outputs in produced.items():
            self._set_outputs(by_name[name], outputs, named)

    def _set_outputs(
        self, node: NodeCell, outputs: dict[str, str], named: dict[_Value, str]
    ) -> None:
        if node.explicit_outputs:
            node.returns = [identifier(o) for o in node.outputs]
            return
        if not outputs:  # a node nobody reads still hands back its result (a free output)
            assigned = node.assigned
            terminal = [n for n in assigned if n not in self.setup_names]
            if terminal:
                last = _result_name(node, terminal)
                outputs = {named[(last, node.name)]: last}
        saved = {dataset: line for dataset, _, _, line in node.scan.catalog_saves}

        def position(item: tuple[str, str]) -> tuple[int, str]:
            dataset, variable = item
            return (node.assigned.get(variable) or saved.get(dataset, 0), dataset)

        ordered = sorted(outputs.items(), key=position)
        node.outputs = [dataset for dataset, _ in ordered]
        node.returns = [variable for _, variable in ordered]

    # -- checks ----------------------------------------------------------------------------------
    def check_nodes(self) -> None:
        for node in self.analysis.nodes:
            clash = sorted(set(node.inputs) & set(node.outputs))
            if clash:
                raise DuplicateOutputError(
                    f"Node {node.name!r} ({_where(node)}) both reads and produces {clash}: a "
                    "dataset is written once. Give the output another name in the metadata "
                    f"(e.g. {clash[0]}_clean)."
                )
            name_arguments(node, self.setup_names)
            saved = {dataset for dataset, *_ in node.scan.catalog_saves}
            for output in node.outputs if node.explicit_outputs else ():
                if identifier(output) not in node.scan.binds and output not in saved:
                    self._issue(
                        "undefined",
                        node,
                        None,
                        f"metadata output {output!r} is never assigned by the cell",
                    )
            read = set(node.input_variables.values()) | {identifier(i) for i in node.inputs}
            handed_on = {v: d for d, v in node.output_variables.items()}
            for name, line, kind in node.scan.mutations:
                if name in read:
                    after = (
                        f"later nodes get the changed value as {handed_on[name]!r}, as in a "
                        "top-to-bottom run"
                        if name in node.updates and name in handed_on
                        else "other readers see the original"
                    )
                    self._issue(
                        "mutation",
                        node,
                        line,
                        f"changes its input {name!r} in place ({kind}): {after}; assign a copy "
                        f"({name} = {name}.copy()) if reruns of the cell must start from the "
                        "original",
                    )

    def check_setup(self) -> None:
        """Setup code the nodes use may only read setup names: anything else is state it leans
        on."""
        analysis, setup_names = self.analysis, self.setup_names
        bound_by_nodes = set(self.assigners) | {
            identifier(o) for n in analysis.nodes if n.explicit_outputs for o in n.outputs
        }
        used = set().union(*(n.globals_used for n in analysis.nodes)) if analysis.nodes else set()
        for definition in analysis.setup_closure(used):
            for name, line in definition.reads.items():
                if name in setup_names or name in BUILTIN_NAMES or name == PARAMS_NAME:
                    continue
                if name in self.exploration or name in bound_by_nodes:
                    where = (
                        f"exploration {cell_label(self.exploration[name])}"
                        if name in self.exploration
                        else "a node"
                    )
                    cell = self.exploration.get(name)
                    fix = (
                        f"move line {self.not_setup[cell]} of that cell, which keeps it from "
                        "being a setup cell, to a cell of its own"
                        if cell in self.not_setup
                        else "pass it as an argument"
                    )
                    text = f"setup code reads {name!r}, bound only by {where}; {fix}"
                    analysis.issues.append(Issue("hidden-state", definition.cell_index, line, text))
                else:
                    text = f"setup code reads {name!r}, which is never defined"
                    analysis.issues.append(Issue("undefined", definition.cell_index, line, text))

    def check_shared_state(self) -> None:
        """Warn where a node changes module state of the setup cells: it lives in each process,
        so under a process or Dask runner later nodes may not see the change."""
        analysis, setup_names = self.analysis, self.setup_names
        for node in analysis.nodes:
            found: dict[str, str] = {}
            lines: dict[str, int | None] = {}
            for used in sorted(node.globals_used, key=lambda n: node.scan.reads.get(n, 0)):
                for definition in analysis.setup_closure({used}):
                    for name, line in definition.changes.items():
                        if name in setup_names and name not in found:
                            cell = cell_label(definition.cell_index)
                            where = f"{definition.name!r} ({cell}, line {line})"
                            found[name] = (
                                f"reads module state {name!r}, which {where} changes"
                                if name == used
                                else f"changes module state {name!r} through {where}"
                            )
                            lines[name] = node.scan.reads.get(used)
            for name, line, kind in node.scan.mutations:
                if name in setup_names and name not in found:
                    found[name], lines[name] = f"changes module state {name!r} ({kind})", line
            for statement in node.scan.tree.body:
                if not isinstance(statement, DEFINITIONS):
                    continue
                for name, line in module_state_changes(statement).items():
                    shared = name in setup_names or name in declared_globals(statement)
                    if shared and name not in found:
                        found[name] = (
                            f"changes module state {name!r} through a function of the cell "
                            f"(line {line})"
                        )
                        lines[name] = line
            for name, how in found.items():
                self._issue(
                    "shared-state",
                    node,
                    lines[name],
                    f"{how}: each worker process of a parallel "
                    "or Dask run has its own copy, so other nodes may not see the change there; "
                    "return the value from the node and read it in the next one instead",
                )


def _last_stores(node: NodeCell) -> dict[str, int]:
    """Each name the cell's own code assigns or changes in place -> the last line doing so;
    loop variables (``for x in ...``) and names bound in nested scopes are left out."""
    stores: dict[str, int] = {}
    loop_targets: set[int] = set()
    scoped = (
        *(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda),
        *(ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp),
    )
    pending: list[ast.AST] = list(node.scan.tree.body)
    while pending:
        part = pending.pop()
        if isinstance(part, scoped):
            continue
        if isinstance(part, (ast.For, ast.AsyncFor)):
            loop_targets.update(id(n) for n in ast.walk(part.target))
        if (
            isinstance(part, ast.Name)
            and isinstance(part.ctx, ast.Store)
            and id(part) not in loop_targets
        ):
            stores[part.id] = max(stores.get(part.id, 0), part.lineno)
        pending.extend(ast.iter_child_nodes(part))
    for name, line, _kind in node.scan.mutations:
        stores[name] = max(stores.get(name, 0), line)
    return stores


def _result_name(node: NodeCell, names: list[str]) -> str:
    """A node's free output: of ``names``, the one the cell assigns last, as the value a
    top-to-bottom run ends on (``total``, not the loop variable of ``for x in xs: total += x``);
    by first binding when the cell's code assigns none of them directly."""
    stores = _last_stores(node)
    direct = [name for name in names if name in stores]
    if direct:
        return max(direct, key=lambda name: (stores[name], node.assigned[name]))
    return max(names, key=lambda name: node.assigned[name])


def resolve_dataflow(
    analysis: NotebookAnalysis,
    catalog: Container[str],
    exploration: dict[str, int],
    not_setup: dict[int, int] | None = None,
) -> None:
    """Fill every node's inputs, outputs, arguments and returns, and add the dataflow issues.

    ``catalog`` holds the dataset names the catalog declares; ``exploration`` maps names bound
    in exploration cells to the first such cell; ``not_setup`` maps an exploration cell that
    has imports or definitions to the line that keeps it from being setup. Raises
    :class:`DuplicateOutputError` when two nodes name one output explicitly and
    :class:`ForwardReferenceError` when a node reads what only a later node assigns.
    """
    flow = _Flow(analysis, catalog, exploration, not_setup)
    flow.reserve()
    flow.trace()
    flow.wire(flow.names())
    flow.check_nodes()
    flow.check_setup()
    flow.check_shared_state()
    analysis.issues.sort(key=lambda i: (i.cell_index, i.line or 0, i.kind))
