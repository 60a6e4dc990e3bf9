"""Dataset-linked node graph: indexes, incremental validation, cycle search, ordering.

A ``Graph`` indexes nodes by name, by the dataset each produces and by the datasets each reads
(transcoding stripped). Graphs are never mutated once built; ``GraphBuilder`` copies the
dictionaries of a base graph (a C-speed copy) and inserts nodes, so ``a + b`` costs the
insertion of the smaller side, and the cycle search only walks what the new nodes reach.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import attrgetter

from ._errors import (
    CircularDependencyError,
    ConfirmNotUniqueError,
    DuplicateNodeNameError,
    OutputNotUniqueError,
    TranscodingError,
)
from ._node import Node
from ._transcoding import strip_transcoding

_PLAIN, _TRANSCODED = 1, 2
by_name_key = attrgetter("_qualified_name")


class Graph:
    """Immutable indexes over a validated, acyclic set of nodes."""

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
        for out in node._output_list:
            for child in consumers.get(strip_transcoding(out), ()):
                yield out, child

    def parents(self, node: Node) -> Iterator[Node]:
        """Nodes producing one of ``node``'s inputs (may repeat)."""
        producer = self.producer
        for inp in node._input_list:
            parent = producer.get(strip_transcoding(inp))
            if parent is not None:
                yield parent


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
        (or swapped in when ``prefer_new``); any other name clash is an error."""
        name = node._qualified_name
        existing = self.by_name.get(name)
        if existing is not None:
            if dedup and existing == node:
                if prefer_new and existing is not node:
                    self._swap(existing, node)
                return
            raise DuplicateNodeNameError(
                f"Two nodes are named '{name}': {existing} and {node}. Node names must be "
                "unique in a pipeline: pass name=... to node(), or namespace the pipelines "
                "with pipeline(..., namespace=...)."
                if existing != node
                else f"Node '{name}' is listed more than once ({node}). List each node once."
            )
        ref_kind = self.ref_kind
        outs = [strip_transcoding(o) for o in node._output_list]
        ins = [strip_transcoding(i) for i in node._input_list]
        for base in outs:
            other = self.producer.get(base)
            if other is not None:
                raise OutputNotUniqueError(
                    f"Dataset '{base}' is written by two nodes: '{other.name}' ({other}) and "
                    f"'{name}' ({node}). Each dataset must have one producer: rename one "
                    "output."
                )
        if len(set(outs)) != len(outs):
            raise OutputNotUniqueError(
                f"Node '{name}' writes one dataset twice through transcoding: "
                f"{list(node._output_list)}. Keep one output per dataset."
            )
        kinds: dict[str, int] = {}
        for raw, base in zip((*node._input_list, *node._output_list), (*ins, *outs), strict=True):
            kind = kinds.get(base, ref_kind.get(base, 0)) | (_PLAIN if raw == base else _TRANSCODED)
            if kind == _PLAIN | _TRANSCODED:
                raise TranscodingError(
                    f"Dataset '{base}' is used with transcoding ('{base}@...') and without it "
                    f"(node '{name}' uses '{raw}'). Use a transcoded name everywhere or "
                    "rename the datasets."
                )
            kinds[base] = kind
        confirms = [strip_transcoding(c) for c in node.confirms]
        for base in confirms:
            other = self.confirmer.get(base)
            if other is not None:
                raise ConfirmNotUniqueError(
                    f"Dataset '{base}' is confirmed by two nodes: '{other.name}' and "
                    f"'{name}'. Only one node may confirm a dataset."
                )
        self.by_name[name] = node
        ref_kind.update(kinds)
        for base in outs:
            self.producer[base] = node
        for base in dict.fromkeys(ins):
            self._consumer_list(base).append(node)
        for base in confirms:
            self.confirmer[base] = node
        self.added.append(node)

    def _consumer_list(self, base: str) -> list[Node]:
        if base in self._owned:
            return self.consumers[base]
        fresh = list(self.consumers.get(base, ()))
        self.consumers[base] = fresh
        self._owned.add(base)
        return fresh

    def _swap(self, old: Node, new: Node) -> None:
        self.by_name[new._qualified_name] = new
        for out in new._output_list:
            self.producer[strip_transcoding(out)] = new
        for inp in set(map(strip_transcoding, new._input_list)):
            lst = self._consumer_list(inp)
            lst[:] = [new if n is old else n for n in lst]
        for base in map(strip_transcoding, new.confirms):
            self.confirmer[base] = new

    def build(self, *, check_cycles: bool = True) -> Graph:
        """Freeze the indexes; look for a cycle through the inserted nodes first."""
        graph = Graph(self.by_name, self.producer, self.consumers, self.ref_kind, self.confirmer)
        if check_cycles and self.added:
            cycle = find_cycle(graph, self.added)
            if cycle:
                raise CircularDependencyError(
                    f"The pipeline has a circular dependency, so no execution order exists: "
                    f"{cycle}. Break the cycle by renaming one of these datasets."
                )
        return graph


def trusted_graph(nodes: Iterable[Node]) -> Graph:
    """Index a subset of an already validated pipeline: no check can fail, none is run."""
    by_name: dict[str, Node] = {}
    producer: dict[str, Node] = {}
    consumers: dict[str, list[Node]] = {}
    ref_kind: dict[str, int] = {}
    confirmer: dict[str, Node] = {}
    for node in nodes:
        by_name[node._qualified_name] = node
        for raw in node._output_list:
            base = strip_transcoding(raw)
            producer[base] = node
            ref_kind[base] = ref_kind.get(base, 0) | (_PLAIN if raw == base else _TRANSCODED)
        for raw in node._input_list:
            base = strip_transcoding(raw)
            lst = consumers.get(base)
            if lst is None:
                consumers[base] = [node]
            elif lst[-1] is not node:
                lst.append(node)
            ref_kind[base] = ref_kind.get(base, 0) | (_PLAIN if raw == base else _TRANSCODED)
        if node._confirms:
            for raw in node.confirms:
                confirmer[strip_transcoding(raw)] = node
    return Graph(by_name, producer, consumers, ref_kind, confirmer)


def find_cycle(graph: Graph, starts: Iterable[Node]) -> str | None:
    """Depth-first search from ``starts``; return the first cycle met, spelled
    ``a -[x]-> b -[y]-> a``, or ``None``. Only nodes reachable from ``starts`` are visited."""
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
                    return _spell_cycle(stack, child, dataset)
            else:
                state[id(current)] = 2
                stack.pop()
    return None


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
    parents; each group is sorted by node name, so the order is deterministic."""
    nodes = graph.by_name.values()
    pending: dict[int, int] = {}
    ready: list[Node] = []
    for node in nodes:
        count = len({id(p) for p in graph.parents(node)})
        if count:
            pending[id(node)] = count
        else:
            ready.append(node)
    groups: list[list[Node]] = []
    while ready:
        ready.sort(key=by_name_key)
        groups.append(ready)
        following: list[Node] = []
        for node in ready:
            done: set[int] = set()
            for _, child in graph.children(node):
                key = id(child)
                if key in done:
                    continue
                done.add(key)
                left = pending[key] - 1
                pending[key] = left
                if not left:
                    following.append(child)
        ready = following
    return groups


def closure(graph: Graph, starts: Iterable[Node], *, downstream: bool) -> list[Node]:
    """``starts`` plus every node downstream (or upstream) of them."""
    seen: dict[int, Node] = {id(n): n for n in starts}
    frontier = list(seen.values())
    while frontier:
        node = frontier.pop()
        nexts = (c for _, c in graph.children(node)) if downstream else graph.parents(node)
        for other in nexts:
            if id(other) not in seen:
                seen[id(other)] = other
                frontier.append(other)
    return list(seen.values())
