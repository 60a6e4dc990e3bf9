"""What each endpoint answers, as plain functions from a checked request to a JSON-able dict.

No HTTP here (the handlers do that) and no analysis of our own: the work is done by
``kedro_nb.convert`` (analysis, conversion, check), the project session (pipelines) and
``kedro_nb.strip``; these functions only pick what the labextension shows.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_nb.convert.cells import Notebook, cell_id
from kedro_nb.server.requests import AnalysisRequest, ConvertRequest

if TYPE_CHECKING:
    from kedro_nb.pipeline import Pipeline

#: at most this many node cells with syntax errors are set aside before an analysis gives up
MAX_SET_ASIDE = 50


def _issue(issue: Any, ids: list[str]) -> dict[str, Any]:
    return {
        "kind": issue.kind,
        "cell_index": issue.cell_index,
        "cell_id": ids[issue.cell_index] if 0 <= issue.cell_index < len(ids) else None,
        "line": issue.line,
        "message": issue.message,
        "node": issue.node,
    }


def analysis(request: AnalysisRequest) -> dict[str, Any]:
    """Nodes with inputs, outputs and warnings per cell id, as the converter would see them.

    A node cell that is not Python yet (the user is typing) is set aside and reported as a
    ``syntax`` warning of that cell, so every other badge stays right meanwhile. Any other
    analysis error (two cells named alike, a read of a later node's output) is answered as
    ``error`` with the cell it concerns when known.
    """
    from kedro_nb.convert.cells import SKIP_TAG
    from kedro_nb.convert.converter import analyze_file
    from kedro_nb.convert.errors import CellSyntaxError, ConvertError

    nb: Notebook = request.notebook
    ids = [cell_id(cell, index) for index, cell in enumerate(nb["cells"])]
    set_aside: list[dict[str, Any]] = []
    while True:
        try:
            _, result = analyze_file(request.path, nb)
            break
        except CellSyntaxError as exc:
            if len(set_aside) >= MAX_SET_ASIDE:
                return {"nodes": [], "issues": [], "error": _error(exc, ids)}
            set_aside.append(_error(exc, ids) | {"kind": "syntax", "line": exc.line})
            cells = list(nb["cells"])
            cell = dict(cells[exc.cell_index])
            metadata = dict(cell.get("metadata") or {})
            metadata["tags"] = [*metadata.get("tags", []), SKIP_TAG]
            cells[exc.cell_index] = {**cell, "metadata": metadata}
            nb = {**nb, "cells": cells}
        except ConvertError as exc:
            return {"nodes": [], "issues": [], "error": _error(exc, ids)}
    by_cell: dict[int, list[dict[str, Any]]] = {}
    others = []
    node_cells = {node.cell_index for node in result.nodes}
    for issue in result.issues:
        if issue.cell_index in node_cells:
            by_cell.setdefault(issue.cell_index, []).append(_issue(issue, ids))
        else:
            others.append(_issue(issue, ids))
    nodes = [
        {
            "name": node.name,
            "cell_id": ids[node.cell_index],
            "cell_index": node.cell_index,
            "inputs": node.inputs,
            "outputs": node.outputs,
            "pipeline": node.pipeline,
            "warnings": by_cell.get(node.cell_index, []),
        }
        for node in result.nodes
    ]
    return {"nodes": nodes, "issues": others, "set_aside": set_aside, "error": None}


def _error(exc: Exception, ids: list[str]) -> dict[str, Any]:
    index = getattr(exc, "cell_index", None)
    return {
        "message": str(exc),
        "cell_index": index,
        "cell_id": ids[index] if isinstance(index, int) and 0 <= index < len(ids) else None,
    }


def pipelines(notebook: Path) -> dict[str, Any]:
    """The pipelines of the project around ``notebook`` as nodes and edges (producer ->
    consumer); a pipeline that cannot be built is listed with its ``error``."""
    from kedro_nb.project import KedroNbSession

    session = KedroNbSession.create(start_dir=notebook.parent, reload_code=True)
    try:
        found: list[dict[str, Any]] = []
        for name in sorted(session.pipelines):
            try:
                pipeline = session.pipelines[name]
            except Exception as exc:  # the user's registry code failed: show why, list the rest
                found.append({"name": name, "nodes": [], "edges": [], "error": str(exc)})
                continue
            found.append({"name": name, **_graph(pipeline), "error": None})
        project = str(session.project_path) if session.is_project else None
        return {"project": project, "pipelines": found}
    finally:
        session.close()


def _graph(pipeline: Pipeline) -> dict[str, Any]:
    nodes = [
        {
            "name": node.name,
            "inputs": list(node.inputs),
            "outputs": list(node.outputs),
            "tags": sorted(node.tags),
        }
        for node in pipeline.nodes
    ]
    edges = [
        {"source": parent.name, "target": child.name}
        for child, parents in pipeline.node_dependencies.items()
        for parent in sorted(parents, key=lambda n: n.name)
    ]
    return {"nodes": nodes, "edges": edges}


def _shown(path: Path, root_dir: Path) -> str:
    return Path(os.path.relpath(path, root_dir)).as_posix()


def convert(request: ConvertRequest, root_dir: Path) -> dict[str, Any]:
    """``preview``: every file the conversion writes, with its diff against the disk (and,
    for a file edited by hand since the last conversion, ``hand_edits`` saying what);
    ``write``: write them all (or none) and say where; a write that would overwrite hand edits
    of the generated files is refused (:class:`~kedro_nb.convert.errors.HandEditError`) unless
    the request says ``force``. Paths are relative to the server root."""
    from kedro_nb.convert.converter import (
        DEFAULT_TARGET,
        convert_notebook,
        file_diff,
        overwritten_edits,
        plan_conversion,
    )

    options: dict[str, Any] = {"pipeline": request.pipeline, "target": request.target}
    if request.action == "write":
        conversion = convert_notebook(
            request.path, force=request.force, shown_from=root_dir, **options
        )
    else:
        conversion = plan_conversion(request.path, **options)
    edited: dict[Path, str] = {}
    if request.action == "preview":  # what a write would refuse to overwrite (without force)
        edited = {e.path: e.describe(conversion.layout.root) for e in overwritten_edits(conversion)}
    files = []
    for path, text in sorted({**conversion.sources, **conversion.catalogs}.items()):
        if request.action == "write":
            diff, status = "", "written"
        else:
            diff = file_diff(path, text, conversion.layout.root)
            status = "changed" if diff else "unchanged"
            status = status if path.is_file() else "new"
        shown = {"path": _shown(path, root_dir), "status": status, "diff": diff}
        files.append(shown | {"hand_edits": edited[path]} if path in edited else shown)
    ids = _cell_ids(request.path)
    used = conversion.settings
    return {
        "action": request.action,
        "written": request.action == "write",
        "root": _shown(conversion.layout.root, root_dir),
        "files": files,
        "issues": [_issue(issue, ids) for issue in conversion.issues],
        # what the conversion was made with: the request's choices over the remembered ones
        "settings": {
            "target": used.target or DEFAULT_TARGET,
            "pipeline": used.pipeline,
            "destination": used.destination,
        },
    }


def _cell_ids(path: Path) -> list[str]:
    from kedro_nb.convert.cells import read_notebook

    return [cell_id(cell, index) for index, cell in enumerate(read_notebook(path)["cells"])]


def check(path: Path) -> dict[str, Any]:
    """The static isolation check of the saved notebook: findings linked to cells."""
    from kedro_nb.convert.check import PROBLEM_KINDS, check_notebook

    report = check_notebook(path)
    ids = _cell_ids(path)
    findings = [
        _issue(issue, ids) | {"problem": issue.kind in PROBLEM_KINDS} for issue in report.issues
    ]
    return {"ok": report.ok, "findings": findings, "summary": report.format().splitlines()[-1]}


def strip(path: Path) -> dict[str, Any]:
    """Strip outputs, execution counts and volatile metadata from the saved notebook."""
    from kedro_nb.strip import strip_file

    return {"changed": strip_file(path)}
