"""Errors of the output stripper.

Every failure has its own class under :class:`StripError`, so the CLI, the ``%strip`` magic and the
server extension can each turn it into their own message or status. The library never prints
or exits.
"""

from __future__ import annotations


class StripError(Exception):
    """Base of every error raised by :mod:`kedro_nb.strip`."""


class InvalidOptionError(StripError, ValueError):
    """Raised by :func:`strip_notebook` for an unknown option or a malformed metadata key."""


class InvalidJSONError(StripError):
    """Raised when a notebook's bytes are not valid UTF-8 JSON; names the file, line and column."""

    def __init__(self, source: str, line: int, column: int, reason: str) -> None:
        self.source, self.line, self.column, self.reason = source, line, column, reason
        super().__init__(
            f"{source}:{line}:{column}: not valid JSON ({reason}); the file was left unchanged. "
            "Fix the JSON (an interrupted save or a merge conflict marker is the usual cause)."
        )


class NotANotebookError(StripError):
    """Raised when valid JSON is not a Jupyter notebook (no ``nbformat``/``cells``, wrong types)."""


class UnsupportedFormatError(StripError):
    """Raised for a notebook whose major ``nbformat`` version is not 4 (e.g. an nbformat 3 file)."""


class ConflictingKeepOutputError(StripError):
    """Raised when a cell has the keep-output tag but ``"keep_output": false`` in its metadata."""


class NotebookEncodingError(StripError):
    """Raised when a notebook holds text that cannot be written as UTF-8 (a lone surrogate)."""


class NotebookReadError(StripError):
    """Raised when a notebook file cannot be read (unreadable, a directory)."""


class NotebookNotFoundError(NotebookReadError):
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
