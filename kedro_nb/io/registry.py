"""Resolving a catalog entry's ``type`` to a dataset class.

Order: kedro-nb's built-in names as Kedro writes them (``pandas.CSVDataset``,
``MemoryDataset``...), then ``kedro_datasets.<type>`` and ``kedro.io.<type>`` when those
packages are installed, then ``<type>`` as a full dotted path (a user's own class). Modules
are imported only when a type is resolved, and each resolution is cached.
"""

from __future__ import annotations

import importlib
from typing import Any

from kedro_nb.io.core import AbstractDataset
from kedro_nb.io.errors import DatasetTypeError
from kedro_nb.shared import did_you_mean

__all__ = ["BUILTIN_TYPES", "builtin_for", "resolve_type"]

_DS = "kedro_nb.io.datasets"
#: short type name -> "module:Class" of our implementation
BUILTIN_TYPES: dict[str, str] = {
    "MemoryDataset": "kedro_nb.io.memory:MemoryDataset",
    "SharedMemoryDataset": "kedro_nb.io.memory:SharedMemoryDataset",
    "pandas.CSVDataset": f"{_DS}.pandas:CSVDataset",
    "pandas.ParquetDataset": f"{_DS}.pandas:ParquetDataset",
    "pandas.JSONDataset": f"{_DS}.pandas:JSONDataset",
    "pandas.FeatherDataset": f"{_DS}.pandas:FeatherDataset",
    "pandas.ExcelDataset": f"{_DS}.pandas:ExcelDataset",
    "pickle.PickleDataset": f"{_DS}.pickle:PickleDataset",
    "json.JSONDataset": f"{_DS}.json:JSONDataset",
    "yaml.YAMLDataset": f"{_DS}.yaml:YAMLDataset",
    "text.TextDataset": f"{_DS}.text:TextDataset",
    "partitions.PartitionedDataset": f"{_DS}.partitions:PartitionedDataset",
    "tracking.MetricsDataset": f"{_DS}.tracking:MetricsDataset",
}
# Kedro spells its own memory dataset these ways (default runtime pattern, to_config output).
_ALIASES = {
    "kedro.io.MemoryDataset": "MemoryDataset",
    "kedro.io.memory_dataset.MemoryDataset": "MemoryDataset",
    "io.MemoryDataset": "MemoryDataset",
    "kedro.io.SharedMemoryDataset": "SharedMemoryDataset",
    "kedro.io.shared_memory_dataset.SharedMemoryDataset": "SharedMemoryDataset",
}
_PREFIXES = ("kedro_datasets.", "kedro.io.", "")
_cache: dict[str, type] = {}


def _import_attr(module_name: str, attr: str) -> Any:
    module = importlib.import_module(module_name)
    return getattr(module, attr)


def _is_dataset_class(cls: Any) -> bool:
    if not isinstance(cls, type):
        return False
    if issubclass(cls, AbstractDataset):
        return True
    return any(
        f"{b.__module__}.{b.__qualname__}" == "kedro.io.core.AbstractDataset" for b in cls.__mro__
    )


def _try_path(path: str, problems: list[str]) -> type | None:
    module_name, _, attr = path.rpartition(".")
    if not module_name:
        return None
    try:
        return _import_attr(module_name, attr)  # type: ignore[no-any-return]
    except ModuleNotFoundError as exc:
        # a missing optional dependency of an existing module is worth reporting
        if exc.name and not module_name.startswith(exc.name) and exc.name != module_name:
            problems.append(f"{path}: {exc}")
        return None
    except AttributeError:
        return None
    except ImportError as exc:
        problems.append(f"{path}: {exc}")
        return None


def resolve_type(
    dataset_type: str | type, entry: str | None = None, *, where: str | None = None
) -> type:
    """The dataset class for ``dataset_type``. ``entry`` (the catalog name) or ``where``
    (e.g. "PartitionedDataset 'dataset'") only feed error messages. Raises
    ``DatasetTypeError`` listing what was tried and close names."""
    where = where or (f"Catalog entry '{entry}'" if entry is not None else "Dataset")
    if isinstance(dataset_type, type):
        if not _is_dataset_class(dataset_type):
            raise DatasetTypeError(
                f"{where}: type {dataset_type!r} is not a "
                "dataset class (subclass kedro_nb.io.AbstractDataset)."
            )
        return dataset_type
    if not isinstance(dataset_type, str) or not dataset_type.strip():
        raise DatasetTypeError(
            f"{where}: 'type' must be a class path string, got {dataset_type!r}."
        )
    cached = _cache.get(dataset_type)
    if cached is not None:
        return cached
    name = _ALIASES.get(dataset_type, dataset_type)
    tried: list[str] = []
    problems: list[str] = []
    cls: Any = None
    if name in BUILTIN_TYPES:
        module_name, _, attr = BUILTIN_TYPES[name].partition(":")
        cls = _import_attr(module_name, attr)
        tried.append(f"{module_name}.{attr}")
    elif name.strip(".") != name:
        raise DatasetTypeError(f"{where}: type '{name}' must not start or end with a dot.")
    else:
        for prefix in _PREFIXES:
            tried.append(prefix + name)
            cls = _try_path(prefix + name, problems)
            if cls is not None:
                break
    if cls is None:
        raise DatasetTypeError(_unknown_message(where, dataset_type, tried, problems))
    if not _is_dataset_class(cls):
        raise DatasetTypeError(
            f"{where}: '{dataset_type}' resolved to {cls!r}, which is not a "
            "dataset class: it must subclass kedro_nb.io.AbstractDataset (or Kedro's)."
        )
    _cache[dataset_type] = cls
    return cls  # type: ignore[no-any-return]


def builtin_for(cls: type) -> type | None:
    """The kedro-nb built-in standing in for Kedro's ``cls`` (the class the same catalog
    ``type`` resolves to here: ``kedro_datasets.pandas.CSVDataset`` -> our CSVDataset), or
    None when ``cls`` is not a Kedro class with a built-in counterpart."""
    parts = cls.__module__.split(".")
    if parts[0] == "kedro_datasets" and len(parts) > 1:
        short = f"{parts[1]}.{cls.__name__}"
    elif parts[0] == "kedro" and cls.__name__ == "MemoryDataset":
        short = "MemoryDataset"
    else:
        return None
    target = BUILTIN_TYPES.get(short)
    if target is None:
        return None
    module_name, _, attr = target.partition(":")
    return _import_attr(module_name, attr)  # type: ignore[no-any-return]


def _unknown_message(where: str, dataset_type: str, tried: list[str], problems: list[str]) -> str:
    hint = did_you_mean(dataset_type, BUILTIN_TYPES, cutoff=0.5)
    lines = [f"{where}: unknown dataset type '{dataset_type}'.", f"Tried: {', '.join(tried)}."]
    lines += [f"Import problem: {p}" for p in problems]
    if hint:
        lines.append(hint.strip())
    lines.append(
        "Built-in types: " + ", ".join(sorted(BUILTIN_TYPES)) + "; any importable "
        "'package.module.Class' works too (kedro_datasets types when installed)."
    )
    return "\n".join(lines)
