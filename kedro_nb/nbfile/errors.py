"""Errors of the notebook-file reader: one class per way a notebook file can be bad.

Every command that reads a notebook (``strip`` and its git-filter modes, ``convert``, ``check``,
``sync``, ``run --notebook``, the magics, the Lab server) raises these, so each front door turns
them into one line and exit code 2 (the CLI) or its own status (the server). The message is the
whole story: the file, the line and column where the parser stopped (when there is one), what is
wrong and what to do. The reader never writes, so a bad file is always left as it was.
"""

from __future__ import annotations


class NotebookFileError(Exception):
    """Base of every error of :mod:`kedro_nb.nbfile`; ``str()`` is the one line to show.

    ``source`` names the file (or ``<stdin>``); ``line`` and ``column`` (1-based) say where, for
    errors found while parsing; ``reason`` is what is wrong without the location and the advice.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.source, self.line, self.column = source, line, column
        self.reason = message if reason is None else reason


class NotebookReadError(NotebookFileError):
    """Raised when the file cannot be read at all (permissions, a directory, an I/O error)."""


class NotebookNotFoundError(NotebookReadError):
    """Raised when the notebook named does not exist (moved, deleted or misspelt)."""


class InvalidJSONError(NotebookFileError):
    """Raised when the bytes are not UTF-8 JSON; ``line``/``column`` say where parsing stopped."""


class TruncatedNotebookError(InvalidJSONError):
    """Raised when the JSON stops before the notebook does: an interrupted save, a full disk."""


class MergeConflictError(InvalidJSONError):
    """Raised when the file holds git's ``<<<<<<<``/``=======``/``>>>>>>>`` conflict lines."""


class NotANotebookError(NotebookFileError):
    """Raised when valid JSON is not a Jupyter notebook: no ``nbformat``, a field of the wrong
    type (``cells`` not a list, a cell ``source`` that is a number), or nesting too deep."""


class UnsupportedFormatError(NotebookFileError):
    """Raised for a notebook whose ``nbformat`` major version is not 4 (nbformat 3, or newer)."""
