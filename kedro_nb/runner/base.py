"""``AbstractRunner``: what every runner does around executing nodes.

``run`` checks the catalog, resolves every dataset once (undeclared ones become memory
datasets, as in Kedro), lets the concrete runner execute the nodes through a
:class:`RunState`, and returns a :class:`RunResult`, Kedro's dict of free outputs. The first
node failure propagates as the node's own exception with a :class:`NodeFailure` attached
(the resume suggestion). As in Kedro, the pipeline hooks are the session's to call, not the
runner's.

A runner written Kedro's way (``_get_executor`` and/or ``_run(pipeline, catalog,
hook_manager, run_id)``, using :class:`~kedro_nb.runner.Task`) works unchanged: the built-in
runners override :meth:`AbstractRunner._execute` instead.
"""

from __future__ import annotations

import logging
import os
import sysconfig
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from kedro_nb.runner._graph import RunGraph
from kedro_nb.runner._hooks import HookRelay
from kedro_nb.runner.errors import MissingInputsError, NodeFailure, attach_failure
from kedro_nb.runner.memory import PeakTracker
from kedro_nb.runner.result import RunResult
from kedro_nb.shared import did_you_mean

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from pluggy import PluginManager

    from kedro_nb.io.memory import MemoryDataset
    from kedro_nb.io.protocol import CatalogProtocol
    from kedro_nb.pipeline import Pipeline
    from kedro_nb.runner.incremental import Incremental

logger = logging.getLogger("kedro_nb.runner")


def new_run_id() -> str:
    """A sortable UTC timestamp id, the shape of Kedro's session ids."""
    return datetime.now(tz=timezone.utc).strftime("%Y-%m-%dT%H.%M.%S.%f")[:-3] + "Z"


def is_ephemeral(dataset: Any) -> bool:
    """Whether a dataset keeps its data in this process only (ours: ``ephemeral``; Kedro's:
    ``_EPHEMERAL``)."""
    return bool(getattr(dataset, "ephemeral", False) or getattr(dataset, "_EPHEMERAL", False))


_PLAIN_MEMORY_RUNTIME = {"{default}": {"type": "MemoryDataset"}}


def _memory_dataset_factory(catalog: CatalogProtocol) -> type[MemoryDataset] | None:
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
        self,
        graph: RunGraph,
        catalog: CatalogProtocol,
        hooks: HookRelay,
        run_id: str,
        datasets: dict[str, Any],
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
        #: bytes each node pushed resident memory above its start (see runner.memory)
        self.node_memory: dict[str, int] = {}
        #: the run's memory sampler, when nodes run in this process
        self.memory: PeakTracker | None = None
        #: an incremental run: worker processes fingerprint the outputs they save
        self.fingerprint_outputs = False
        #: node index to ``(fingerprints, file digest rows)`` a worker sent back
        self.output_prints: dict[int, Any] = {}
        self.saved: list[str] = []
        self._counts = dict(graph.load_counts)
        self._keep = set(graph.inputs) | set(graph.outputs) | graph.keep
        #: called with ``(index, seconds, worker fingerprints or None)`` once a node's outputs
        #: are all saved (incremental runs record its state then), in the scheduling thread
        self.on_complete: Any = None

    def node_starting(self) -> None:
        """A node is about to start: the memory baseline its peak is measured from."""
        if self.memory is not None:
            self.memory.mark()

    def complete(self, index: int, seconds: float) -> None:
        """Record node ``index`` as done: timing, persisted outputs written, confirmations."""
        self.completed.append(index)
        self.node_timings[self.names[index]] = seconds
        if self.memory is not None:
            peak = self.memory.peak_since(time.perf_counter() - seconds)
            if peak is not None:
                self.node_memory[self.names[index]] = peak
        writes = self._writes[index]
        if writes:
            self.saved.extend(writes)
        for name in self._confirms[index]:
            self.catalog.confirm(name)
        if self.on_complete is not None:
            self.on_complete(index, seconds, self.output_prints.pop(index, None))

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

    def _available(self, name: str) -> bool:
        """Whether ``name``'s data is still there for a resumed run: persisted, or held by a
        dataset whose data outlives the run (``outlives_run``, a notebook kernel's memory)."""
        if name in self.persisted:
            return True
        dataset = self.datasets.get(name)
        return (
            dataset is not None
            and bool(getattr(dataset, "outlives_run", False))
            and bool(dataset.exists())
        )

    def fail(self, index: int, error: BaseException) -> None:
        """Attach to ``error``, node ``index``'s own exception, the :class:`NodeFailure` saying
        what completed and where to resume; the caller then re-raises ``error`` unchanged."""
        done = set(self.completed)
        unfinished = [i for i in range(len(self.graph.nodes)) if i not in done]
        resume = self.graph.resume_from(unfinished, self._available) if done else []
        failure = NodeFailure(
            self.graph.nodes[index].name,
            resume_from=tuple(resume),
            completed=tuple(self.graph.nodes[i].name for i in self.completed),
            remaining=len(unfinished),
            saved=tuple(self.saved),
            node_timings=dict(self.node_timings),
            run_id=self.run_id,
            location=user_location(error),
        )
        attach_failure(error, failure)
        logger.info("%s", failure.describe(error))


_LIBRARY_DIRS = tuple(
    {os.path.dirname(os.path.abspath(__file__ + "/..")) + os.sep}
    | {
        os.path.abspath(sysconfig.get_path(key)) + os.sep
        for key in ("stdlib", "purelib", "platlib")
    }
)


def user_location(error: BaseException) -> tuple[str, int] | None:
    """``(filename, line)`` of the innermost frame of ``error``'s traceback outside kedro-nb,
    the standard library and installed packages: the user's code that raised."""
    tb = error.__traceback__
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not os.path.abspath(filename).startswith(_LIBRARY_DIRS):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


class AbstractRunner:
    """Base class of the runners.

    The built-in runners implement :meth:`_execute`. A runner written for Kedro implements
    ``_get_executor(max_workers)`` (``None`` runs the nodes one by one; a thread or process
    pool runs independent nodes concurrently) and may override ``_run``, calling
    ``super()._run(...)`` or running :class:`~kedro_nb.runner.Task` objects itself.
    """

    def __init__(self, is_async: bool = False) -> None:
        """``is_async``: load a node's inputs and save its outputs concurrently in threads."""
        self._is_async = is_async

    @property
    def _logger(self) -> logging.Logger:
        """The logger of the runner's own module (Kedro's ``self._logger``)."""
        return logging.getLogger(type(self).__module__)

    def run(
        self,
        pipeline: Pipeline,
        catalog: CatalogProtocol,
        hook_manager: PluginManager | None = None,
        run_id: str | None = None,
        only_missing_outputs: bool = False,
        incremental: Incremental | None = None,
    ) -> RunResult:
        """Run ``pipeline`` against ``catalog``; return its free outputs, name to dataset, as
        a :class:`RunResult` (a ``dict``, as Kedro's; timings and what was saved or skipped
        are its attributes).

        ``hook_manager`` (from :func:`kedro_nb.hooks.create_hook_manager`) receives the node
        and dataset hooks, and kedro-nb's progress hooks (``on_node_started``,
        ``on_node_finished``), which every runner calls here, in the calling thread. The
        pipeline hooks are the session's (as in Kedro). With ``only_missing_outputs``, nodes
        whose persisted outputs all exist are skipped (Kedro 1.7's rules). With
        ``incremental`` (an :class:`~kedro_nb.runner.incremental.Incremental`), nodes whose
        code, parameters and data are unchanged since their last successful run are skipped
        (see :mod:`kedro_nb.runner.incremental`); its ``decisions`` say why each ran.

        Raises:
            MissingInputsError: a free input of the pipeline is not in the catalog.
            Exception: a node's own exception, with a :class:`NodeFailure` attached
                (:func:`~kedro_nb.runner.node_failure` reads it).
        """
        run_id = run_id or new_run_id()
        start = time.perf_counter()
        graph = RunGraph(pipeline.nodes)
        declared = {name: name in catalog for name in graph.datasets}
        skipped: list[str] = []
        if only_missing_outputs:
            graph, skipped = self._skip_existing(graph, catalog, declared)
        missing = sorted(name for name in graph.inputs if not declared[name])
        if missing:
            raise MissingInputsError(_missing_inputs_message(missing, catalog))
        hooks, datasets = HookRelay(hook_manager), _resolve(graph, catalog)
        if incremental is not None:
            return self._run_incrementally(graph, catalog, hooks, run_id, datasets, incremental)
        state = RunState(graph, catalog, hooks, run_id, datasets)
        logger.info(
            "Running %d node(s) with %s (run %s).", len(graph.nodes), type(self).__name__, run_id
        )
        if state.hooks.on_run_started is not None:
            state.hooks.on_run_started(nodes=list(graph.nodes), run_id=run_id)
        tracker = state.memory = PeakTracker()
        if getattr(self, "_nodes_in_process", True):
            tracker.start()
        try:
            self._execute(state)
        finally:
            tracker.stop()
        duration = time.perf_counter() - start
        logger.info("Completed %d node(s) in %.3f s (run %s).", len(graph.nodes), duration, run_id)
        return RunResult(
            {name: state.datasets[name] for name in graph.outputs},
            node_timings=state.node_timings,
            saved=state.saved,
            duration=duration,
            run_id=run_id,
            skipped=skipped,
            node_memory=state.node_memory,
        )

    def _run_incrementally(
        self,
        graph: RunGraph,
        catalog: CatalogProtocol,
        hooks: HookRelay,
        run_id: str,
        datasets: dict[str, Any],
        incremental: Incremental,
    ) -> RunResult:
        """The nodes of ``graph`` in waves of :meth:`_execute` batches, as
        :func:`~kedro_nb.runner.incremental.run_incrementally` decides."""
        from kedro_nb.runner.incremental import run_incrementally

        start = time.perf_counter()
        if hooks.on_run_started is not None and not incremental.dry_run:
            hooks.on_run_started(nodes=list(graph.nodes), run_id=run_id)

        memory: dict[str, int] = {}
        tracker = PeakTracker()
        if getattr(self, "_nodes_in_process", True):
            tracker.start()

        def execute(batch: RunGraph, on_complete: Any) -> None:
            used = {name: datasets[name] for name in batch.datasets}
            state = RunState(batch, catalog, hooks, run_id, used)
            state.on_complete = on_complete
            state.memory = tracker
            state.fingerprint_outputs = True
            try:
                self._execute(state)
            finally:
                memory.update(state.node_memory)

        try:
            timings, saved = run_incrementally(
                graph, datasets, incremental, execute, catalog, run_id
            )
        finally:
            tracker.stop()
        duration = time.perf_counter() - start
        logger.info(
            "Incremental run %s: %d node(s) ran, %d skipped, in %.3f s.",
            run_id,
            len(incremental.ran),
            len(incremental.skipped),
            duration,
        )
        result = RunResult(
            {name: datasets[name] for name in graph.outputs},
            node_timings=timings,
            saved=saved,
            duration=duration,
            run_id=run_id,
            skipped=incremental.skipped,
            node_memory=memory,
        )
        result.decisions = dict(incremental.decisions)
        return result

    def _execute(self, state: RunState) -> None:
        """Run every node of ``state.graph``. On the first failure, once in-flight nodes have
        finished, ``state.fail(index, error)`` and re-raise ``error``.

        This default runs the nodes Kedro's way, through ``self._run``."""
        active = _active_states(self)
        active[state.run_id] = state
        try:
            self._run(_pipeline_of(state), state.catalog, state.hooks.manager, state.run_id)
        finally:
            active.pop(state.run_id, None)

    def _get_executor(self, max_workers: int) -> Executor | None:
        """The executor running the nodes (Kedro's hook for custom runners): ``None`` runs
        them one after another in this thread."""
        return None

    def _get_required_workers_count(self, pipeline: Pipeline) -> int:
        """How many workers ``_get_executor`` is asked for (Kedro's hook; 1 here)."""
        return 1

    def _run(
        self,
        pipeline: Pipeline,
        catalog: CatalogProtocol,
        hook_manager: PluginManager | None = None,
        run_id: str | None = None,
    ) -> None:
        """Run ``pipeline``'s nodes on ``self._get_executor(...)``: Kedro's signature, for
        runners written for Kedro that override it and call ``super()._run(...)``."""
        from kedro_nb.runner.executor import run_on_executor

        names = [node.name for node in pipeline.nodes]
        state = _active_states(self).get(run_id or "")
        if state is None or state.names != names or state.catalog is not catalog:
            graph = RunGraph(pipeline.nodes)  # a pipeline of the custom runner's own making
            hooks, datasets = HookRelay(hook_manager), _resolve(graph, catalog)
            state = RunState(graph, catalog, hooks, run_id or new_run_id(), datasets)
        executor = self._get_executor(self._get_required_workers_count(pipeline))
        run_on_executor(state, executor, getattr(self, "_is_async", False))

    def _skip_existing(
        self, graph: RunGraph, catalog: CatalogProtocol, declared: dict[str, bool]
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


def _resolve(graph: RunGraph, catalog: CatalogProtocol) -> dict[str, Any]:
    """Every dataset of ``graph``, name to dataset object; undeclared names become memory
    datasets registered in ``catalog`` (Kedro's runtime pattern)."""
    datasets: dict[str, Any] = {}
    make_memory = _memory_dataset_factory(catalog)
    for name in graph.datasets:
        if name in catalog:
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
    return datasets


def _active_states(runner: AbstractRunner) -> dict[str, RunState]:
    """The runs in progress on ``runner`` by run id, for ``_run`` to find its run's state
    (in the instance's dict: a Kedro-style subclass may skip ``super().__init__``)."""
    states: dict[str, RunState] = vars(runner).setdefault("_active_states", {})
    return states


def _pipeline_of(state: RunState) -> Pipeline:
    from kedro_nb.pipeline import Pipeline

    return Pipeline(list(state.graph.nodes))


def _missing_inputs_message(missing: list[str], catalog: CatalogProtocol) -> str:
    known = list(catalog.keys())
    text = (
        f"Pipeline input(s) {missing} are not in the catalog and no node produces them. "
        "Declare them in catalog.yml or set them with catalog[name] = data before running."
        + did_you_mean(missing, known, n=1)
    )
    suggest: Any = getattr(catalog, "missing_hint", None)  # a data file of that name nearby
    for name in missing if callable(suggest) else []:
        found = suggest(name)
        if found:
            text += f" '{name}': {found}"
    return text
