"""Dataset-linked node graph: indexes, incremental validation, cycle search, ordering.

A ``Graph`` indexes nodes by name, by the dataset each produces and by the datasets each reads
(transcoding stripped). Graphs are never mutated once built; ``GraphBuilder`` copies the
dictionaries of a base graph (a C-speed copy) and inserts nodes, so ``a + b`` costs the
insertion of the smaller side, and its cycle search only walks what the new nodes reach.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import attrgetter

from kedro_nb.pipeline._errors import (
    CircularDependencyError,
    ConfirmNotUniqueError,
    DuplicateNodeNameError,
    OutputNotUniqueError,
    TranscodingError,
)
from kedro_nb.pipeline._node import PLAIN_REF, TRANSCODED_REF, Node
from kedro_nb.pipeline._transcoding import strip_transcoding

_MIXED = PLAIN_REF | TRANSCODED_REF
by_name_key = attrgetter("_qualified_name")


class Graph:
    """Immutable indexes over a validated set of nodes."""

    __slots__ = ("by_name", "confirmer", "consumers", "producer", "ref_kind")

    def __init__(
        self,
        by_name: dict[str, Node],
        producer: dict[str, Node],
        consumers: dict[str, list[Node]],
        ref_kind: dict[str, int],
        confirmer: dict[str, Node],
    ) -> None:
        self.by_name = by_name
        self.producer = producer
        self.consumers = consumers
        self.ref_kind = ref_kind
        self.confirmer = confirmer

    def children(self, node: Node) -> Iterator[tuple[str, Node]]:
        """``(dataset, child)`` for every node reading one of ``node``'s outputs."""
        consumers = self.consumers
        for out in node._out_bases:
            for child in consumers.get(out, ()):
                yield out, child

    def parents(self, node: Node) -> list[Node]:
        """Distinct nodes producing ``node``'s inputs."""
        producer = self.producer
        found = [p for base in node._in_bases if (p := producer.get(base)) is not None]
        return found if len(found) < 2 else list({id(p): p for p in found}.values())


EMPTY = Graph({}, {}, {}, {}, {})


class GraphBuilder:
    """Insert nodes on top of a base graph, validating each insertion."""

    def __init__(self, base: Graph = EMPTY) -> None:
        self.by_name = dict(base.by_name)
        self.producer = dict(base.producer)
        self.consumers = dict(base.consumers)
        self.ref_kind = dict(base.ref_kind)
        self.confirmer = dict(base.confirmer)
        self._owned: set[str] = set()  # consumer lists created here, safe to append to
        self.added: list[Node] = []

    def add(self, node: Node, *, dedup: bool = False, prefer_new: bool = False) -> None:
        """Insert ``node``. With ``dedup``, a node equal to one already present is skipped
        (or swapped in when ``prefer_new``); any other name clash is an error. After an
        error the builder is left half-updated and must be discarded."""
        existing = self.by_name.get(node._qualified_name)
        if existing is not None:
            if dedup and existing == node:
                if prefer_new and existing is not node:
                    self._swap(existing, node)
                return
            _name_clash(existing, node)
        self.add_all((node,))

    def add_all(self, nodes: Iterable[Node]) -> None:
        """Insert nodes that must all be new (the hot loop of ``Pipeline()``)."""
        by_name, producer, consumers = self.by_name, self.producer, self.consumers
        ref_kind, owned, added = self.ref_kind, self._owned, self.added
        for node in nodes:
            name = node._qualified_name
            if name in by_name:
                _name_clash(by_name[name], node)
            by_name[name] = node
            outs = node._out_bases
            for base in outs:
                if base in producer:
                    _output_clash(producer[base], node, base)
                producer[base] = node
            if len(outs) > 1 and len(set(outs)) != len(outs):
                raise OutputNotUniqueError(
                    f"Node '{name}' writes one dataset twice through transcoding: "
                    f"{list(node._output_list)}. Keep one output per dataset."
                )
            for base, kind in node._refs:
                seen = ref_kind.get(base, 0)
                if seen != kind:
                    if (seen | kind) == _MIXED:
                        _mixed_transcoding(node, base)
                    ref_kind[base] = kind
            for base in node._in_bases:
                if base in owned:
                    consumers[base].append(node)
                else:
                    consumers[base] = [*consumers.get(base, ()), node]
                    owned.add(base)
            if node._confirms:
                self._add_confirms(node)
            added.append(node)

    def _add_confirms(self, node: Node) -> None:
        for base in map(strip_transcoding, node.confirms):
            other = self.confirmer.get(base)
            if other is not None:
                raise ConfirmNotUniqueError(
                    f"Dataset '{base}' is confirmed by two nodes: '{other.name}' and "
                    f"'{node.name}'. Only one node may confirm a dataset."
                )
            self.confirmer[base] = node

    def _swap(self, old: Node, new: Node) -> None:
        self.by_name[new._qualified_name] = new
        for base in new._out_bases:
            self.producer[base] = new
        for base in new._in_bases:
            self.consumers[base] = [new if n is old else n for n in self.consumers[base]]
            self._owned.add(base)
        for base in map(strip_transcoding, new.confirms):
            self.confirmer[base] = new

    def build(self) -> Graph:
        """Freeze the indexes (cycles are checked by the caller)."""
        return Graph(self.by_name, self.producer, self.consumers, self.ref_kind, self.confirmer)


def _name_clash(existing: Node, node: Node) -> None:
    name = node._qualified_name
    raise DuplicateNodeNameError(
        f"Two nodes are named '{name}': {existing} and {node}. Node names must be unique in "
        "a pipeline: pass name=... to node(), or namespace the pipelines with "
        "pipeline(..., namespace=...)."
        if existing != node
        else f"Node '{name}' is listed more than once ({node}). List each node once."
    )


def _output_clash(other: Node, node: Node, base: str) -> None:
    raise OutputNotUniqueError(
        f"Dataset '{base}' is written by two nodes: '{other.name}' ({other}) and "
        f"'{node.name}' ({node}). Each dataset must have one producer: rename one output."
    )


def _mixed_transcoding(node: Node, base: str) -> None:
    raise TranscodingError(
        f"Dataset '{base}' is used with transcoding ('{base}@...') and without it (node "
        f"'{node.name}' reads {list(node._input_list)} and writes "
        f"{list(node._output_list)}). Use one form everywhere or rename."
    )


def trusted_graph(nodes: Iterable[Node]) -> Graph:
    """Index a subset of an already validated pipeline: no check can fail, none is run."""
    by_name: dict[str, Node] = {}
    producer: dict[str, Node] = {}
    consumers: dict[str, list[Node]] = {}
    ref_kind: dict[str, int] = {}
    confirmer: dict[str, Node] = {}
    for node in nodes:
        by_name[node._qualified_name] = node
        for base, kind in node._refs:
            ref_kind[base] = ref_kind.get(base, 0) | kind
        for base in node._out_bases:
            producer[base] = node
        for base in node._in_bases:
            lst = consumers.get(base)
            if lst is None:
                consumers[base] = [node]
            else:
                lst.append(node)
        if node._confirms:
            for raw in node.confirms:
                confirmer[strip_transcoding(raw)] = node
    return Graph(by_name, producer, consumers, ref_kind, confirmer)


def check_acyclic_from(graph: Graph, starts: Iterable[Node]) -> None:
    """Raise ``CircularDependencyError`` if a cycle is reachable from ``starts``.

    Depth-first search visiting only nodes reachable from ``starts``; every cycle created by
    inserting ``starts`` into an acyclic graph passes through one of them."""
    state: dict[int, int] = {}  # id(node) -> 1 on the current path, 2 finished
    for start in starts:
        if id(start) in state:
            continue
        state[id(start)] = 1
        stack: list[tuple[Node, Iterator[tuple[str, Node]], str]] = [
            (start, graph.children(start), "")
        ]
        while stack:
            current, edges, _ = stack[-1]
            for dataset, child in edges:
                seen = state.get(id(child))
                if seen is None:
                    state[id(child)] = 1
                    stack.append((child, graph.children(child), dataset))
                    break
                if seen == 1:
                    raise CircularDependencyError(
                        "The pipeline has a circular dependency, so no execution order "
                        f"exists: {_spell_cycle(stack, child, dataset)}. Break the cycle by "
                        "renaming one of these datasets."
                    )
            else:
                state[id(current)] = 2
                stack.pop()


def check_acyclic_after_insert(graph: Graph, added: list[Node]) -> None:
    """Like :func:`check_acyclic_from` for ``added`` nodes inserted into an acyclic graph,
    but free when data flows only one way between the old and the new nodes (a new cycle
    needs an edge old -> new and an edge new -> old), as in ``sum()`` over a chain."""
    if not added:
        return
    new = {id(n) for n in added}
    producer, consumers = graph.producer, graph.consumers
    old_to_new = any(
        (p := producer.get(base)) is not None and id(p) not in new
        for n in added
        for base in n._in_bases
    )
    if old_to_new and any(
        id(c) not in new for n in added for base in n._out_bases for c in consumers.get(base, ())
    ):
        check_acyclic_from(graph, added)


def _spell_cycle(
    stack: list[tuple[Node, Iterator[tuple[str, Node]], str]], back_to: Node, dataset: str
) -> str:
    first = next(i for i, frame in enumerate(stack) if frame[0] is back_to)
    parts = [f"'{back_to.name}'"]
    for node, _, via in stack[first + 1 :]:
        parts.append(f"-[{via}]-> '{node.name}'")
    parts.append(f"-[{dataset}]-> '{back_to.name}'")
    return " ".join(parts)


def topological_groups(graph: Graph) -> list[list[Node]]:
    """Kahn's algorithm level by level: a node lands in the first group after all its
    parents; each group is sorted by node name, so the order is deterministic (Kedro's).

    Raises:
        CircularDependencyError: some nodes can never be ordered (spelled from one of them).
    """
    producer, consumers = graph.producer, graph.consumers
    pending: dict[int, int] = {}
    ready: list[Node] = []
    for node in graph.by_name.values():
        ins = node._in_bases
        if len(ins) == 1:  # the common case, without building a set
            count = 1 if ins[0] in producer else 0
        else:
            count = len({id(p) for base in ins if (p := producer.get(base)) is not None})
        if count:
            pending[id(node)] = count
        else:
            ready.append(node)
    groups: list[list[Node]] = []
    ordered = 0
    while ready:
        if len(ready) > 1:
            ready.sort(key=by_name_key)
        groups.append(ready)
        ordered += len(ready)
        following: list[Node] = []
        for node in ready:
            outs = node._out_bases
            if len(outs) == 1:
                children: Iterable[Node] = consumers.get(outs[0], ())
            else:
                children = {id(c): c for base in outs for c in consumers.get(base, ())}.values()
            for child in children:
                key = id(child)
                left = pending[key] - 1
                pending[key] = left
                if not left:
                    following.append(child)
        ready = following
    if ordered != len(graph.by_name):
        stuck = [n for n in graph.by_name.values() if pending.get(id(n))]
        check_acyclic_from(graph, stuck)
    return groups


def closure(graph: Graph, starts: Iterable[Node], *, downstream: bool) -> list[Node]:
    """``starts`` plus every node downstream (or upstream) of them."""
    seen: dict[int, Node] = {id(n): n for n in starts}
    frontier = list(seen.values())
    producer, consumers = graph.producer, graph.consumers
    while frontier:
        node = frontier.pop()
        if downstream:
            nexts = [c for base in node._out_bases for c in consumers.get(base, ())]
        else:
            nexts = [p for base in node._in_bases if (p := producer.get(base)) is not None]
        for other in nexts:
            if id(other) not in seen:
                seen[id(other)] = other
                frontier.append(other)
    return list(seen.values())
