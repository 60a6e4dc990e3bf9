"""Errors of ``kedro_nb.convert``: one class per failure, all under :class:`ConvertError`.

Each message names the notebook cell (index as in the notebook's ``cells`` list, 0-based) and says
what was expected and how to fix it, so the CLI can print it as is.
"""

from __future__ import annotations

from kedro_nb.nbfile.errors import NotebookFileError


class ConvertError(Exception):
    """Base of every error raised while reading, analysing, converting or syncing a notebook."""


class NotebookReadError(ConvertError, NotebookFileError):
    """Raised by ``cells.read_notebook`` when a file is missing or is not a notebook; it is also
    the notebook reader's error, so front doors treat it as bad input (exit code 2)."""


class InvalidNodeNameError(ConvertError):
    """Raised when a ``node:<name>`` tag (or a name given to ``cells.set_node_name``) is not a
    Python identifier, or when a cell carries more than one node tag."""


class InvalidCellMetadataError(ConvertError):
    """Raised when a cell's ``kedro_nb`` metadata is not a mapping of the documented keys."""


class DuplicateNodeError(ConvertError):
    """Raised by the analysis when two cells carry the same ``node:<name>`` tag."""


class CellSyntaxError(ConvertError):
    """Raised by the analysis when a node or setup cell is not valid Python (after magics are
    removed); carries ``cell_index`` and ``line`` (1-based, within the cell)."""

    def __init__(self, message: str, *, cell_index: int, line: int | None) -> None:
        super().__init__(message)
        self.cell_index = cell_index
        self.line = line


class IPythonOnlyError(CellSyntaxError):
    """Raised by the analysis when a node cell holds IPython syntax with no plain-Python meaning
    (``!pip install``, ``%%bash``, ``%run``, ...): it would run in the kernel but not in the
    generated source, ``kedro-nb run`` or a worker process. Names the cell and the line."""


class DuplicateOutputError(ConvertError):
    """Raised by the analysis when two node cells produce the same output."""


class ForwardReferenceError(ConvertError):
    """Raised by the analysis when a node reads a name that only a later node cell produces."""


class CatalogConflictError(ConvertError):
    """Raised by the catalog proposal when the target YAML already declares an entry differently."""


class CatalogConfigurationError(ConvertError):
    """Raised when the catalog configuration cannot be read (malformed YAML, duplicate keys, an
    entry without ``type``, an unknown dataset type): the message is the one ``kedro-nb run``
    prints for the same problem, with file, line and column where the YAML is malformed."""


class SyncConflictError(ConvertError):
    """Raised by ``sync`` when both a generated function and its notebook cell changed since the
    last conversion; lists every conflicting node."""


class GeneratedFileError(ConvertError):
    """Raised by ``sync`` when a generated file is missing or was not written by kedro-nb."""


class UnrunnableCodeError(ConvertError):
    """Raised by ``convert``, ``init --from`` and ``sync`` when the generated code would fail
    when it runs (a ``ruff check --select F`` finding such as an undefined name; harmless ones
    like an unused local are warnings); names the cell, the line and the name. Nothing is
    written."""


class HandEditError(ConvertError):
    """Raised by ``convert`` (without ``force``) when a file it would overwrite was edited by
    hand since the last conversion, or was not written by kedro-nb; lists every such file and
    the functions edited in it. Nothing is written."""


class UncarriedEditError(ConvertError):
    """Raised by ``sync`` (without ``force``) when some edits of the generated files cannot be
    carried back into the notebook; names each one. Nothing is written."""


class WriteError(ConvertError):
    """Raised by the multi-file writer when a conversion could not be written; nothing is left
    half-written (earlier files are rolled back)."""


class ProjectLayoutError(ConvertError):
    """Raised when ``--project`` does not point at a project, or the project has no package to
    write pipelines into."""


class InitConflictError(ConvertError):
    """Raised by ``kedro-nb init`` when files it would create already exist, or two files would
    move to one place; lists every clash. Nothing is written."""


class ProjectNameError(ConvertError):
    """Raised by ``kedro-nb init`` when the project name gives no usable package name (not an
    identifier, or the name of a module it would shadow)."""


class SettingsRecordError(ConvertError):
    """Raised when the conversion settings recorded in ``pyproject.toml`` (``[tool.kedro_nb]``)
    cannot be read or hold an unknown target, key or a destination outside the project."""


class UnknownPipelineError(ConvertError):
    """Raised when ``--pipeline NAME`` selects no node cell."""


class SetupCellError(ConvertError):
    """Raised by ``notebook_pipeline`` when executing a setup cell fails (the original error is
    the ``__cause__``; ``cell_location`` maps it to the cell)."""


class NodeSourceError(ConvertError):
    """Raised by :mod:`kedro_nb.convert.node_source` when a node's function body cannot be
    recovered (built-in or lambda function, source file gone)."""
