"""Exceptions raised by ``kedro_nb.io``: one class per failure, all under ``DatasetError``.

Messages name the dataset (and, where relevant, the path or catalog entry), say what was
expected and how to fix it. They never contain credential values.
"""

from __future__ import annotations

__all__ = [
    "CatalogConfigError",
    "CredentialsNotFoundError",
    "DatasetAlreadyExistsError",
    "DatasetError",
    "DatasetFileNotFoundError",
    "DatasetNotFoundError",
    "DatasetTypeError",
    "VersionAlreadyExistsError",
    "VersionNotFoundError",
]


class DatasetError(Exception):
    """Base class of every error raised by ``kedro_nb.io``.

    Raised as such when a dataset fails to load, save, check existence or release for a
    reason that has no more specific class (the original error is chained as ``__cause__``).
    """


class DatasetNotFoundError(DatasetError):
    """Raised by ``DataCatalog`` when a name is neither registered nor matched by a factory."""


class DatasetAlreadyExistsError(DatasetError):
    """Kedro's error for adding a name its catalog already holds. kedro-nb's catalog
    replaces the dataset instead (``catalog[name] = ...``) and never raises it; it exists so
    ``except DatasetAlreadyExistsError`` written for Kedro still imports."""


class DatasetFileNotFoundError(DatasetError):
    """Raised by file-based datasets when the file (or folder) to load does not exist."""


class DatasetTypeError(DatasetError):
    """Raised when a catalog entry's ``type`` cannot be imported or is not a dataset class."""


class CatalogConfigError(DatasetError):
    """Raised when a catalog entry or factory pattern is malformed (missing ``type``,
    not a mapping, unknown constructor argument, placeholder not in the pattern...)."""


class CredentialsNotFoundError(DatasetError, KeyError):
    """Raised when an entry's ``credentials: <name>`` is not a key of the credentials dict.
    Also a ``KeyError``, the class Kedro raises there."""

    __str__ = Exception.__str__  # the message as written, not KeyError's quoted repr


class VersionNotFoundError(DatasetError):
    """Raised when a versioned dataset has no version to load (or the pinned one is absent)."""


class VersionAlreadyExistsError(DatasetError):
    """Raised by versioned datasets when saving would overwrite an existing version
    (versions are immutable)."""
