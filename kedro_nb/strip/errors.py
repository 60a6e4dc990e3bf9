"""Errors of the output stripper.

Every failure has its own class under :class:`StripError`, so the CLI, the ``%strip`` magic and the
server extension can each turn it into their own message or status. The library never prints
or exits. The errors of reading a notebook are those of the one notebook reader
(:mod:`kedro_nb.nbfile`), each also a :class:`StripError` here: ``except StripError`` and
``except nbfile.NotebookFileError`` both catch them.
"""

from __future__ import annotations

from kedro_nb import nbfile


class StripError(Exception):
    """Base of every error raised by :mod:`kedro_nb.strip`."""


class InvalidOptionError(StripError, ValueError):
    """Raised by :func:`strip_notebook` for an unknown option or a malformed metadata key."""


class InvalidJSONError(StripError, nbfile.InvalidJSONError):
    """Raised when a notebook's bytes are not valid UTF-8 JSON; names the file, line and column."""


class TruncatedNotebookError(InvalidJSONError, nbfile.TruncatedNotebookError):
    """Raised when a notebook's JSON ends early (an interrupted save); the file is left as is."""


class MergeConflictError(InvalidJSONError, nbfile.MergeConflictError):
    """Raised when a notebook holds unresolved git merge-conflict lines."""


class NotANotebookError(StripError, nbfile.NotANotebookError):
    """Raised when valid JSON is not a Jupyter notebook (no ``nbformat``/``cells``, wrong types)."""


class UnsupportedFormatError(StripError, nbfile.UnsupportedFormatError):
    """Raised for a notebook whose major ``nbformat`` version is not 4 (e.g. an nbformat 3 file)."""


class ConflictingKeepOutputError(StripError):
    """Raised when a cell has the keep-output tag but ``"keep_output": false`` in its metadata."""


class NotebookEncodingError(StripError):
    """Raised when a notebook holds text that cannot be written as UTF-8 (a lone surrogate)."""


class NotebookReadError(StripError, nbfile.NotebookReadError):
    """Raised when a notebook file cannot be read (unreadable, a directory)."""


class NotebookNotFoundError(NotebookReadError, nbfile.NotebookNotFoundError):
    """Raised when a notebook named to the stripper does not exist (moved or deleted)."""


class NotebookWriteError(StripError):
    """Raised when a stripped notebook cannot be written back; the file is left as it was."""


class NotebookReadOnlyError(NotebookWriteError):
    """Raised instead of replacing a notebook whose permissions make it read-only."""


class NotebookVanishedError(NotebookWriteError):
    """Raised when a notebook is deleted between reading and writing it (it is not re-created)."""


class NotebookChangedError(NotebookWriteError):
    """Raised when a notebook is saved by someone else while it is being stripped (kept as is)."""


class NotebookValidationError(StripError):
    """Raised by the optional ``validate=True`` check when nbformat's schema rejects the result."""


class GitError(StripError):
    """Raised by ``--install``/``--uninstall``/``--status`` when git is missing or fails."""


_FROM_NBFILE: dict[type[nbfile.NotebookFileError], type[StripError]] = {
    nbfile.InvalidJSONError: InvalidJSONError,
    nbfile.TruncatedNotebookError: TruncatedNotebookError,
    nbfile.MergeConflictError: MergeConflictError,
    nbfile.NotANotebookError: NotANotebookError,
    nbfile.UnsupportedFormatError: UnsupportedFormatError,
    nbfile.NotebookReadError: NotebookReadError,
    nbfile.NotebookNotFoundError: NotebookNotFoundError,
}


def from_nbfile(exc: nbfile.NotebookFileError) -> StripError:
    """The stripper's own class for an error of the notebook reader, with the same message."""
    if isinstance(exc, StripError):
        return exc
    cls = _FROM_NBFILE.get(type(exc), NotANotebookError)
    return cls(  # type: ignore[call-arg]
        str(exc), source=exc.source, line=exc.line, column=exc.column, reason=exc.reason
    )
