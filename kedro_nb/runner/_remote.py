"""Running nodes in other processes (``ParallelRunner``, ``DaskRunner``).

The main process schedules. For each node it sends one self-contained task: the node
(cloudpickled, so functions and lambdas defined in a notebook travel by value), and per input
either the data itself (memory datasets, and datasets that must stay in this process) or the
pickled dataset object for the worker to load. Persisted outputs are saved by the worker;
memory outputs come back by value and are saved here. Node and dataset hooks run in the worker,
on copies of the registered hook objects; the progress hooks (``on_node_started``,
``on_node_finished``) run here, in the scheduling loop.

A dataset stays in the main process when it is memory-only, declares itself single-process
(``_SINGLE_PROCESS``/``single_process``), or cannot be pickled (e.g. a filesystem holding a
lock): its data then travels by value instead of failing the run.
"""

from __future__ import annotations

import hashlib
import logging
import time
import traceback
from typing import TYPE_CHECKING, Any

import cloudpickle

from kedro_nb.runner._hooks import HookRelay, call_node
from kedro_nb.runner._local import iter_output_chunks
from kedro_nb.runner.base import RunState
from kedro_nb.runner.errors import NodeNotPicklableError

if TYPE_CHECKING:
    from kedro_nb.pipeline import Node

logger = logging.getLogger("kedro_nb.runner")

_DATA, _DATASET = 0, 1


def _single_process(dataset: Any) -> bool:
    return bool(
        getattr(dataset, "_SINGLE_PROCESS", False) or getattr(dataset, "single_process", False)
    )


class RemoteTasks:
    """Builds the task of each node in the main process and applies what comes back."""

    def __init__(self, state: RunState) -> None:
        self.state = state
        state.memory = None  # the workers measure the nodes they run
        self.shipped: dict[str, bytes] = {}
        for name in state.graph.datasets:
            dataset = state.datasets[name]
            if name not in state.persisted or _single_process(dataset):
                continue
            try:
                self.shipped[name] = cloudpickle.dumps(dataset)
            except Exception as exc:
                logger.info(
                    "Dataset '%s' cannot be pickled (%s): it is loaded and saved in "
                    "the main process and its data sent to workers.",
                    name,
                    exc,
                )
        self.node_blobs = [self._pickle_node(node) for node in state.graph.nodes]
        self.hooks_blob = self._pickle_hooks(state.hooks)

    @staticmethod
    def _pickle_node(node: Node) -> bytes:
        try:
            blob: bytes = cloudpickle.dumps(node)
        except Exception as exc:
            raise NodeNotPicklableError(
                f"Node '{node.name}' cannot be sent to a worker process: "
                f"{type(exc).__name__}: {exc}. Its function (or something it closes over) "
                "cannot be serialised; move the unpicklable object inside the function, or "
                "use SequentialRunner or ThreadRunner."
            ) from exc
        return blob

    @staticmethod
    def _pickle_hooks(hooks: HookRelay) -> bytes | None:
        plugins = []
        for plugin in hooks.plugins():
            try:
                cloudpickle.dumps(plugin)
            except Exception as exc:
                logger.info(
                    "Hook object %s cannot be pickled (%s): its node and dataset hooks "
                    "do not run in worker processes.",
                    type(plugin).__qualname__,
                    exc,
                )
                continue
            plugins.append(plugin)
        return cloudpickle.dumps(plugins) if plugins else None

    def payload(self, index: int) -> bytes:
        """The task of node ``index``, loading its main-process inputs now."""
        state = self.state
        shipped, load = self.shipped, state.catalog.load
        inputs = [
            (name, _DATASET, shipped[name]) if name in shipped else (name, _DATA, load(name))
            for name in state.graph.node_inputs[index]
        ]
        outputs = {name: shipped.get(name) for name in state.graph.node_outputs[index]}
        try:
            payload: bytes = cloudpickle.dumps(
                (
                    self.node_blobs[index],
                    inputs,
                    outputs,
                    self.hooks_blob,
                    state.run_id,
                    state.fingerprint_outputs,
                )
            )
        except Exception as exc:
            in_memory = sorted(name for name, kind, _ in inputs if kind == _DATA)
            raise NodeNotPicklableError(
                f"The input data of node '{state.names[index]}' ({', '.join(in_memory)}) cannot "
                f"be sent to a worker process: {type(exc).__name__}: {exc}. Use "
                "SequentialRunner or ThreadRunner for this pipeline."
            ) from exc
        return payload

    def finish(self, index: int, reply: bytes) -> float:
        """Apply node ``index``'s reply: save the outputs it sent back, or raise its error.

        Outputs the worker saved itself are released here and pickled again, so this
        process's dataset objects (and the copies later readers receive) drop any version or
        listing they cached before the save.
        """
        status, body = cloudpickle.loads(reply)
        if status == "error":
            raise _revive_error(*body)
        seconds: float
        seconds, returned, peak, prints = body
        state = self.state
        if peak is not None:
            state.node_memory[state.names[index]] = peak
        if prints is not None:
            state.output_prints[index] = prints
        save = state.catalog.save
        for name, data in returned:
            save(name, data)
        for name in state.graph.node_outputs[index]:
            if name in self.shipped:
                dataset = state.datasets[name]
                dataset.release()
                self.shipped[name] = cloudpickle.dumps(dataset)
        return seconds


def _revive_error(blob: bytes | None, text: str, remote_tb: str) -> BaseException:
    error: BaseException | None = None
    if blob is not None:
        try:
            error = cloudpickle.loads(blob)
        except Exception:
            error = None
    if error is None:
        error = RuntimeError(text)
    note = f"Traceback in the worker process:\n{remote_tb}"
    if hasattr(error, "add_note"):
        error.add_note(note)
    else:  # Python 3.10: the same __notes__ attribute 3.11's traceback printing shows
        error.__notes__ = [*getattr(error, "__notes__", []), note]  # type: ignore[attr-defined]
    return error


_WORKER_HOOKS: dict[str, HookRelay] = {}


def _worker_hooks(blob: bytes | None) -> HookRelay:
    if blob is None:
        return HookRelay(None)
    key = hashlib.sha256(blob).hexdigest()
    relay = _WORKER_HOOKS.get(key)
    if relay is None:
        from kedro_nb.hooks import create_hook_manager, register_hooks

        manager = create_hook_manager()
        register_hooks(manager, cloudpickle.loads(blob))
        relay = _WORKER_HOOKS[key] = HookRelay(manager)
    return relay


def run_task(payload: bytes) -> bytes:
    """Worker side: run one node task and reply ``("ok", (seconds, outputs, peak memory,
    output fingerprints))`` or
    ``("error", (pickled error, message, traceback))``. Never raises, so any executor
    carries the reply."""
    from kedro_nb.runner.memory import task_finished, task_started

    measuring, measured = task_started(), False
    started = time.perf_counter()
    try:
        node_blob, inputs, outputs, hooks_blob, run_id, fingerprint = cloudpickle.loads(payload)
        node = cloudpickle.loads(node_blob)
        returned, saved = _run_here(node, inputs, outputs, _worker_hooks(hooks_blob), run_id)
        seconds = time.perf_counter() - started
        peak, measured = task_finished(measuring), True
        prints = _fingerprints(saved) if fingerprint else None
        reply: bytes = cloudpickle.dumps(("ok", (seconds, returned, peak, prints)))
        return reply
    except Exception as exc:
        remote_tb = traceback.format_exc()
        try:
            blob: bytes | None = cloudpickle.dumps(exc)
            cloudpickle.loads(blob)
        except Exception:
            blob = None
        failure: bytes = cloudpickle.dumps(
            ("error", (blob, f"{type(exc).__name__}: {exc}", remote_tb))
        )
        return failure
    finally:
        if not measured:  # the task failed: its share of the sampler ends all the same
            task_finished(measuring)


def _load_here(name: str, blob: bytes) -> Any:
    """Load a pickled dataset in the worker; a missing file is named as the catalog names it
    (``Dataset 'x': ...``, ``dataset_name``), so the session's advice fits as in one process."""
    from kedro_nb.io.errors import DatasetFileNotFoundError

    try:
        return cloudpickle.loads(blob).load()
    except DatasetFileNotFoundError as exc:
        if exc.dataset_name is None:
            exc.dataset_name = name
            exc.args = (f"Dataset '{name}': {exc}", *exc.args[1:])
        raise


def _run_here(
    node: Node,
    inputs: list[tuple[str, int, Any]],
    outputs: dict[str, bytes | None],
    hooks: HookRelay,
    run_id: str,
) -> tuple[list[tuple[str, Any]], dict[str, Any]]:
    data: dict[str, Any] = {}
    for name, kind, value in inputs:
        if hooks.before_dataset_loaded is not None:
            hooks.before_dataset_loaded(dataset_name=name, node=node)
        data[name] = _load_here(name, value) if kind == _DATASET else value
        if hooks.after_dataset_loaded is not None:
            hooks.after_dataset_loaded(dataset_name=name, data=data[name], node=node)
    results = call_node(node, data, hooks, None, False, run_id)
    datasets: dict[str, Any] = {}
    returned: dict[str, Any] = {}
    for name, chunk in iter_output_chunks(node, results):
        if hooks.before_dataset_saved is not None:
            hooks.before_dataset_saved(dataset_name=name, data=chunk, node=node)
        blob = outputs.get(name)
        if blob is None:
            returned[name] = chunk
        else:
            if name not in datasets:
                datasets[name] = cloudpickle.loads(blob)
            datasets[name].save(chunk)
        if hooks.after_dataset_saved is not None:
            hooks.after_dataset_saved(dataset_name=name, data=chunk, node=node)
    return list(returned.items()), datasets


_WORKER_CACHE: Any = None


def _fingerprints(saved: dict[str, Any]) -> tuple[dict[str, str | None], list[Any]]:
    """For an incremental run: the data fingerprints of the outputs this worker saved, and the
    local-file digests it computed, for the driver to record (only the driver writes)."""
    global _WORKER_CACHE
    from kedro_nb.io.fingerprint import FileHashCache, cache_rows, data_fingerprint

    if _WORKER_CACHE is None:
        _WORKER_CACHE = FileHashCache()
    _WORKER_CACHE.added.clear()
    prints = {name: data_fingerprint(dataset, _WORKER_CACHE) for name, dataset in saved.items()}
    return prints, cache_rows(_WORKER_CACHE)
