"""Incremental runs: run only the nodes whose code, parameters or data changed, and say why.

A node is **skipped** when, since its last successful run, its code fingerprint, the
fingerprint of the parameters it consumes and the fingerprints of its inputs are unchanged, and
its persisted outputs still exist with the fingerprints recorded when they were saved. Otherwise
it **runs**, each reason named ("code of helper `clean_names` changed", "input `companies`
changed", "parameter `model_options.test_size` changed", "upstream `preprocess` re-ran").

Decisions are made as the run goes, so an upstream node that re-runs but writes byte-identical
data leaves its readers skipped (early cut-off). The driver decides in waves: every node whose
producers are settled is decided now; the nodes that run form one batch, executed by the
runner's own loop (sequential, threads, processes, Dask); then the next wave. A node that must
run whatever its upstream produces (new code, new parameters, a missing output...) joins the
wave of its producers, so a first run is a single batch.

Memory-only data has no stored bytes to fingerprint: it is identified by how it was made (the
producing node's key). A node whose outputs are only in memory is run when a running node
needs them, or when they are free outputs of the run (the caller asked for them).

Fingerprints are stored by the driver only, once a node's outputs are all saved, through a
:class:`StateStore` (the session's run store): a node that crashed is never recorded as done.
"""

from __future__ import annotations

import functools
import heapq
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from kedro_nb.runner._graph import RunGraph, base_name
from kedro_nb.runner.fingerprint import (
    FUNCTION_PART,
    code_fingerprint,
    code_version,
    digest,
    is_parameter,
    params_fingerprint,
)

if TYPE_CHECKING:
    from kedro_nb.io.protocol import CatalogProtocol

__all__ = [
    "UNCHANGED",
    "Decision",
    "Incremental",
    "NodeRow",
    "NodeState",
    "StateStore",
    "decision_lines",
]

logger = logging.getLogger("kedro_nb.runner")

UNCHANGED = "skipped: unchanged"
#: why a node with no recorded state runs: it never ran successfully ...
NEVER_RAN = "no successful run recorded"
#: ... or it did, but only in plain runs, which do not fingerprint (that would cost every run)
NOT_FINGERPRINTED = "no fingerprints recorded yet (the last runs were not incremental)"
_PERSISTED, _KEPT, _MEMORY = "persisted", "kept", "memory"


@dataclass
class NodeState:
    """What a node's successful run saw and made: part to digest for its code, leaf key to
    digest for its parameters, dataset to fingerprint for its inputs and persisted outputs."""

    code: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str | None] = field(default_factory=dict)
    outputs: dict[str, str | None] = field(default_factory=dict)

    def key(self) -> str:
        """One digest of code, parameters and inputs: what memory outputs are known by."""
        return digest(
            json.dumps([self.code, self.params, self.inputs], sort_keys=True, separators=(",", ":"))
        )

    def to_json(self) -> str:
        """The state as JSON text, for the store."""
        return json.dumps(
            {
                "code": self.code,
                "params": self.params,
                "inputs": self.inputs,
                "outputs": self.outputs,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> NodeState:
        """The state :meth:`to_json` wrote."""
        data = json.loads(text)
        return cls(data["code"], data["params"], data["inputs"], data["outputs"])


class StateStore(Protocol):
    """Where node states live between runs (``kedro_nb.project.records.RunStore``).

    A store may also have ``ran_without_states(nodes) -> set[str]``: the nodes that ran in a
    successful plain run, so their first incremental decision says why they have no record."""

    def last_states(self, nodes: Iterable[str]) -> dict[str, NodeState]:
        """The state of each node's latest successful run (nodes never run are absent)."""

    def record_nodes(self, run_id: str, rows: list[NodeRow]) -> None:
        """Store what happened to some nodes of run ``run_id``, in one transaction."""


@dataclass
class NodeRow:
    """One node of one incremental run: ``status`` is ``ran`` or ``skipped``."""

    node: str
    status: str
    reason: str
    seconds: float | None = None
    state: NodeState | None = None


@dataclass
class Decision:
    """Whether a node runs, and why (empty reasons: skipped, unchanged)."""

    node: str
    reasons: list[str] = field(default_factory=list)

    @property
    def runs(self) -> bool:
        return bool(self.reasons)

    def text(self) -> str:
        """``skipped: unchanged`` or ``runs: <reason>, <reason>``."""
        return "runs: " + ", ".join(self.reasons) if self.reasons else UNCHANGED


@dataclass
class Incremental:
    """The incremental options of one run, handed to ``runner.run(incremental=...)``.

    Attributes:
        store: where node states are read and recorded (None: nothing recorded, all run).
        cache: the local-file digest cache (``kedro_nb.io.fingerprint.FileHashCache``).
        dry_run: decide only; nothing runs and nothing is recorded.
        decisions: filled by the run, node name to :class:`Decision`, in decision order.
    """

    store: StateStore | None = None
    cache: Any = None
    dry_run: bool = False
    decisions: dict[str, Decision] = field(default_factory=dict)

    @property
    def ran(self) -> list[str]:
        return [name for name, decision in self.decisions.items() if decision.runs]

    @property
    def skipped(self) -> list[str]:
        return [name for name, decision in self.decisions.items() if not decision.runs]


_PENDING, _BATCH, _DONE, _SKIPPED = 0, 1, 2, 3


class IncrementalPlanner:
    """The decisions of one incremental run over ``graph`` (all of the run's nodes)."""

    def __init__(
        self,
        graph: RunGraph,
        catalog: CatalogProtocol,
        datasets: dict[str, Any],
        options: Incremental,
    ) -> None:
        from kedro_nb.io.fingerprint import FileHashCache

        self.graph = graph
        self.catalog = catalog
        self.datasets = datasets
        self.options = options
        if options.cache is None:
            options.cache = FileHashCache()
        self.cache = options.cache
        self.names = [node.name for node in graph.nodes]
        self.parents = graph.parents()
        self.last = options.store.last_states(self.names) if options.store is not None else {}
        self.ran_plainly: set[str] = set()
        unknown = [name for name in self.names if name not in self.last]
        plain = getattr(options.store, "ran_without_states", None)
        if unknown and callable(plain):
            self.ran_plainly = plain(unknown)
        self.status = [_PENDING] * len(graph.nodes)
        self.keys: list[str | None] = [None] * len(graph.nodes)
        self._code: dict[int, dict[str, str]] = {}
        self._by_function: dict[tuple[int, str | None], dict[str, str]] = {}
        self._params: dict[int, dict[str, str]] = {}
        self._kinds: dict[str, str] = {}
        self._prints: dict[str, str | None] = {}
        self.readers: dict[str, list[int]] = {}
        for i, inputs in enumerate(graph.node_inputs):
            for name in inputs:
                self.readers.setdefault(base_name(name), []).append(i)
        self.free_outputs = {base_name(name) for name in graph.outputs}
        self.dry = False
        self._touched: set[int] = set()
        self.pending = len(graph.nodes)
        self.new_skipped: list[int] = []
        self._heap = list(range(len(graph.nodes)))  # already a heap: sorted
        self._queued = set(self._heap)

    # -- facts --------------------------------------------------------------------------
    def kind(self, name: str) -> str:
        if name not in self._kinds:
            from kedro_nb.runner.base import is_ephemeral

            dataset = self.datasets.get(name)
            if dataset is None or not is_ephemeral(dataset):
                self._kinds[name] = _PERSISTED
            elif getattr(dataset, "outlives_run", False):
                self._kinds[name] = _KEPT
            else:
                self._kinds[name] = _MEMORY
        return self._kinds[name]

    def code(self, i: int) -> dict[str, str]:
        if i not in self._code:
            node = self.graph.nodes[i]
            key = (id(node.func), code_version(node))  # one function used by many nodes
            if key not in self._by_function:
                self._by_function[key] = code_fingerprint(node)
            self._code[i] = self._by_function[key]
        return self._code[i]

    def params(self, i: int) -> dict[str, str]:
        if i not in self._params:
            self._params[i] = params_fingerprint(list(self.graph.node_inputs[i]), self.catalog.load)
        return self._params[i]

    def stored(self, name: str) -> str | None:
        """The current fingerprint of persisted dataset ``name`` (cached until it is saved)."""
        if name not in self._prints:
            from kedro_nb.io.fingerprint import data_fingerprint

            self._prints[name] = data_fingerprint(self.datasets.get(name), self.cache)
        return self._prints[name]

    def forget(self, names: Iterable[str]) -> None:
        """``names`` were just saved: their fingerprints are read again when next needed."""
        for name in names:
            self._prints.pop(name, None)
            dataset = self.datasets.get(name)
            clear = getattr(dataset, "_clear_version_cache", None)
            if callable(clear) and getattr(dataset, "_version", None) is not None:
                clear()

    def input_print(self, name: str) -> str | None:
        """What input ``name`` is known by now: stored data's fingerprint, or for data in
        memory, the key of the node that made it (or its value's digest when no node of this
        run makes it)."""
        producer = self.graph.producer.get(base_name(name))
        if self.kind(name) == _PERSISTED:
            return self.stored(name)
        if producer is not None:
            key = self.keys[producer]
            return None if key is None else f"made:{key}:{base_name(name)}"
        from kedro_nb.io.fingerprint import value_digest

        dataset = self.datasets.get(name)
        if dataset is None or not dataset.exists():
            return None
        return value_digest(self.catalog.load(name))

    def inputs(self, i: int) -> dict[str, str | None]:
        return {
            name: self.input_print(name)
            for name in self.graph.node_inputs[i]
            if not is_parameter(name)
        }

    def state(self, i: int) -> NodeState:
        """Node ``i``'s state now (inputs as they are; outputs as stored now)."""
        outputs = {
            name: self.stored(name)
            for name in self.graph.node_outputs[i]
            if self.kind(name) == _PERSISTED
        }
        return NodeState(self.code(i), self.params(i), self.inputs(i), outputs)

    # -- reasons ------------------------------------------------------------------------
    def own_reasons(self, i: int) -> list[str]:
        """Reasons node ``i`` runs that do not depend on what its producers in this run do:
        no record, code, parameters, free inputs, its outputs."""
        last = self.last.get(self.names[i])
        if last is None:
            if self.names[i] in self.ran_plainly:
                return [NOT_FINGERPRINTED]
            return [NEVER_RAN]
        reasons = _code_reasons(last.code, self.code(i))
        reasons += [f"parameter `{key}` changed" for key in _changed(last.params, self.params(i))]
        for name in self.graph.node_inputs[i]:
            if is_parameter(name) or self.graph.producer.get(base_name(name)) is not None:
                continue
            now = self.input_print(name)
            if now is None or last.inputs.get(name) != now:
                reasons.append(f"input `{name}` changed")
        reasons += self.output_reasons(i, last)
        return reasons

    def output_reasons(self, i: int, last: NodeState) -> list[str]:
        reasons = []
        for name in self.graph.node_outputs[i]:
            kind = self.kind(name)
            if kind == _PERSISTED:
                now = self.stored(name)
                if now is None:
                    reasons.append(f"output `{name}` is missing")
                elif last.outputs.get(name) != now:
                    reasons.append(f"output `{name}` changed since it was saved")
            elif kind == _KEPT:
                if not self.datasets[name].exists():
                    reasons.append(f"output `{name}` is not in memory")
            elif base_name(name) in self.free_outputs:
                reasons.append(f"output `{name}` is kept in memory only")
        return reasons

    def upstream_reasons(self, i: int) -> list[str]:
        """Reasons from inputs made by nodes of this run that are settled (ran or skipped)."""
        last = self.last.get(self.names[i])
        if last is None:
            return []
        reasons = []
        for name in self.graph.node_inputs[i]:
            producer = self.graph.producer.get(base_name(name))
            if producer is None or is_parameter(name):
                continue
            if self.dry and self.status[producer] == _DONE:
                reason = f"upstream `{self.names[producer]}` re-runs"
                if reason not in reasons:
                    reasons.append(reason)
            elif last.inputs.get(name) != self.input_print(name):
                if self.status[producer] == _DONE:
                    reason = f"upstream `{self.names[producer]}` re-ran"
                else:
                    reason = f"input `{name}` changed"
                if reason not in reasons:
                    reasons.append(reason)
        return reasons

    # -- waves --------------------------------------------------------------------------
    def _set(self, i: int, status: int) -> None:
        """Give node ``i`` a new status; its undecided children may be decidable now."""
        if self.status[i] == _PENDING:
            self.pending -= 1
        self.status[i] = status
        if status == _SKIPPED:
            self.new_skipped.append(i)
        for child in self.graph.children[i]:
            if self.status[child] == _PENDING and child not in self._queued:
                self._queued.add(child)
                heapq.heappush(self._heap, child)

    def next_batch(self) -> list[int]:
        """Decide every node that can be decided now; return the ones to run (sorted).

        Only nodes whose producers changed status since they were last looked at are
        looked at again (a heap in topological order), so a long chain decided one wave at a
        time costs O(nodes) over the whole run, not O(nodes) per wave."""
        status, decisions, heap = self.status, self.options.decisions, self._heap
        batch: list[int] = []
        while heap:
            i = heapq.heappop(heap)
            self._queued.discard(i)
            if status[i] != _PENDING:
                continue
            parent_states = {status[p] for p in self.parents[i]}
            if parent_states <= {_DONE, _SKIPPED}:
                reasons = self.own_reasons(i)
                if self.names[i] in self.last:
                    reasons += [r for r in self.upstream_reasons(i) if r not in reasons]
                decisions[self.names[i]] = Decision(self.names[i], reasons)
                self._touched.add(i)
                if reasons:
                    self._set(i, _BATCH)
                    batch.append(i)
                else:
                    self.keys[i] = self.state(i).key()
                    self._set(i, _SKIPPED)
            elif _PENDING not in parent_states:
                reasons = self.own_reasons(i)
                if reasons:
                    decisions[self.names[i]] = Decision(self.names[i], reasons)
                    self._set(i, _BATCH)
                    batch.append(i)
        self._pull_memory(batch)
        return sorted(batch)

    def _pull_memory(self, batch: list[int]) -> None:
        """Add to ``batch`` the skipped nodes whose in-memory outputs a batch node reads."""
        todo = list(batch)
        while todo:
            i = todo.pop()
            for name in self.graph.node_inputs[i]:
                producer = self.graph.producer.get(base_name(name))
                if producer is None or self.kind(name) == _PERSISTED:
                    continue
                if self.status[producer] != _SKIPPED:
                    continue
                if self.kind(name) == _KEPT and self.datasets[name].exists():
                    continue
                self._set(producer, _BATCH)
                self.options.decisions[self.names[producer]] = Decision(
                    self.names[producer],
                    [f"`{self.names[i]}` needs its output `{name}` in memory"],
                )
                batch.append(producer)
                todo.append(producer)

    def completed(self, i: int, worker: Any = None) -> NodeState:
        """Node ``i`` ran and its outputs are saved: its state to record. ``worker``: the
        fingerprints (and file digests) of the outputs a worker process saved, if one did."""
        self._set(i, _DONE)
        self._touched.add(i)
        self.forget(self.graph.node_outputs[i])
        if worker is not None:
            prints, rows = worker
            self._prints.update(prints)
            for path, inode, mtime_ns, size, found in rows:
                self.cache.put((path, inode, mtime_ns, size), found)
        state = self.state(i)
        self.keys[i] = state.key()
        return state

    def touched(self) -> list[str]:
        """The datasets of the nodes decided or completed since the last call."""
        nodes, self._touched = self._touched, set()
        names: dict[str, None] = {}
        for i in nodes:
            names.update(dict.fromkeys(self.graph.node_inputs[i]))
            names.update(dict.fromkeys(self.graph.node_outputs[i]))
            for parent in self.parents[i]:  # a skipped producer that can no longer be pulled
                names.update(dict.fromkeys(self.graph.node_inputs[parent]))
                names.update(dict.fromkeys(self.graph.node_outputs[parent]))
        return list(names)

    def pullable(self, i: int) -> bool:
        """Whether skipped node ``i`` may still be run for its in-memory outputs (a node that
        reads them is not decided yet, or is itself pullable)."""
        for name in self.graph.node_outputs[i]:
            if self.kind(name) == _PERSISTED:
                continue
            for reader in self.readers.get(base_name(name), ()):
                if self.status[reader] == _PENDING:
                    return True
                if self.status[reader] == _SKIPPED and self.pullable(reader):
                    return True
        return False

    def waiting(self, i: int) -> bool:
        """Whether node ``i`` may still run later in this run."""
        status = self.status[i]
        return status == _PENDING or (status == _SKIPPED and self.pullable(i))

    def settled(self, name: str) -> bool:
        """Whether no node that may still run reads dataset ``name``."""
        return not any(self.waiting(i) for i in self.readers.get(base_name(name), ()))

    def dry_run(self) -> None:
        """Decide every node without running any: a node reading from one that runs is taken
        to run too ("upstream `x` re-runs"), as that output may change."""
        self.dry = True
        while self.pending:
            for i in self.next_batch():
                self.keys[i] = "dry-run:" + self.names[i]
                self._set(i, _DONE)


def _changed(before: dict[str, str], now: dict[str, str]) -> list[str]:
    return sorted(key for key in set(before) | set(now) if before.get(key) != now.get(key))


def _code_reasons(before: dict[str, str], now: dict[str, str]) -> list[str]:
    if "code_version" in before or "code_version" in now:
        return (
            []
            if before.get("code_version") == now.get("code_version")
            else ["code version changed"]
        )
    reasons: list[str] = []
    for part in _changed(before, now):
        if part == FUNCTION_PART:
            reasons.insert(0, "code changed")
        elif part not in now:
            reasons.append(f"{part} no longer used")
        elif part not in before:
            reasons.append(f"new {part}")
        elif part.startswith("helper "):
            reasons.append(f"code of {part} changed")
        else:
            reasons.append(f"{part} changed")
    return reasons


def run_incrementally(
    graph: RunGraph,
    datasets: dict[str, Any],
    options: Incremental,
    execute: Callable[[RunGraph, Callable[[int, float, Any], None]], Any],
    catalog: CatalogProtocol,
    run_id: str,
) -> tuple[dict[str, float], list[str]]:
    """Run ``graph`` incrementally: ``execute(batch_graph, on_complete)`` runs one batch
    with the runner's loop and calls ``on_complete(index, seconds, worker_fingerprints)`` once a
    node's outputs are saved. Returns the node timings and the persisted datasets written.

    Each node that ran is stored as it completes (so after a crash the nodes that finished are
    known, and the one that crashed is not); skipped nodes are stored once per wave. Datasets
    are released as soon as no node that may still run reads them.
    """
    planner = IncrementalPlanner(graph, catalog, datasets, options)
    if options.dry_run:
        planner.dry_run()
        return {}, []
    store = options.store
    timings: dict[str, float] = {}
    saved: list[str] = []
    released: set[str] = set(graph.inputs) | set(graph.outputs)  # never released here

    def on_complete(batch: list[int], index: int, seconds: float, worker: Any) -> None:
        i = batch[index]
        state = planner.completed(i, worker)
        name = planner.names[i]
        timings[name] = seconds
        saved.extend(n for n in graph.node_outputs[i] if planner.kind(n) == _PERSISTED)
        if store is not None:
            row = NodeRow(name, "ran", options.decisions[name].text(), seconds, state)
            store.record_nodes(run_id, [row])

    while planner.pending:
        batch = planner.next_batch()
        try:
            if batch:
                members = set(batch)
                sub = RunGraph([graph.nodes[i] for i in batch])
                later = {
                    name
                    for name in sub.datasets
                    if any(
                        reader not in members and planner.waiting(reader)
                        for reader in planner.readers.get(base_name(name), ())
                    )
                }
                if later:
                    sub = RunGraph(sub.nodes, keep=later)
                execute(sub, functools.partial(on_complete, batch))
        finally:
            skipped = [
                NodeRow(planner.names[i], "skipped", UNCHANGED)
                for i in planner.new_skipped
                if planner.status[i] == _SKIPPED
            ]
            planner.new_skipped.clear()
            if store is not None and skipped:
                store.record_nodes(run_id, skipped)
        for name in planner.touched():
            if name not in released and planner.settled(name):
                producer = graph.producer.get(base_name(name))
                if producer is None or planner.status[producer] in (_DONE, _SKIPPED):
                    catalog.release(name)
                    released.add(name)
    for name in graph.datasets:  # every node is settled now
        if name not in released:
            catalog.release(name)
    return timings, saved


def decision_lines(
    decisions: dict[str, Decision],
    timings: dict[str, float],
    memory: dict[str, int] | None = None,
) -> list[str]:
    """One line per node, ``name  0.012 s  +1.5 MB  runs: <why>`` or
    ``name  skipped: unchanged``, then the count of nodes that ran and were skipped (what the
    run summaries print). ``memory``: each node's peak above its start, in bytes."""
    width = max((len(name) for name in decisions), default=0)
    memory = memory or {}
    lines = []
    for name, decision in decisions.items():
        seconds = f"{timings[name]:8.3f} s  " if name in timings else " " * 12
        if memory:
            peak = memory.get(name)
            seconds += f"+{peak / 2**20:7.1f} MB  " if peak is not None else " " * 12
        lines.append(f"  {name:<{width}}  {seconds}{decision.text()}")
    ran = sum(1 for decision in decisions.values() if decision.runs)
    lines.append(f"{ran} node(s) ran, {len(decisions) - ran} skipped")
    return lines
