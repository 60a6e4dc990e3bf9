"""``DataCatalog``: named datasets built lazily from Kedro catalog config.

Entries stay plain config dicts until first used; factory patterns are compiled once;
credentials are looked up by name at materialisation and never shown. The API follows
Kedro 1.7's ``DataCatalog`` (``from_config``, ``[]``, ``in``, ``get``, ``load``, ``save``,
``exists``, ``release``, ``confirm``, ``keys``/``values``/``items``, ``filter``,
``get_type``, ``list_patterns``) plus notebook helpers (``describe_datasets``,
``is_ephemeral``, ``add_parameters``, ``from_yaml``). The catalog calls no hooks.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kedro_nb.io._redact import scrub
from kedro_nb.io.builder import build_dataset, check_entry, missing_credentials_error
from kedro_nb.io.core import is_dataset
from kedro_nb.io.errors import (
    CatalogConfigError,
    DatasetError,
    DatasetFileNotFoundError,
    DatasetNotFoundError,
)
from kedro_nb.io.factories import FactoryResolver, is_pattern
from kedro_nb.io.lazy_yaml import RawEntry, split_catalog_yaml, yaml_load
from kedro_nb.io.memory import MemoryDataset, is_ephemeral
from kedro_nb.io.registry import resolve_type
from kedro_nb.io.versioning import Version, generate_timestamp
from kedro_nb.io.views import CatalogViews
from kedro_nb.shared import PARAMS_PREFIX, did_you_mean

__all__ = [
    "PARAMS_PREFIX",
    "DataCatalog",
    "SharedMemoryDataCatalog",
    "is_parameter",
    "parameter_entries",
]

_logger = logging.getLogger(__name__)


def parameter_entries(parameters: dict[str, Any]) -> dict[str, Any]:
    """The catalog entries of ``parameters``: ``"parameters"`` (the whole dict) and
    ``params:<key>`` for every key, nested keys joined with dots (``params:model.alpha``);
    what Kedro's ``after_catalog_created`` hook receives as ``parameters``."""
    entries: dict[str, Any] = {"parameters": parameters}

    def walk(prefix: str, value: Any) -> None:
        entries[f"{PARAMS_PREFIX}{prefix}"] = value
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}", item)

    for key, value in parameters.items():
        walk(str(key), value)
    return entries


def is_parameter(name: str) -> bool:
    """Whether a dataset name refers to parameters (``parameters`` or ``params:<key>``)."""
    return name == "parameters" or name.startswith(PARAMS_PREFIX)


class DataCatalog(CatalogViews):
    """Datasets by name.

    Args:
        datasets: ready dataset instances (ours or Kedro's) by name.
        load_versions: dataset name -> version to load (versioned datasets only).
        save_version: version string for every versioned save (default: one timestamp per
            catalog, so all outputs of a run share it).
    """

    #: used by ``get(name, fallback_to_runtime_pattern=True)`` for undeclared datasets
    default_runtime_patterns: dict[str, dict[str, Any]] = {"{default}": {"type": "MemoryDataset"}}
    #: ``save(name, ...)`` of an undeclared name makes it a memory dataset (by the runtime
    #: pattern) instead of raising ``DatasetNotFoundError``: the embedded default of a lone
    #: notebook sets it; declared datasets and factory matches always win
    undeclared_in_memory: bool = False

    def __init__(
        self,
        datasets: dict[str, Any] | None = None,
        *,
        load_versions: dict[str, str] | None = None,
        save_version: str | None = None,
    ) -> None:
        self._datasets: dict[str, Any] = {}
        self._configs: dict[str, dict[str, Any] | RawEntry] = {}
        self._credentials: dict[str, Any] = {}
        self._secrets: dict[str, tuple[str, ...]] = {}
        self._origin: dict[str, str] = {}  # dataset name -> factory pattern it came from
        self._declared_types: dict[str, Any] = {}  # factory-made name -> its config's type
        self._factories = FactoryResolver(runtime_patterns=self.default_runtime_patterns)
        self._load_versions = dict(load_versions or {})
        self._save_version = save_version
        self._lock = threading.RLock()
        #: name -> extra text for "not found" errors (the session's: a data file of that name
        #: nearby and the entry to declare it), or None
        self.missing_hint: Callable[[str], str | None] | None = None
        for name, dataset in (datasets or {}).items():
            self[name] = dataset

    # -- construction --------------------------------------------------------------------
    @classmethod
    def from_config(
        cls,
        catalog: dict[str, Any] | None,
        credentials: dict[str, Any] | None = None,
        load_versions: dict[str, str] | None = None,
        save_version: str | None = None,
        *,
        parameters: dict[str, Any] | None = None,
    ) -> DataCatalog:
        """Build a catalog from Kedro catalog config (parsed ``catalog.yml``).

        Nothing is imported or instantiated here: entries are checked for shape (a mapping
        with ``type``) and credential names, factory patterns are compiled. Keys starting
        with ``_`` are YAML anchors/interpolation helpers and are skipped.

        Args:
            catalog: dataset name or factory pattern -> entry config.
            credentials: credentials name -> credentials (``credentials: <name>`` in entries).
            load_versions: dataset name -> version to load.
            save_version: version for all versioned saves (default: a fresh timestamp).
            parameters: optional parameters, registered as ``parameters`` and ``params:<key>``.
        """
        self = cls(load_versions=None, save_version=save_version or generate_timestamp())
        self._credentials = dict(credentials or {})
        patterns: dict[str, dict[str, Any]] = {}
        configs, known_credentials = self._configs, self._credentials
        for name, config in (catalog or {}).items():
            if type(name) is not str:
                raise CatalogConfigError(
                    f"Catalog keys must be strings, got {name!r} "
                    f"({type(name).__name__}); quote it in the YAML."
                )
            if name.startswith("_"):
                continue
            if type(config) is RawEntry:
                configs[name] = config  # checked when first parsed
                continue
            if is_pattern(name):
                check_entry(name, config)
                self._check_credentials_name(name, config)
                patterns[name] = config
                continue
            if type(config) is not dict or "type" not in config:
                check_entry(name, config)
            key = config.get("credentials")
            if key is not None and type(key) is str and key not in known_credentials:
                raise missing_credentials_error(name, key, known_credentials)
            configs[name] = config
        self._factories = FactoryResolver(patterns, self.default_runtime_patterns)
        missing = sorted(
            n
            for n in (load_versions or {})  # as Kedro: not via the catch-all
            if n not in configs and self._factories.match(n, catch_all=False) is None
        )
        if missing:
            raise DatasetNotFoundError(
                f"load_versions names datasets that are not in the catalog: {', '.join(missing)}."
            )
        self._load_versions = dict(load_versions or {})
        if parameters is not None:
            self.add_parameters(parameters)
        return self

    def _check_credentials_name(self, name: str, config: dict[str, Any]) -> None:
        key = config.get("credentials")
        if isinstance(key, str) and key not in self._credentials:
            raise missing_credentials_error(name, key, self._credentials)

    def _entry(self, name: str) -> dict[str, Any] | None:
        """The config of declared entry ``name``, parsing it first if kept as YAML text."""
        config = self._configs.get(name)
        if isinstance(config, RawEntry):
            try:
                parsed = config.parse()
            except Exception as exc:
                raise CatalogConfigError(
                    f"Catalog entry '{name}' is not valid YAML: {exc}"
                ) from exc
            check_entry(name, parsed)
            self._check_credentials_name(name, parsed)
            self._configs[name] = config = parsed
        return config

    @classmethod
    def from_yaml(
        cls, source: str | Path, credentials: dict[str, Any] | None = None, **kwargs: Any
    ) -> DataCatalog:
        """``from_config`` on YAML text, or on a ``.yml``/``.yaml`` file when given a Path.

        Plain catalog files are split into per-entry snippets parsed on first use (see
        ``lazy_yaml``), so a mistake inside an entry surfaces when that entry is used (or
        at ``check()``); anything fancier (anchors, tags...) is parsed whole right away.
        """
        text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
        entries = split_catalog_yaml(text)
        if entries is None:
            entries = yaml_load(text) or {}
        return cls.from_config(entries, credentials, **kwargs)

    def add_parameters(self, parameters: dict[str, Any]) -> None:
        """Register ``parameters`` (the whole dict) and ``params:<key>`` for every key,
        nested keys joined with dots (``params:model.alpha``), as Kedro's session does."""
        for name, value in parameter_entries(parameters).items():
            self[name] = value

    def to_config(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, str | None], str | None]:
        """``(catalog, credentials, load_versions, save_version)`` that ``from_config`` turns
        back into an equivalent catalog, as Kedro 1.7 writes it: declared entries as written,
        datasets registered as instances or made by a factory from their ``_init_config()``,
        in-memory datasets and factory patterns left out; each entry's credentials are
        renamed ``<entry>_credentials``."""
        from kedro_nb.io.config_resolver import CatalogConfigResolver

        catalog: dict[str, Any] = {}
        credentials: dict[str, Any] = {}
        for name in self.keys():
            if name in self._configs:
                config = self._entry(name) or {}
                try:
                    if resolve_type(config["type"], entry=name) is MemoryDataset:
                        continue
                except DatasetError:
                    pass  # kept as written: the receiving side reports it
                config = self._with_credential_values(name, config)
            else:
                dataset = self._datasets[name]
                init_config = getattr(dataset, "_init_config", None)
                if is_ephemeral(dataset) or init_config is None:
                    continue
                config = init_config()
            config, found = CatalogConfigResolver._unresolve_credentials(name, config)
            catalog[name] = config
            credentials.update(found)
        load_versions = {name: self._load_versions.get(name) for name in catalog}
        return catalog, credentials, load_versions, self._save_version

    def _with_credential_values(self, name: str, config: dict[str, Any]) -> dict[str, Any]:
        from kedro_nb.io.builder import resolve_credentials

        return resolve_credentials(name, config, self._credentials)[0]

    @property
    def config_resolver(self) -> Any:
        """This catalog's patterns and credentials as Kedro's ``CatalogConfigResolver``."""
        from kedro_nb.io.config_resolver import CatalogConfigResolver

        config: dict[str, Any] = {name: self._entry(name) for name in self._configs}
        config.update(self._factories.user_patterns())
        return CatalogConfigResolver(config, self._credentials, self.default_runtime_patterns)

    # -- mapping protocol ------------------------------------------------------------------
    def __contains__(self, name: object) -> bool:
        """Registered, or matched by a factory pattern (runtime patterns excluded)."""
        if not isinstance(name, str):
            return False
        return (
            name in self._datasets
            or name in self._configs
            or self._factories.match(name) is not None
        )

    def keys(self) -> list[str]:
        """Names of declared and registered datasets (not names that factories could make)."""
        return list(self._configs) + [n for n in self._datasets if n not in self._configs]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def values(self) -> list[Any]:
        """All datasets (materialising lazy entries)."""
        return [self[name] for name in self.keys()]

    def items(self) -> list[tuple[str, Any]]:
        """``(name, dataset)`` pairs (materialising lazy entries)."""
        return [(name, self[name]) for name in self.keys()]

    def _ipython_key_completions_(self) -> list[str]:
        return self.keys()

    def __getitem__(self, name: str) -> Any:
        dataset = self.get(name)
        if dataset is None:
            raise self._not_found(name)
        return dataset

    def __setitem__(self, name: str, value: Any) -> None:
        """Register a dataset instance, or wrap any other value in a ``MemoryDataset``."""
        with self._lock:
            if name in self._datasets or name in self._configs:
                _logger.debug("Replacing dataset '%s'", name)
            self._configs.pop(name, None)
            self._secrets.pop(name, None)
            self._origin.pop(name, None)
            self._declared_types.pop(name, None)
            self._datasets[name] = value if is_dataset(value) else MemoryDataset(data=value)

    def __repr__(self) -> str:
        lines = [
            f"'{name}': {self._lazy_type(name)} (not loaded)"
            for name in self._configs
            if name not in self._datasets
        ]
        lines += [f"'{name}': {ds!r}" for name, ds in self._datasets.items()]
        return "DataCatalog(\n  " + ",\n  ".join(lines) + "\n)" if lines else "DataCatalog()"

    def _lazy_type(self, name: str) -> str:
        try:
            return str((self._entry(name) or {}).get("type"))
        except DatasetError:
            return "<invalid entry>"

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    def _not_found(self, name: str) -> DatasetNotFoundError:
        hint = did_you_mean(name, self.keys())
        found = self.missing_hint(name) if self.missing_hint is not None else None
        if found:
            hint += f" {found}"
        return DatasetNotFoundError(f"Dataset '{name}' not found in the catalog.{hint}")

    # -- resolution ------------------------------------------------------------------------
    def get(
        self, name: str, fallback_to_runtime_pattern: bool = False, version: Version | None = None
    ) -> Any:
        """The dataset called ``name`` (materialised on first use), or None when it is not
        declared and no factory matches. ``fallback_to_runtime_pattern`` creates a
        ``MemoryDataset`` for undeclared names. ``version`` returns a copy pinned to it."""
        dataset = self._datasets.get(name)
        if dataset is None:
            with self._lock:
                dataset = self._materialize(name, fallback_to_runtime_pattern)
            if dataset is None:
                return None
        if version is not None and getattr(dataset, "_version", None) is not None:
            dataset = copy.copy(dataset)
            dataset._version = type(dataset._version)(*version)
            for attr in ("_cached_load_version", "_cached_save_version"):
                if hasattr(dataset, attr):
                    setattr(dataset, attr, None)
        return dataset

    def _materialize(self, name: str, runtime: bool) -> Any:
        if name in self._datasets:  # another thread won the race
            return self._datasets[name]
        config = self._entry(name)
        if config is None:
            resolved = self._factories.resolve(name, runtime=runtime)
            if resolved is None:
                return None
            pattern, config = resolved
            self._origin[name] = pattern
            self._declared_types[name] = config.get("type")
            if pattern == self._factories.catch_all:
                _logger.warning(
                    "Dataset '%s' created from the catch-all pattern '%s'.", name, pattern
                )
        dataset, secrets = build_dataset(
            name,
            config,
            credentials=self._credentials,
            load_version=self._load_versions.get(name),
            save_version=self._save_version,
        )
        self._datasets[name] = dataset
        if secrets:
            self._secrets[name] = secrets
        return dataset

    def _reraise(self, name: str, action: str, exc: Exception) -> DatasetError:
        secrets = self._secrets.get(name, ())
        raw = str(exc)
        message = scrub(raw, secrets)
        if isinstance(exc, DatasetError):
            try:
                error: DatasetError = type(exc)(f"Dataset '{name}': {message}")
            except Exception:
                error = DatasetError(f"Dataset '{name}': {message}")
            if isinstance(error, DatasetFileNotFoundError):
                error.dataset_name = name
        else:
            error = DatasetError(
                f"Dataset '{name}': failed while {action}: {type(exc).__name__}: {message}"
            )
        error.__cause__ = exc if message == raw else None
        error.__suppress_context__ = True
        return error

    # -- data operations ---------------------------------------------------------------------
    def load(self, name: str, version: str | None = None) -> Any:
        """Load ``name`` (a specific ``version`` of a versioned dataset when given)."""
        dataset = self.get(name, version=Version(version, None) if version else None)
        if dataset is None:
            raise self._not_found(name)
        _logger.debug("Loading data from '%s' (%s)", name, type(dataset).__name__)
        try:
            return dataset.load()
        except Exception as exc:
            raise self._reraise(name, "loading", exc)  # noqa: B904 (see _reraise)

    def save(self, name: str, data: Any) -> None:
        """Save ``data`` to ``name``. ``None`` is refused, as in Kedro, whichever style the
        dataset is written in (it is almost always a node that forgot to return)."""
        dataset = self.get(name, fallback_to_runtime_pattern=self.undeclared_in_memory)
        if dataset is None:
            raise self._not_found(name)
        _logger.debug("Saving data to '%s' (%s)", name, type(dataset).__name__)
        if data is None:
            raise DatasetError(
                f"Dataset '{name}': saving 'None' is not allowed: return a value from the "
                "node that produces it."
            )
        try:
            dataset.save(data)
        except Exception as exc:
            raise self._reraise(name, "saving", exc)  # noqa: B904 (see _reraise)

    def exists(self, name: str) -> bool:
        """Whether ``name``'s data exists (False for unknown names)."""
        dataset = self.get(name)
        if dataset is None:
            return False
        try:
            return bool(dataset.exists())
        except Exception as exc:
            raise self._reraise(name, "checking existence", exc)  # noqa: B904

    def release(self, name: str) -> None:
        """Release cached data of ``name`` (frees memory of a ``MemoryDataset``)."""
        self[name].release()

    def confirm(self, name: str) -> None:
        """Call ``confirm()`` on datasets that support it (e.g. incremental datasets)."""
        dataset = self[name]
        if not callable(getattr(dataset, "confirm", None)):
            raise DatasetError(
                f"Dataset '{name}' ({type(dataset).__name__}) has no 'confirm' method."
            )
        dataset.confirm()

    # -- introspection ---------------------------------------------------------------------
    @property
    def load_versions(self) -> dict[str, str]:
        """Dataset name -> pinned load version."""
        return dict(self._load_versions)

    @property
    def save_version(self) -> str | None:
        """Version string used by every versioned save of this catalog."""
        return self._save_version

    def check(self) -> None:
        """Materialise every declared entry now, so config mistakes (unknown types, bad
        arguments, missing credentials, broken YAML) surface at once instead of at first
        use. All problems are reported together."""
        problems = []
        for name in list(self._configs):
            if name not in self._datasets:
                try:
                    self.get(name)
                except DatasetError as exc:
                    problems.append(f"- {exc}")
        if problems:
            raise CatalogConfigError(
                f"{len(problems)} catalog entries are invalid:\n" + "\n".join(problems)
            )


class SharedMemoryDataCatalog(DataCatalog):
    """The catalog for a ``ParallelRunner``, as Kedro's: the session builds it for one (Kedro's
    runner requires it), undeclared datasets are :class:`~kedro_nb.io.SharedMemoryDataset`,
    and Kedro's runner hands it its multiprocessing manager (:meth:`set_manager_datasets`) and
    has it refuse datasets a worker process cannot receive (:meth:`validate_catalog`).
    kedro-nb's own ``ParallelRunner`` calls neither: it keeps memory data in the scheduling
    process, so the shared datasets stay plain memory datasets there."""

    default_runtime_patterns: dict[str, dict[str, Any]] = {
        "{default}": {"type": "SharedMemoryDataset"}
    }

    def set_manager_datasets(self, manager: Any) -> None:
        """Have every shared-memory dataset keep its data in ``manager`` (Kedro's
        ``ParallelRunner`` calls this before submitting nodes to its workers)."""
        from kedro_nb.io.memory import SharedMemoryDataset

        for dataset in self._datasets.values():
            if isinstance(dataset, SharedMemoryDataset) or (
                type(dataset).__name__ == "SharedMemoryDataset" and hasattr(dataset, "set_manager")
            ):
                dataset.set_manager(manager)

    def validate_catalog(self) -> None:
        """Raise ``AttributeError`` naming the datasets a worker process cannot receive
        (unpicklable, or single-process ones such as Spark's), as Kedro's does; Kedro's
        ``ParallelRunner`` calls this before a run."""
        import pickle
        import warnings
        from multiprocessing.reduction import ForkingPickler

        unserialisable = []
        for name, dataset in self._datasets.items():
            if getattr(dataset, "_SINGLE_PROCESS", False):
                unserialisable.append(name)
                continue
            try:
                ForkingPickler.dumps(dataset)
            except (AttributeError, pickle.PicklingError, TypeError):
                unserialisable.append(name)
                protocol = getattr(dataset, "_protocol", None)
                if protocol and protocol != "file":
                    warnings.warn(
                        f"Dataset '{name}' is backed by remote storage (protocol "
                        f"'{protocol}') whose filesystem client cannot be pickled; "
                        "ThreadRunner or SequentialRunner work with it.",
                        stacklevel=2,
                    )
        if unserialisable:
            raise AttributeError(
                "The following datasets cannot be used with multiprocessing: "
                f"{sorted(unserialisable)}\nTo run them in worker processes every dataset "
                "must be picklable (no lambdas, nested functions or closures; decorators "
                "wrapped with functools.wraps), or run with kedro-nb's ParallelRunner, which "
                "keeps such datasets in the main process."
            )
