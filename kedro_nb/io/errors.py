"""Exceptions raised by ``kedro_nb.io``: one class per failure, all under ``DatasetError``.

Messages name the dataset (and, where relevant, the path or catalog entry), say what was
expected and how to fix it. They never contain credential values.
"""

from __future__ import annotations

__all__ = [
    "MISSING_FILE_HINT",
    "CatalogConfigError",
    "CredentialsNotFoundError",
    "DatasetAlreadyExistsError",
    "DatasetError",
    "DatasetFileNotFoundError",
    "DatasetNotFoundError",
    "DatasetTypeError",
    "VersionAlreadyExistsError",
    "VersionNotFoundError",
    "fit_missing_file_hint",
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
    """Raised by file-based datasets when the file (or folder) to load does not exist.

    The message ends with :data:`MISSING_FILE_HINT`, which covers a dataset a node makes and
    one nobody makes: the dataset cannot tell which. A run, which knows the pipeline, replaces
    it with the advice that fits (:func:`fit_missing_file_hint`); ``dataset_name`` is the
    catalog name, set by the catalog that loaded it."""

    dataset_name: str | None = None


#: The end of a missing file's message before a run knows whether a node produces the dataset.
MISSING_FILE_HINT = (
    " Hint: run the node that produces this dataset first, or, if no node does, check "
    "'filepath' in its catalog entry or create the data there."
)


def fit_missing_file_hint(error: DatasetFileNotFoundError, producers: list[str]) -> None:
    """Replace ``error``'s general hint by the one that fits: run ``producers`` (the nodes
    that make the dataset) first, or, when there are none, the file is input data that is
    missing: check the catalog entry's ``filepath`` or create the data. Rewrites the message
    in place, so the error a caller catches says it."""
    message = str(error)
    if not message.endswith(MISSING_FILE_HINT):
        return
    name = f"'{error.dataset_name}'" if error.dataset_name else "this dataset"
    if producers:
        nodes = ", ".join(f"'{node}'" for node in producers)
        hint = f" Hint: run the node that produces {name} first ({nodes})."
    else:
        hint = (
            f" No node produces {name}: it is input data, missing at that path. Check "
            "'filepath' in its catalog entry, or create the data there."
        )
    error.args = (message[: -len(MISSING_FILE_HINT)] + hint, *error.args[1:])


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
