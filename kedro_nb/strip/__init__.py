"""Strip outputs, execution counts and volatile metadata from notebooks.

Used by the CLI, the git filter, the pre-commit hooks and the ``%strip`` magic.

Light to import: ``kedro-nb strip`` runs once per file as a git filter, so nothing here loads
nbformat or a JSON schema (``validate=True`` does, when asked).
"""

from kedro_nb.strip._core import DEFAULT_KEEP_OUTPUT_TAG, DEFAULT_REMOVED_KEYS, strip_notebook
from kedro_nb.strip._files import strip_bytes, strip_file
from kedro_nb.strip.errors import (
    ConflictingKeepOutputError,
    GitError,
    InvalidJSONError,
    InvalidOptionError,
    MergeConflictError,
    NotANotebookError,
    NotebookChangedError,
    NotebookEncodingError,
    NotebookNotFoundError,
    NotebookReadError,
    NotebookReadOnlyError,
    NotebookValidationError,
    NotebookVanishedError,
    NotebookWriteError,
    StripError,
    TruncatedNotebookError,
    UnsupportedFormatError,
)

__all__ = [
    "DEFAULT_KEEP_OUTPUT_TAG",
    "DEFAULT_REMOVED_KEYS",
    "ConflictingKeepOutputError",
    "GitError",
    "InvalidJSONError",
    "InvalidOptionError",
    "MergeConflictError",
    "NotANotebookError",
    "NotebookChangedError",
    "NotebookEncodingError",
    "NotebookNotFoundError",
    "NotebookReadError",
    "NotebookReadOnlyError",
    "NotebookValidationError",
    "NotebookVanishedError",
    "NotebookWriteError",
    "StripError",
    "TruncatedNotebookError",
    "UnsupportedFormatError",
    "strip_bytes",
    "strip_file",
    "strip_notebook",
]
