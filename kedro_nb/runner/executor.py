"""Running a :class:`RunState` on the executor a Kedro-style runner's ``_get_executor`` gives:
none (one node after another), a process pool (nodes shipped as the process runner does), or
any other executor (nodes run in it, as the thread runner does)."""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait

from kedro_nb.runner._local import run_node
from kedro_nb.runner.base import RunState


def run_on_executor(state: RunState, executor: Executor | None, is_async: bool) -> None:
    """Run every node of ``state`` on ``executor`` (shut down afterwards, as Kedro does)."""
    from kedro_nb.runner._scheduler import schedule
    from kedro_nb.runner.sequential import run_sequentially

    if executor is None:
        run_sequentially(state, is_async)
        return
    if not state.graph.nodes:
        executor.shutdown()
        return
    slots = getattr(executor, "_max_workers", None) or 1
    with executor:
        if isinstance(executor, ProcessPoolExecutor):
            from kedro_nb.runner._remote import RemoteTasks, run_task
            from kedro_nb.runner.parallel import stop_workers

            tasks = RemoteTasks(state)
            schedule(
                state,
                lambda index: executor.submit(run_task, tasks.payload(index)),
                lambda futures: wait(futures, return_when=FIRST_COMPLETED),
                lambda index, future: tasks.finish(index, future.result()),
                slots,
                abort=lambda futures: stop_workers(executor),
            )
            return
        catalog, hooks, run_id, nodes = state.catalog, state.hooks, state.run_id, state.graph.nodes
        inputs = state.graph.node_inputs

        def task(index: int) -> float:
            started = time.perf_counter()
            run_node(nodes[index], inputs[index], catalog, hooks, run_id)
            return time.perf_counter() - started

        schedule(
            state,
            lambda index: executor.submit(task, index),
            lambda futures: wait(futures, return_when=FIRST_COMPLETED),
            lambda index, future: future.result(),
            slots,
        )
