"""The shape of one run, computed once in O(nodes + edges): order, producers, consumers,
reference counts for releasing data, and the two graph questions Kedro's runner answers
(where to resume after a failure, which nodes ``only_missing_outputs`` keeps).

Datasets link nodes by their name without any transcoding suffix (``"df@pandas"`` and
``"df@spark"`` are one dataset for ordering); loads, saves and releases use the full name.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kedro_nb.pipeline import TRANSCODING_SEPARATOR
from kedro_nb.shared import PARAMS_PREFIX


def base_name(dataset: str) -> str:
    """``"df@pandas"`` -> ``"df"``: the dataset a transcoded name stands for (names were
    checked when the nodes were made, so the first separator is the only one)."""
    at = dataset.find(TRANSCODING_SEPARATOR)
    return dataset if at < 0 else dataset[:at]


class RunGraph:
    """Nodes in topological order and the dataset bookkeeping every runner shares.

    Attributes:
        nodes: the nodes, in the pipeline's topological order.
        node_inputs / node_outputs: per node index, its input / output dataset names.
        inputs: datasets consumed and produced by no node (free inputs), first-use order.
        outputs: datasets produced and consumed by no node (free outputs), production order.
        datasets: every dataset name the nodes use, first-use order.
        children: per node index, the indices of the nodes reading its outputs.
        parent_counts: per node index, how many distinct nodes it reads from.
        load_counts: how many node inputs read each dataset (full names).
    """

    __slots__ = (
        "children",
        "datasets",
        "inputs",
        "keep",
        "load_counts",
        "node_inputs",
        "node_outputs",
        "nodes",
        "outputs",
        "parent_counts",
        "producer",
    )

    def __init__(self, nodes: Sequence[Any], keep: Iterable[str] = ()) -> None:
        self.nodes = list(nodes)
        #: datasets never released by this graph's run (read later, outside it)
        self.keep = frozenset(keep)
        self.node_inputs = node_inputs = [tuple(node.inputs) for node in self.nodes]
        self.node_outputs = node_outputs = [tuple(node.outputs) for node in self.nodes]
        producer: dict[str, int] = {}
        for i, outputs in enumerate(node_outputs):
            for name in outputs:
                producer[name if TRANSCODING_SEPARATOR not in name else base_name(name)] = i
        self.producer = producer
        load_counts: dict[str, int] = {}
        consumed: set[str] = set()
        datasets: dict[str, None] = {}
        parent_counts = [0] * len(self.nodes)
        children: list[list[int]] = [[] for _ in self.nodes]
        for i, inputs in enumerate(node_inputs):
            last_parent = -1
            for name in inputs:
                load_counts[name] = load_counts.get(name, 0) + 1
                datasets[name] = None
                key = name if TRANSCODING_SEPARATOR not in name else base_name(name)
                consumed.add(key)
                parent = producer.get(key)
                if parent is None or parent in (i, last_parent):
                    continue
                siblings = children[parent]
                if not siblings or siblings[-1] != i:
                    siblings.append(i)
                    parent_counts[i] += 1
                last_parent = parent
            for name in node_outputs[i]:
                datasets[name] = None
        self.parent_counts = parent_counts
        self.children = children
        self.load_counts = load_counts
        self.datasets = list(datasets)
        self.inputs = [name for name in load_counts if base_name(name) not in producer]
        self.outputs = [
            name for outputs in node_outputs for name in outputs if base_name(name) not in consumed
        ]

    def parents(self) -> list[list[int]]:
        """Per node index, the indices of the nodes it reads from (built on demand)."""
        parents: list[list[int]] = [[] for _ in self.nodes]
        for parent, children in enumerate(self.children):
            for child in children:
                parents[child].append(parent)
        return parents

    def release_schedule(self) -> list[tuple[str, ...]]:
        """Per node position, the datasets to release once it completes in sequential order:
        inputs it is the last reader of (free inputs excepted: the caller owns them) and
        outputs nobody reads that are not free outputs."""
        last_reader: dict[str, int] = {}
        for i, inputs in enumerate(self.node_inputs):
            for name in inputs:
                last_reader[name] = i
        keep = set(self.inputs) | set(self.outputs) | self.keep
        schedule: dict[int, list[str]] = {}
        for name, i in last_reader.items():
            if name not in keep:
                schedule.setdefault(i, []).append(name)
        for i, outputs in enumerate(self.node_outputs):
            for name in outputs:
                if name not in last_reader and name not in keep:
                    schedule.setdefault(i, []).append(name)
        nothing: tuple[str, ...] = ()
        return [tuple(schedule[i]) if i in schedule else nothing for i in range(len(self.nodes))]

    def descendants(self, start: Iterable[int]) -> set[int]:
        """``start`` and every node downstream of it (what ``--from-nodes`` would run)."""
        seen = set(start)
        queue = deque(seen)
        while queue:
            for child in self.children[queue.popleft()]:
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
        return seen

    def resume_from(
        self, unfinished: Iterable[int], is_persisted: Callable[[str], bool]
    ) -> list[str]:
        """Node names to pass to ``--from-nodes`` so that every unfinished node runs again,
        starting from the nearest ancestors whose inputs are all persisted (Kedro's rule).

        The unfinished nodes reading data from outside their own group are the starting
        points; walking up from them, a non-persisted (memory) input pulls in the node that
        produces it. Everything downstream of those is re-run, and the answer is the first
        topological layer of that set.
        """
        todo = set(unfinished)
        if not todo:
            return []
        made_inside = {base_name(out) for i in todo for out in self.node_outputs[i]}
        starts = [
            i
            for i in sorted(todo)
            if any(base_name(name) not in made_inside for name in self.node_inputs[i])
        ]
        needed = set(todo)
        seen = set(starts)
        queue = deque(starts)
        while queue:
            current = queue.popleft()
            needed.add(current)
            for name in self.node_inputs[current]:
                if name.startswith(PARAMS_PREFIX) or is_persisted(name):
                    continue
                parent = self.producer.get(base_name(name))
                if parent is not None and parent not in seen:
                    seen.add(parent)
                    queue.append(parent)
        rerun = self.descendants(needed)
        parents = self.parents()
        first_layer = [i for i in rerun if not any(p in rerun for p in parents[i])]
        return sorted(self.nodes[i].name for i in first_layer)

    def missing_outputs_selection(
        self, is_persisted: Callable[[str], bool], exists: Callable[[str], bool]
    ) -> list[int]:
        """Indices of the nodes ``only_missing_outputs`` runs (Kedro 1.7's rules), in order.

        Walking from the last node back: a node runs when it has no outputs, when one of its
        persisted outputs does not exist, or when a node that will run reads one of its
        outputs that is in memory only or missing. Memory-only outputs nobody needs do not
        make a node run.
        """
        selected = [False] * len(self.nodes)
        missing_cache: dict[str, bool] = {}

        def missing(name: str) -> bool:
            if name not in missing_cache:
                missing_cache[name] = not exists(name)
            return missing_cache[name]

        for i in range(len(self.nodes) - 1, -1, -1):
            outputs = self.node_outputs[i]
            if not outputs or any(is_persisted(name) and missing(name) for name in outputs):
                selected[i] = True
                continue
            made = {base_name(name): name for name in outputs}
            for child in self.children[i]:
                if not selected[child]:
                    continue
                if any(
                    base_name(name) in made
                    and (not is_persisted(made[base_name(name)]) or missing(made[base_name(name)]))
                    for name in self.node_inputs[child]
                ):
                    selected[i] = True
                    break
        return [i for i, keep in enumerate(selected) if keep]
