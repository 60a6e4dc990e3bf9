"""Hook specifications, with Kedro's names and arguments, grouped by lifecycle.

Implementations may accept any subset of a spec's arguments (pluggy passes only those they name).
Every spec here is called by keyword, by the runner (node, pipeline and dataset hooks) or the
session (catalog and context hooks). :class:`RunProgressSpecs` are kedro-nb's own, not Kedro's:
they follow a run from the process that called ``runner.run``, whichever runner it is; so is
:class:`RunRecordSpecs`, called with each run's stored record.
"""

from __future__ import annotations

from typing import Any

from kedro_nb.hooks.markers import hook_spec


class ContextSpecs:
    """Hooks around the project context."""

    @hook_spec
    def after_context_created(self, context: Any) -> None:
        """Called once the session has built its context (config loaded, nothing run yet)."""


class DataCatalogSpecs:
    """Hooks around the data catalog."""

    @hook_spec
    def after_catalog_created(
        self,
        catalog: Any,
        conf_catalog: dict[str, Any],
        conf_creds: dict[str, Any],
        parameters: dict[str, Any],
        save_version: str | None,
        load_versions: dict[str, str] | None,
    ) -> None:
        """Called after the catalog is built from config; ``conf_creds`` is never logged by us."""


class NodeSpecs:
    """Hooks around one node's execution."""

    @hook_spec
    def before_node_run(
        self,
        node: Any,
        catalog: Any,
        inputs: dict[str, Any],
        is_async: bool,
        run_id: str,
    ) -> dict[str, Any] | None:
        """Called before a node runs; a returned dict replaces the named inputs."""

    @hook_spec
    def after_node_run(
        self,
        node: Any,
        catalog: Any,
        inputs: dict[str, Any],
        outputs: dict[str, Any],
        is_async: bool,
        run_id: str,
    ) -> None:
        """Called after a node ran and before its outputs are saved."""

    @hook_spec
    def on_node_error(
        self,
        error: BaseException,
        node: Any,
        catalog: Any,
        inputs: dict[str, Any],
        is_async: bool,
        run_id: str,
    ) -> None:
        """Called when a node raises; the error still propagates afterwards."""


class PipelineSpecs:
    """Hooks around a whole pipeline run."""

    @hook_spec
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        """Called before the first node runs; ``run_params`` describe the run (ids, slicing,
        runner)."""

    @hook_spec
    def after_pipeline_run(
        self,
        run_params: dict[str, Any],
        run_result: dict[str, Any],
        pipeline: Any,
        catalog: Any,
    ) -> None:
        """Called after the last node; ``run_result`` maps the free outputs (outputs no catalog
        entry declares) to their in-memory datasets, as Kedro passes them."""

    @hook_spec
    def on_pipeline_error(
        self,
        error: BaseException,
        run_params: dict[str, Any],
        pipeline: Any,
        catalog: Any,
    ) -> None:
        """Called when the run fails; outputs saved before the failure stay saved."""


class DatasetSpecs:
    """Hooks around each load and save the runner makes."""

    @hook_spec
    def before_dataset_loaded(self, dataset_name: str, node: Any) -> None:
        """Called before ``dataset_name`` is loaded as an input of ``node``."""

    @hook_spec
    def after_dataset_loaded(self, dataset_name: str, data: Any, node: Any) -> None:
        """Called after ``dataset_name`` was loaded as an input of ``node``."""

    @hook_spec
    def before_dataset_saved(self, dataset_name: str, data: Any, node: Any) -> None:
        """Called before ``dataset_name`` is saved as an output of ``node``."""

    @hook_spec
    def after_dataset_saved(self, dataset_name: str, data: Any, node: Any) -> None:
        """Called after ``dataset_name`` was saved as an output of ``node``."""


class RunProgressSpecs:
    """kedro-nb's own hooks (Kedro has no such specs) following a run's nodes as the runner
    schedules them, for progress displays and monitoring.

    Kedro's node hooks run wherever the node runs: with ``ParallelRunner`` or ``DaskRunner``,
    in worker processes, on copies of the hook objects, so the original object never hears of
    them. These specs always run in the process, and the thread, that called ``runner.run``,
    never in a worker and never concurrently with each other, with every runner (sequential,
    thread, parallel, Dask): an implementation needs no lock and may update a display.
    Objects implementing only these specs are not sent to worker processes.

    ``on_run_started`` comes first, once per ``runner.run``, before any node. For each node
    that starts, ``on_node_started`` comes first and ``on_node_finished`` once
    afterwards (success or failure), unless the run is interrupted (Ctrl-C). Nodes that never
    start, because an earlier node failed, get neither. With no implementation registered
    the runner does not call them at all.
    """

    @hook_spec
    def on_run_started(self, nodes: list[Any], run_id: str) -> None:
        """Called by the runner before the first node starts, with the ``nodes`` that will run
        in topological order (without those ``only_missing_outputs`` skipped; an incremental
        run passes all its nodes, since it decides which run as it goes). Unlike
        ``before_pipeline_run`` (the session's), it is called by a bare ``runner.run`` too."""

    @hook_spec
    def on_node_started(self, node: Any, run_id: str) -> None:
        """Called when ``node`` starts: just before its inputs are loaded with the sequential
        runner, and when it is handed to a thread, worker process or Dask task otherwise."""

    @hook_spec
    def on_node_finished(
        self,
        node: Any,
        run_id: str,
        duration: float,
        error: BaseException | None,
    ) -> None:
        """Called when ``node`` is over. ``error`` is ``None`` when it succeeded (its outputs
        are saved by then) and ``duration`` is then its time as reported in
        ``RunResult.node_timings``; otherwise ``error`` is the node's exception (the run then
        re-raises it) and ``duration`` the seconds since ``on_node_started``."""


class RunRecordSpecs:
    """kedro-nb's own hook (Kedro has no such spec): a run's record, once it is stored."""

    @hook_spec
    def after_run_recorded(self, record: Any, catalog: Any) -> None:
        """Called by the session once the record of a run (a ``RunRecord``: parameters,
        metrics, dataset versions, git commit, status) is stored, for successful and failed
        runs alike, with the run's ``catalog`` (None when the run failed before it was built).
        For trackers that mirror the run store elsewhere (kedro-nb's MLflow hooks). An error
        raised here propagates: an implementation that must never break a run catches its own."""


ALL_SPECS = (
    ContextSpecs,
    DataCatalogSpecs,
    NodeSpecs,
    PipelineSpecs,
    DatasetSpecs,
    RunProgressSpecs,
    RunRecordSpecs,
)
