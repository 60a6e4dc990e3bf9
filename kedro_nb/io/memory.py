"""``MemoryDataset``: data held in this process, copied on load/save like Kedro does."""

from __future__ import annotations

import copy
import sys
from typing import Any, ClassVar, Literal

from kedro_nb.io.core import AbstractDataset
from kedro_nb.io.errors import DatasetError

__all__ = [
    "COPY_MODES",
    "MemoryDataset",
    "SharedMemoryDataset",
    "infer_copy_mode",
    "is_ephemeral",
]

CopyMode = Literal["deepcopy", "copy", "assign"]
COPY_MODES: tuple[str, ...] = ("deepcopy", "copy", "assign")
_EMPTY = object()


#: immutable built-in types: ``copy.deepcopy`` hands them back as they are, so their copy rule
#: needs no lookup (a chain of scalar nodes spent half its per-node time inferring it)
_ATOMIC = frozenset({int, float, bool, str, bytes, complex, type(None)})
#: (module, class) pairs whose objects are ``copy``-ed
_COPIED = (("pandas", "DataFrame"), ("numpy", "ndarray"))


def infer_copy_mode(data: Any) -> CopyMode:
    """Kedro's default copy rule: pandas DataFrames and numpy arrays are ``copy``-ed, other
    objects named ``DataFrame`` (Spark, Polars...) and Ibis tables are ``assign``-ed, the rest
    is ``deepcopy``-ed. Modules are looked up in ``sys.modules`` only: if pandas was never
    imported the data cannot be a pandas object, so nothing is imported here.

    A module another thread is still importing (``--async`` loads inputs in threads) is in
    ``sys.modules`` without its classes yet; no object of a class not yet defined can exist, so
    such a module is passed over.
    """
    kind = type(data)
    if kind in _ATOMIC:
        return "deepcopy"
    modules = sys.modules
    for module, name in _COPIED:
        found = getattr(modules.get(module), name, None)
        if isinstance(found, type) and isinstance(data, found):
            return "copy"
    if kind.__name__ == "DataFrame":
        return "assign"
    table = getattr(modules.get("ibis"), "Table", None)
    if isinstance(table, type) and isinstance(data, table):
        return "assign"
    return "deepcopy"


def _copy(data: Any, mode: str) -> Any:
    if mode == "deepcopy":
        return copy.deepcopy(data)
    if mode == "copy":
        return data.copy()
    return data


class MemoryDataset(AbstractDataset[Any, Any]):
    """Keeps one Python object in memory.

    Args:
        data: initial data (optional).
        copy_mode: ``"deepcopy"``, ``"copy"`` or ``"assign"``; inferred per object when None
            (see ``infer_copy_mode``), so nodes never mutate each other's inputs.
        metadata: free-form user metadata.
    """

    ephemeral: ClassVar[bool] = True

    def __init__(
        self,
        data: Any = _EMPTY,
        copy_mode: CopyMode | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if copy_mode is not None and copy_mode not in COPY_MODES:
            raise DatasetError(
                f"Invalid copy_mode {copy_mode!r} for MemoryDataset: expected "
                f"one of {', '.join(COPY_MODES)}."
            )
        self._copy_mode = copy_mode
        self._data: Any = _EMPTY
        self.metadata = metadata
        if data is not _EMPTY:
            self._save(data)

    @property
    def copy_mode(self) -> str | None:
        """The configured copy mode (None: inferred per object)."""
        return self._copy_mode

    def peek(self) -> Any:
        """The data held, *not* copied, for size estimates and displays (never modify it);
        ``None`` when empty."""
        return None if self._data is _EMPTY else self._data

    def _load(self) -> Any:
        if self._data is _EMPTY:
            raise DatasetError(
                "Data for MemoryDataset has not been saved yet: run the node "
                "that produces it, or assign it with catalog[name] = value."
            )
        return _copy(self._data, self._copy_mode or infer_copy_mode(self._data))

    def _save(self, data: Any) -> None:
        self._data = _copy(data, self._copy_mode or infer_copy_mode(data))

    def _exists(self) -> bool:
        return self._data is not _EMPTY

    def _release(self) -> None:
        self._data = _EMPTY

    def _describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {}
        if self._data is not _EMPTY:
            described["data"] = f"<{type(self._data).__name__}>"
        if self._copy_mode:
            described["copy_mode"] = self._copy_mode
        return described


class SharedMemoryDataset(MemoryDataset):
    """Kedro's ``SharedMemoryDataset``: a memory dataset whose data lives in a multiprocessing
    manager once one is set, so worker processes share it. Kedro's ``ParallelRunner`` sets its
    manager through :meth:`SharedMemoryDataCatalog.set_manager_datasets
    <kedro_nb.io.SharedMemoryDataCatalog.set_manager_datasets>` before the run; until then (and
    under kedro-nb's own runners, which keep memory data in the scheduling process) it is a
    plain :class:`MemoryDataset`."""

    def __init__(
        self,
        manager: Any = None,
        copy_mode: CopyMode | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.shared_memory_dataset: Any = None
        super().__init__(copy_mode=copy_mode, metadata=metadata)
        if manager is not None:
            self.set_manager(manager)

    def set_manager(self, manager: Any) -> None:
        """Keep the data in ``manager`` (a ``SyncManager`` with ``MemoryDataset`` registered,
        as Kedro's ``ParallelRunnerManager``) from now on."""
        self.shared_memory_dataset = manager.MemoryDataset()

    def _load(self) -> Any:
        if self.shared_memory_dataset is None:
            return super()._load()
        return self.shared_memory_dataset.load()

    def _save(self, data: Any) -> None:
        if self.shared_memory_dataset is None:
            super()._save(data)
            return
        try:
            self.shared_memory_dataset.save(data)
        except Exception as exc:
            import pickle

            try:
                pickle.dumps(data)
            except Exception as not_picklable:
                raise DatasetError(
                    f"{type(data)!s} cannot be serialised. ParallelRunner implicit memory "
                    "datasets can only be used with serialisable data"
                ) from not_picklable
            raise exc

    def _exists(self) -> bool:
        if self.shared_memory_dataset is None:
            return super()._exists()
        return bool(self.shared_memory_dataset.exists())

    def _release(self) -> None:
        if self.shared_memory_dataset is None:
            super()._release()
        else:
            self.shared_memory_dataset.release()


def is_ephemeral(dataset: Any) -> bool:
    """True for datasets whose data lives only in this process: ours (``ephemeral``) and
    Kedro's ``MemoryDataset`` family (they set ``_EPHEMERAL``)."""
    return bool(getattr(type(dataset), "ephemeral", False) or getattr(dataset, "_EPHEMERAL", False))
