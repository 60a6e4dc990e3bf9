"""Shared building blocks of the runner tests: node functions, datasets and hooks that record
what the runner does, and generated pipelines built both with kedro-nb and with Kedro."""

from __future__ import annotations

import json
import os
import random
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kedro_nb.hooks import hook_impl
from kedro_nb.io import MemoryDataset
from kedro_nb.io.datasets.pickle import PickleDataset


def add(a: int, b: int) -> int:
    return a + b


def double(x: int) -> int:
    return x * 2


def increment(x: int) -> int:
    return x + 1


def explode(x: Any) -> Any:
    raise ValueError("exploded on purpose")


class ReleaseCountingDataset(MemoryDataset):
    """A memory dataset remembering how often, and after which loads, it was released."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.releases = 0
        self.loads = 0

    def _load(self) -> Any:
        self.loads += 1
        return super()._load()

    def _release(self) -> None:
        self.releases += 1
        super()._release()


class LockedPickleDataset(PickleDataset):
    """A persisted dataset that cannot be pickled (it holds a lock), like fsspec file systems
    with live connections: process runners must load and save it in the main process."""

    def __init__(self, *, filepath: str) -> None:
        super().__init__(filepath=filepath)
        self._lock = threading.Lock()


class RecordingHooks:
    """Records every node, dataset and pipeline hook call in order, with its arguments."""

    def __init__(self, replace_inputs: dict[str, Any] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.replace_inputs = replace_inputs or {}

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog):
        self.calls.append(
            (
                "before_pipeline_run",
                {"run_params": run_params, "pipeline": pipeline, "catalog": catalog},
            )
        )

    @hook_impl
    def after_pipeline_run(self, run_params, run_result, pipeline, catalog):
        self.calls.append(
            (
                "after_pipeline_run",
                {
                    "run_params": run_params,
                    "run_result": run_result,
                    "pipeline": pipeline,
                    "catalog": catalog,
                },
            )
        )

    @hook_impl
    def on_pipeline_error(self, error, run_params, pipeline, catalog):
        self.calls.append(("on_pipeline_error", {"error": error, "run_params": run_params}))

    @hook_impl
    def before_node_run(self, node, catalog, inputs, is_async, run_id):
        self.calls.append(
            (
                "before_node_run",
                {
                    "node": node,
                    "catalog": catalog,
                    "inputs": dict(inputs),
                    "is_async": is_async,
                    "run_id": run_id,
                },
            )
        )
        wanted = {k: v for k, v in self.replace_inputs.items() if k in inputs}
        return wanted or None

    @hook_impl
    def after_node_run(self, node, catalog, inputs, outputs, is_async, run_id):
        self.calls.append(
            (
                "after_node_run",
                {"node": node, "inputs": dict(inputs), "outputs": dict(outputs), "run_id": run_id},
            )
        )

    @hook_impl
    def on_node_error(self, error, node, catalog, inputs, is_async, run_id):
        self.calls.append(
            (
                "on_node_error",
                {"error": error, "node": node, "inputs": dict(inputs), "run_id": run_id},
            )
        )

    @hook_impl
    def before_dataset_loaded(self, dataset_name, node):
        self.calls.append(("before_dataset_loaded", {"dataset_name": dataset_name, "node": node}))

    @hook_impl
    def after_dataset_loaded(self, dataset_name, data, node):
        self.calls.append(
            ("after_dataset_loaded", {"dataset_name": dataset_name, "data": data, "node": node})
        )

    @hook_impl
    def before_dataset_saved(self, dataset_name, data, node):
        self.calls.append(
            ("before_dataset_saved", {"dataset_name": dataset_name, "data": data, "node": node})
        )

    @hook_impl
    def after_dataset_saved(self, dataset_name, data, node):
        self.calls.append(
            ("after_dataset_saved", {"dataset_name": dataset_name, "data": data, "node": node})
        )


class FileLoggingHooks:
    """Hooks for worker processes: each call appends a JSON line to a file, since the hook
    object itself is a copy in the worker."""

    def __init__(self, path: Path, add_to_inputs: dict[str, int] | None = None) -> None:
        self.path = str(path)
        self.add_to_inputs = add_to_inputs or {}

    def _write(self, **record: Any) -> None:
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")

    @hook_impl
    def before_node_run(self, node, inputs):
        self._write(hook="before_node_run", node=node.name, inputs=sorted(inputs))
        changed = {k: inputs[k] + v for k, v in self.add_to_inputs.items() if k in inputs}
        return changed or None

    @hook_impl
    def after_node_run(self, node, outputs):
        self._write(hook="after_node_run", node=node.name, outputs=sorted(outputs))

    @hook_impl
    def on_node_error(self, error, node):
        self._write(hook="on_node_error", node=node.name, error=str(error))

    @hook_impl
    def after_dataset_saved(self, dataset_name, node):
        self._write(hook="after_dataset_saved", node=node.name, dataset=dataset_name)

    def records(self) -> list[dict[str, Any]]:
        path = Path(self.path)
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- progress hook checks ---------------------------------------------------------------------


def diamond() -> Any:
    """Two branches from ``a`` joining in ``last``; ``e`` ends up 6 when ``a`` is 1."""
    from kedro_nb.pipeline import Pipeline, node

    return Pipeline(
        [
            node(increment, "a", "b", name="first"),
            node(double, "b", "c", name="second"),
            node(increment, "a", "d", name="side"),
            node(add, ["c", "d"], "e", name="last"),
        ]
    )


def failing() -> Any:
    """A chain whose middle node ``boom`` raises, so ``after_boom`` never starts."""
    from kedro_nb.pipeline import Pipeline, node

    return Pipeline(
        [
            node(increment, "a", "b", name="first"),
            node(explode, "b", "c", name="boom"),
            node(double, "c", "d", name="after_boom"),
        ]
    )


def check_success(recorder: ProgressRecorder, pipeline: Any, result: Any, run_id: str) -> None:
    """A successful run: every node reported, in this process and thread, with its timing."""
    recorder.check_order(pipeline)
    names = {n.name for n in pipeline.nodes}
    assert {name for event, name in recorder.order() if event == "started"} == names
    assert {e["pid"] for e in recorder.events} == {os.getpid()}
    assert {e["thread"] for e in recorder.events} == {threading.get_ident()}
    assert {e["run_id"] for e in recorder.events} == {run_id}
    finished = [e for e in recorder.events if e["event"] == "finished"]
    assert all(e["error"] is None for e in finished)
    assert {e["node"]: e["duration"] for e in finished} == result.node_timings


def check_failure(recorder: ProgressRecorder, pipeline: Any, raised: Any) -> None:
    """A run of :func:`failing`: ``boom`` finishes with the error the run raised."""
    from kedro_nb.runner import node_failure

    recorder.check_order(pipeline)
    failure = node_failure(raised)
    assert failure is not None and failure.node_name == "boom"
    assert {e["pid"] for e in recorder.events} == {os.getpid()}
    assert {e["thread"] for e in recorder.events} == {threading.get_ident()}
    by_node = {(e["event"], e["node"]): e for e in recorder.events}
    assert ("started", "after_boom") not in by_node
    assert by_node["finished", "first"]["error"] is None
    error = by_node["finished", "boom"]["error"]
    assert isinstance(error, ValueError) and "exploded on purpose" in str(error)
    assert error is raised
    assert by_node["finished", "boom"]["duration"] >= 0


# -- generated pipelines ----------------------------------------------------------------------


@dataclass
class NodeSpec:
    name: str
    inputs: list[str]
    outputs: list[str]


@dataclass
class PipelineSpec:
    """A random DAG: free inputs, nodes, and which datasets are persisted (the rest memory)."""

    free_inputs: list[str]
    nodes: list[NodeSpec]
    persisted: set[str] = field(default_factory=set)


def random_spec(seed: int, n_nodes: int = 12) -> PipelineSpec:
    rng = random.Random(seed)
    free = [f"raw_{i}" for i in range(rng.randint(1, 3))]
    available = list(free)
    nodes = []
    for i in range(n_nodes):
        k = rng.randint(1, min(3, len(available)))
        inputs = sorted(set(rng.sample(available[-6:] if rng.random() < 0.7 else available, k)))
        outputs = [f"ds_{i}_{j}" for j in range(rng.randint(1, 2))]
        if rng.random() < 0.2:
            inputs.append("params:factor")
        nodes.append(NodeSpec(f"node_{i:02d}", inputs, outputs))
        available.extend(outputs)
    produced = [o for spec in nodes for o in spec.outputs]
    persisted = {name for name in produced if rng.random() < 0.45}
    return PipelineSpec(free, nodes, persisted)


def spec_function(n_outputs: int, fail: bool = False):
    """A node function taking any inputs and returning ``n_outputs`` values."""

    def function(*values: Any) -> Any:
        if fail:
            raise RuntimeError("generated failure")
        total = sum(v for v in values if isinstance(v, int))
        return total if n_outputs == 1 else [total + j for j in range(n_outputs)]

    return function


def build_ours(spec: PipelineSpec, root: Path, fail: str | None = None):
    """Our Pipeline and DataCatalog for ``spec``: persisted datasets are pickle files under
    ``root``, others are left undeclared (memory)."""
    from kedro_nb.io import DataCatalog
    from kedro_nb.pipeline import Pipeline, node

    nodes = [
        node(
            spec_function(len(s.outputs), s.name == fail),
            s.inputs,
            s.outputs[0] if len(s.outputs) == 1 else s.outputs,
            name=s.name,
        )
        for s in spec.nodes
    ]
    catalog = DataCatalog(
        {name: PickleDataset(filepath=str(root / f"{name}.pkl")) for name in sorted(spec.persisted)}
    )
    for name in spec.free_inputs:
        catalog[name] = 1
    catalog["params:factor"] = 3
    return Pipeline(nodes), catalog


def build_kedro(spec: PipelineSpec, root: Path):
    """The same pipeline and catalog with Kedro 1.7's own classes (the reference)."""
    from kedro.io import DataCatalog, MemoryDataset
    from kedro.pipeline import Pipeline, node
    from kedro_datasets.pickle import PickleDataset as KedroPickle

    nodes = [
        node(
            spec_function(len(s.outputs)),
            s.inputs,
            s.outputs[0] if len(s.outputs) == 1 else s.outputs,
            name=s.name,
        )
        for s in spec.nodes
    ]
    datasets: dict[str, Any] = {
        name: KedroPickle(filepath=str(root / f"{name}.pkl")) for name in sorted(spec.persisted)
    }
    for name in spec.free_inputs:
        datasets[name] = MemoryDataset(1)
    datasets["params:factor"] = MemoryDataset(3)
    return Pipeline(nodes), DataCatalog(datasets)


class ProgressRecorder:
    """Implements only kedro-nb's progress hooks and records each call with the process and
    thread it arrived in. It holds a lock, so a copy of it could not travel to a worker."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    @hook_impl
    def on_node_started(self, node, run_id):
        self._record("started", node, run_id)

    @hook_impl
    def on_node_finished(self, node, run_id, duration, error):
        self._record("finished", node, run_id, duration=duration, error=error)

    def _record(self, event: str, node: Any, run_id: str, **extra: Any) -> None:
        with self._lock:
            self.events.append(
                {
                    "event": event,
                    "node": node.name,
                    "run_id": run_id,
                    "pid": os.getpid(),
                    "thread": threading.get_ident(),
                    **extra,
                }
            )

    def order(self) -> list[tuple[str, str]]:
        return [(e["event"], e["node"]) for e in self.events]

    def check_order(self, pipeline: Any) -> None:
        """Every started node finishes exactly once, after it started, and no node starts
        before all the nodes producing its inputs have finished."""
        producers = {out: n.name for n in pipeline.nodes for out in n.outputs}
        parents = {
            n.name: {producers[i] for i in n.inputs if i in producers} for n in pipeline.nodes
        }
        started: list[str] = []
        finished: list[str] = []
        for event, name in self.order():
            if event == "started":
                assert name not in started, f"{name} started twice"
                assert parents[name] <= set(finished), f"{name} started before its inputs"
                started.append(name)
            else:
                assert name in started and name not in finished, f"{name} finished oddly"
                finished.append(name)
        assert sorted(started) == sorted(finished)
