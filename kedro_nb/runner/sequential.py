"""``SequentialRunner``: one node after another, in topological order, in this process."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

from kedro_nb.runner._local import is_generator_node, run_node
from kedro_nb.runner.base import AbstractRunner, RunState, logger


class SequentialRunner(AbstractRunner):
    """Runs the nodes one at a time in topological order.

    The loop is precomputed: the order, and after which node each dataset is released
    (its last reader), so each node costs its loads, its call and its saves, plus two clock
    reads; hooks nobody implements are not called. ``is_async=True`` loads a node's inputs
    and saves its outputs in threads. The progress hooks bracket each node, around its loads
    and saves.
    """

    def _execute(self, state: RunState) -> None:
        run_sequentially(state, self._is_async)


def run_sequentially(state: RunState, is_async: bool) -> None:
    """Run ``state``'s nodes one after another in this thread (``is_async``: loads and saves
    in threads); on a failure, attach it to the node's own exception and re-raise that."""
    graph, catalog, hooks, run_id = state.graph, state.catalog, state.hooks, state.run_id
    schedule = graph.release_schedule()
    inputs = graph.node_inputs
    release = catalog.release
    complete = state.complete
    memory = state.memory
    clock = time.perf_counter
    debug = logger.isEnabledFor(logging.DEBUG)
    pool = ThreadPoolExecutor(thread_name_prefix="kedro_nb-io") if is_async else None
    try:
        plain = pool is None and not hooks.any_node_or_dataset
        load, save = catalog.load, catalog.save
        node_started, node_finished = hooks.on_node_started, hooks.on_node_finished
        for index, node in enumerate(graph.nodes):
            if node_started is not None:
                node_started(node=node, run_id=run_id)
            if memory is not None:
                memory.mark()
            started = clock()
            try:
                if plain and not is_generator_node(node):
                    for name, data in node.run(
                        {name: load(name) for name in inputs[index]}
                    ).items():
                        save(name, data)
                else:
                    run_node(node, inputs[index], catalog, hooks, run_id, pool)
            except Exception as error:
                if node_finished is not None:
                    node_finished(node=node, run_id=run_id, duration=clock() - started, error=error)
                state.fail(index, error)
                raise
            seconds = clock() - started
            complete(index, seconds)
            if memory is not None:
                memory.forget()  # the next node's baseline is read afresh when it starts
            if node_finished is not None:
                node_finished(node=node, run_id=run_id, duration=seconds, error=None)
            for name in schedule[index]:
                release(name)
            if debug:
                logger.debug("Completed node %s (%d/%d)", node.name, index + 1, len(graph.nodes))
    finally:
        if pool is not None:
            pool.shutdown()
