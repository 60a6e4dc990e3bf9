"""Checked request bodies: every field a handler reads is validated here, so a bad body becomes
one 400 answer naming the field (never a ``KeyError`` and a 500), and every path is resolved
inside the server's root directory (anything outside gets 403).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kedro_nb.convert.cells import Notebook

NOTEBOOK_SUFFIX = ".ipynb"
ACTIONS = ("preview", "write")
CELL_TYPES = ("code", "markdown", "raw")


class RequestError(Exception):
    """Raised by the parsers below; ``status`` is the HTTP status the handler answers with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _field(body: Any, name: str, kind: type | tuple[type, ...], *, required: bool = True) -> Any:
    if not isinstance(body, dict):
        raise RequestError(400, "Request body must be a JSON object.")
    if name not in body or body[name] is None:
        if required:
            raise RequestError(400, f"Request body lacks the field {name!r}.")
        return None
    value = body[name]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _tuple(kind)):
        expected = " or ".join(k.__name__ for k in _tuple(kind))
        raise RequestError(400, f"Field {name!r} must be a {expected}, got {type(value).__name__}.")
    return value


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def resolve_notebook(root_dir: str | os.PathLike[str], given: Any, *, must_exist: bool) -> Path:
    """The absolute path of notebook ``given`` (relative to ``root_dir``, as Jupyter's contents
    API names files). 400 for a non-notebook, 403 outside the root, 404 when it must exist."""
    if not isinstance(given, str) or not given.strip():
        raise RequestError(400, "Field 'path' must be a notebook path relative to the server root.")
    root = Path(root_dir).expanduser().resolve()
    path = (root / given.lstrip("/")).resolve()
    if not path.is_relative_to(root):
        raise RequestError(403, f"Path {given!r} is outside the server's root directory.")
    if path.suffix != NOTEBOOK_SUFFIX:
        raise RequestError(400, f"Path {given!r} is not a notebook (expected {NOTEBOOK_SUFFIX}).")
    if must_exist and not path.is_file():
        raise RequestError(404, f"Notebook {given!r} not found under the server root.")
    return path


@dataclass(frozen=True)
class AnalysisRequest:
    """POST analysis: the notebook's path (for its catalog/project) and its current cells."""

    path: Path
    notebook: Notebook


def parse_analysis(body: Any, root_dir: str | os.PathLike[str]) -> AnalysisRequest:
    path = resolve_notebook(root_dir, _field(body, "path", str), must_exist=False)
    cells = _field(body, "cells", list)
    checked = []
    for index, cell in enumerate(cells):
        where = f"cells[{index}]"
        if not isinstance(cell, dict):
            raise RequestError(400, f"{where} must be an object with cell_type and source.")
        cell_type = cell.get("cell_type")
        if cell_type not in CELL_TYPES:
            raise RequestError(400, f"{where}.cell_type must be one of {list(CELL_TYPES)}.")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise RequestError(400, f"{where}.source must be a string or a list of strings.")
        metadata = cell.get("metadata", {})
        if not isinstance(metadata, dict):
            raise RequestError(400, f"{where}.metadata must be an object.")
        cell_id = cell.get("id")
        if cell_id is not None and not isinstance(cell_id, str):
            raise RequestError(400, f"{where}.id must be a string.")
        checked.append(
            {"id": cell_id, "cell_type": cell_type, "source": source, "metadata": metadata}
        )
    return AnalysisRequest(path, {"cells": checked})


@dataclass(frozen=True)
class ConvertRequest:
    """POST convert: which notebook, preview or write, for which target and pipeline, and
    whether a write may overwrite hand edits of the generated files (``force``). A target or
    pipeline not given (None) is the one the project remembers for the notebook
    (``[tool.kedro_nb.notebooks]``), as for ``kedro-nb convert``."""

    path: Path
    action: str
    target: str | None
    pipeline: str | None
    force: bool = False


def parse_convert(body: Any, root_dir: str | os.PathLike[str]) -> ConvertRequest:
    from kedro_nb.convert.codegen import TARGETS

    path = resolve_notebook(root_dir, _field(body, "path", str), must_exist=True)
    action = _field(body, "action", str)
    if action not in ACTIONS:
        raise RequestError(400, f"Field 'action' must be one of {list(ACTIONS)}, got {action!r}.")
    target = _field(body, "target", str, required=False) or None
    if target is not None and target not in TARGETS:
        raise RequestError(400, f"Field 'target' must be one of {sorted(TARGETS)}, got {target!r}.")
    pipeline = _field(body, "pipeline", str, required=False) or None
    if pipeline is not None and not pipeline.isidentifier():
        raise RequestError(400, f"Field 'pipeline' must be an identifier, got {pipeline!r}.")
    force = bool(_field(body, "force", bool, required=False))
    return ConvertRequest(path, action, target, pipeline, force)


def parse_notebook_path(body: Any, root_dir: str | os.PathLike[str]) -> Path:
    """POST check / strip: just an existing notebook."""
    return resolve_notebook(root_dir, _field(body, "path", str), must_exist=True)
