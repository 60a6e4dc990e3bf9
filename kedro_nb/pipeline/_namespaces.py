"""Detect interrupted namespaces: a namespace whose nodes are not one contiguous group.

Namespaces double as deployment units (``Pipeline.group_nodes_by("namespace")`` runs each one
as a block). If data flows out of namespace ``ns`` through an outside node and back into
``ns``, that block cannot run in one go. Like Kedro, this only warns: the pipeline still runs.
"""

from __future__ import annotations

import warnings
from collections import Counter

from kedro_nb.pipeline._graph import Graph
from kedro_nb.pipeline._node import Node

# namespace -> (last node inside it, first node outside it) on some path leaving it
_Exits = dict[str, tuple[Node, Node]]


def in_namespace(node: Node, namespace: str) -> bool:
    """Whether ``node`` sits in ``namespace`` or in a namespace nested in it."""
    ns = node._namespace
    return ns is not None and (ns == namespace or ns.startswith(f"{namespace}."))


def find_interruptions(graph: Graph, order: list[Node]) -> list[tuple[str, Node, Node, Node]]:
    """``(namespace, leaving node, outside node, re-entering node)`` per interrupted namespace.

    One pass in execution order; each node carries the namespaces that some path into it has
    left. Namespaces with a single node, or whose nodes were all visited, are not carried."""
    remaining = Counter(p for n in order if n._namespace for p in n.namespace_prefixes)
    for name in [p for p, count in remaining.items() if count < 2]:
        del remaining[name]
    if not remaining:
        return []
    exits_of: dict[int, _Exits] = {}
    found: dict[str, tuple[str, Node, Node, Node]] = {}
    for node in order:
        exits: _Exits | None = None
        for parent in graph.parents(node):
            inherited = exits_of.get(id(parent))
            if inherited:
                live = {p: how for p, how in inherited.items() if remaining.get(p)}
                if node._namespace:  # re-entering? report the outermost namespace, once
                    prefix = next((p for p in node.namespace_prefixes if p in live), None)
                    if prefix and prefix not in found and not in_namespace(parent, prefix):
                        leaver, outsider = live[prefix]
                        found[prefix] = (prefix, leaver, outsider, node)
                exits = live if exits is None else {**live, **exits}
            if parent._namespace:
                for prefix in parent.namespace_prefixes:
                    if remaining.get(prefix) and not in_namespace(node, prefix):
                        exits = {} if exits is None else exits
                        exits.setdefault(prefix, (parent, node))
        if node._namespace:
            for prefix in node.namespace_prefixes:
                if prefix in remaining:
                    remaining[prefix] -= 1
        if exits:
            exits_of[id(node)] = exits
    return list(found.values())


def warn_interrupted_namespaces(graph: Graph, order: list[Node]) -> None:
    """Emit one ``UserWarning`` per interrupted namespace."""
    for namespace, leaver, outsider, back in find_interruptions(graph, order):
        warnings.warn(
            f"Namespace '{namespace}' is interrupted: data leaves it at node '{leaver.name}', "
            f"passes through node '{outsider.name}' outside it, and comes back in at node "
            f"'{back.name}'. Its nodes cannot run as one group; move '{outsider.name}' into "
            f"the namespace or the later nodes out of it.",
            UserWarning,
            stacklevel=4,
        )
