"""Versioned datasets with Kedro's on-disk layout: ``<filepath>/<version>/<basename>``.

Version strings use Kedro's format (UTC, millisecond precision, ``.`` instead of ``:`` so
they are valid file names and sort chronologically), so versions written by kedro-nb load
in Kedro and the other way round.
"""

from __future__ import annotations

import glob
import os
import warnings
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import PurePosixPath
from typing import Any, NamedTuple

from kedro_nb.io.core import _DI, _DO, AbstractDataset
from kedro_nb.io.errors import DatasetError, VersionAlreadyExistsError, VersionNotFoundError

__all__ = [
    "VERSION_FORMAT",
    "AbstractVersionedDataset",
    "Version",
    "generate_timestamp",
    "validate_version",
]

#: strftime format of version folders; the microseconds are cut to milliseconds afterwards.
VERSION_FORMAT = "%Y-%m-%dT%H.%M.%S.%fZ"


def generate_timestamp() -> str:
    """Current UTC time as a version string, e.g. ``2024-01-15T10.30.00.123Z``."""
    stamp = datetime.now(tz=timezone.utc).strftime(VERSION_FORMAT)
    return stamp[:-4] + "Z"  # keep milliseconds, as Kedro does


class Version(NamedTuple):
    """Load and save versions of a versioned dataset; ``None`` means latest / a new one."""

    load: str | None
    save: str | None


def validate_version(version: str) -> str:
    """Refuse version strings that would escape the dataset folder."""
    if not version or version in {".", ".."} or "/" in version or "\\" in version:
        raise DatasetError(
            f"Version string {version!r} is not allowed: it must be one "
            "non-empty path component (no '/' or '\\', not '.' or '..')."
        )
    return version


class AbstractVersionedDataset(AbstractDataset[_DI, _DO]):
    """A dataset stored at ``filepath``, optionally versioned;
    ``AbstractVersionedDataset[SavedType, LoadedType]`` in type hints, as Kedro's.

    A Kedro 1.x subclass writes its own ``load``/``save`` around ``self._get_load_path()`` and
    ``self._get_save_path()``; asking for the save path is what starts a new version, so such a
    subclass gets a fresh timestamp per save and later loads see the new version, without any
    wrapping of its methods.

    Args:
        filepath: path without protocol (the versioned layout is built on it).
        version: ``Version`` (or any ``(load, save)`` pair) to enable versioning, else None.
        exists_function: ``path -> bool`` for the dataset's file system (default: local).
        glob_function: ``pattern -> list[str]`` for the dataset's file system.
    """

    def __init__(
        self,
        filepath: PurePosixPath,
        version: Any = None,
        exists_function: Callable[[str], bool] | None = None,
        glob_function: Callable[[str], list[str]] | None = None,
    ) -> None:
        self._filepath = PurePosixPath(filepath)
        self._version = Version(*version) if version is not None else None
        self._exists_function = exists_function or os.path.exists
        self._glob_function = glob_function or glob.glob
        self._cached_load_version: str | None = None
        self._cached_save_version: str | None = None

    @property
    def versioned(self) -> bool:
        """Whether this instance reads and writes the versioned layout."""
        return self._version is not None

    def _clear_version_cache(self) -> None:
        self._cached_load_version = None
        self._cached_save_version = None

    def _get_versioned_path(self, version: str) -> PurePosixPath:
        if version != "*":
            validate_version(version)
        return self._filepath / version / self._filepath.name

    def list_versions(self) -> list[str]:
        """Existing version strings, newest first."""
        pattern = str(self._get_versioned_path("*"))
        try:
            paths = sorted(self._glob_function(pattern), reverse=True)
        except Exception as exc:
            raise VersionNotFoundError(f"Could not list versions of {self!r}: {exc}") from exc
        return [PurePosixPath(p).parent.name for p in paths if self._exists_function(p)]

    def resolve_load_version(self) -> str | None:
        """Version to load: the pinned one, else the newest existing (cached)."""
        if self._version is None:
            return None
        if self._version.load:
            return validate_version(self._version.load)
        if self._cached_load_version is None:
            versions = self.list_versions()
            if not versions:
                raise VersionNotFoundError(
                    f"No versions of {self!r} found under '{self._filepath}'. Save it first "
                    "(run the node that produces it) or pin an existing version."
                )
            self._cached_load_version = versions[0]
        return self._cached_load_version

    def resolve_save_version(self) -> str | None:
        """Version to save: the pinned one, else a timestamp generated once and cached."""
        if self._version is None:
            return None
        if self._version.save:
            return validate_version(self._version.save)
        if self._cached_save_version is None:
            self._cached_save_version = generate_timestamp()
        return self._cached_save_version

    def _get_load_path(self) -> PurePosixPath:
        version = self.resolve_load_version()
        return self._filepath if version is None else self._get_versioned_path(version)

    def _get_save_path(self) -> PurePosixPath:
        """Where the save being made writes. The cached versions are spent: the next load
        looks for the newest version again, the next save gets a new timestamp."""
        version = self.resolve_save_version()
        if version is None:
            return self._filepath
        self._clear_version_cache()
        path = self._get_versioned_path(version)
        if self._exists_function(str(path)):
            raise VersionAlreadyExistsError(
                f"Save path '{path}' of {self!r} already exists: versions are immutable. "
                "Use a new save version (leave it unset to get a fresh timestamp)."
            )
        return path

    def save(self, data: Any) -> None:
        """Save a new version (or the plain file when unversioned)."""
        self._clear_version_cache()
        save_version = self.resolve_save_version()
        super().save(data)
        if self._version is not None:
            self._cached_load_version = None
            if self._version.load and self._version.load != save_version:
                warnings.warn(
                    f"Save version '{save_version}' does not match the pinned load "
                    f"version '{self._version.load}' of {self!r}: later loads will "
                    "not see this save.",
                    stacklevel=2,
                )

    def exists(self) -> bool:
        """False when no version exists yet, instead of an error."""
        try:
            return super().exists()
        except VersionNotFoundError:
            return False

    def release(self) -> None:
        """Also forget the cached load/save versions."""
        super().release()
        self._clear_version_cache()

    def describe(self) -> dict[str, Any]:
        """Adds ``version`` when the dataset is versioned."""
        described = super().describe()
        if self._version is not None:
            described.setdefault("version", self._version)
        return described
