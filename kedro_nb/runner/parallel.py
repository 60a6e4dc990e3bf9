"""``ParallelRunner``: independent nodes run concurrently in worker processes."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from kedro_nb.runner._scheduler import check_max_workers
from kedro_nb.runner.base import AbstractRunner, RunState
from kedro_nb.runner.errors import RunnerOptionError

_START_METHODS = ("fork", "spawn", "forkserver")


class ParallelRunner(AbstractRunner):
    """Runs independent nodes concurrently in up to ``max_workers`` processes (default: the
    CPU count), for CPU-bound pure-Python nodes.

    Unlike Kedro's, node functions travel with cloudpickle, so functions and lambdas defined
    in a notebook (``__main__``) work; datasets that cannot be pickled (or are marked
    single-process) are loaded and saved here and their data travels instead. Hook objects
    are copied to the workers: their node and dataset hooks run there, on the copies.

    ``mp_context`` picks the start method ("fork", "spawn", "forkserver"; default: the
    platform's). The pool lives for one run.
    """

    #: nodes run in worker processes, which measure their memory: no sampling thread here
    #: (and none running while the pool forks its workers)
    _nodes_in_process = False

    def __init__(
        self, max_workers: int | None = None, is_async: bool = False, mp_context: str | None = None
    ) -> None:
        super().__init__(is_async=False)
        self._max_workers = check_max_workers(max_workers)
        if mp_context is not None and mp_context not in _START_METHODS:
            raise RunnerOptionError(
                f"mp_context must be one of {list(_START_METHODS)} or None, got {mp_context!r}."
            )
        self._mp_context = mp_context

    def _execute(self, state: RunState) -> None:
        if not state.graph.nodes:
            return
        from kedro_nb.runner.executor import run_on_executor

        workers = max(1, min(self._max_workers, len(state.graph.nodes)))
        context = multiprocessing.get_context(self._mp_context)
        run_on_executor(state, ProcessPoolExecutor(max_workers=workers, mp_context=context), False)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """On an interrupt, end the worker processes now rather than after their running nodes
    (the executor has no public way to do this: its process table is read defensively)."""
    processes = dict(getattr(pool, "_processes", None) or {})
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        if process.is_alive():
            process.terminate()
