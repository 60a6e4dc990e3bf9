"""Slicing methods of ``Pipeline``: sub-pipelines by node name, dataset, tag or namespace.

Every method returns a new pipeline over a subset of this pipeline's (already validated) nodes.
Unknown names raise an error listing the closest known names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from kedro_nb.pipeline._errors import (
    EmptyPipelineError,
    UnknownDatasetError,
    UnknownNamespaceError,
    UnknownNodeError,
)
from kedro_nb.pipeline._graph import closure
from kedro_nb.pipeline._namespaces import in_namespace
from kedro_nb.pipeline._node import Node
from kedro_nb.pipeline._transcoding import strip_transcoding
from kedro_nb.shared import did_you_mean

if TYPE_CHECKING:
    from kedro_nb.pipeline._graph import Graph
    from kedro_nb.pipeline._pipeline import Pipeline


@dataclass(frozen=True)
class SliceOptions:
    """Which nodes of a pipeline a run takes: Kedro's seven filters, in one value.

    Each field is a tuple of names (empty: not given). The fields are named as the keywords of
    :meth:`Pipeline.filter` and of ``session.run``; a given filter keeps the nodes it selects, and
    the nodes kept are those every given filter keeps. The command line, ``%run_pipeline`` and the
    session build one of these and hand it on, so the list of filters is written here only.

    Raises:
        TypeError: a field is given one string (``tags="a"``) instead of a list of names.
    """

    node_names: tuple[str, ...] = ()
    from_nodes: tuple[str, ...] = ()
    to_nodes: tuple[str, ...] = ()
    from_inputs: tuple[str, ...] = ()
    to_outputs: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    node_namespaces: tuple[str, ...] = ()

    def __init__(
        self,
        node_names: Iterable[str] | None = None,
        from_nodes: Iterable[str] | None = None,
        to_nodes: Iterable[str] | None = None,
        from_inputs: Iterable[str] | None = None,
        to_outputs: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        node_namespaces: Iterable[str] | None = None,
    ) -> None:
        given = locals()
        for item in fields(self):
            value = given[item.name]
            if isinstance(value, str):
                raise TypeError(
                    f"{item.name} takes a list of names, not one string: "
                    f"{item.name}=[{value!r}], not {item.name}={value!r}."
                )
            object.__setattr__(self, item.name, tuple(dict.fromkeys(value or ())))

    def __bool__(self) -> bool:
        """True when any filter is given."""
        return any(getattr(self, item.name) for item in fields(self))

    def as_dict(self) -> dict[str, list[str]]:
        """The given filters as lists, by field name (tags sorted: their order means nothing);
        what a run record stores and what ``session.run(**options.as_dict())`` takes."""
        return {
            item.name: sorted(value) if item.name == "tags" else list(value)
            for item in fields(self)
            if (value := getattr(self, item.name))
        }

    def describe(self) -> str:
        """``tags=['a'], from_nodes=['b']``, or ``none``: the filters, for messages."""
        return ", ".join(f"{key}={value!r}" for key, value in self.as_dict().items()) or "none"


class SlicingMixin:
    """Mixed into ``Pipeline``; relies on ``_graph`` and ``_from_trusted``."""

    _graph: Graph

    @classmethod
    def _from_trusted(cls, nodes: Iterable[Node]) -> Pipeline:  # pragma: no cover
        raise NotImplementedError

    # -- by node name -----------------------------------------------------------------------
    def _named(self, names: Iterable[str]) -> list[Node]:
        by_name = self._graph.by_name
        names = list(dict.fromkeys(names))
        missing = [n for n in names if n not in by_name]
        if missing:
            namespaced = [k for m in missing for k in by_name if k.endswith(f".{m}")]
            hint = (
                f" Did you mean: {', '.join(namespaced)}? (nodes in a namespace are named "
                "'namespace.name')"
                if namespaced
                else did_you_mean(missing, by_name)
            )
            raise UnknownNodeError(f"Pipeline does not contain nodes named {missing}.{hint}")
        return [by_name[n] for n in names]

    def only_nodes(self, *node_names: str) -> Pipeline:
        """Only the named nodes."""
        return self._from_trusted(self._named(node_names))

    def from_nodes(self, *node_names: str) -> Pipeline:
        """The named nodes and every node depending on them, directly or transitively."""
        return self._from_trusted(closure(self._graph, self._named(node_names), downstream=True))

    def to_nodes(self, *node_names: str) -> Pipeline:
        """The named nodes and every node they depend on, directly or transitively."""
        return self._from_trusted(closure(self._graph, self._named(node_names), downstream=False))

    # -- by dataset -------------------------------------------------------------------------
    def _check_datasets(self, names: Iterable[str]) -> None:
        graph = self._graph
        unsure = [d for d in names if d not in graph.producer and d not in graph.consumers]
        if not unsure:  # every name is a plain dataset name: known
            return
        known = {i for n in graph.by_name.values() for i in (*n._input_list, *n._output_list)}
        missing = sorted(set(unsure) - known)
        if missing:
            raise UnknownDatasetError(
                f"Pipeline does not contain datasets named {missing}."
                f"{did_you_mean(missing, sorted(known))}"
            )

    def _readers(self, names: Iterable[str]) -> list[Node]:
        names = set(names)
        self._check_datasets(names)
        consumers = self._graph.consumers
        found: dict[int, Node] = {}
        for name in names:
            base = strip_transcoding(name)
            for n in consumers.get(base, ()):
                if base == name or name in n._input_list:
                    found[id(n)] = n
        return list(found.values())

    def _writers(self, names: Iterable[str]) -> list[Node]:
        names = set(names)
        self._check_datasets(names)
        producer = self._graph.producer
        found: dict[int, Node] = {}
        for name in names:
            base = strip_transcoding(name)
            n = producer.get(base)
            if n is not None and (base == name or name in n._output_list):
                found[id(n)] = n
        return list(found.values())

    def only_nodes_with_inputs(self, *inputs: str) -> Pipeline:
        """Nodes reading any of ``inputs`` (``name`` matches every ``name@format``)."""
        return self._from_trusted(self._readers(inputs))

    def from_inputs(self, *inputs: str) -> Pipeline:
        """Nodes reading any of ``inputs``, and every node downstream of them."""
        return self._from_trusted(closure(self._graph, self._readers(inputs), downstream=True))

    def only_nodes_with_outputs(self, *outputs: str) -> Pipeline:
        """Nodes writing any of ``outputs``."""
        return self._from_trusted(self._writers(outputs))

    def to_outputs(self, *outputs: str) -> Pipeline:
        """Nodes writing any of ``outputs``, and every node they depend on."""
        return self._from_trusted(closure(self._graph, self._writers(outputs), downstream=False))

    # -- by tag / namespace -----------------------------------------------------------------
    def only_nodes_with_tags(self, *tags: str) -> Pipeline:
        """Nodes carrying *any* of ``tags`` (empty when no tag is given)."""
        wanted = set(tags)
        return self._from_trusted(
            n for n in self._graph.by_name.values() if not wanted.isdisjoint(n._tags)
        )

    def only_nodes_with_namespaces(self, node_namespaces: Iterable[str]) -> Pipeline:
        """Nodes inside any of ``node_namespaces`` (nested namespaces included)."""
        nodes = list(self._graph.by_name.values())
        found: dict[int, Node] = {}
        unmatched = []
        for ns in node_namespaces:
            hits = [n for n in nodes if in_namespace(n, ns)]
            if not hits:
                unmatched.append(ns)
            found.update((id(n), n) for n in hits)
        if unmatched:
            known = {p for n in nodes for p in (n.namespace_prefixes if n.namespace else ())}
            raise UnknownNamespaceError(
                "Pipeline does not contain nodes with the following namespaces: "
                f"{unmatched}.{did_you_mean(unmatched, sorted(known))}"
            )
        return self._from_trusted(found.values())

    def filter(
        self,
        tags: Iterable[str] | None = None,
        from_nodes: Iterable[str] | None = None,
        to_nodes: Iterable[str] | None = None,
        node_names: Iterable[str] | None = None,
        from_inputs: Iterable[str] | None = None,
        to_outputs: Iterable[str] | None = None,
        node_namespaces: Iterable[str] | None = None,
    ) -> Pipeline:
        """Nodes meeting *every* given condition; each is applied to this whole pipeline
        and the results intersected, so the order of conditions does not matter.

        Raises:
            EmptyPipelineError: no node meets all conditions.
        """
        options = SliceOptions(
            node_names=node_names,
            from_nodes=from_nodes,
            to_nodes=to_nodes,
            from_inputs=from_inputs,
            to_outputs=to_outputs,
            tags=tags,
            node_namespaces=node_namespaces,
        )
        return self.sliced(options)

    def sliced(self, options: SliceOptions) -> Pipeline:
        """:meth:`filter` with its conditions in one :class:`SliceOptions`; unknown names raise
        the slicing method's error with the closest known names."""
        selectors: dict[str, Callable[..., Pipeline]] = {
            "tags": self.only_nodes_with_tags,
            "from_nodes": self.from_nodes,
            "to_nodes": self.to_nodes,
            "node_names": self.only_nodes,
            "from_inputs": self.from_inputs,
            "to_outputs": self.to_outputs,
            "node_namespaces": lambda *names: self.only_nodes_with_namespaces(names),
        }
        keep = set(self._graph.by_name)
        for key, names in options.as_dict().items():
            keep &= selectors[key](*names)._graph.by_name.keys()
        if not keep:
            raise EmptyPipelineError(
                f"No node meets all the given filters together ({options.describe()}); each "
                "filter is applied to the whole pipeline and the results intersected. Loosen one "
                "of the filters."
            )
        return self._from_trusted(n for k, n in self._graph.by_name.items() if k in keep)
