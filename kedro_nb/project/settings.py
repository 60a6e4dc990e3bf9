"""Reading ``src/<package>/settings.py``: the subset of Kedro's settings kedro-nb honours.

Honoured: ``HOOKS``, ``DISABLE_HOOKS_FOR_PLUGINS``, ``CONF_SOURCE``, ``CONFIG_LOADER_ARGS``
(``base_env``, ``default_run_env``, ``config_patterns``, ``merge_strategy``,
``custom_resolvers``), ``DATA_CATALOG_CLASS`` (a subclass of kedro-nb's ``DataCatalog``).
Not honoured (listed in ``ProjectSettings.ignored``): ``CONFIG_LOADER_CLASS`` other than
Kedro's ``OmegaConfigLoader`` / ours, ``CONTEXT_CLASS``, ``SESSION_STORE_CLASS`` and
``SESSION_STORE_ARGS`` (run records replace Kedro's session store), other loader arguments.
"""

from __future__ import annotations

import importlib
import logging
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kedro_nb.project.compat import kedro_shim
from kedro_nb.project.errors import SettingsError

logger = logging.getLogger(__name__)

_LOADER_ARGS = (
    "base_env",
    "default_run_env",
    "config_patterns",
    "merge_strategy",
    "custom_resolvers",
)
_UNSUPPORTED = ("CONTEXT_CLASS", "SESSION_CLASS", "SESSION_STORE_CLASS", "SESSION_STORE_ARGS")
_KNOWN_LOADERS = ("OmegaConfigLoader", "ConfigLoader")


@dataclass
class ProjectSettings:
    """The project's settings, defaults filled in."""

    hooks: tuple[Any, ...] = ()
    disable_hooks_for_plugins: tuple[str, ...] = ()
    conf_source: str | None = None
    config_loader_args: dict[str, Any] = field(
        default_factory=lambda: {"base_env": "base", "default_run_env": "local"}
    )
    data_catalog_class: type | None = None
    ignored: list[str] = field(default_factory=list)
    #: ``[tool.kedro_nb.runner] incremental = true`` in pyproject.toml: runs are incremental
    #: unless a run says otherwise
    incremental: bool = False


def load_settings(package_name: str | None, source_dir: Path) -> ProjectSettings:
    """Import ``<package_name>.settings`` (when the file exists) and read what kedro-nb uses.
    The package's folder must already be importable (``source_dir`` on ``sys.path``)."""
    settings = ProjectSettings()
    if not package_name or not (source_dir / package_name / "settings.py").is_file():
        return settings
    path = source_dir / package_name / "settings.py"
    try:
        with kedro_shim():
            module = importlib.import_module(f"{package_name}.settings")
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        raise SettingsError(
            f"Cannot import settings {path}: {type(exc).__name__}: {exc} "
            f"(at {frame.filename}, line {frame.lineno}). Fix settings.py."
        ) from exc
    values = {name: getattr(module, name) for name in dir(module) if name.isupper()}
    settings.hooks = tuple(values.get("HOOKS", ()))
    settings.disable_hooks_for_plugins = tuple(values.get("DISABLE_HOOKS_FOR_PLUGINS", ()))
    conf_source = values.get("CONF_SOURCE")
    if conf_source is not None and not isinstance(conf_source, (str, Path)):
        raise SettingsError(f"CONF_SOURCE in {path} must be a path string, got {conf_source!r}.")
    settings.conf_source = str(conf_source) if conf_source is not None else None
    loader_args = dict(values.get("CONFIG_LOADER_ARGS", {}) or {})
    for name in list(loader_args):
        if name not in _LOADER_ARGS:
            settings.ignored.append(f"CONFIG_LOADER_ARGS[{name!r}]")
            loader_args.pop(name)
    settings.config_loader_args.update(loader_args)
    loader_class = values.get("CONFIG_LOADER_CLASS")
    if loader_class is not None and getattr(loader_class, "__name__", "") not in _KNOWN_LOADERS:
        settings.ignored.append("CONFIG_LOADER_CLASS")
    settings.data_catalog_class = _catalog_class(values.get("DATA_CATALOG_CLASS"), settings, path)
    settings.ignored.extend(name for name in _UNSUPPORTED if name in values)
    if settings.ignored:
        logger.warning(
            "kedro-nb ignores these settings of %s: %s", path, ", ".join(settings.ignored)
        )
    return settings


def _catalog_class(value: Any, settings: ProjectSettings, path: Path) -> type | None:
    if value is None:
        return None
    from kedro_nb.io import DataCatalog

    if isinstance(value, type) and issubclass(value, DataCatalog):
        return value
    if isinstance(value, type) and value.__module__.split(".")[0] == "kedro":
        return None  # Kedro's own DataCatalog: ours stands in for it
    raise SettingsError(
        f"DATA_CATALOG_CLASS in {path} must subclass kedro_nb.io.DataCatalog, got {value!r}."
    )
