"""Turning one catalog entry (a config dict) into a dataset instance.

Credentials are looked up by name here, at materialisation time, so a catalog with
thousands of entries costs nothing until an entry is used. Error messages name the entry
and never include credential values.
"""

from __future__ import annotations

import logging
from typing import Any

from kedro_nb.io._redact import scrub, secret_values
from kedro_nb.io.core import AbstractDataset, missing_io_methods
from kedro_nb.io.errors import CatalogConfigError, CredentialsNotFoundError, DatasetError
from kedro_nb.io.registry import resolve_type
from kedro_nb.io.versioning import Version

__all__ = [
    "CREDENTIALS_KEY",
    "build_dataset",
    "check_entry",
    "missing_credentials_error",
    "resolve_credentials",
]

CREDENTIALS_KEY = "credentials"
_logger = logging.getLogger(__name__)


def check_entry(name: str, config: Any) -> None:
    """Cheap structural check done when a catalog is built: a mapping with a ``type``."""
    if not isinstance(config, dict):
        raise CatalogConfigError(
            f"Catalog entry '{name}' must be a mapping with a 'type' key, got "
            f"{type(config).__name__}. Hint: keys used only for YAML anchors or interpolation "
            "must start with '_'."
        )
    if "type" not in config:
        raise CatalogConfigError(
            f"Catalog entry '{name}' has no 'type' (keys: {sorted(config)}). Add e.g. "
            "'type: pandas.CSVDataset'."
        )


def missing_credentials_error(
    entry: str, key: str, credentials: dict[str, Any]
) -> CredentialsNotFoundError:
    available = ", ".join(sorted(map(str, credentials))) or "none"
    return CredentialsNotFoundError(
        f"Catalog entry '{entry}' refers to credentials '{key}', which are not in the "
        f"credentials config (available keys: {available}). Add '{key}' to credentials.yml "
        "(usually conf/local/credentials.yml)."
    )


def resolve_credentials(
    entry: str, config: dict[str, Any], credentials: dict[str, Any]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Copy of ``config`` where every ``credentials: <name>`` (at any depth, as Kedro) is
    replaced by ``credentials[<name>]``; also returns the secret strings to scrub."""
    used: list[Any] = []

    def walk(key: str, value: Any) -> Any:
        if key == CREDENTIALS_KEY and isinstance(value, str):
            if value not in credentials:
                raise missing_credentials_error(entry, value, credentials)
            used.append(credentials[value])
            return credentials[value]
        if key == CREDENTIALS_KEY and value is not None:
            used.append(value)
        if isinstance(value, dict):
            return {k: walk(k, v) for k, v in value.items()}
        return value

    resolved = {k: walk(k, v) for k, v in config.items()}
    return resolved, secret_values(used)


def _is_kedro_class(cls: type) -> bool:
    return any(
        b.__module__.startswith("kedro.io") and b.__name__ == "AbstractDataset" for b in cls.__mro__
    )


def _version_for(cls: type, load: str | None, save: str | None) -> Any:
    if _is_kedro_class(cls):
        from kedro.io.core import Version as KedroVersion

        return KedroVersion(load, save)
    return Version(load, save)


def _accepted_args(cls: type) -> str:
    import inspect  # error path only: keeps the catalog import light

    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return "?"
    return ", ".join(p for p in params if p not in ("self", "args", "kwargs"))


def build_dataset(
    name: str,
    config: dict[str, Any],
    *,
    credentials: dict[str, Any],
    load_version: str | None = None,
    save_version: str | None = None,
) -> tuple[Any, tuple[str, ...]]:
    """Instantiate the dataset of catalog entry ``name``; returns it with its secrets."""
    check_entry(name, config)
    resolved, secrets = resolve_credentials(name, config, credentials)
    dataset_type = resolved.pop("type")
    cls = resolve_type(dataset_type, entry=name)
    if "version" in resolved:
        _logger.warning(
            "Catalog entry '%s': 'version' is reserved and was ignored; use "
            "'versioned: true' and load_versions instead.",
            name,
        )
        del resolved["version"]
    versioned = resolved.pop("versioned", False)
    if not isinstance(versioned, bool):
        raise CatalogConfigError(
            f"Catalog entry '{name}': 'versioned' must be true or false, got {versioned!r}."
        )
    abstract = getattr(cls, "__abstractmethods__", None)
    problems = [f"implement {', '.join(sorted(abstract))}"] if abstract else []
    if isinstance(cls, type) and issubclass(cls, AbstractDataset) and missing_io_methods(cls):
        problems.append(missing_io_methods(cls).rstrip("."))
    if problems:
        raise CatalogConfigError(
            f"Catalog entry '{name}': dataset class {cls.__qualname__} is incomplete: "
            f"{'; '.join(problems)}. A dataset implements _describe() and load()/save() "
            "(Kedro 1.x style) or the older _load()/_save()."
        )
    if versioned or getattr(cls, "versioned", None) is True:
        resolved["version"] = _version_for(cls, load_version, save_version)
    try:
        return cls(**resolved), secrets
    except TypeError as exc:
        message = scrub(str(exc), secrets)
        if "version" in resolved and "'version'" in message:
            raise CatalogConfigError(
                f"Catalog entry '{name}': {dataset_type} does not support versioning; remove "
                "'versioned: true'."
            ) from None
        raise CatalogConfigError(
            f"Catalog entry '{name}' ({dataset_type}): invalid arguments: {message}. "
            f"Accepted: {_accepted_args(cls)}."
        ) from (None if secrets else exc)
    except DatasetError as exc:
        raise type(exc)(f"Catalog entry '{name}': {scrub(str(exc), secrets)}") from (
            None if secrets else exc
        )
    except Exception as exc:
        raise CatalogConfigError(
            f"Catalog entry '{name}' ({dataset_type}) could not be created: "
            f"{type(exc).__name__}: {scrub(str(exc), secrets)}"
        ) from (None if secrets else exc)
