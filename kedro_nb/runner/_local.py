"""Running one node in this process: load its inputs from the catalog, call the node hooks,
run it, save its outputs. Shared by the sequential and thread runners."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

from kedro_nb.runner._hooks import HookRelay, call_node

if TYPE_CHECKING:
    from kedro_nb.io.protocol import CatalogProtocol
    from kedro_nb.pipeline import Node


def run_node(
    node: Node,
    inputs: tuple[str, ...],
    catalog: CatalogProtocol,
    hooks: HookRelay,
    run_id: str,
    pool: Executor | None = None,
) -> None:
    """Run ``node`` (reading datasets ``inputs``) against ``catalog``; ``pool`` (asynchronous
    mode) loads and saves in threads.

    Without hooks, asynchronous mode or a generator function this is three lines; the full
    path follows Kedro's order: dataset-loaded hooks per input, ``before_node_run`` (whose
    dicts replace inputs), the node, ``on_node_error`` or ``after_node_run``, then
    dataset-saved hooks around each save.
    """
    if pool is None and not hooks.any_node_or_dataset and not is_generator_node(node):
        load = catalog.load
        outputs = node.run({name: load(name) for name in inputs})
        save = catalog.save
        for name, data in outputs.items():
            save(name, data)
        return
    is_async = pool is not None
    data = _load_inputs(node, inputs, catalog, hooks, pool)
    outputs = call_node(node, data, hooks, catalog, is_async, run_id)
    _save_outputs(node, catalog, hooks, outputs, pool)


def is_generator_node(node: Node) -> bool:
    """Whether the node's function yields chunks (each output is then saved chunk by chunk)."""
    func = getattr(node, "func", None)
    code = getattr(func, "__code__", None)
    if code is not None:  # plain functions and lambdas: read the flag directly (hot path)
        return bool(code.co_flags & inspect.CO_GENERATOR)
    return inspect.isgeneratorfunction(func)


def iter_output_chunks(node: Node, outputs: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """``(name, data)`` pairs to save: one per output, or for a generator node the chunks of
    all outputs interleaved round-robin (so appending datasets grow together)."""
    if not outputs or not is_generator_node(node):
        yield from outputs.items()
        return
    streams = [(name, iter(stream)) for name, stream in outputs.items()]
    while streams:
        still_open = []
        for name, stream in streams:
            for chunk in stream:
                yield name, chunk
                still_open.append((name, stream))
                break
        streams = still_open


def _load_one(name: str, node: Node, catalog: CatalogProtocol, hooks: HookRelay) -> Any:
    if hooks.before_dataset_loaded is not None:
        hooks.before_dataset_loaded(dataset_name=name, node=node)
    data = catalog.load(name)
    if hooks.after_dataset_loaded is not None:
        hooks.after_dataset_loaded(dataset_name=name, data=data, node=node)
    return data


def _load_inputs(
    node: Node,
    names: tuple[str, ...],
    catalog: CatalogProtocol,
    hooks: HookRelay,
    pool: Executor | None,
) -> dict[str, Any]:
    if pool is None or len(names) < 2:
        return {name: _load_one(name, node, catalog, hooks) for name in names}
    futures = {name: pool.submit(_load_one, name, node, catalog, hooks) for name in names}
    return {name: future.result() for name, future in futures.items()}


def _save_one(name: str, data: Any, node: Node, catalog: CatalogProtocol, hooks: HookRelay) -> None:
    if hooks.before_dataset_saved is not None:
        hooks.before_dataset_saved(dataset_name=name, data=data, node=node)
    catalog.save(name, data)
    if hooks.after_dataset_saved is not None:
        hooks.after_dataset_saved(dataset_name=name, data=data, node=node)


def _save_outputs(
    node: Node,
    catalog: CatalogProtocol,
    hooks: HookRelay,
    outputs: dict[str, Any],
    pool: Executor | None,
) -> None:
    if pool is None or len(outputs) < 2 or is_generator_node(node):
        for name, data in iter_output_chunks(node, outputs):
            _save_one(name, data, node, catalog, hooks)
        return
    futures = [
        pool.submit(_save_one, name, data, node, catalog, hooks) for name, data in outputs.items()
    ]
    for future in futures:
        future.result()
