"""kedro-nb's MLflow hooks: each recorded run mirrored as an MLflow run.

Enabled by an ``mlflow.yml`` in the project's configuration (``conf/base`` or the run's env, or
beside a lone notebook), or by ``HOOKS = (MlflowHooks(...),)`` in ``settings.py``. Install MLflow
with ``pip install "kedro-nb[mlflow]"``. ``mlflow.yml`` (every key optional)::

    tracking_uri: http://127.0.0.1:5000  # default: $MLFLOW_TRACKING_URI, else
                                         # sqlite:///<project>/.kedro_nb/mlflow.db
    experiment: churn                    # default: the project's package (or folder) name
    artifacts: [model, metrics]          # datasets whose saved files are logged as artifacts
    enabled: true

Each run becomes one MLflow run named after the kedro-nb run id: parameters flattened with
dots (``model.alpha``), the metrics of the run's metrics datasets, tags (``kedro_nb.run_id``,
``kedro_nb.pipeline``, ``mlflow.source.git.commit``, ``kedro_nb.git_dirty``,
``kedro_nb.notebook``, ``kedro_nb.env``, ``kedro_nb.like_run``), the chosen datasets' files as
artifacts, and FINISHED or FAILED. It is logged once the run's record is stored, in one batch.

It never breaks or holds up a run: MLflow is imported only then; when it is not installed, or
the tracking server does not answer within a second, or logging fails, the problem is reported
once (a warning) and the run stays recorded locally (``kedro-nb runs``).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import time
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_nb.hooks.markers import hook_impl

if TYPE_CHECKING:
    from kedro_nb.io.protocol import CatalogProtocol
    from kedro_nb.project.records import RunRecord
    from kedro_nb.project.session import KedroNbSession

__all__ = ["CONFIG_KEY", "MlflowHooks", "MlflowTrackingWarning", "mlflow_config_files"]

logger = logging.getLogger(__name__)
CONFIG_KEY = "mlflow"
_CONFIG_NAMES = ("mlflow.yml", "mlflow.yaml")
_RETRY_UNREACHABLE = 60.0  # seconds before a server that did not answer is tried again
_BATCH = 100  # MLflow's limit of params (and tags) per log_batch call
_VALUE_LIMIT = 6000  # MLflow's limit on a parameter value's length
_KEY_LIMIT = 250


class MlflowTrackingWarning(UserWarning):
    """Issued once per problem when a run could not be logged to MLflow (the run itself is
    unaffected and recorded locally)."""


# problems already reported in this process (one warning each), and unreachable servers
_reported: set[str] = set()
_unreachable: dict[str, float] = {}


def _report_once(key: str, message: str) -> None:
    if key in _reported:
        logger.debug("%s", message)
        return
    _reported.add(key)
    warnings.warn(message, MlflowTrackingWarning, stacklevel=2)


def mlflow_config_files(config_loader: Any) -> list[Path]:
    """The ``mlflow.yml`` files of the loader's configuration folders (none: MLflow is off)."""
    try:
        folders = config_loader.env_folders()
    except Exception:
        return []
    return [
        folder / name for folder in folders for name in _CONFIG_NAMES if (folder / name).is_file()
    ]


class MlflowHooks:
    """Mirror every recorded run to MLflow.

    Args:
        tracking_uri: where to log (wins over ``mlflow.yml`` and ``$MLFLOW_TRACKING_URI``).
        experiment: the MLflow experiment's name.
        artifacts: datasets whose files are logged as artifacts of the run.
        enabled: False turns the hooks off (``enabled: false`` in ``mlflow.yml`` too).
    """

    def __init__(
        self,
        tracking_uri: str | None = None,
        experiment: str | None = None,
        artifacts: Iterable[str] | None = None,
        enabled: bool | None = None,
    ) -> None:
        self._given = {
            "tracking_uri": tracking_uri,
            "experiment": experiment,
            "artifacts": list(artifacts) if artifacts is not None else None,
            "enabled": enabled,
        }
        self._session: KedroNbSession | None = None
        self._settings: dict[str, Any] | None = None
        self._clients: dict[str, Any] = {}
        self._experiments: dict[tuple[str, str], str] = {}

    # -- configuration ---------------------------------------------------------------------
    @hook_impl
    def after_context_created(self, context: KedroNbSession) -> None:
        """Remember the session: its project folder and configuration say where to log."""
        self._session = context
        self._settings = None

    def settings(self) -> dict[str, Any]:
        """``tracking_uri``, ``experiment``, ``artifacts`` and ``enabled`` as they apply."""
        if self._settings is not None:
            return self._settings
        from_file: dict[str, Any] = {}
        session = self._session
        if session is not None and mlflow_config_files(session.config_loader):
            from_file = _read_config(session.config_loader)
        root = Path(session.project_path) if session is not None else Path.cwd()
        name = (getattr(session, "package_name", None) or root.name) if session else "kedro-nb"
        values: dict[str, Any] = {
            "tracking_uri": os.environ.get("MLFLOW_TRACKING_URI")
            or f"sqlite:///{(root / '.kedro_nb' / 'mlflow.db').as_posix()}",
            "experiment": name,
            "artifacts": [],
            "enabled": True,
        }
        values.update({k: v for k, v in from_file.items() if k in values and v is not None})
        values.update({k: v for k, v in self._given.items() if v is not None})
        values["default_store"] = values["tracking_uri"] == (
            f"sqlite:///{(root / '.kedro_nb' / 'mlflow.db').as_posix()}"
        )
        values["root"] = root
        self._settings = values
        return values

    # -- logging -----------------------------------------------------------------------------
    @hook_impl
    def after_run_recorded(self, record: RunRecord, catalog: CatalogProtocol | None) -> None:
        """Log ``record`` as an MLflow run; any failure is reported once, never raised."""
        try:
            settings = self.settings()
        except Exception as exc:
            _report_once(f"config:{exc}", f"MLflow: cannot read mlflow.yml: {exc}")
            return
        if not settings["enabled"]:
            return
        uri = str(settings["tracking_uri"])
        if not _reachable(uri):  # before importing mlflow: a down server costs a run nothing
            _report_once(
                f"down:{uri}",
                f"MLflow tracking server {uri} does not answer: run {record.run_id} and later "
                "ones are recorded locally only (kedro-nb runs) until it does.",
            )
            return
        try:
            with _quiet_mlflow():
                client = self._client(uri)
        except ImportError:
            _report_once(
                "missing",
                "MLflow hooks are on (mlflow.yml or settings HOOKS) but mlflow is not "
                'installed: pip install "kedro-nb[mlflow]". Runs are recorded locally only '
                "(kedro-nb runs).",
            )
            return
        try:
            with _quiet_mlflow():
                self._log(client, settings, record, catalog)
        except Exception as exc:  # MLflow's own errors: the run is done, keep it that way
            _unreachable[uri] = time.monotonic()
            _report_once(
                f"failed:{uri}:{type(exc).__name__}",
                f"MLflow: could not log run {record.run_id} to {uri}: {type(exc).__name__}: "
                f"{_first_line(exc)}. It is recorded locally (kedro-nb runs).",
            )

    def _client(self, uri: str) -> Any:
        client = self._clients.get(uri)
        if client is None:
            from mlflow.tracking import MlflowClient  # ImportError when not installed

            client = self._clients[uri] = MlflowClient(tracking_uri=uri)
        return client

    def _experiment_id(self, client: Any, settings: Mapping[str, Any]) -> str:
        uri, name = str(settings["tracking_uri"]), str(settings["experiment"])
        known = self._experiments.get((uri, name))
        if known is not None:
            return known
        found = client.get_experiment_by_name(name)
        if found is None:
            location = None
            if settings["default_store"]:  # keep artifacts beside the store, not in ./mlruns
                location = (Path(settings["root"]) / ".kedro_nb" / "mlartifacts").as_uri()
            try:
                experiment_id = client.create_experiment(name, artifact_location=location)
            except Exception:  # another process created it in the meantime
                found = client.get_experiment_by_name(name)
                if found is None:
                    raise
                experiment_id = found.experiment_id
        else:
            experiment_id = found.experiment_id
        self._experiments[(uri, name)] = experiment_id
        return str(experiment_id)

    def _log(
        self,
        client: Any,
        settings: Mapping[str, Any],
        record: RunRecord,
        catalog: CatalogProtocol | None,
    ) -> None:
        from mlflow.entities import Metric, Param, RunTag

        from kedro_nb.project.compare import flatten

        experiment_id = self._experiment_id(client, settings)
        started = _millis(record.started_at)
        run = client.create_run(
            experiment_id, start_time=started, tags=_tags(record), run_name=record.run_id
        )
        run_id = run.info.run_id
        params = [
            Param(str(key)[:_KEY_LIMIT], _param_value(value))
            for key, value in flatten(record.params).items()
        ]
        ended = _millis(record.ended_at) or started
        metrics = [Metric(name, float(value), ended, 0) for name, value in record.metrics.items()]
        for start in range(0, max(len(params), 1), _BATCH):
            client.log_batch(
                run_id,
                params=params[start : start + _BATCH],
                metrics=metrics if start == 0 else [],
            )
        extra = [RunTag("kedro_nb.seconds", f"{record.duration:.3f}")] if record.duration else []
        if extra:
            client.log_batch(run_id, tags=extra)
        for path, folder in self._artifact_files(settings, record, catalog):
            client.log_artifact(run_id, str(path), artifact_path=folder)
        status = "FINISHED" if record.status == "success" else "FAILED"
        with contextlib.redirect_stdout(io.StringIO()):  # its "View run ... at" lines
            client.set_terminated(run_id, status=status, end_time=ended)

    @staticmethod
    def _artifact_files(
        settings: Mapping[str, Any], record: RunRecord, catalog: CatalogProtocol | None
    ) -> list[tuple[Path, str]]:
        files = []
        for name in settings.get("artifacts") or []:
            if name not in record.saved or catalog is None:
                continue
            path = _local_file(catalog, name, record.saved_versions.get(name))
            if path is None:
                _report_once(
                    f"artifact:{name}",
                    f"MLflow: dataset {name!r} is not a local file; it is not logged as an "
                    "artifact (only local files are).",
                )
                continue
            files.append((path, name))
        return files


def _read_config(config_loader: Any) -> dict[str, Any]:
    patterns = getattr(config_loader, "config_patterns", None)
    if isinstance(patterns, dict) and CONFIG_KEY not in patterns:
        patterns[CONFIG_KEY] = ["mlflow*"]
    data = config_loader[CONFIG_KEY]
    if not isinstance(data, Mapping):
        raise ValueError(f"mlflow.yml must hold a mapping, got {type(data).__name__}")
    known = {"tracking_uri", "experiment", "artifacts", "enabled"}
    unknown = sorted(set(data) - known)
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown key {unknown[0]!r} in mlflow.yml.{hint} Keys: {sorted(known)}")
    return dict(data)


def _tags(record: Any) -> dict[str, str]:
    tags = {
        "kedro_nb.run_id": record.run_id,
        "kedro_nb.pipeline": record.pipeline_name or "",
        "kedro_nb.status": record.status,
        "kedro_nb.runner": record.runner or "",
    }
    optional = {
        "mlflow.source.git.commit": record.git_sha,
        "kedro_nb.git_dirty": None if record.git_dirty is None else str(record.git_dirty).lower(),
        "kedro_nb.notebook": record.notebook,
        "kedro_nb.env": record.env,
        "kedro_nb.like_run": record.like_run,
    }
    tags.update({key: str(value) for key, value in optional.items() if value})
    return tags


def _param_value(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value) if value is None else str(value)
    return text[:_VALUE_LIMIT]


def _millis(stamp: str | None) -> int | None:
    if not stamp:
        return None
    from datetime import datetime

    return int(datetime.fromisoformat(stamp).timestamp() * 1000)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def _local_file(catalog: CatalogProtocol, name: str, version: str | None) -> Path | None:
    try:
        dataset = catalog.get(name)
    except Exception:
        return None
    if dataset is None or getattr(dataset, "protocol", None) != "file":
        return None
    if version and hasattr(dataset, "_get_versioned_path"):
        path = Path(str(dataset._get_versioned_path(version)))
    else:
        path = Path(str(getattr(dataset, "_filepath", "")))
    return path if path.is_file() else None


def _reachable(uri: str) -> bool:
    """False when an HTTP tracking server does not accept a connection within a second (or
    did not answer lately); other stores (files, SQLite) are local."""
    from urllib.parse import urlsplit

    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https"):
        return True
    failed_at = _unreachable.get(uri)
    if failed_at is not None and time.monotonic() - failed_at < _RETRY_UNREACHABLE:
        return False
    import socket

    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", port), timeout=1.0):
            pass
    except OSError:
        _unreachable[uri] = time.monotonic()
        return False
    _unreachable.pop(uri, None)
    return True


class _quiet_mlflow:
    """While kedro-nb logs a run: MLflow gives up on a failing HTTP request after two tries of
    10 seconds (it retries for minutes by default; a user's own setting wins), and its INFO
    logs (creating tables, ...) stay out of the run's output."""

    _VALUES = {
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
        "MLFLOW_HTTP_REQUEST_TIMEOUT": "10",
        "MLFLOW_LOGGING_LEVEL": "WARNING",  # read when mlflow is first imported
    }

    def __enter__(self) -> None:
        self._set = [key for key in self._VALUES if key not in os.environ]
        for key in self._set:
            os.environ[key] = self._VALUES[key]
        self._logger = logging.getLogger("mlflow")
        self._level = self._logger.level
        if self._level < logging.WARNING:
            self._logger.setLevel(logging.WARNING)

    def __exit__(self, *exc_info: object) -> None:
        for key in self._set:
            os.environ.pop(key, None)
        self._logger.setLevel(self._level)
