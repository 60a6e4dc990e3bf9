"""``ConfigLoader``: ``conf/<base_env>`` overlaid by ``conf/<env>``, read lazily, key by key.

What Kedro's ``OmegaConfigLoader`` does and this loader keeps:
  * per-key glob patterns (``catalog*``, ``catalog*/**``, ``**/catalog*``, ...; overridable);
  * files of one folder merged deeply; a key in two files of one folder is an error;
  * the env folder replaces base's top-level keys ("destructive"), or merges deeply ("soft");
  * ``${...}`` interpolation, ``${globals:key, default}``, ``${runtime_params:key, default}``,
    ``${oc.env:VAR}`` only inside credentials;
  * runtime params merged into ``parameters`` (dotted keys update nested values);
  * top-level keys starting with ``_`` are helpers, dropped from catalog and credentials.

What differs: interpolation is resolved after base and env are combined, so an env file may
refer to values defined in base; only local folders are read (no ``s3://`` or archive sources).

Configuration with nothing for OmegaConf to do (no ``${...}``) is read and merged as plain dicts
(:mod:`kedro_nb.config.plain`), with the same result, so most loads never import OmegaConf.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_nb.config.abstract import AbstractConfigLoader
from kedro_nb.config.errors import (
    ConfigError,
    ConfigInterpolationError,
    ConfigSourceError,
    MissingConfigError,
)
from kedro_nb.config.files import check_no_duplicates, find_config_files, read_config_file
from kedro_nb.config.params import deep_merge, nest_dotted
from kedro_nb.config.plain import copy_plain, is_plain, merge_plain, read_plain
from kedro_nb.shared import did_you_mean

if TYPE_CHECKING:
    from kedro_nb.config.parsed_cache import ParsedCache

#: Kedro's default file patterns per configuration key.
DEFAULT_CONFIG_PATTERNS: dict[str, list[str]] = {
    "catalog": ["catalog*", "catalog*/**", "**/catalog*"],
    "parameters": ["parameters*", "parameters*/**", "**/parameters*"],
    "credentials": ["credentials*", "credentials*/**", "**/credentials*"],
    "globals": ["globals.yml"],
}

#: Patterns of the standalone mode: only files directly in the folder, never a recursive scan
#: (a notebook folder may hold data, checkpoints or a whole repository below it).
STANDALONE_PATTERNS: dict[str, list[str]] = {
    key: [patterns[0]] for key, patterns in DEFAULT_CONFIG_PATTERNS.items()
}

_MERGE_STRATEGIES = ("destructive", "soft")
_NO_DEFAULT = object()
# OmegaConf resolvers are process-wide: registering ours and resolving happen under one lock.
_RESOLVE_LOCK = threading.RLock()


class ConfigLoader(Mapping[str, dict[str, Any]]):
    """Read-only mapping from a configuration key (``"catalog"``, ``"parameters"``,
    ``"credentials"``, ``"globals"`` or any key of ``config_patterns``) to its merged, resolved
    dict. Each key is read on first access and cached; ``loader[key] = value`` overrides one.

    The signature is Kedro's ``OmegaConfigLoader``'s. As there, a loader built with only
    ``conf_source`` reads that folder itself (a flat ``conf/`` with ``catalog.yml`` directly
    in it); a project's session passes ``base_env="base"`` and ``default_run_env="local"``
    (the settings' ``CONFIG_LOADER_ARGS``, Kedro's defaults).

    Args:
        conf_source: the configuration folder (``<project>/conf``).
        env: environment folder laid over ``base_env``; ``None`` means ``default_run_env``.
        runtime_params: values for ``${runtime_params:...}``, also merged into ``parameters``.
        config_patterns: extra or replaced patterns, e.g. ``{"spark": ["spark*"]}``.
        base_env: the folder read first; ``None``/``""`` reads ``conf_source`` itself.
        default_run_env: environment used when ``env`` is None (none when ``None``/``""``).
        custom_resolvers: OmegaConf resolvers to register, ``{"name": callable}``.
        merge_strategy: per key, ``"destructive"`` (default) or ``"soft"``.
        ignore_hidden: accepted for Kedro compatibility; hidden files and folders are always
            skipped.
        restrict_runtime_params_type_selection: accepted for Kedro compatibility.

    Attributes:
        env: the environment as given (None when not given, as in Kedro); :attr:`run_env`
            is the folder actually laid over the base.
    """

    def __init__(
        self,
        conf_source: str | Path,
        env: str | None = None,
        runtime_params: Mapping[str, Any] | None = None,
        *,
        config_patterns: Mapping[str, list[str]] | None = None,
        base_env: str | None = None,
        default_run_env: str | None = None,
        custom_resolvers: Mapping[str, Callable[..., Any]] | None = None,
        merge_strategy: Mapping[str, str] | None = None,
        ignore_hidden: bool = True,
        restrict_runtime_params_type_selection: bool = False,
    ) -> None:
        self.conf_source = Path(conf_source).expanduser().resolve()
        self.base_env = base_env or ""
        self.default_run_env = default_run_env or ""
        self.env = env
        self.runtime_params: dict[str, Any] = nest_dotted(runtime_params or {})
        self.config_patterns = {**DEFAULT_CONFIG_PATTERNS, **dict(config_patterns or {})}
        self.merge_strategy = dict(merge_strategy or {})
        for key, strategy in self.merge_strategy.items():
            if strategy not in _MERGE_STRATEGIES:
                raise ConfigError(
                    f"Unknown merge strategy {strategy!r} for {key!r}; expected one of "
                    f"{list(_MERGE_STRATEGIES)} (in CONFIG_LOADER_ARGS['merge_strategy'])."
                )
        self._standalone = False
        #: plain values of configuration files kept between processes (set by the session to
        #: the project's ``.kedro_nb`` folder); never used for credentials
        self.parsed_cache: ParsedCache | None = None
        self._cache: dict[str, dict[str, Any]] = {}
        self._assigned: set[str] = set()
        self._globals: dict[str, Any] | None = None
        if custom_resolvers:
            from omegaconf import OmegaConf

            for name, resolver in custom_resolvers.items():
                if not OmegaConf.has_resolver(name):
                    _register(name, resolver)

    @classmethod
    def standalone(
        cls, folder: str | Path, runtime_params: Mapping[str, Any] | None = None
    ) -> ConfigLoader:
        """A loader reading ``catalog*.yml``, ``parameters*.yml``, ``credentials*.yml`` and
        ``globals.yml`` directly inside ``folder`` (no environments, no recursive scan): the
        configuration of a notebook that lives outside any project."""
        loader = cls(folder, runtime_params=runtime_params)
        loader._standalone = True
        loader.config_patterns = {key: list(p) for key, p in STANDALONE_PATTERNS.items()}
        return loader

    # -- Mapping interface ------------------------------------------------------------------
    def __getitem__(self, key: str) -> dict[str, Any]:
        if key not in self._cache:
            if key not in self.config_patterns:
                hint = did_you_mean(key, self.config_patterns)
                raise KeyError(
                    f"No config patterns for {key!r}; known keys: {sorted(self.config_patterns)}."
                    f"{hint} Add patterns with CONFIG_LOADER_ARGS['config_patterns']."
                )
            self._cache[key] = self._load(key)
        return self._cache[key]

    @property
    def run_env(self) -> str | None:
        """The environment folder laid over the base: ``env``, else ``default_run_env``
        (None when neither is set)."""
        return self.env or self.default_run_env or None

    def __setitem__(self, key: str, value: dict[str, Any]) -> None:
        """Replace a key's configuration (e.g. a notebook edits ``parameters`` in place)."""
        self._cache[key] = value
        self._assigned.add(key)
        if key == "globals":
            self._globals = value

    def __iter__(self) -> Iterator[str]:
        return iter(self.config_patterns)

    def __len__(self) -> int:
        return len(self.config_patterns)

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` was set by assignment (``loader[key] = ...``), as Kedro's loader
        answers: ``"catalog" in loader`` is False until then, loaded or not. Use
        ``key in loader.config_patterns`` to ask whether a key can be read."""
        return key in self._assigned

    def get(self, key: str, default: Any = None) -> Any:
        """``loader[key]``, or ``default`` when the key has no patterns or no files (a
        missing configuration folder or environment still raises)."""
        try:
            return self[key]
        except ConfigSourceError:
            raise
        except (KeyError, MissingConfigError):
            return default

    def __repr__(self) -> str:
        mode = (
            "standalone"
            if self._standalone
            else f"base_env={self.base_env!r}, env={self.run_env!r}"
        )
        return f"ConfigLoader(conf_source='{self.conf_source}', {mode})"

    # -- reading ----------------------------------------------------------------------------
    def env_folders(self) -> list[Path]:
        """The folders read, in order of precedence (lowest first)."""
        base = self.conf_source / self.base_env if self.base_env else self.conf_source
        if self._standalone:
            return [base]
        run_env = self.run_env
        if not run_env or run_env == self.base_env:
            return [base]
        return [base, self.conf_source / run_env]

    def sources(self, key: str) -> list[Path]:
        """The files that make up ``key``, base first (for display and debugging)."""
        patterns = self.config_patterns[key]
        return [
            f for folder in self.existing_folders() for f in find_config_files(folder, patterns)
        ]

    def existing_folders(self) -> list[Path]:
        """The environment folders that exist, lowest precedence first. Raises
        ConfigSourceError when ``conf_source`` or an explicitly requested env is missing."""
        if not self.conf_source.is_dir():
            raise ConfigSourceError(
                f"Configuration folder {self.conf_source} does not exist. Create it (with "
                "base/ and local/ inside) or pass the right --conf-source."
            )
        folders = []
        for folder in self.env_folders():
            if folder.is_dir():
                folders.append(folder)
            elif self.env is not None and folder.name == self.env:
                present = sorted(p.name for p in self.conf_source.iterdir() if p.is_dir())
                hint = did_you_mean(folder.name, present)
                raise ConfigSourceError(
                    f"Environment {folder.name!r} not found: {folder} does not exist. "
                    f"Environments present: {present}.{hint}"
                )
        return folders

    def _load(self, key: str) -> dict[str, Any]:
        plain = self._load_plain(key)
        if plain is not None:
            return plain
        from omegaconf import OmegaConf

        patterns = self.config_patterns[key]
        layers: list[dict[str, Any]] = []
        origins: dict[str, Path] = {}
        any_file = False
        for folder in self.existing_folders():
            per_file = {
                path: read_config_file(path) for path in find_config_files(folder, patterns)
            }
            any_file = any_file or bool(per_file)
            check_no_duplicates(per_file, nested=key == "parameters")
            for path, config in per_file.items():
                origins.update({str(k): path for k in config})
            merged = OmegaConf.unsafe_merge(*per_file.values()) if per_file else OmegaConf.create()
            layers.append(OmegaConf.to_container(merged, resolve=False))  # type: ignore[arg-type]
        self._check_any_file(key, any_file)
        resolved = self._resolve(key, self._combine(key, layers), origins)
        return self._drop_helpers(key, resolved)

    def _load_plain(self, key: str) -> dict[str, Any] | None:
        """``_load`` without OmegaConf, for configuration with nothing for it to do (no
        ``${...}``, see :mod:`kedro_nb.config.plain`); None when OmegaConf is needed. Same
        checks in the same order, hence the same errors, as the OmegaConf path."""
        patterns = self.config_patterns[key]
        layers: list[dict[str, Any]] = []
        any_file = False
        cache = self.parsed_cache if key != "credentials" else None
        for folder in self.existing_folders():
            per_file: dict[Path, dict[str, Any]] = {}
            for path in find_config_files(folder, patterns):
                config = read_plain(path, cache)
                if config is None:
                    return None
                per_file[path] = config
            any_file = any_file or bool(per_file)
            check_no_duplicates(per_file, nested=key == "parameters")
            layers.append(merge_plain(*per_file.values()))
        self._check_any_file(key, any_file)
        combined = self._combine(key, layers)
        if not is_plain(combined):  # runtime params holding ${...} or other types
            return None
        if key != "globals" and self._globals is None:
            self._globals = self["globals"]  # read as the OmegaConf path does, same errors
        return self._drop_helpers(key, copy_plain(combined))

    def _check_any_file(self, key: str, any_file: bool) -> None:
        if not any_file and key != "globals":
            patterns = self.config_patterns[key]
            folders = ", ".join(str(f) for f in self.env_folders())
            raise MissingConfigError(
                f"No {key} configuration: no .yml/.yaml/.json file in {folders} matches "
                f"{patterns}. Create e.g. {self.env_folders()[0] / (key + '.yml')}."
            )

    def _combine(self, key: str, layers: list[dict[str, Any]]) -> dict[str, Any]:
        """Environment layers laid over each other by the key's merge strategy, then runtime
        params merged into parameters."""
        combined: dict[str, Any] = {}
        for layer in layers:
            if self.merge_strategy.get(key, "destructive") == "soft":
                combined = deep_merge(combined, layer)
            else:
                combined.update(layer)
        if key == "parameters":
            combined = deep_merge(combined, self.runtime_params)
        return combined

    @staticmethod
    def _drop_helpers(key: str, resolved: dict[str, Any]) -> dict[str, Any]:
        if key in ("parameters", "globals"):
            return resolved
        return {k: v for k, v in resolved.items() if not str(k).startswith("_")}

    # -- interpolation ----------------------------------------------------------------------
    def _resolve(self, key: str, raw: dict[str, Any], origins: dict[str, Path]) -> dict[str, Any]:
        from omegaconf import OmegaConf
        from omegaconf.errors import OmegaConfBaseException
        from omegaconf.resolvers import oc

        if key != "globals" and self._globals is None:
            self._globals = self["globals"]  # read first: resolving it re-registers resolvers
        with _RESOLVE_LOCK:
            had_env = OmegaConf.has_resolver("oc.env")
            _register("globals", self._globals_value)
            runtime = self._runtime_value if key != "globals" else _no_runtime_in_globals
            _register("runtime_params", runtime)
            _register("oc.env", oc.env if key == "credentials" else _no_env_outside_credentials)
            try:
                return OmegaConf.to_container(OmegaConf.create(raw), resolve=True)  # type: ignore[return-value]
            except ConfigError:
                raise
            except OmegaConfBaseException as exc:
                full_key = str(getattr(exc, "full_key", "") or "")
                where = origins.get(full_key.split(".")[0].split("[")[0])
                place = f" at {key} key {full_key!r}" if full_key else f" in {key}"
                place += f" ({where})" if where else ""
                cause: BaseException | None = exc
                while cause is not None and not isinstance(cause, ConfigError):
                    cause = cause.__cause__
                message = str(cause) if cause else str(exc).splitlines()[0]
                raise ConfigInterpolationError(
                    f"Cannot resolve an interpolation{place}: {message}. Check the "
                    "${...} reference: the referenced key must exist, or give a default."
                ) from exc
            finally:
                if had_env:
                    _register("oc.env", oc.env)
                else:
                    OmegaConf.clear_resolver("oc.env")

    def _globals_value(self, name: str, default: Any = _NO_DEFAULT) -> Any:
        return _select(
            self._globals or {},
            name,
            default,
            f"globals key {name!r} is not defined in globals.yml and the reference has no "
            f"default; define it or write ${{globals:{name}, <default>}}",
        )

    def _runtime_value(self, name: str, default: Any = _NO_DEFAULT) -> Any:
        return _select(
            self.runtime_params,
            name,
            default,
            f"runtime parameter {name!r} was not given and the reference has no default; pass "
            f"--params {name}=<value> or write ${{runtime_params:{name}, <default>}}",
        )


def _select(source: dict[str, Any], name: str, default: Any, missing: str) -> Any:
    """The value at dotted ``name`` in ``source``, else ``default``; with neither, a
    ``ConfigInterpolationError`` saying ``missing``."""
    from omegaconf import OmegaConf

    value = OmegaConf.select(OmegaConf.create(source), name, default=_NO_DEFAULT)
    if value is not _NO_DEFAULT:
        return value
    if default is not _NO_DEFAULT:
        return default
    raise ConfigInterpolationError(missing)


AbstractConfigLoader.register(ConfigLoader)


def _register(name: str, resolver: Callable[..., Any]) -> None:
    """Register (replacing) an OmegaConf resolver with 2.4's API, or 2.3's older one."""
    from omegaconf import OmegaConf

    if hasattr(OmegaConf, "register_resolver"):
        OmegaConf.register_resolver(name, resolver, replace=True, annotation_validation="off")
    else:  # pragma: no cover - omegaconf 2.3
        OmegaConf.register_new_resolver(name, resolver, replace=True)


def _no_runtime_in_globals(*_: Any) -> Any:
    raise ConfigInterpolationError(
        "${runtime_params:...} is not allowed in globals.yml (globals are read before runtime "
        "parameters apply); use it in parameters or catalog files instead"
    )


def _no_env_outside_credentials(*_: Any) -> Any:
    raise ConfigInterpolationError(
        "${oc.env:...} is read only in credentials files, so environment values never leak into "
        "parameters or the catalog; move the reference to credentials.yml"
    )
