"""``KedroNbSession``: configuration, catalog, pipelines and hooks of a project (or of a
folder holding a notebook), and any number of recorded runs.

Kedro's session allows one run; this one runs as often as a notebook asks, building a fresh
catalog for each run (its save version is the run id) and recording every run, failed ones
too, in ``<root>/.kedro_nb/runs.sqlite``.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from kedro_nb.project.catalog import absolute_paths, check_parameters
from kedro_nb.project.discovery import find_project_root, read_metadata
from kedro_nb.project.errors import SessionError
from kedro_nb.project.redaction import register_secrets
from kedro_nb.project.registry import ProjectPipelines, forget_package, prepare_package
from kedro_nb.project.settings import ProjectSettings, load_settings
from kedro_nb.project.state_folder import STATE_DIR, make_state_folder
from kedro_nb.shared import DEFAULT_PIPELINE

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from kedro_nb.config import ConfigLoader
    from kedro_nb.config.parsed_cache import ParsedCache
    from kedro_nb.io.protocol import CatalogProtocol
    from kedro_nb.pipeline import Pipeline
    from kedro_nb.project.data_files import DataFileHint
    from kedro_nb.project.history import RunHistory
    from kedro_nb.project.records import RunRecord, RunStore
    from kedro_nb.project.run_facts import GitStatus
    from kedro_nb.runner import RunnerProtocol, RunResult

logger = logging.getLogger(__name__)
ENV_VARIABLE = "KEDRO_ENV"


def _parsed_cache(root: Path, *, create: bool) -> ParsedCache | None:
    """The configuration cache in ``root``'s ``.kedro_nb`` folder (see
    :mod:`kedro_nb.config.parsed_cache`): a project's folder is created (with its
    ``.gitignore``); a notebook folder's only used when a run already made it."""
    folder = root / STATE_DIR
    if create:
        try:
            make_state_folder(folder)
        except OSError:  # a read-only project: its configuration is parsed every time
            return None
    elif not folder.is_dir():
        return None
    from kedro_nb.config.parsed_cache import ParsedCache

    return ParsedCache.in_folder(folder)


def _offers_plugins(cache: ParsedCache | None) -> bool | None:
    """Whether an installed distribution may offer kedro-nb hooks, as :func:`register_plugins
    <kedro_nb.hooks.register_plugins>` would find by reading every distribution's entry points
    (about 3 ms in a 270-distribution environment), kept in the project's cache for the same
    ``sys.path`` and the same modification times of its folders (an install or removal changes
    them). None: not known, the scan decides."""
    from kedro_nb.hooks import may_offer_plugins, plugin_scan_key

    key = plugin_scan_key()
    if key is None or cache is None:
        return None
    data = repr(key).encode()
    kept = cache.lookup("<plugins>", data)
    if kept is not None and type(kept.get("offers")) is bool:
        return bool(kept["offers"])
    offers = may_offer_plugins(key)
    cache.store("<plugins>", data, {"offers": offers})
    return offers


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class KedroNbSession:
    """Everything a run needs, built once; use :meth:`create` rather than the constructor.

    Attributes:
        project_path: the project root, or the start folder in embedded mode.
        package_name: the project's package (None in embedded mode or for code-less projects).
        is_project: False in the embedded default (no project found above the start folder).
        config_loader: the :class:`~kedro_nb.config.ConfigLoader`.
        hook_manager: the pluggy manager with the project's and plugins' hooks.
        pipelines: lazy ``Mapping[str, Pipeline]``.
        settings: the project settings kedro-nb read.
        store: the run records (:class:`~kedro_nb.project.records.RunStore`).
        last_result: the :class:`~kedro_nb.runner.RunResult` of the latest successful run.
        last_record: the :class:`RunRecord` of the latest run, failed or not.
    """

    def __init__(
        self,
        project_path: Path,
        *,
        package_name: str | None,
        source_dir: Path | None,
        is_project: bool,
        config_loader: ConfigLoader,
        settings: ProjectSettings,
    ) -> None:
        from kedro_nb.hooks import create_hook_manager, register_hooks, register_plugins

        self.project_path = project_path
        self.package_name = package_name
        self.is_project = is_project
        self.config_loader = config_loader
        self.settings = settings
        self.pipelines = ProjectPipelines(package_name, source_dir or project_path)
        self._store: RunStore | None = None
        self.hook_manager = create_hook_manager()
        register_hooks(self.hook_manager, settings.hooks)
        register_plugins(
            self.hook_manager,
            settings.disable_hooks_for_plugins,
            offered=_offers_plugins(getattr(config_loader, "parsed_cache", None)),
        )
        self._register_mlflow(config_loader)
        self.last_result: RunResult | None = None
        self.last_record: RunRecord | None = None
        self._catalog: CatalogProtocol | None = None
        self._secrets: tuple[str, ...] | None = None
        self._named_runners: dict[str, RunnerProtocol] = {}
        self._file_cache: Any = None
        self.hook_manager.hook.after_context_created(context=self)

    @property
    def store(self) -> RunStore:
        """The run records at ``<root>/.kedro_nb/runs.sqlite`` (made on first use: the records
        module, a dataclass of 24 fields, is not imported by ``%load_ext``)."""
        if self._store is None:
            from kedro_nb.project.records import RunStore

            self._store = RunStore.for_root(self.project_path)
        return self._store

    def _register_mlflow(self, config_loader: ConfigLoader) -> None:
        """kedro-nb's MLflow hooks, when an ``mlflow.yml`` configures them and settings'
        ``HOOKS`` do not hold them already (a file check: MLflow is imported by a run)."""
        from kedro_nb.project.mlflow_hooks import MlflowHooks, mlflow_config_files

        registered = self.hook_manager.get_plugins()
        if any(isinstance(plugin, MlflowHooks) for plugin in registered):
            return
        if mlflow_config_files(config_loader):
            from kedro_nb.hooks import register_hooks

            register_hooks(self.hook_manager, [MlflowHooks()])

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        project_path: str | os.PathLike[str] | None = None,
        save_on_close: bool = True,
        env: str | None = None,
        runtime_params: Mapping[str, Any] | None = None,
        conf_source: str | Path | None = None,
        *,
        start_dir: str | Path | None = None,
        reload_code: bool = False,
    ) -> KedroNbSession:
        """A session for the project at ``project_path``, or the one found at or above
        ``start_dir`` (default: the working directory), or else the embedded default rooted
        at ``start_dir``: ``catalog.yml``/``parameters.yml``/``credentials.yml`` beside it,
        relative data paths under it, undeclared datasets in memory.

        The arguments up to ``conf_source`` are ``KedroSession.create``'s, in its order.
        ``save_on_close`` is accepted for that and changes nothing: every run is recorded
        when it ends (Kedro's session store is not kept, see the compatibility page).

        ``env`` defaults to ``$KEDRO_ENV``, then to settings' ``default_run_env`` (``local``).
        ``runtime_params`` override parameters (dotted keys update nested values).
        ``reload_code`` forgets the project's already imported modules, so edits to its
        settings, hooks and pipelines are read again (a notebook's "reload").
        """
        from kedro_nb.config import ConfigLoader

        start = Path(start_dir or Path.cwd()).expanduser().resolve()
        if project_path:  # a folder inside the project is fine too
            given = Path(project_path).expanduser().resolve()
            root: Path | None = find_project_root(given) or given
        else:
            root = find_project_root(start)
        env = env or os.environ.get(ENV_VARIABLE) or None
        if root is None:
            folder = start if start.is_dir() else start.parent
            source = Path(conf_source).expanduser().resolve() if conf_source else folder
            loader = ConfigLoader.standalone(source, runtime_params=runtime_params)
            loader.parsed_cache = _parsed_cache(folder, create=False)
            return cls(
                folder,
                package_name=None,
                source_dir=None,
                is_project=False,
                config_loader=loader,
                settings=ProjectSettings(),
            )
        meta = read_metadata(root)
        if meta.package_name:  # its modules are imported inside compat.kedro_shim() blocks
            if reload_code:
                forget_package(meta.package_name)
            prepare_package(meta.package_name, meta.source_dir)
        settings = load_settings(meta.package_name, meta.source_dir)
        settings.incremental = meta.incremental
        if conf_source:
            source = Path(conf_source).expanduser().resolve()
        elif settings.conf_source:
            source = (root / settings.conf_source).resolve()
        else:
            source = meta.conf_source
        args = dict(settings.config_loader_args)
        loader = ConfigLoader(
            source,
            env=env,
            base_env=args.pop("base_env", "base"),
            runtime_params=runtime_params,
            default_run_env=args.pop("default_run_env", "local") or "local",
            **args,
        )
        loader.existing_folders()  # a missing conf folder or --env fails now, not mid-run
        loader.parsed_cache = _parsed_cache(root, create=True)
        return cls(
            root,
            package_name=meta.package_name,
            source_dir=meta.source_dir,
            is_project=True,
            config_loader=loader,
            settings=settings,
        )

    # -- configuration views ----------------------------------------------------------------
    @property
    def env(self) -> str | None:
        """The configuration environment laid over base (None in embedded mode)."""
        return self.config_loader.run_env

    @property
    def params(self) -> dict[str, Any]:
        """Resolved parameters (runtime params merged in); empty when no parameters file."""
        found = self._config_or_none("parameters")
        return dict(self.config_loader.runtime_params) if found is None else found

    def _config_or_none(self, key: str) -> dict[str, Any] | None:
        """``config_loader[key]``, or None when no file holds that key. A missing
        configuration folder or environment is an error, never an empty key."""
        from kedro_nb.config import ConfigSourceError, MissingConfigError

        try:
            return self.config_loader[key]
        except ConfigSourceError:
            raise
        except MissingConfigError:
            return None

    def _credentials(self) -> dict[str, Any]:
        from kedro_nb.io import secret_values

        credentials = self._config_or_none("credentials") or {}
        self._secrets = secret_values(credentials)
        register_secrets(self._secrets)
        return credentials

    def scrub(self, text: str) -> str:
        """``text`` with every credential value masked (for logs, errors and records)."""
        if self._secrets is None:
            try:
                self._credentials()
            except Exception:  # unreadable credentials hold no secret to mask yet
                self._secrets = ()
        from kedro_nb.io import scrub  # not at import: %load_ext starts without kedro_nb.io

        return scrub(text, self._secrets or ())

    @property
    def catalog(self) -> CatalogProtocol:
        """The catalog: built from configuration on first use; after a run, the run's catalog
        (so in-memory outputs of the latest run can be loaded)."""
        if self._catalog is None:
            self._catalog = self.build_catalog()
        return self._catalog

    def build_catalog(
        self,
        *,
        load_versions: dict[str, str] | None = None,
        save_version: str | None = None,
        shared_memory: bool = False,
    ) -> CatalogProtocol:
        """A fresh catalog from configuration: datasets (relative paths made absolute under
        the project root), credentials, ``parameters`` and ``params:<key>`` for every nested
        key. Calls the ``after_catalog_created`` hook. ``shared_memory``: a
        ``SharedMemoryDataCatalog`` whatever the settings say, as Kedro's session builds for
        Kedro's ``ParallelRunner``."""
        from kedro_nb.io.catalog import parameter_entries

        catalog_class: Any = self.settings.data_catalog_class  # settings' DATA_CATALOG_CLASS
        if shared_memory:
            from kedro_nb.io import SharedMemoryDataCatalog as catalog_class
        elif catalog_class is None:
            from kedro_nb.io import DataCatalog as catalog_class
        conf_catalog = absolute_paths(self.project_path, self._config_or_none("catalog") or {})
        credentials = self._credentials()
        catalog: Any = catalog_class.from_config(
            conf_catalog, credentials, load_versions=load_versions, save_version=save_version
        )
        parameters = parameter_entries(self.params)  # what Kedro's hook gets as parameters
        for name, value in parameters.items():
            catalog[name] = value
        catalog.missing_hint = self._data_file_hint()
        catalog.undeclared_in_memory = not self.is_project  # the embedded default's promise
        self.hook_manager.hook.after_catalog_created(
            catalog=catalog,
            conf_catalog=conf_catalog,
            conf_creds=credentials,
            parameters=parameters,
            save_version=save_version,
            load_versions=load_versions,
        )
        return cast("CatalogProtocol", catalog)

    def _data_file_hint(self) -> DataFileHint:
        """What a catalog adds to "not found": a matching data file and the entry to paste."""
        from kedro_nb.project.data_files import DataFileHint

        loader = self.config_loader
        base = getattr(loader, "base_env", None) if self.is_project else None
        folder = Path(loader.conf_source) / base if base else Path(loader.conf_source)
        return DataFileHint(self.project_path, folder / "catalog.yml")

    # -- running ----------------------------------------------------------------------------
    def load_context(self) -> KedroNbSession:
        """Kedro's ``session.load_context()``: the session is its own context (``catalog``,
        ``params``, ``env``, ``config_loader``, ``project_path``, ``package_name``)."""
        return self

    def run(
        self,
        pipeline_name: str | None = None,
        *,
        pipeline_names: Iterable[str] | None = None,
        namespaces: Iterable[str] | None = None,
        pipeline: Pipeline | Any = None,  # ours, or Kedro's (rebuilt from its nodes)
        node_names: Iterable[str] | None = None,
        from_nodes: Iterable[str] | None = None,
        to_nodes: Iterable[str] | None = None,
        from_inputs: Iterable[str] | None = None,
        to_outputs: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        node_namespaces: Iterable[str] | None = None,
        runner: RunnerProtocol | str | None = None,  # ours, Kedro's, or a name
        load_versions: dict[str, str] | None = None,
        only_missing_outputs: bool = False,
        catalog: CatalogProtocol | None = None,
        incremental: bool | None = None,
        dry_run: bool = False,
    ) -> RunResult:
        """Run a registered pipeline (``pipeline_name``, default ``__default__``), several
        (``pipeline_names``, combined, as Kedro's), or a ``pipeline`` object, sliced like
        ``kedro run``. ``namespaces`` is Kedro's name for ``node_namespaces``.

        Returns what Kedro's ``session.run`` returns, the free outputs (name to dataset), as a
        :class:`~kedro_nb.runner.RunResult` dict; the run's :class:`RunRecord` is its
        ``record`` attribute and the session's ``last_record``.

        ``runner`` is a runner instance or a name (``"thread"``, ``"parallel"``...). A fresh
        catalog is built for each run unless ``catalog`` is given. The pipeline hooks are
        called here, with Kedro's ``run_params``. Every run is recorded; a failed run is
        recorded and its error re-raised (a node's own exception, with a
        :class:`~kedro_nb.runner.NodeFailure` attached).

        ``incremental`` (default: the project's ``[tool.kedro_nb.runner] incremental``) skips
        the nodes whose code, parameters and data did not change since their last successful
        run; ``result.decisions`` says why each node ran or not. With ``dry_run`` (incremental
        only) nothing runs and nothing is recorded: the result holds the decisions only.
        """
        from kedro_nb.project.compat import as_pipeline

        if namespaces is not None and node_namespaces is not None:
            raise SessionError("Give namespaces or node_namespaces (the same filter), not both.")
        node_namespaces = namespaces if namespaces is not None else node_namespaces
        # the hooks' run_params echo the arguments as given, as Kedro's do (kedro run passes
        # empty lists, the session's defaults are None)
        given = {
            "tags": tags,
            "from_nodes": from_nodes,
            "to_nodes": to_nodes,
            "node_names": node_names,
            "from_inputs": from_inputs,
            "to_outputs": to_outputs,
            "namespaces": node_namespaces,
            "pipeline_names": (
                [pipeline_name] if pipeline_name and pipeline is None else pipeline_names
            ),
        }
        if isinstance(pipeline_names, str):
            raise SessionError(
                f"pipeline_names takes a list of names: pipeline_names=[{pipeline_names!r}]."
            )
        names = list(pipeline_names or ())
        if names and (pipeline_name or pipeline is not None):
            raise SessionError("Give pipeline_names, or pipeline_name or pipeline, not both.")
        if pipeline is not None:
            chosen = as_pipeline(pipeline)
        elif names:
            chosen = sum((self.pipelines[name] for name in names[1:]), self.pipelines[names[0]])
            pipeline_name = ",".join(names)
        else:
            chosen = self.pipelines[pipeline_name or DEFAULT_PIPELINE]
            names = [pipeline_name] if pipeline_name else []
        from kedro_nb.pipeline import SliceOptions

        try:
            options = SliceOptions(
                node_names=node_names,
                from_nodes=from_nodes,
                to_nodes=to_nodes,
                from_inputs=from_inputs,
                to_outputs=to_outputs,
                tags=tags,
                node_namespaces=node_namespaces,
            )
        except TypeError as exc:
            raise SessionError(str(exc)) from None
        slicing = options.as_dict()
        filtered = chosen.sliced(options) if options else chosen
        runner = self._runner(runner)
        from kedro_nb.hooks import register_hooks
        from kedro_nb.project import foreign_runs

        if incremental is None:
            incremental = self.settings.incremental and not only_missing_outputs
        if incremental and only_missing_outputs:
            raise SessionError(
                "Give incremental or only_missing_outputs, not both: an incremental run already "
                "runs the nodes whose outputs are missing."
            )
        if incremental and "incremental" not in inspect.signature(runner.run).parameters:
            raise SessionError(
                f"{type(runner).__name__} cannot run incrementally (its run() takes no "
                "'incremental'); use one of kedro-nb's runners (sequential, thread, parallel, "
                "dask) or drop --incremental."
            )
        if dry_run:
            if not incremental:
                raise SessionError("dry_run needs an incremental run: pass incremental=True.")
            return self._dry_run(filtered, runner, catalog, load_versions)
        parameters = self.params
        from kedro_nb.project.records import RunRecord, params_hash
        from kedro_nb.project.run_facts import GitStatus  # subprocess: not at %load_ext

        git_sha = self._git_sha()
        record = RunRecord(
            run_id="",
            started_at="",
            pipeline_name=pipeline_name or (DEFAULT_PIPELINE if pipeline is None else None),
            slicing=slicing
            | ({"load_versions": load_versions} if load_versions else {})
            | ({"only_missing_outputs": True} if only_missing_outputs else {})
            | ({"incremental": True} if incremental else {}),
            runner=type(runner).__name__,
            git_sha=git_sha,
            params_hash=params_hash(parameters),
            env=self.env,
            runtime_params=dict(self.config_loader.runtime_params),
        )
        run_id = self._claim_run_id(record)
        # read after the run; started once the claim made .kedro_nb (and its .gitignore)
        git_status = GitStatus(self.project_path, git_sha is not None)
        logger.info(
            "Run %s: pipeline %s, %d node(s).", run_id, record.pipeline_name, len(filtered.nodes)
        )
        run_params = self._run_params(record, given, load_versions, runner)
        hook = self.hook_manager.hook
        started = False
        try:
            if catalog is None:
                catalog = self.build_catalog(
                    load_versions=load_versions,
                    save_version=run_id,
                    shared_memory=foreign_runs.needs_shared_memory(runner),
                )
            check_parameters(filtered, catalog, parameters)
            hook.before_pipeline_run(run_params=run_params, pipeline=filtered, catalog=catalog)
            started = True
            # Kedro's own runners return a plain dict: their timings come from the hooks
            clock = foreign_runs.RunClock(catalog) if foreign_runs.is_foreign(runner) else None
            if clock is not None:
                register_hooks(self.hook_manager, [clock])
            began = time.perf_counter()
            try:
                with self._project_code():  # a catalog entry's type may be the project's class
                    returned = runner.run(
                        filtered,
                        catalog,
                        self.hook_manager,
                        run_id=run_id,
                        only_missing_outputs=only_missing_outputs,
                        **({"incremental": self._incremental()} if incremental else {}),
                    )
            finally:
                if clock is not None:
                    self.hook_manager.unregister(clock)
            result: RunResult = (
                returned
                if clock is None
                else foreign_runs.as_run_result(returned, clock, run_id, began)
            )
        except BaseException as exc:
            if catalog is not None:
                self._catalog = catalog  # to inspect what the nodes before the failure made
            if started and isinstance(exc, Exception):
                hook.on_pipeline_error(
                    error=exc, run_params=run_params, pipeline=filtered, catalog=catalog
                )
            from kedro_nb.runner.errors import node_failure

            failure = node_failure(exc)
            record.status = "failed"
            record.ended_at = _now()
            record.node_timings = dict(failure.node_timings) if failure else {}
            record.saved = list(failure.saved) if failure else []
            _fit_missing_file_hint(exc, chosen, self.pipelines)
            record.error = self.scrub(_error_text(exc))
            self._keep_file_digests()
            self._add_facts(record, filtered, catalog, parameters, git_status)
            self.store.save(record)
            self.last_record = record
            hook.after_run_recorded(record=record, catalog=catalog)
            raise
        hook.after_pipeline_run(
            run_params=run_params, run_result=result, pipeline=filtered, catalog=catalog
        )
        self._catalog = catalog
        self._keep_file_digests()
        record.status = "success"
        record.ended_at = _now()
        record.node_timings = dict(result.node_timings)
        record.node_memory = dict(result.node_memory)
        record.saved = list(result.saved)
        self._add_facts(record, filtered, catalog, parameters, git_status)
        self.store.save(record)
        result.record = record
        self.last_result, self.last_record = result, record
        hook.after_run_recorded(record=record, catalog=catalog)
        return result

    def _incremental(self, dry_run: bool = False) -> Any:
        """The runner's incremental options: this session's store and file digest cache (seeded
        from the store, so an unchanged file is not read again by a new process)."""
        from kedro_nb.runner.incremental import Incremental

        if self._file_cache is None:
            from kedro_nb.io.fingerprint import seed_cache

            self._file_cache = seed_cache(self.store.file_digests())
        return Incremental(store=self.store, cache=self._file_cache, dry_run=dry_run)

    def _keep_file_digests(self) -> None:
        """Store the local-file digests computed by the run (written by this process only)."""
        cache = self._file_cache
        if cache is None or not cache.added:
            return
        from kedro_nb.io.fingerprint import cache_rows

        try:
            self.store.add_file_digests(cache_rows(cache))
            cache.added.clear()
        except Exception as exc:  # pragma: no cover - a cache is not worth a run
            logger.warning("Could not store file digests: %s", exc)

    def _dry_run(
        self,
        pipeline: Pipeline,
        runner: Any,  # a kedro-nb runner: only they take ``incremental``
        catalog: CatalogProtocol | None,
        load_versions: dict[str, str] | None,
    ) -> RunResult:
        """What an incremental run of ``pipeline`` would do, node by node, without running
        or recording anything."""
        if catalog is None:
            catalog = self.build_catalog(load_versions=load_versions)
        check_parameters(pipeline, catalog, self.params)
        result: RunResult = runner.run(
            pipeline, catalog, None, incremental=self._incremental(dry_run=True)
        )
        return result

    def _add_facts(
        self,
        record: RunRecord,
        pipeline: Pipeline,
        catalog: CatalogProtocol | None,
        parameters: dict[str, Any],
        git_status: GitStatus,
    ) -> None:
        """Fill in what the run read and wrote: parameter values (credentials masked),
        metrics, dataset versions, notebook cells, package versions, git dirty. A fact that
        cannot be gathered is left empty with a warning: recording never breaks a run."""
        from kedro_nb.project import run_facts

        try:
            self.scrub("")  # reads the credential values to mask, if no catalog did yet
            record.params = run_facts.mask_secrets(parameters, self._secrets or ())
            record.git_dirty = git_status.dirty()
            record.packages = run_facts.node_packages(pipeline.nodes)
            record.notebook, record.cells = run_facts.node_cells(pipeline.nodes, self.project_path)
            if catalog is None:
                return
            outputs = pipeline.all_outputs()
            record.metrics = run_facts.metric_values(catalog, outputs, record.saved)
            record.loaded_versions, record.saved_versions, record.input_fingerprints = (
                run_facts.dataset_versions(catalog, pipeline.inputs(), record.saved)
            )
        except Exception as exc:  # pragma: no cover - defensive: a fact is not worth a run
            logger.warning("Run %s: some facts were not recorded: %s", record.run_id, exc)

    def _run_params(
        self,
        record: RunRecord,
        given: dict[str, Any],
        load_versions: dict[str, str] | None,
        runner: RunnerProtocol,
    ) -> dict[str, Any]:
        """The ``run_params`` of the pipeline hooks: Kedro 1.7's keys, the slicing and
        ``pipeline_names`` as given to :meth:`run` (``None`` when not given, as in Kedro)."""
        from kedro_nb import __version__

        keys = ("tags", "from_nodes", "to_nodes", "node_names", "from_inputs", "to_outputs")
        return {
            "run_id": record.run_id,
            "project_path": self.project_path.as_posix(),
            "env": self.config_loader.env,
            "kedro_version": f"kedro-nb {__version__}",
            **{key: given[key] for key in keys},
            "load_versions": load_versions,
            "runtime_params": record.runtime_params,
            "pipeline_names": given["pipeline_names"],
            "namespaces": given["namespaces"],
            "runner": type(runner).__name__,
            "only_missing_outputs": record.slicing.get("only_missing_outputs", False),
        }

    @property
    def runs(self) -> RunHistory:
        """The project's run records: ``session.runs(limit=5)`` lists the latest, a notebook
        shows them side by side, ``.compare``, ``.best``, ``.plot`` and ``.to_frame`` work on
        them (see :class:`~kedro_nb.project.history.RunHistory`)."""
        from kedro_nb.project.history import RunHistory

        return RunHistory(self.store)

    def _runner(self, runner: RunnerProtocol | str | None) -> RunnerProtocol:
        if runner is None:
            from kedro_nb.runner import SequentialRunner

            return SequentialRunner()
        if isinstance(runner, str):
            # One runner per name for the session's life: a Dask cluster it starts stays warm
            # for the next run and is shut down by close().
            if runner not in self._named_runners:
                from kedro_nb.runner import runner_from_name

                self._named_runners[runner] = runner_from_name(runner)
            return self._named_runners[runner]
        if isinstance(runner, type):
            raise SessionError(
                f"runner={runner.__name__} is a class; pass an instance: {runner.__name__}()."
            )
        return runner

    def _project_code(self) -> AbstractContextManager[object]:
        """Where the project's own code may be imported: Kedro's modules served by kedro-nb
        when Kedro is not installed (:func:`~kedro_nb.project.compat.kedro_shim`)."""
        if not self.package_name:
            return contextlib.nullcontext()
        from kedro_nb.project.compat import kedro_shim

        return kedro_shim()

    def _claim_run_id(self, record: RunRecord) -> str:
        """Give ``record`` a fresh timestamp id (Kedro's version format, also the save version
        of versioned datasets) and store it; an id another run already took is never reused."""
        from kedro_nb.io import generate_timestamp

        while True:
            record.run_id, record.started_at = generate_timestamp(), _now()
            if self.store.add(record):
                return record.run_id
            time.sleep(0.001)

    def _git_sha(self) -> str | None:
        from kedro_nb.project.gitinfo import git_commit

        return git_commit(self.project_path)

    # -- housekeeping -----------------------------------------------------------------------
    def close(self) -> None:
        """Release what runs started: runners the session built from a name (a Dask runner's
        local cluster, for one). The session stays usable; a later run starts them anew."""
        runners, self._named_runners = self._named_runners, {}
        for runner in runners.values():
            close = getattr(runner, "close", None)
            if callable(close):
                close()

    def __enter__(self) -> KedroNbSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        kind = f"package={self.package_name!r}" if self.is_project else "embedded"
        return f"KedroNbSession('{self.project_path}', {kind}, env={self.env!r})"


def _fit_missing_file_hint(exc: BaseException, chosen: Any, pipelines: Mapping[str, Any]) -> None:
    """A node failed on a catalog file that is not there: say to run the nodes that make it
    (in the pipeline run, else in the project's default pipeline), or, when no node does, that
    the input data is missing (kedro_nb.io.fit_missing_file_hint)."""
    from kedro_nb.io.errors import DatasetFileNotFoundError, fit_missing_file_hint

    if not isinstance(exc, DatasetFileNotFoundError) or exc.dataset_name is None:
        return
    name = exc.dataset_name
    candidates = [chosen]
    with contextlib.suppress(Exception):  # a project whose default pipeline does not build
        if DEFAULT_PIPELINE in pipelines:
            candidates.append(pipelines[DEFAULT_PIPELINE])
    producers: list[str] = []
    for pipeline in candidates:
        producers += [
            node.name
            for node in pipeline.nodes
            if name in node.outputs and node.name not in producers
        ]
    fit_missing_file_hint(exc, producers)


def _error_text(exc: BaseException) -> str:
    from kedro_nb.runner.errors import node_failure

    failure = node_failure(exc)
    text = f"{type(exc).__name__}: {exc}"
    return f"node '{failure.node_name}': {text}" if failure else text
