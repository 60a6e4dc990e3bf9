"""Plain configuration values kept between processes, looked up by each file's exact bytes.

Reading YAML is the largest part of ``%load_ext kedro_nb``: importing PyYAML alone compiles
several milliseconds of regular expressions before the first document is read. A project's
configuration rarely changes between two kernel starts, so the values
:func:`~kedro_nb.config.plain.read_plain` reads from each file are kept in one file (in the
project's ``.kedro_nb`` folder) beside the exact bytes they were read from. A file is answered
from the cache only when its bytes are identical to the ones kept: an edit is never missed,
whatever the timestamps say, and the answer is the one reading the file gives.

The cache is a ``marshal`` file, replaced atomically; one written by another Python, another
kedro-nb or another PyYAML is ignored, as is an unreadable or damaged one, and the next miss
rewrites it. Credentials are never kept: the loader does not use the cache for its
``credentials`` key, nor for any file whose name starts with ``credentials``.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

CACHE_FILE = "config-cache.marshal"
_FORMAT = 1
_NEVER_CACHED_PREFIX = "credentials"


def _fingerprint() -> tuple[Any, ...]:
    """What the cached values depend on besides the file's bytes: the Python (marshal's
    format), the rules of the plain reader and the installed PyYAML (found, not imported)."""
    from importlib.util import find_spec

    from kedro_nb.config import plain

    def stamp(path: str | None) -> tuple[str, int, int] | None:
        if not path:
            return None
        try:
            found = os.stat(path)
        except OSError:
            return None
        return (path, found.st_mtime_ns, found.st_size)

    yaml_spec = find_spec("yaml")
    return (
        _FORMAT,
        sys.version,
        marshal.version,
        stamp(plain.__file__),
        stamp(yaml_spec.origin if yaml_spec else None),
    )


class ParsedCache:
    """Plain values of configuration files by path, valid for the exact bytes they came from.

    ``folder`` holds the cache file; it must exist for the cache to be written (the caller
    decides whether to create it). Nothing here raises: a cache that cannot be read or written
    only means the files are parsed. Besides files, an entry may be keyed by a name in angle
    brackets (``<plugins>``) with the bytes of what its answer depends on; such entries are not
    dropped with the files that no longer exist. :meth:`in_folder` gives every caller in the
    process the same instance, so the cache file is read once per process.
    """

    _by_folder: dict[str, ParsedCache] = {}

    @classmethod
    def in_folder(cls, folder: Path) -> ParsedCache:
        """The process's one cache for ``folder``."""
        key = os.fspath(folder)
        found = cls._by_folder.get(key)
        if found is None:
            found = cls._by_folder[key] = cls(folder)
        return found

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / CACHE_FILE
        self._entries: dict[str, tuple[bytes, dict[str, Any]]] | None = None
        self._fingerprint: tuple[Any, ...] | None = None

    @staticmethod
    def accepts(path: Path) -> bool:
        """Whether ``path``'s values may be kept (never a credentials file)."""
        return not Path(path).name.lower().startswith(_NEVER_CACHED_PREFIX)

    def _load(self) -> dict[str, tuple[bytes, dict[str, Any]]]:
        if self._entries is None:
            self._fingerprint = _fingerprint()
            self._entries = {}
            try:
                with open(self.path, "rb") as stream:
                    header, entries = marshal.load(stream)
            except (OSError, EOFError, ValueError, TypeError):
                return self._entries
            if header == self._fingerprint and type(entries) is dict:
                self._entries = entries
        return self._entries

    def lookup(self, path: str, data: bytes) -> dict[str, Any] | None:
        """The values read from ``path`` when its bytes were ``data``; None when not kept."""
        entry = self._load().get(path)
        if type(entry) is not tuple or len(entry) != 2 or entry[0] != data:
            return None
        from kedro_nb.config.plain import copy_plain

        values: dict[str, Any] = copy_plain(entry[1])  # callers may change what they get
        return values

    def store(self, path: str, data: bytes, values: dict[str, Any]) -> None:
        """Keep ``values`` as read from ``path``'s bytes ``data`` (a no-op for credentials
        files), dropping entries of files that no longer exist."""
        if not self.accepts(Path(path)):
            return
        from kedro_nb.config.plain import copy_plain

        entries = self._load()
        entries[path] = (data, copy_plain(values))  # the caller keeps and may change ``values``
        for name in [
            name
            for name in entries
            if name != path and not name.startswith("<") and not os.path.exists(name)
        ]:
            del entries[name]
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            blob = marshal.dumps((self._fingerprint, entries))
            with open(temporary, "wb") as stream:
                stream.write(blob)
            os.replace(temporary, self.path)
        except (OSError, ValueError):  # a read-only project, or a value marshal cannot hold
            entries.pop(path, None)
            with contextlib.suppress(OSError):
                os.unlink(temporary)
