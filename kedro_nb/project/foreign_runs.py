"""Runs by Kedro's own runners (``kedro.runner.SequentialRunner()``...) handed to a kedro-nb
session: what the session needs around them to record the run as it records its own.

Kedro's ``runner.run`` returns a plain dict of the free outputs; kedro-nb's session records
node timings and the datasets written, which its own runners report on their
:class:`~kedro_nb.runner.RunResult`. For a Kedro runner, :class:`RunClock` gathers the same
through the node and dataset hooks Kedro's runner calls (in this process: a Kedro
``ParallelRunner`` calls them in its workers, so its timings stay empty), and
:func:`as_run_result` wraps the dict. Kedro's ``ParallelRunner`` also needs its catalog to be
a ``SharedMemoryDataCatalog``, as Kedro's session builds (:func:`needs_shared_memory`).
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

from kedro_nb.hooks import hook_impl
from kedro_nb.io import is_ephemeral
from kedro_nb.runner import AbstractRunner, RunResult

if TYPE_CHECKING:
    from kedro_nb.io.protocol import CatalogProtocol
    from kedro_nb.pipeline import Node

__all__ = ["RunClock", "as_run_result", "is_foreign", "needs_shared_memory"]


def is_foreign(runner: Any) -> bool:
    """Whether ``runner`` is not a kedro-nb runner (Kedro's own, or another package's)."""
    return not isinstance(runner, AbstractRunner)


def needs_shared_memory(runner: Any) -> bool:
    """Whether ``runner`` is Kedro's ``ParallelRunner`` (or a subclass), which, as under
    Kedro's session, runs over a ``SharedMemoryDataCatalog``."""
    module = sys.modules.get("kedro.runner")
    parallel = getattr(module, "ParallelRunner", None) if module is not None else None
    return parallel is not None and isinstance(runner, parallel)


class RunClock:
    """Hook implementation timing each node and noting each persisted dataset saved."""

    def __init__(self, catalog: CatalogProtocol) -> None:
        self._catalog = catalog
        self._started: dict[str, float] = {}
        self.node_timings: dict[str, float] = {}
        self.saved: list[str] = []

    @hook_impl
    def before_node_run(self, node: Node) -> None:
        self._started[node.name] = time.perf_counter()

    @hook_impl
    def after_node_run(self, node: Node) -> None:
        started = self._started.pop(node.name, None)
        if started is not None:
            self.node_timings[node.name] = time.perf_counter() - started

    @hook_impl
    def after_dataset_saved(self, dataset_name: str) -> None:
        try:
            dataset = self._catalog.get(dataset_name)
        except Exception:  # a catalog that cannot say: not counted as persisted
            return
        if dataset is not None and not is_ephemeral(dataset) and dataset_name not in self.saved:
            self.saved.append(dataset_name)


def as_run_result(result: Any, clock: RunClock, run_id: str, started: float) -> RunResult:
    """Kedro's dict of free outputs as a :class:`RunResult` with the clock's timings."""
    if isinstance(result, RunResult):
        return result
    return RunResult(
        dict(result or {}),
        node_timings=clock.node_timings,
        saved=clock.saved,
        duration=time.perf_counter() - started,
        run_id=run_id,
    )
