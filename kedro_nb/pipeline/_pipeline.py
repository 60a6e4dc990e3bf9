"""``Pipeline``: a set of nodes linked by dataset names, with Kedro 1.7's API.

``Pipeline()`` validates (unique names and outputs, transcoding) while indexing the nodes, then
orders them once: that ordering is also the cycle check, and its result is cached. Slices are
sub-pipelines of an already validated graph, so they skip validation, and ``a + b`` reuses the
bigger side's indexes and only searches for cycles from the inserted nodes; both order their
nodes lazily, on the first read of ``nodes``/``grouped_nodes``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kedro_nb.pipeline._graph import (
    Graph,
    GraphBuilder,
    check_acyclic_after_insert,
    topological_groups,
    trusted_graph,
)
from kedro_nb.pipeline._modular import map_nodes
from kedro_nb.pipeline._namespaces import warn_interrupted_namespaces
from kedro_nb.pipeline._node import Node, to_name_list
from kedro_nb.pipeline._slicing import SlicingMixin
from kedro_nb.pipeline._transcoding import strip_transcoding


@dataclass
class GroupedNodes:
    """Nodes deployed together: a top-level namespace, or a single node (``type="nodes"``)."""

    name: str
    type: str
    nodes: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)


class Pipeline(SlicingMixin):
    """A directed acyclic graph of :class:`Node` objects connected by dataset names."""

    def __init__(
        self,
        nodes: Iterable[Node | Pipeline] | Pipeline,
        *,
        inputs: str | set[str] | dict[str, str] | None = None,
        outputs: str | set[str] | dict[str, str] | None = None,
        parameters: str | set[str] | dict[str, str] | None = None,
        tags: str | Iterable[str] | None = None,
        namespace: str | None = None,
        prefix_datasets_with_namespace: bool = True,
    ) -> None:
        """Build a pipeline from nodes and/or pipelines (whose nodes are taken over).

        ``inputs``/``outputs``/``parameters``/``namespace`` rename datasets as
        :func:`pipeline` documents; ``tags`` are added to every node.

        Raises:
            DuplicateNodeNameError, OutputNotUniqueError, ConfirmNotUniqueError,
            TranscodingError, CircularDependencyError: the nodes do not form a valid pipeline.
            UnknownDatasetError, ModularPipelineError: a renaming does not fit the nodes.
        """
        if nodes is None:
            raise TypeError(
                "Pipeline(nodes=None): pass an iterable of nodes and/or pipelines instead."
            )
        if isinstance(nodes, Pipeline):
            nodes = nodes.nodes
        if any([inputs, outputs, parameters, namespace]):
            nodes = map_nodes(
                Pipeline(nodes, tags=tags),
                inputs=inputs,
                outputs=outputs,
                parameters=parameters,
                namespace=namespace,
                prefix_datasets_with_namespace=prefix_datasets_with_namespace,
            )
        tag_set = set(to_name_list(tags))
        members = _flatten(nodes)
        builder = GraphBuilder()
        builder.add_all((m.tag(tag_set) for m in members) if tag_set else members)
        self._set_graph(builder.build())
        # ordering all nodes is the cycle check; keep the order it yields
        self._groups: list[list[Node]] | None = topological_groups(self._graph)
        if any(n._namespace for n in self._graph.by_name.values()):
            warn_interrupted_namespaces(self._graph, self.nodes)

    @classmethod
    def _from_graph(cls, graph: Graph) -> Pipeline:
        pipe = cls.__new__(cls)
        pipe._set_graph(graph)
        return pipe

    @classmethod
    def _from_trusted(cls, nodes: Iterable[Node]) -> Pipeline:
        """A pipeline over a subset of a validated pipeline's nodes (no check needed)."""
        return cls._from_graph(trusted_graph(nodes))

    def _set_graph(self, graph: Graph) -> None:
        self._graph = graph
        self._groups = None
        self._order: list[Node] | None = None
        self._ins: set[str] | None = None
        self._outs: set[str] | None = None

    # -- ordering ---------------------------------------------------------------------------
    @property
    def grouped_nodes(self) -> list[list[Node]]:
        """Nodes in topological groups: every node's parents sit in earlier groups; each
        group is sorted by name (Kedro's order)."""
        if self._groups is None:
            self._groups = topological_groups(self._graph)
        return [list(g) for g in self._groups]

    @property
    def nodes(self) -> list[Node]:
        """All nodes in execution order (topological, ties broken by name)."""
        if self._order is None:
            if self._groups is None:
                self._groups = topological_groups(self._graph)
            self._order = [n for group in self._groups for n in group]
        return list(self._order)

    @property
    def node_dependencies(self) -> dict[Node, set[Node]]:
        """Each node mapped to the set of nodes producing its inputs."""
        graph = self._graph
        return {n: set(graph.parents(n)) for n in graph.by_name.values()}

    def group_nodes_by(self, group_by: str | None = "namespace") -> list[GroupedNodes]:
        """Group nodes for deployment: ``"namespace"`` groups by top-level namespace
        (nodes without one stand alone); ``None``/``"none"`` gives one group per node."""
        mode = "none" if group_by is None else group_by.lower()
        if mode not in ("none", "namespace"):
            raise ValueError(
                f"Unsupported group_by strategy {group_by!r}: use 'namespace' or None."
            )

        def key(n: Node) -> str:
            if mode == "namespace" and n.namespace:
                return n.namespace.split(".")[0]
            return n.name

        groups: dict[str, GroupedNodes] = {}
        for n in self.nodes:
            k = key(n)
            group = groups.get(k)
            if group is None:
                kind = "namespace" if mode == "namespace" and n.namespace else "nodes"
                group = groups[k] = GroupedNodes(name=k, type=kind)
            group.nodes.append(n.name)
            for parent in sorted(set(self._graph.parents(n)), key=lambda p: p.name):
                pk = key(parent)
                if pk != k and pk not in group.dependencies:
                    group.dependencies.append(pk)
        return list(groups.values())

    # -- datasets ---------------------------------------------------------------------------
    def all_inputs(self) -> set[str]:
        """Every input name of every node (transcoded names kept as written)."""
        if self._ins is None:
            self._ins = {i for n in self._graph.by_name.values() for i in n._input_list}
        return set(self._ins)

    def all_outputs(self) -> set[str]:
        """Every output name of every node."""
        if self._outs is None:
            self._outs = {o for n in self._graph.by_name.values() for o in n._output_list}
        return set(self._outs)

    def inputs(self) -> set[str]:
        """Free inputs: names no node of this pipeline produces (to load at run time)."""
        produced = self._graph.producer
        return {i for i in self.all_inputs() if strip_transcoding(i) not in produced}

    def outputs(self) -> set[str]:
        """Free outputs: names produced but read by no node of this pipeline."""
        consumed = self._graph.consumers
        return {o for o in self.all_outputs() if strip_transcoding(o) not in consumed}

    def datasets(self) -> set[str]:
        """Every dataset name the pipeline reads or writes."""
        return self.all_inputs() | self.all_outputs()

    # -- algebra ----------------------------------------------------------------------------
    def __add__(self, other: Any) -> Pipeline:
        """Union of both pipelines' nodes (equal nodes once); validated like ``Pipeline()``.
        Reuses the bigger side's indexes, so ``sum(pipelines)`` stays cheap."""
        if not isinstance(other, Pipeline):
            return NotImplemented
        mine, theirs = self._graph, other._graph
        if len(mine.by_name) >= len(theirs.by_name):
            builder = GraphBuilder(mine)
            for n in theirs.by_name.values():
                builder.add(n, dedup=True)
        else:
            builder = GraphBuilder(theirs)
            for n in mine.by_name.values():
                builder.add(n, dedup=True, prefer_new=True)
        graph = builder.build()
        check_acyclic_after_insert(graph, builder.added)
        return Pipeline._from_graph(graph)

    def __radd__(self, other: Any) -> Pipeline:
        """``0 + pipeline`` is the pipeline, so ``sum([...])`` works."""
        if isinstance(other, int) and other == 0:  # sum([...]) starts from 0
            return self
        return NotImplemented

    __or__ = __add__

    def __sub__(self, other: Any) -> Pipeline:
        """This pipeline's nodes that ``other`` does not contain."""
        if not isinstance(other, Pipeline):
            return NotImplemented
        theirs = other._graph.by_name
        return Pipeline._from_trusted(
            n for name, n in self._graph.by_name.items() if theirs.get(name) != n
        )

    def __and__(self, other: Any) -> Pipeline:
        """Nodes contained in both pipelines."""
        if not isinstance(other, Pipeline):
            return NotImplemented
        mine, theirs = self._graph.by_name, other._graph.by_name
        if len(theirs) > len(mine):  # equal nodes may differ in tags: keep Kedro's pick,
            return Pipeline._from_trusted(  # which is the smaller side's copy
                n for name, n in mine.items() if theirs.get(name) == n
            )
        return Pipeline._from_trusted(n for name, n in theirs.items() if mine.get(name) == n)

    def tag(self, tags: str | Iterable[str]) -> Pipeline:
        """A copy of the pipeline with ``tags`` added to every node."""
        return Pipeline._from_trusted(n.tag(tags) for n in self._graph.by_name.values())

    # -- presentation -----------------------------------------------------------------------
    def describe(self, names_only: bool = True) -> str:
        """Execution order with free inputs and outputs, as a printable block."""

        def join(names: set[str]) -> str:
            return ", ".join(sorted(names)) if names else "None"

        body = "\n".join(n.name if names_only else str(n) for n in self.nodes)
        return (
            "#### Pipeline execution order ####\n"
            f"Inputs: {join(self.inputs())}\n\n{body}\n\n"
            f"Outputs: {join(self.outputs())}\n"
            "##################################"
        )

    def to_json(self) -> str:
        """JSON with the package version and each node's name, inputs, outputs and tags,
        in execution order (tags sorted, so the text is reproducible)."""
        from kedro_nb import __version__

        return json.dumps(
            {
                "kedro_nb_version": __version__,
                "pipeline": [
                    {
                        "name": n.name,
                        "inputs": n.inputs,
                        "outputs": n.outputs,
                        "tags": sorted(n._tags),
                    }
                    for n in self.nodes
                ],
            }
        )

    def __repr__(self) -> str:
        shown = [repr(n) for n in self.nodes[:10]]
        if len(self._graph.by_name) > 10:
            shown.append("...")
        inner = "[\n" + ",\n".join(shown) + "\n]" if shown else "[]"
        return f"{type(self).__name__}({inner})"


def _flatten(items: Iterable[Node | Pipeline]) -> Iterator[Node]:
    for item in items:
        if isinstance(item, Node):
            yield item
        elif isinstance(item, Pipeline):
            yield from item._graph.by_name.values()
        else:
            raise TypeError(
                f"Pipeline() takes nodes and pipelines, got {type(item).__name__} "
                f"({item!r}). Wrap functions with node(func, inputs, outputs)."
            )


def pipeline(
    nodes: Iterable[Node | Pipeline] | Pipeline,
    *,
    inputs: str | set[str] | dict[str, str] | None = None,
    outputs: str | set[str] | dict[str, str] | None = None,
    parameters: str | set[str] | dict[str, str] | None = None,
    tags: str | Iterable[str] | None = None,
    namespace: str | None = None,
    prefix_datasets_with_namespace: bool = True,
) -> Pipeline:
    """Build a (modular) pipeline, optionally renaming its datasets.

    Args:
        nodes: Nodes and/or pipelines.
        inputs: Free inputs to expose unchanged (``str``/``set``) or to rename (``dict``).
        outputs: Outputs (free or intermediate) to expose unchanged or rename.
        parameters: Parameters to keep (``str``/``set``) or rename (``dict``), with or without
            the ``params:`` prefix.
        tags: Tags added to every node.
        namespace: Prefix for node names and for every dataset and ``params:`` name not listed
            in ``inputs``/``outputs``/``parameters`` (``parameters`` itself is never prefixed).
        prefix_datasets_with_namespace: ``False`` namespaces node names only.

    Raises:
        UnknownDatasetError: a listed name is not used by the pipeline.
        ModularPipelineError: ``inputs`` names a produced dataset or a parameter, or
            ``outputs`` names a free input.
    """
    return Pipeline(
        nodes,
        inputs=inputs,
        outputs=outputs,
        parameters=parameters,
        tags=tags,
        namespace=namespace,
        prefix_datasets_with_namespace=prefix_datasets_with_namespace,
    )


__all__ = ["GroupedNodes", "Pipeline", "pipeline"]
