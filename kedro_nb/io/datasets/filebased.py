"""``FileDataset``: shared plumbing for datasets stored as one file on an fsspec URL.

Subclasses implement ``_read(path)`` and ``_write(path, data)`` using ``_open_read`` /
``_open_write``; this class handles protocols, credentials, ``fs_args``, ``load_args`` /
``save_args`` defaults, versioning, atomic local writes and "file not found" errors.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO, Any, ClassVar

from kedro_nb.io._redact import redact_urls
from kedro_nb.io.errors import MISSING_FILE_HINT, DatasetError, DatasetFileNotFoundError
from kedro_nb.io.fs import (
    HTTP_PROTOCOLS,
    FileSystemMixin,
    atomic_local_open,
    join_protocol,
    split_protocol,
)
from kedro_nb.io.versioning import AbstractVersionedDataset

__all__ = ["FileDataset"]

# remote file systems whose writes fail unless the parent folder exists
_PROTOCOLS_WITH_FOLDERS = frozenset({"sftp", "ssh", "ftp", "smb", "hdfs", "webhdfs", "dbfs"})


class FileDataset(FileSystemMixin, AbstractVersionedDataset[Any, Any]):
    """A dataset stored as one file at ``filepath`` (local path or any fsspec URL).

    Args:
        filepath: ``data/01_raw/cars.csv``, ``s3://bucket/cars.csv``, ``memory://cars.csv``...
        load_args: keyword arguments for the reader (merged over ``DEFAULT_LOAD_ARGS``).
        save_args: keyword arguments for the writer (merged over ``DEFAULT_SAVE_ARGS``).
        version: ``Version(load, save)`` to use the versioned layout; the catalog sets it
            from ``versioned: true``.
        credentials: passed to the fsspec file system; never shown anywhere.
        fs_args: extra file system arguments; ``open_args_load`` / ``open_args_save`` go to
            ``open``.
        metadata: free-form user metadata.
    """

    DEFAULT_LOAD_ARGS: ClassVar[dict[str, Any]] = {}
    DEFAULT_SAVE_ARGS: ClassVar[dict[str, Any]] = {}
    #: whether the file is opened in binary mode ("rb"/"wb") or text mode ("r"/"w")
    BINARY: ClassVar[bool] = True

    def __init__(
        self,
        *,
        filepath: str,
        load_args: dict[str, Any] | None = None,
        save_args: dict[str, Any] | None = None,
        version: Any = None,
        credentials: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._protocol, path = split_protocol(filepath)
        self._credentials = dict(credentials or {})
        self._fs_args = dict(fs_args or {})
        self._open_args_load = dict(self._fs_args.get("open_args_load") or {})
        self._open_args_save = dict(self._fs_args.get("open_args_save") or {})
        self._fs: Any = None
        self._load_args = {**self.DEFAULT_LOAD_ARGS, **(load_args or {})}
        self._save_args = {**self.DEFAULT_SAVE_ARGS, **(save_args or {})}
        self.metadata = metadata
        super().__init__(
            PurePosixPath(path),
            version,
            exists_function=self._fs_exists,
            glob_function=self._fs_glob,
        )

    # -- file system -------------------------------------------------------------------
    @property
    def protocol(self) -> str:
        """``file`` for local paths, else the URL scheme (``s3``, ``memory``...)."""
        return self._protocol

    @property
    def filepath(self) -> str:
        """The configured location as a URL (plain path when local)."""
        return join_protocol(self._protocol, self._filepath)

    @property
    def is_local(self) -> bool:
        """Whether the data lives on the local disk (atomic writes, direct paths)."""
        return self._protocol == "file"

    def _fs_exists(self, path: str) -> bool:
        return bool(self.fs.exists(path))

    def _fs_glob(self, pattern: str) -> list[str]:
        return list(self.fs.glob(pattern))

    def _secrets(self) -> tuple[str, ...]:
        return self._location_secrets(f"{self._protocol}://{self._filepath}")

    # -- reading and writing -------------------------------------------------------------
    def _fs_path(self, path: PurePosixPath | str) -> str:
        """Path string to hand to ``self.fs`` (HTTP file systems need the full URL)."""
        path = str(path)
        return f"{self._protocol}://{path}" if self._protocol in HTTP_PROTOCOLS else path

    def _open_read(self, path: str) -> IO[Any]:
        mode = "rb" if self.BINARY else "r"
        args = {"mode": mode, **self._open_args_load}
        if not self.BINARY:
            args.setdefault("encoding", "utf-8")
        handle: IO[Any] = self.fs.open(path, **args)
        return handle

    @contextlib.contextmanager
    def _open_write(self, path: str) -> Iterator[IO[Any]]:
        mode = "wb" if self.BINARY else "w"
        args = {"mode": mode, **self._open_args_save}
        if not self.BINARY:
            args.setdefault("encoding", "utf-8")
        if self.is_local and not args.get("mode", "w").startswith("a"):
            with atomic_local_open(path, **args) as handle:
                yield handle
            return
        if self._protocol in _PROTOCOLS_WITH_FOLDERS:  # object stores have no folders to make
            self.fs.makedirs(str(PurePosixPath(path).parent), exist_ok=True)
        with self.fs.open(path, **args) as handle:
            yield handle

    def _read(self, path: str) -> Any:
        """Read the file at ``path`` (subclasses)."""
        raise NotImplementedError

    def _write(self, path: str, data: Any) -> None:
        """Write ``data`` to ``path`` (subclasses)."""
        raise NotImplementedError

    def _load(self) -> Any:
        path = self._fs_path(self._get_load_path())
        try:
            return self._read(path)
        except FileNotFoundError as exc:
            error = self._not_found(path)
            secrets = self._secrets()
            raise error from (None if any(s in str(exc) for s in secrets) else exc)

    def _not_found(self, path: str) -> DatasetFileNotFoundError:
        shown = redact_urls(path if "://" in path else join_protocol(self._protocol, path))
        return DatasetFileNotFoundError(
            f"{type(self).__name__}: no file at '{shown}'.{MISSING_FILE_HINT}"
        )

    def _save(self, data: Any) -> None:
        path = self._fs_path(self._get_save_path())
        if self._version is not None and self.fs.isfile(self._fs_path(self._filepath)):
            name = self._filepath.name
            raise DatasetError(
                f"Cannot save a version of '{redact_urls(self.filepath)}': a plain file with "
                "that name exists (saved before versioning was enabled). Move it to "
                f"'{name}/<version>/{name}' (e.g. {name}/2024-01-01T00.00.00.000Z/{name}) or "
                "delete it."
            )
        self._write(path, data)
        self._invalidate_cache()

    def _exists(self) -> bool:
        return self._fs_exists(self._fs_path(self._get_load_path()))

    def _invalidate_cache(self) -> None:
        self._invalidate_fs_cache(self._fs_path(self._filepath))

    def _release(self) -> None:
        self._invalidate_cache()

    def _describe(self) -> dict[str, Any]:
        return {
            "filepath": self.filepath,
            "protocol": self._protocol,
            "load_args": self._load_args,
            "save_args": self._save_args,
        }
