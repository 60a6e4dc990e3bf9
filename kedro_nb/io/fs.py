"""fsspec helpers: splitting URLs, building file systems lazily, atomic local writes.

fsspec itself is imported only when a file system is first needed, so building a catalog of
thousands of entries never pays for it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO, Any

from kedro_nb.io._redact import secret_values, url_secrets
from kedro_nb.io.errors import DatasetError

__all__ = [
    "LOCAL_PROTOCOLS",
    "FileSystemMixin",
    "atomic_local_open",
    "get_filepath_str",
    "get_protocol_and_path",
    "join_protocol",
    "make_filesystem",
    "split_protocol",
]

LOCAL_PROTOCOLS = frozenset({"file", "local"})
HTTP_PROTOCOLS = frozenset({"http", "https"})
_DELIMITER = "://"


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_current_umask()  # what a plain open() would create


def split_protocol(filepath: str) -> tuple[str, str]:
    """``"s3://bucket/a.csv"`` -> ``("s3", "bucket/a.csv")``; plain paths -> ``("file", path)``.

    Windows drive letters (``C:\\data``) are local paths, not protocols.
    """
    filepath = os.fspath(filepath)
    if _DELIMITER not in filepath:
        return "file", filepath
    protocol, _, path = filepath.partition(_DELIMITER)
    protocol = protocol.lower()
    if protocol in LOCAL_PROTOCOLS:
        return "file", path
    return protocol, path


def join_protocol(protocol: str, path: str | PurePosixPath) -> str:
    """Inverse of ``split_protocol`` (local paths stay plain)."""
    path = str(path)
    return path if protocol in LOCAL_PROTOCOLS else f"{protocol}{_DELIMITER}{path}"


def get_protocol_and_path(filepath: str | os.PathLike[str], version: Any = None) -> tuple[str, str]:
    """``(protocol, path)`` of ``filepath`` for a dataset's ``__init__`` (Kedro's tutorial
    helper): ``"s3://bucket/a.csv"`` -> ``("s3", "bucket/a.csv")``, local paths ->
    ``("file", path)``, and for ``http(s)`` the address without its scheme. Versioning is
    refused on ``http(s)`` (a web server has no version folders), as in Kedro."""
    protocol, path = split_protocol(os.fspath(filepath))
    if protocol in HTTP_PROTOCOLS and version is not None:
        raise DatasetError(
            f"Versioning is not supported for {protocol} addresses ({filepath}): remove "
            "'versioned: true' from the catalog entry."
        )
    return protocol, path


def get_filepath_str(raw_path: PurePosixPath, protocol: str) -> str:
    """The path string a file system's ``open`` takes: ``raw_path`` as posix, with the scheme
    put back for ``http(s)`` (Kedro's tutorial helper)."""
    path = raw_path.as_posix()
    return f"{protocol}{_DELIMITER}{path}" if protocol in HTTP_PROTOCOLS else path


def make_filesystem(
    protocol: str, credentials: dict[str, Any] | None, fs_args: dict[str, Any] | None
) -> Any:
    """An fsspec file system for ``protocol`` with credentials and ``fs_args`` (minus the
    ``open_args_*`` keys, which belong to ``open``). A missing backend is a clear error."""
    import fsspec

    options = {
        **(credentials or {}),
        **{k: v for k, v in (fs_args or {}).items() if not k.startswith("open_args_")},
    }
    if protocol == "file":
        options.setdefault("auto_mkdir", True)
    try:
        return fsspec.filesystem(protocol, **options)
    except ImportError as exc:
        raise DatasetError(
            f"No file system backend for protocol '{protocol}': {exc}. "
            f"Install the fsspec implementation for it (e.g. s3fs, gcsfs, adlfs)."
        ) from exc
    except ValueError as exc:
        if "Protocol not known" in str(exc):
            raise DatasetError(
                f"Unknown file system protocol '{protocol}'. Check the "
                "filepath's 'protocol://' prefix."
            ) from None
        raise


class FileSystemMixin:
    """For datasets living on an fsspec location. ``__init__`` sets ``_protocol``,
    ``_credentials``, ``_fs_args`` and ``_fs = None``; the file system is built on first use,
    dropped when pickled (rebuilt in the receiving process) and never shown."""

    _protocol: str
    _credentials: dict[str, Any]
    _fs_args: dict[str, Any]
    _fs: Any

    @property
    def fs(self) -> Any:
        """The fsspec file system, created on first use."""
        if self._fs is None:
            self._fs = make_filesystem(self._protocol, self._credentials, self._fs_args)
        return self._fs

    def _location_secrets(self, url: str) -> tuple[str, ...]:
        """Values to mask in messages: credentials, ``fs_args`` and the secret parts of
        ``url``."""
        return secret_values([self._credentials, self._fs_args]) + url_secrets(url)

    def _invalidate_fs_cache(self, path: str) -> None:
        """Forget the file system's listing cache for ``path`` (when one was built)."""
        if self._fs is not None:
            with contextlib.suppress(Exception):
                self._fs.invalidate_cache(path)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_fs"] = None
        return state


@contextlib.contextmanager
def atomic_local_open(path: str, mode: str, **open_args: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` and move it onto ``path`` only when the block
    succeeds: readers never see a half-written file and a failed save leaves the old one."""
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    if os.path.isdir(path):
        raise DatasetError(f"Cannot save to '{path}': it is a directory.")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    os.chmod(tmp, _FILE_MODE)
    binary = "b" in mode
    try:
        with (
            open(fd, "wb")
            if binary
            else open(
                fd,
                "w",
                encoding=open_args.get("encoding", "utf-8"),
                newline=open_args.get("newline"),
            )
        ) as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
