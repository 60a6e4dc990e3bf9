"""``ThreadRunner``: independent nodes run concurrently in a thread pool."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from kedro_nb.runner._scheduler import check_max_workers
from kedro_nb.runner.base import AbstractRunner, RunState


class ThreadRunner(AbstractRunner):
    """Runs independent nodes concurrently in up to ``max_workers`` threads (default: the
    CPU count). Suits I/O-bound nodes and libraries that release the GIL; datasets must be
    thread-safe. Loads and saves happen in the worker threads; scheduling, releasing and
    bookkeeping happen in the calling thread."""

    def __init__(self, max_workers: int | None = None, is_async: bool = False) -> None:
        """``is_async`` is accepted for Kedro compatibility and ignored (nodes already run
        in threads)."""
        super().__init__(is_async=False)
        self._max_workers = check_max_workers(max_workers)

    def _execute(self, state: RunState) -> None:
        from kedro_nb.runner.executor import run_on_executor

        workers = max(1, min(self._max_workers, len(state.graph.nodes)))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kedro_nb-node")
        run_on_executor(state, pool, False)
