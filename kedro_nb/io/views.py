"""Read-only views of a ``DataCatalog`` for the runner and the notebook display: types,
filtering, ephemerality and plain-dict descriptions. Nothing here loads data."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kedro_nb.io._redact import redact_urls
from kedro_nb.io.core import describe_dataset, type_path
from kedro_nb.io.errors import DatasetError
from kedro_nb.io.factories import FactoryResolver
from kedro_nb.io.memory import is_ephemeral
from kedro_nb.io.registry import resolve_type

__all__ = ["CatalogViews"]


class CatalogViews:
    """Mixed into ``DataCatalog``; relies on its lookup methods and state."""

    _datasets: dict[str, Any]
    _configs: dict[str, Any]
    _origin: dict[str, str]
    _declared_types: dict[str, Any]
    _factories: FactoryResolver

    if TYPE_CHECKING:  # provided by DataCatalog

        def keys(self) -> list[str]: ...
        def _entry(self, name: str) -> dict[str, Any] | None: ...
        def __getitem__(self, name: str) -> Any: ...
        def __contains__(self, name: object) -> bool: ...
        def exists(self, name: str) -> bool: ...

    def list_patterns(self) -> list[str]:
        """Factory patterns in matching order (catch-all and runtime patterns last)."""
        return self._factories.list_patterns()

    def match_pattern(self, name: str) -> str | None:
        """The factory pattern that would create ``name`` (None if declared or unmatched)."""
        return None if name in self._configs else self._factories.match_pattern(name)

    def _class_of(self, name: str) -> type | None:
        if name in self._datasets:
            return type(self._datasets[name])
        config = self._entry(name)
        if config is None:
            resolved = self._factories.resolve(name)
            if resolved is None:
                return None
            config = resolved[1]
        return resolve_type(config["type"], entry=name)

    def get_type(self, name: str) -> str | None:
        """Full class path of ``name``'s dataset, without materialising it."""
        cls = self._class_of(name)
        return type_path(cls) if cls is not None else None

    def filter(
        self,
        name_regex: re.Pattern[str] | str | None = None,
        type_regex: re.Pattern[str] | str | None = None,
        by_type: type | list[type] | None = None,
    ) -> list[str]:
        """Dataset names matching ``name_regex`` (searched in the name), ``type_regex``
        (searched in the full class path) and ``by_type`` (class or list of classes, matched
        exactly as in Kedro: a subclass is not its base). A ``kedro_datasets`` or
        ``kedro.io`` class also matches the kedro-nb built-in standing in for it
        (``by_type=kedro_datasets.pandas.CSVDataset`` finds ``type: pandas.CSVDataset``)."""
        names = [n for n in self.keys() if not name_regex or re.search(name_regex, n)]
        if not (type_regex or by_type):
            return names
        types = by_type if isinstance(by_type, list) else [by_type] if by_type else []
        wanted = {path for cls in types for path in _matching_paths(cls)}
        kept = []
        for name in names:
            cls = self._class_of(name)
            if cls is None:
                continue
            if type_regex and not re.search(type_regex, type_path(cls)):
                continue
            if wanted and type_path(cls) not in wanted:
                continue
            kept.append(name)
        return kept

    def is_ephemeral(self, name: str) -> bool:
        """True when ``name``'s data lives only in memory: a ``MemoryDataset`` (ours or
        Kedro's), or an undeclared name that the runtime pattern would make one."""
        if name in self._datasets:
            return is_ephemeral(self._datasets[name])
        if name not in self:
            return True
        cls = self._class_of(name)
        return bool(getattr(cls, "ephemeral", False)) or any(
            b.__name__ in {"MemoryDataset", "SharedMemoryDataset"}
            and b.__module__.startswith("kedro.io")
            for b in getattr(cls, "__mro__", ())
        )

    def describe_datasets(self, *, check_exists: bool = True) -> list[dict[str, Any]]:
        """One plain dict per declared/registered dataset, for displays.

        Keys: ``name``; ``type`` (as written in the catalog, e.g. ``pandas.CSVDataset``, else
        the class path); ``class_path``; ``filepath``; ``versioned``; ``exists`` (None when
        not checked or unknown); ``ephemeral``; ``loaded`` (materialised yet); ``pattern``
        (factory it came from); ``metadata``; ``error`` (why the entry cannot be built, so
        one broken entry does not break the whole display). Never includes credentials.
        ``check_exists=False`` touches no file system and instantiates nothing.
        """
        return [self._describe_row(name, check_exists) for name in self.keys()]

    def _describe_row(self, name: str, check_exists: bool) -> dict[str, Any]:
        row: dict[str, Any] = {
            "name": name,
            "type": None,
            "class_path": None,
            "filepath": None,
            "versioned": False,
            "exists": None,
            "ephemeral": False,
            "loaded": name in self._datasets,
            "pattern": self._origin.get(name),
            "metadata": None,
            "error": None,
        }
        try:
            config = self._entry(name) or {}
            declared = config.get("type") or self._declared_types.get(name)
            row["type"] = declared if isinstance(declared, str) else None
            dataset = self[name] if check_exists else self._datasets.get(name)
            if dataset is not None:
                described = describe_dataset(dataset)
                filepath = (
                    getattr(dataset, "filepath", None)
                    or described.get("filepath")
                    or described.get("path")
                )
                row["versioned"] = getattr(dataset, "_version", None) is not None
                row["class_path"] = type_path(dataset)
                row["metadata"] = getattr(dataset, "metadata", None)
            else:
                filepath = config.get("filepath") or config.get("path")
                row["versioned"] = bool(config.get("versioned", False))
                row["metadata"] = config.get("metadata")
            row["type"] = row["type"] or row["class_path"]
            row["filepath"] = redact_urls(str(filepath)) if filepath is not None else None
            row["ephemeral"] = self.is_ephemeral(name)
            if check_exists:
                row["exists"] = self.exists(name)
        except DatasetError as exc:
            row["error"] = str(exc)
        return row


def _matching_paths(cls: type) -> set[str]:
    """Class paths ``filter(by_type=cls)`` accepts: ``cls`` itself and, for a Kedro class
    (``kedro_datasets.pandas.CSVDataset``, ``kedro.io.MemoryDataset``), the kedro-nb
    built-in resolving the same catalog ``type``."""
    from kedro_nb.io.registry import builtin_for

    paths = {type_path(cls)}
    ours = builtin_for(cls)
    if ours is not None:
        paths.add(type_path(ours))
    return paths
