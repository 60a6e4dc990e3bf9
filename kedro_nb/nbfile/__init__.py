"""The one reader of notebook files: every command that reads a ``.ipynb`` goes through it.

``read_notebook(path)`` (or ``loads(data, source)`` for bytes from stdin or git) returns the
notebook as a plain dict, exactly as ``json.loads`` would, or raises one
:class:`~kedro_nb.nbfile.errors.NotebookFileError` whose message is the line to show: the file, the
line and column where applicable, what is wrong and what to do. Truncated files, bad UTF-8,
git merge-conflict markers, JSON nested too deep, JSON that is not a notebook, a missing or wrong
``nbformat`` and fields of the wrong type are each told apart. Front doors exit 2 on these.

Standard library (and orjson, when the stripper asks) only, and light to import: the git filter
starts a process per notebook.
"""

from __future__ import annotations

import os

from kedro_nb.nbfile._parse import (
    MAX_DEPTH,
    check_depth,
    check_notebook,
    loads,
    parse_json,
)
from kedro_nb.nbfile._read import ReadBuffer, read_bytes
from kedro_nb.nbfile.errors import (
    InvalidJSONError,
    MergeConflictError,
    NotANotebookError,
    NotebookFileError,
    NotebookNotFoundError,
    NotebookReadError,
    TruncatedNotebookError,
    UnsupportedFormatError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def read_notebook(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check the notebook at ``path``; raises a :class:`NotebookFileError` subclass."""
    source = os.fspath(path)
    data, _ = read_bytes(source)
    return loads(data, source)  # type: ignore[arg-type]  # no buffer given: always bytes


__all__ = [
    "MAX_DEPTH",
    "InvalidJSONError",
    "MergeConflictError",
    "NotANotebookError",
    "NotebookFileError",
    "NotebookNotFoundError",
    "NotebookReadError",
    "ReadBuffer",
    "TruncatedNotebookError",
    "UnsupportedFormatError",
    "check_depth",
    "check_notebook",
    "loads",
    "parse_json",
    "read_bytes",
    "read_notebook",
]
