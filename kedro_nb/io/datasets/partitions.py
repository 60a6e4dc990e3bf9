"""``PartitionedDataset``: a folder of files handled by one underlying dataset type.

Kedro's semantics: ``load`` returns ``{partition_id: load_callable}`` (nothing is read until
a callable is called), sorted by id; ``save`` takes ``{partition_id: data}`` where data may
be a callable producing it (called at save time, one partition in memory at a time).
A partition id is the file's path relative to ``path`` without ``filename_suffix``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from kedro_nb.io._redact import redact_urls
from kedro_nb.io.core import AbstractDataset, type_path
from kedro_nb.io.errors import CatalogConfigError, DatasetError
from kedro_nb.io.fs import FileSystemMixin, join_protocol, split_protocol
from kedro_nb.io.registry import resolve_type

__all__ = ["PartitionedDataset"]


class PartitionedDataset(FileSystemMixin, AbstractDataset[Any, Any]):
    """Partitions under ``path``, each one file read/written by ``dataset``.

    Args:
        path: folder (local or fsspec URL).
        dataset: type name (``pandas.CSVDataset``), class, or config dict with ``type`` and
            the underlying dataset's other arguments (``load_args``, ``save_args``...).
        filepath_arg: the underlying dataset's argument receiving each partition's path.
        filename_suffix: only files ending with it are partitions; added when saving.
        credentials: for the folder's file system, and for the underlying dataset unless its
            config has its own.
        load_args: passed to the file system's ``find`` when listing partitions.
        fs_args: extra file system arguments.
        overwrite: delete existing partitions before saving.
        save_lazily: call callables in the data dict at save time (default True).
        metadata: free-form user metadata.
    """

    def __init__(
        self,
        *,
        path: str,
        dataset: str | type | dict[str, Any],
        filepath_arg: str = "filepath",
        filename_suffix: str = "",
        credentials: dict[str, Any] | None = None,
        load_args: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        overwrite: bool = False,
        save_lazily: bool = True,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        config: dict[str, Any] = dict(dataset) if isinstance(dataset, dict) else {"type": dataset}
        if "type" not in config:
            raise CatalogConfigError("PartitionedDataset 'dataset' config needs a 'type'.")
        if config.pop("versioned", False) or "version" in config:
            raise CatalogConfigError(
                "PartitionedDataset does not support versioning of the "
                "underlying dataset: remove 'versioned' from 'dataset'."
            )
        if filepath_arg in config:
            raise CatalogConfigError(
                f"PartitionedDataset sets '{filepath_arg}' for each "
                "partition: remove it from the 'dataset' config."
            )
        self._dataset_type = resolve_type(config.pop("type"), where="PartitionedDataset 'dataset'")
        self._dataset_config = config
        self._protocol, self._path = split_protocol(path)
        self._credentials = dict(credentials or {})
        if credentials is not None and "credentials" not in config:
            self._dataset_config["credentials"] = self._credentials
        self._fs_args = dict(fs_args or {})
        if fs_args and "fs_args" not in config:
            self._dataset_config["fs_args"] = self._fs_args
        self._filepath_arg = filepath_arg
        self._suffix = filename_suffix
        self._load_args = dict(load_args or {})
        self._overwrite = overwrite
        self._save_lazily = save_lazily
        self._fs: Any = None
        self.metadata = metadata

    @property
    def filepath(self) -> str:
        """The folder as a URL (plain path when local)."""
        return join_protocol(self._protocol, self._path)

    def _secrets(self) -> tuple[str, ...]:
        return self._location_secrets(self.filepath)

    def _root(self) -> str:
        return str(self.fs._strip_protocol(self.filepath)).rstrip("/")

    def _list_partitions(self) -> list[str]:
        root = self._root()
        if not self.fs.isdir(root):
            return []
        return sorted(p for p in self.fs.find(root, **self._load_args) if p.endswith(self._suffix))

    def _partition(self, root: str, relative: str) -> Any:
        full = join_protocol(self._protocol, f"{root}/{relative}")
        return self._dataset_type(**{**self._dataset_config, self._filepath_arg: full})

    def _load(self) -> dict[str, Callable[[], Any]]:
        partitions: dict[str, Callable[[], Any]] = {}
        root = self._root()
        cut = len(self._suffix)
        for path in self._list_partitions():
            relative = str(PurePosixPath(path).relative_to(root))
            partition_id = relative[:-cut] if cut else relative
            partitions[partition_id] = self._partition(root, relative).load
        if not partitions:
            raise DatasetError(
                f"No partitions found in '{redact_urls(self.filepath)}'"
                f"{f' ending with {self._suffix!r}' if self._suffix else ''}. Hint: save "
                "partitions first, or check 'path' and 'filename_suffix'."
            )
        return partitions

    def _save(self, data: dict[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DatasetError(
                "PartitionedDataset saves a dict {partition_id: data}, got "
                f"{type(data).__name__}."
            )
        root = self._root()
        if self._overwrite and self.fs.exists(root):
            self.fs.rm(root, recursive=True)
        for partition_id, partition_data in sorted(data.items()):
            value = (
                partition_data()
                if callable(partition_data) and self._save_lazily
                else partition_data
            )
            self._partition(root, f"{partition_id}{self._suffix}").save(value)
        self._invalidate()

    def _invalidate(self) -> None:
        if self._fs is not None:
            self._invalidate_fs_cache(self._root())

    def _exists(self) -> bool:
        return bool(self._list_partitions())

    def _release(self) -> None:
        self._invalidate()

    def _describe(self) -> dict[str, Any]:
        dataset_args = {
            k: v for k, v in self._dataset_config.items() if k not in ("credentials", "fs_args")
        }
        return {
            "path": self.filepath,
            "dataset_type": type_path(self._dataset_type),
            "dataset_config": dataset_args or None,
            "filename_suffix": self._suffix or None,
        }
