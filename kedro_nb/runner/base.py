"""``AbstractRunner``: what every runner does around executing nodes.

``run`` checks the catalog, resolves every dataset once (undeclared ones become memory
datasets, as in Kedro), calls the pipeline hooks, lets the concrete runner execute the nodes
through a :class:`RunState`, and turns the first node failure into :class:`NodeRunError`
carrying the resume suggestion.
"""

from __future__ import annotations

import difflib
import logging
import time
from abc import ABC, abstractmethod
from datetime import datetime, timezone
from typing import Any

from kedro_nb.runner._graph import RunGraph
from kedro_nb.runner._hooks import HookRelay
from kedro_nb.runner.errors import MissingInputsError, NodeRunError
from kedro_nb.runner.result import RunResult

logger = logging.getLogger("kedro_nb.runner")


def new_run_id() -> str:
    """A sortable UTC timestamp id, the shape of Kedro's session ids."""
    return datetime.now(tz=timezone.utc).strftime("%Y-%m-%dT%H.%M.%S.%f")[:-3] + "Z"


def is_ephemeral(dataset: Any) -> bool:
    """Whether a dataset keeps its data in this process only (ours: ``ephemeral``; Kedro's:
    ``_EPHEMERAL``)."""
    return bool(getattr(dataset, "ephemeral", False) or getattr(dataset, "_EPHEMERAL", False))


_PLAIN_MEMORY_RUNTIME = {"{default}": {"type": "MemoryDataset"}}


def _memory_dataset_factory(catalog: Any) -> Any:
    """``MemoryDataset`` when undeclared names in ``catalog`` simply become memory datasets
    (our catalog with its default runtime pattern): registering instances directly is ~7x
    cheaper than resolving the pattern name by name. ``None`` otherwise (Kedro's catalog, or
    custom runtime patterns), and the catalog resolves each name itself."""
    from kedro_nb.io import DataCatalog, MemoryDataset

    plain = (
        isinstance(catalog, DataCatalog)
        and getattr(catalog, "default_runtime_patterns", None) == _PLAIN_MEMORY_RUNTIME
    )
    return MemoryDataset if plain else None


class RunState:
    """Bookkeeping of one run in progress, shared by the runner's scheduling loop.

    Attributes:
        graph: the nodes of this run and their links.
        catalog / hooks / run_id: what the run was started with.
        datasets: name to dataset object, resolved once before the first node.
        persisted: names of the datasets that are not memory-only.
        completed: node indices in completion order.
        node_timings / saved: as reported in :class:`RunResult`.
    """

    def __init__(
        self, graph: RunGraph, catalog: Any, hooks: HookRelay, run_id: str, datasets: dict[str, Any]
    ) -> None:
        self.graph = graph
        self.catalog = catalog
        self.hooks = hooks
        self.run_id = run_id
        self.datasets = datasets
        self.persisted = persisted = {name for name, ds in datasets.items() if not is_ephemeral(ds)}
        self.names = [node.name for node in graph.nodes]
        self._writes = [
            tuple(name for name in outputs if name in persisted) if persisted else ()
            for outputs in graph.node_outputs
        ]
        self._confirms = [tuple(getattr(node, "confirms", None) or ()) for node in graph.nodes]
        self.completed: list[int] = []
        self.node_timings: dict[str, float] = {}
        self.saved: list[str] = []
        self._counts = dict(graph.load_counts)
        self._keep = set(graph.inputs) | set(graph.outputs)

    def complete(self, index: int, seconds: float) -> None:
        """Record node ``index`` as done: timing, persisted outputs written, confirmations."""
        self.completed.append(index)
        self.node_timings[self.names[index]] = seconds
        writes = self._writes[index]
        if writes:
            self.saved.extend(writes)
        for name in self._confirms[index]:
            self.catalog.confirm(name)

    def release_after(self, index: int) -> None:
        """Release what no remaining node reads once node ``index`` is done (any order)."""
        counts, keep, release = self._counts, self._keep, self.catalog.release
        for name in self.graph.node_inputs[index]:
            counts[name] -= 1
            if counts[name] == 0 and name not in keep:
                release(name)
        for name in self.graph.node_outputs[index]:
            if name not in counts and name not in keep:
                release(name)

    def failure(self, index: int, error: BaseException) -> NodeRunError:
        """The error to raise for node ``index`` failing with ``error``."""
        done = set(self.completed)
        unfinished = [i for i in range(len(self.graph.nodes)) if i not in done]
        resume = self.graph.resume_from(unfinished, self.persisted.__contains__) if done else []
        names = [self.graph.nodes[i].name for i in self.completed]
        failed = NodeRunError(
            self.graph.nodes[index].name,
            error,
            resume_from=resume,
            completed=names,
            remaining=len(unfinished),
            saved=self.saved,
            node_timings=self.node_timings,
            run_id=self.run_id,
        )
        logger.info("%s", failed)
        return failed


class AbstractRunner(ABC):
    """Base class of the runners: subclasses implement :meth:`_execute` only."""

    def __init__(self, is_async: bool = False) -> None:
        """``is_async``: load a node's inputs and save its outputs concurrently in threads."""
        self._is_async = is_async

    def run(
        self,
        pipeline: Any,
        catalog: Any,
        hook_manager: Any | None = None,
        run_id: str | None = None,
        only_missing_outputs: bool = False,
        *,
        run_params: dict[str, Any] | None = None,
    ) -> RunResult:
        """Run ``pipeline`` against ``catalog`` and return a :class:`RunResult`.

        ``hook_manager`` (from :func:`kedro_nb.hooks.create_hook_manager`) receives the
        pipeline, node and dataset hooks, and kedro-nb's progress hooks (``on_node_started``,
        ``on_node_finished``), which every runner calls here, in the calling thread;
        ``run_params`` (e.g. the session's slicing) is merged
        into the ``run_params`` the pipeline hooks get. With ``only_missing_outputs``, nodes
        whose persisted outputs all exist are skipped (Kedro 1.7's rules).

        Raises:
            MissingInputsError: a free input of the pipeline is not in the catalog.
            NodeRunError: a node failed; see its ``resume_from``.
        """
        run_id = run_id or new_run_id()
        hooks = HookRelay(hook_manager)
        params = {
            "session_id": run_id,
            "run_id": run_id,
            "runner": type(self).__name__,
            "only_missing_outputs": only_missing_outputs,
            **(run_params or {}),
        }
        if hooks.before_pipeline_run is not None:
            hooks.before_pipeline_run(run_params=params, pipeline=pipeline, catalog=catalog)
        try:
            result = self._run(pipeline, catalog, hooks, run_id, only_missing_outputs)
        except Exception as error:
            if hooks.on_pipeline_error is not None:
                hooks.on_pipeline_error(
                    error=error, run_params=params, pipeline=pipeline, catalog=catalog
                )
            raise
        if hooks.after_pipeline_run is not None:
            hooks.after_pipeline_run(
                run_params=params, run_result=result.outputs, pipeline=pipeline, catalog=catalog
            )
        return result

    def _run(
        self, pipeline: Any, catalog: Any, hooks: HookRelay, run_id: str, only_missing_outputs: bool
    ) -> RunResult:
        start = time.perf_counter()
        graph = RunGraph(pipeline.nodes)
        declared = {name: name in catalog for name in graph.datasets}
        skipped: list[str] = []
        if only_missing_outputs:
            graph, skipped = self._skip_existing(graph, catalog, declared)
        missing = sorted(name for name in graph.inputs if not declared[name])
        if missing:
            raise MissingInputsError(_missing_inputs_message(missing, catalog))
        datasets: dict[str, Any] = {}
        make_memory = _memory_dataset_factory(catalog)
        for name in graph.datasets:
            if declared[name]:
                datasets[name] = catalog[name]
            elif make_memory is not None:
                datasets[name] = catalog[name] = make_memory()
            else:
                dataset = catalog.get(name, fallback_to_runtime_pattern=True)
                if dataset is None:  # a catalog without runtime patterns
                    from kedro_nb.io import MemoryDataset

                    catalog[name] = MemoryDataset()
                    dataset = catalog[name]
                datasets[name] = dataset
        state = RunState(graph, catalog, hooks, run_id, datasets)
        logger.info(
            "Running %d node(s) with %s (run %s).", len(graph.nodes), type(self).__name__, run_id
        )
        self._execute(state)
        duration = time.perf_counter() - start
        logger.info("Completed %d node(s) in %.3f s (run %s).", len(graph.nodes), duration, run_id)
        return RunResult(
            outputs={name: datasets[name] for name in graph.outputs},
            node_timings=state.node_timings,
            saved=state.saved,
            duration=duration,
            run_id=run_id,
            skipped=skipped,
        )

    def _skip_existing(
        self, graph: RunGraph, catalog: Any, declared: dict[str, bool]
    ) -> tuple[RunGraph, list[str]]:
        persisted: dict[str, bool] = {}

        def is_persisted(name: str) -> bool:
            if name not in persisted:
                persisted[name] = declared.get(name, False) and not is_ephemeral(catalog[name])
            return persisted[name]

        keep = graph.missing_outputs_selection(is_persisted, catalog.exists)
        if len(keep) == len(graph.nodes):
            return graph, []
        kept = set(keep)
        skipped = [node.name for i, node in enumerate(graph.nodes) if i not in kept]
        logger.info(
            "Skipping %d node(s) whose outputs exist: %s", len(skipped), ", ".join(sorted(skipped))
        )
        return RunGraph([graph.nodes[i] for i in keep]), skipped

    @abstractmethod
    def _execute(self, state: RunState) -> None:
        """Run every node of ``state.graph``; on the first failure raise
        ``state.failure(index, error) from error`` once in-flight nodes have finished."""


def _missing_inputs_message(missing: list[str], catalog: Any) -> str:
    known = list(catalog.keys())
    hints = []
    for name in missing:
        close = difflib.get_close_matches(name, known, n=1)
        if close:
            hints.append(f"'{name}' (did you mean '{close[0]}'?)")
    text = (
        f"Pipeline input(s) {missing} are not in the catalog and no node produces them. "
        "Declare them in catalog.yml or set them with catalog[name] = data before running."
    )
    if hints:
        text += " Close names: " + ", ".join(hints) + "."
    return text
