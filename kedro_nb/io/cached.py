"""``CachedDataset``: a dataset with an in-memory copy of what it last loaded or saved, so
a pipeline reading it several times touches storage once (Kedro's ``CachedDataset``)."""

from __future__ import annotations

import logging
from typing import Any

from kedro_nb.io.core import AbstractDataset, is_dataset
from kedro_nb.io.memory import CopyMode, MemoryDataset

__all__ = ["CachedDataset"]

_logger = logging.getLogger(__name__)


class CachedDataset(AbstractDataset[Any, Any]):
    """Wraps ``dataset`` (an instance, or its catalog entry as a dict) with a memory cache.

    Args:
        dataset: the dataset to cache, or its config (``{"type": ..., ...}``).
        version: makes the wrapped dataset versioned (write ``versioned`` here, not in the
            wrapped config).
        copy_mode: how the cache copies data ("deepcopy", "copy", "assign"; default: by type).
        metadata: free-form user metadata.

    The cache lives in this process only: the dataset counts as in-memory for the runners
    (like Kedro's, it is single-process, and pickling it drops the cache).
    """

    ephemeral = True
    _SINGLE_PROCESS = True

    def __init__(
        self,
        dataset: Any,
        version: Any = None,
        copy_mode: CopyMode | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if isinstance(dataset, dict):
            self._dataset = self._from_config(dataset, version)
        elif is_dataset(dataset):
            self._dataset = dataset
        else:
            raise ValueError(
                "CachedDataset: 'dataset' must be a dataset object or its catalog entry as a "
                f"dict, got {type(dataset).__name__}."
            )
        self._cache = MemoryDataset(copy_mode=copy_mode)
        self.metadata = metadata

    @staticmethod
    def _from_config(config: dict[str, Any], version: Any) -> Any:
        if "versioned" in config:
            raise ValueError(
                "CachedDataset: say 'versioned' on the CachedDataset entry, not inside the "
                "wrapped dataset's config."
            )
        config = dict(config)
        if version:
            config["versioned"] = True
            return AbstractDataset.from_config("_cached", config, version.load, version.save)
        return AbstractDataset.from_config("_cached", config)

    def _load(self) -> Any:
        if self._cache.exists():
            return self._cache.load()
        data = self._dataset.load()
        self._cache.save(data)
        return data

    def _save(self, data: Any) -> None:
        self._dataset.save(data)
        self._cache.save(data)

    def _exists(self) -> bool:
        return bool(self._cache.exists() or self._dataset.exists())

    def _release(self) -> None:
        self._cache.release()
        self._dataset.release()

    def _describe(self) -> dict[str, Any]:
        return {"dataset": self._dataset, "cache": self._cache}

    def __getstate__(self) -> dict[str, Any]:
        _logger.debug("%r: the cache is dropped when pickled.", self)
        self._cache.release()
        return self.__dict__
