"""The scheduler every pool runner shares (threads, processes, Dask): which nodes are ready, and
the loop that submits them, collects the finished ones and stops on the first failure or an
interrupt. Each runner brings only how to submit a node and wait for some to finish."""

from __future__ import annotations

import os
import time
from typing import Any

from kedro_nb.runner.base import RunState, logger
from kedro_nb.runner.errors import RunnerOptionError


def check_max_workers(max_workers: int | None) -> int:
    """``max_workers`` or the CPU count; a value below 1 is refused."""
    if max_workers is None:
        return os.cpu_count() or 1
    if not isinstance(max_workers, int) or max_workers < 1:
        raise RunnerOptionError(
            f"max_workers must be a positive integer or None, got {max_workers!r}."
        )
    return max_workers


class ReadyQueue:
    """Which nodes may start: a node is ready once all the nodes it reads from are done."""

    def __init__(self, state: RunState) -> None:
        self._waiting = list(state.graph.parent_counts)
        self._children = state.graph.children
        self.ready = [i for i, count in enumerate(self._waiting) if count == 0]

    def done(self, index: int) -> None:
        """Node ``index`` completed: its children with nothing else to wait for become ready."""
        waiting = self._waiting
        for child in self._children[index]:
            waiting[child] -= 1
            if waiting[child] == 0:
                self.ready.append(child)


def schedule(
    state: RunState, submit: Any, wait_some: Any, finish: Any, max_in_flight: int, abort: Any = None
) -> None:
    """Drive a pool: submit ready nodes (up to ``max_in_flight``), collect finished ones,
    release data, and on the first failure wait for the nodes still running, so their
    outputs are saved and counted, before re-raising the first node's error. The progress hooks are
    called here, in the calling thread: ``on_node_started`` as a node is submitted,
    ``on_node_finished`` once its result (or error) is in.

    ``submit(index) -> future``; ``wait_some(futures) -> (done, pending)``;
    ``finish(index, future) -> seconds`` raises the node's error or applies its outputs here;
    ``abort(futures)``, on an interrupt (Ctrl-C, a notebook's stop button), stops the nodes
    still running instead of waiting for them.
    """
    queue = ReadyQueue(state)
    nodes, run_id = state.graph.nodes, state.run_id
    node_started, node_finished = state.hooks.on_node_started, state.hooks.on_node_finished
    dispatched: dict[int, float] = {}
    in_flight: dict[Any, int] = {}
    first_error: tuple[int, BaseException] | None = None

    def failed(index: int, error: BaseException) -> None:
        nonlocal first_error
        if first_error is None:
            first_error = (index, error)
        if node_finished is not None:
            node_finished(
                node=nodes[index],
                run_id=run_id,
                duration=time.perf_counter() - dispatched.pop(index),
                error=error,
            )

    try:
        while True:
            while first_error is None and queue.ready and len(in_flight) < max_in_flight:
                index = queue.ready.pop()
                if node_started is not None:
                    node_started(node=nodes[index], run_id=run_id)
                if node_finished is not None:
                    dispatched[index] = time.perf_counter()
                state.node_starting()
                try:
                    in_flight[submit(index)] = index
                except Exception as error:  # e.g. an input that cannot be loaded or pickled
                    failed(index, error)
            if not in_flight:
                break
            done, _ = wait_some(list(in_flight))
            for future in done:
                index = in_flight.pop(future)
                try:
                    seconds = finish(index, future)
                except Exception as error:
                    failed(index, error)
                    continue
                state.complete(index, seconds)
                state.release_after(index)
                queue.done(index)
                if node_finished is not None:
                    dispatched.pop(index, None)
                    node_finished(node=nodes[index], run_id=run_id, duration=seconds, error=None)
                logger.debug("Completed node %s", nodes[index].name)
            if not in_flight and state.memory is not None:
                state.memory.forget()  # no node running: the next ones take fresh baselines
    except BaseException as interrupt:
        if abort is not None and in_flight and not isinstance(interrupt, Exception):
            abort(list(in_flight))
        raise
    if first_error is not None:
        index, first = first_error
        state.fail(index, first)
        raise first
