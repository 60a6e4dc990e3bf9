"""Run a notebook's node cells as a pipeline, before (or instead of) converting it.

:func:`notebook_pipeline` compiles each node cell into a function whose code object says
``<notebook NAME cell N>`` with the cell's own line numbers, so a traceback points into the cell
(:func:`cell_location` maps it back). Setup cells run once into a globals dict shared by the node
functions; exploration cells never run. The functions live in no importable module, so cloudpickle
ships them by value to worker processes (``ParallelRunner``).
"""

from __future__ import annotations

import ast
import builtins
import linecache
import os
import re
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_nb.convert.analysis import (
    NodeCell,
    NotebookAnalysis,
    identifier,
)
from kedro_nb.convert.cells import cell_source, read_notebook
from kedro_nb.convert.errors import SetupCellError, UnknownPipelineError
from kedro_nb.convert.scan import apply_rewrites

if TYPE_CHECKING:
    from kedro_nb.pipeline import Pipeline

_FILENAME = re.compile(r"^<notebook (?P<name>.+) cell (?P<index>\d+)>$")


def cell_filename(notebook: str, index: int) -> str:
    """The ``co_filename`` given to code compiled from cell ``index`` (0-based) of ``notebook``."""
    return f"<notebook {notebook} cell {index}>"


def _remember_source(filename: str, source: str) -> None:
    # Registered like IPython does for its cells, so tracebacks can print the cell's lines.
    lines = [line + "\n" for line in source.split("\n")]
    linecache.cache[filename] = (len(source), None, lines, filename)


def _setup_globals(nb: dict[str, Any], analysis: NotebookAnalysis, label: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {
        "__name__": f"__kedro_nb_notebook_{analysis.name}__",
        "__builtins__": builtins,
    }
    for index in analysis.setup_cells:
        filename = cell_filename(label, index)
        source = cell_source(nb["cells"][index])
        tree = ast.Module(
            body=[d.statement for d in analysis.setup if d.cell_index == index], type_ignores=[]
        )
        _remember_source(filename, source)
        try:
            exec(compile(tree, filename, "exec"), namespace)
        except Exception as exc:
            raise SetupCellError(
                f"Setup cell {index} of {label} failed: {type(exc).__name__}: {exc}. "
                "Fix the cell; setup cells run once before the nodes."
            ) from exc
    return namespace


def node_function(node: NodeCell, namespace: dict[str, Any], label: str) -> types.FunctionType:
    """Compile one node cell into a function of its inputs returning its outputs."""
    filename = cell_filename(label, node.cell_index)
    _remember_source(filename, node.source)
    body = ast.parse(apply_rewrites(node.scan.source, node.rewrites)).body
    last_line = max([s.end_lineno or 1 for s in body], default=1)
    if node.outputs:
        names = [ast.Name(id=identifier(o), ctx=ast.Load()) for o in node.outputs]
        value = names[0] if len(names) == 1 else ast.Tuple(elts=names, ctx=ast.Load())
        body.append(ast.Return(value=value))
    if not body:
        body.append(ast.Pass())
    function = ast.parse(f"def {node.name}({', '.join(node.args)}):\n    pass").body[0]
    function.body = body  # type: ignore[attr-defined]
    for statement in body[-1:]:
        if getattr(statement, "lineno", None) is None:
            for part in ast.walk(statement):
                part.lineno = part.end_lineno = last_line  # type: ignore[attr-defined]
                part.col_offset = part.end_col_offset = 0  # type: ignore[attr-defined]
    module = ast.Module(body=[function], type_ignores=[])
    code = compile(module, filename, "exec")
    func_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    func = types.FunctionType(func_code, namespace, node.name)
    func.__qualname__ = node.name
    func.__module__ = namespace["__name__"]
    func.__doc__ = node.doc
    return func


def notebook_pipeline(
    path: str | os.PathLike[str],
    *,
    pipeline: str | None = None,
    project: str | os.PathLike[str] | None = None,
) -> Pipeline:
    """The pipeline of ``path``'s node cells, runnable as is by any kedro-nb runner.

    ``pipeline`` keeps only cells whose metadata names that pipeline (or none). The catalog used
    to tell inputs and outputs apart is the one a conversion would use (the project's, or the
    ``catalog*.yml`` beside the notebook).
    """
    from kedro_nb.convert.converter import analyze_file, in_pipeline
    from kedro_nb.pipeline import Pipeline, node
    from kedro_nb.project.run_facts import CELL_ATTRIBUTE

    path = Path(path).resolve()
    nb = read_notebook(path)
    _, analysis = analyze_file(path, nb, project)
    cells = analysis.nodes
    if pipeline is not None:
        cells = in_pipeline(cells, pipeline)
        if not cells:
            raise UnknownPipelineError(f"No node cell of {path.name} belongs to {pipeline!r}.")
    namespace = _setup_globals(nb, analysis, path.name)
    nodes = []
    for cell in cells:
        func = node_function(cell, namespace, path.name)
        setattr(func, CELL_ATTRIBUTE, (str(path), cell.cell_id))  # run records name the cell
        outputs: str | list[str] | None = (
            cell.outputs[0] if len(cell.outputs) == 1 else (list(cell.outputs) or None)
        )
        nodes.append(
            node(func, list(cell.inputs) or None, outputs, name=cell.name, tags=cell.tags or None)
        )
    return Pipeline(nodes)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not s for s in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def cell_location(exc: BaseException) -> tuple[int, int] | None:
    """``(cell_index, line)`` of the innermost frame of ``exc`` that ran notebook cell code.

    Follows ``__cause__`` / ``__context__`` (an error wrapping the one a cell raised).
    ``cell_index`` is 0-based in the notebook's ``cells``; ``line`` is
    1-based within the cell. ``None`` when no frame came from a cell.
    """
    for error in reversed(_chain(exc)):
        found = None
        tb = error.__traceback__
        while tb is not None:
            match = _FILENAME.match(tb.tb_frame.f_code.co_filename)
            if match:
                found = (int(match["index"]), tb.tb_lineno)
            tb = tb.tb_next
        if found:
            return found
    return None
