"""The cell convention: which notebook cells are pipeline nodes, and what they declare.

This module is the single owner of the format that the converter, the magics and the JupyterLab
extension read and write. It works on plain notebook dicts (``nbformat`` v4 JSON), so callers need
neither a kernel nor ``nbformat`` objects:

- a **node cell** carries the cell tag ``node:<name>``; ``<name>`` is a Python identifier, unique in
  the notebook;
- optional cell metadata ``kedro_nb: {inputs: [...], outputs: [...], tags: [...], pipeline: NAME}``
  overrides what the analysis infers;
- the tag ``kedro_nb:skip`` excludes a cell explicitly (never a node, never setup).

Every reader validates; every writer validates before touching the cell, so a bad name never lands
in a notebook.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kedro_nb import nbfile
from kedro_nb.convert.errors import (
    InvalidCellMetadataError,
    InvalidNodeNameError,
    NotebookReadError,
)
from kedro_nb.shared import did_you_mean

NODE_TAG_PREFIX = "node:"
SKIP_TAG = "kedro_nb:skip"
METADATA_KEY = "kedro_nb"
METADATA_FIELDS = ("inputs", "outputs", "tags", "pipeline")

Cell = dict[str, Any]
Notebook = dict[str, Any]


@dataclass(frozen=True)
class NodeMetadata:
    """The ``kedro_nb`` metadata of one cell; ``None`` means "not given, let the analysis infer"."""

    inputs: tuple[str, ...] | None = None
    outputs: tuple[str, ...] | None = None
    tags: tuple[str, ...] = ()
    pipeline: str | None = None


def cell_label(cell_index: int) -> str:
    """``cell 3`` for the third cell of a notebook (``cell_index`` 2).

    Messages count cells from 1, markdown cells included, as Jupyter users count them; the
    ``cell_index`` kept in data is the 0-based position in the notebook's ``cells``.
    """
    return f"cell {cell_index + 1}"


def cell_source(cell: Cell) -> str:
    """Return a cell's source as one string (the JSON holds a string or a list of lines)."""
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def set_cell_source(cell: Cell, source: str) -> None:
    """Replace a cell's source, keeping the storage shape (string or list of lines) it had."""
    if isinstance(cell.get("source"), list):
        cell["source"] = source.splitlines(keepends=True)
    else:
        cell["source"] = source


def cell_tags(cell: Cell) -> list[str]:
    """Return the cell's tags (``metadata.tags``), an empty list when it has none."""
    tags = cell.get("metadata", {}).get("tags", [])
    return [tag for tag in tags if isinstance(tag, str)]


def cell_id(cell: Cell, index: int) -> str:
    """Return the cell's nbformat id, or ``cell-<index>`` for old notebooks (nbformat < 4.5)."""
    value = cell.get("id")
    return value if isinstance(value, str) and value else f"cell-{index}"


def validate_node_name(name: str, *, where: str = "") -> str:
    """Return ``name`` if it is a usable node name (a Python identifier), else raise."""
    import keyword

    if not name.isidentifier() or keyword.iskeyword(name):
        place = f" in {where}" if where else ""
        raise InvalidNodeNameError(
            f"Invalid node name {name!r}{place}: expected a Python identifier such as "
            f"'clean_data' (letters, digits, underscores; no leading digit; not a keyword). "
            f"Rename the tag to '{NODE_TAG_PREFIX}<identifier>'."
        )
    return name


def node_name(cell: Cell, *, index: int | None = None) -> str | None:
    """Return the node name from the cell's ``node:<name>`` tag, ``None`` for non-node cells.

    Raises :class:`InvalidNodeNameError` for an invalid name or for two node tags on one cell.
    """
    if cell.get("cell_type") != "code":
        return None
    where = cell_label(index) if index is not None else "a cell"
    names = [
        tag[len(NODE_TAG_PREFIX) :] for tag in cell_tags(cell) if tag.startswith(NODE_TAG_PREFIX)
    ]
    if not names:
        return None
    if len(names) > 1:
        raise InvalidNodeNameError(
            f"{where.capitalize()} has {len(names)} node tags ({', '.join(sorted(names))}): "
            f"expected one. Keep a single '{NODE_TAG_PREFIX}<name>' tag."
        )
    return validate_node_name(names[0].strip(), where=where)


def _tags_list(cell: Cell) -> list[str]:
    metadata = cell.setdefault("metadata", {})
    tags = metadata.get("tags")
    if not isinstance(tags, list):
        tags = metadata["tags"] = []
    found: list[str] = tags
    return found


def _drop_empty_tags(cell: Cell) -> None:
    if not cell.get("metadata", {}).get("tags"):
        cell.get("metadata", {}).pop("tags", None)


def set_node_name(cell: Cell, name: str | None) -> None:
    """Make ``cell`` the node ``name`` (replacing any node tag), or a plain cell with ``None``."""
    if name is not None:
        validate_node_name(name)
        if cell.get("cell_type") != "code":
            raise InvalidNodeNameError(
                f"Only code cells can be nodes; this cell is a {cell.get('cell_type')!r} cell."
            )
    tags = _tags_list(cell)
    tags[:] = [tag for tag in tags if not tag.startswith(NODE_TAG_PREFIX)]
    if name is not None:
        tags.append(NODE_TAG_PREFIX + name)
    _drop_empty_tags(cell)


def is_skipped(cell: Cell) -> bool:
    """True when the cell carries the ``kedro_nb:skip`` tag."""
    return SKIP_TAG in cell_tags(cell)


def set_skipped(cell: Cell, skipped: bool = True) -> None:
    """Add or remove the ``kedro_nb:skip`` tag."""
    tags = _tags_list(cell)
    tags[:] = [tag for tag in tags if tag != SKIP_TAG]
    if skipped:
        tags.append(SKIP_TAG)
    _drop_empty_tags(cell)


def _string_list(value: Any, field: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise InvalidCellMetadataError(
            f"{where}: metadata '{METADATA_KEY}.{field}' must be a list of non-empty strings, "
            f"got {value!r}."
        )
    return tuple(value)


def node_metadata(cell: Cell, *, index: int | None = None) -> NodeMetadata:
    """Return the validated ``kedro_nb`` metadata of ``cell`` (all defaults when absent)."""
    where = cell_label(index).capitalize() if index is not None else "Cell"
    raw = cell.get("metadata", {}).get(METADATA_KEY)
    if raw is None:
        return NodeMetadata()
    if not isinstance(raw, Mapping):
        raise InvalidCellMetadataError(
            f"{where}: metadata '{METADATA_KEY}' must be a mapping, got {raw!r}."
        )
    unknown = sorted(set(raw) - set(METADATA_FIELDS))
    if unknown:
        raise InvalidCellMetadataError(
            f"{where}: unknown key(s) {unknown} in metadata '{METADATA_KEY}'; expected "
            f"{list(METADATA_FIELDS)}.{did_you_mean(unknown, METADATA_FIELDS, n=1)}"
        )
    pipeline = raw.get("pipeline")
    if pipeline is not None and not (isinstance(pipeline, str) and pipeline.isidentifier()):
        raise InvalidCellMetadataError(
            f"{where}: metadata '{METADATA_KEY}.pipeline' must be an identifier, got {pipeline!r}."
        )
    return NodeMetadata(
        inputs=_string_list(raw["inputs"], "inputs", where) if "inputs" in raw else None,
        outputs=_string_list(raw["outputs"], "outputs", where) if "outputs" in raw else None,
        tags=_string_list(raw.get("tags", []), "tags", where),
        pipeline=pipeline,
    )


_UNSET: Any = object()


def set_node_metadata(
    cell: Cell,
    *,
    inputs: Iterable[str] | None = _UNSET,
    outputs: Iterable[str] | None = _UNSET,
    tags: Iterable[str] | None = _UNSET,
    pipeline: str | None = _UNSET,
) -> None:
    """Write fields of the cell's ``kedro_nb`` metadata; ``None`` removes a field.

    Fields not passed stay as they are.

    The metadata is validated before the cell is changed; an emptied mapping is removed.
    """
    metadata = cell.setdefault("metadata", {})
    current = dict(metadata.get(METADATA_KEY) or {})
    for field, value in (
        ("inputs", inputs),
        ("outputs", outputs),
        ("tags", tags),
        ("pipeline", pipeline),
    ):
        if value is _UNSET:
            continue
        if value is None:
            current.pop(field, None)
        else:
            current[field] = (
                value if isinstance(value, str) and field == "pipeline" else list(value)
            )
    node_metadata({"metadata": {METADATA_KEY: current}})  # validate first
    if current:
        metadata[METADATA_KEY] = current
    else:
        metadata.pop(METADATA_KEY, None)


def node_cells(nb: Notebook) -> list[tuple[int, str]]:
    """Return ``(cell_index, node_name)`` for every node cell, in notebook order."""
    found = []
    for index, cell in enumerate(nb.get("cells", [])):
        name = node_name(cell, index=index)
        if name is not None and not is_skipped(cell):
            found.append((index, name))
    return found


def read_notebook(path: str | os.PathLike[str]) -> Notebook:
    """Read a notebook file as a plain dict, through the one reader :mod:`kedro_nb.nbfile`.

    Raises :class:`NotebookReadError` (also a ``nbfile.NotebookFileError``) with the reader's
    one-line message: missing, truncated, not JSON, not an nbformat 4 notebook, a wrong field.
    """
    try:
        return nbfile.read_notebook(path)
    except nbfile.NotebookFileError as exc:
        raise NotebookReadError(
            str(exc), source=exc.source, line=exc.line, column=exc.column, reason=exc.reason
        ) from exc


def write_notebook(path: str | os.PathLike[str], nb: Notebook) -> None:
    """Write ``nb`` atomically in nbformat's own layout (1-space indent, sorted keys)."""
    path = Path(path)
    text = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
