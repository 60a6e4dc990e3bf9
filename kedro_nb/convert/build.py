"""Run a notebook's node cells as a pipeline, before (or instead of) converting it.

:func:`notebook_pipeline` compiles each node cell into a function whose code object says
``<notebook NAME cell N>`` with the cell's own line numbers, so a traceback in this process shows
the cell's code. Each function is wrapped in a :class:`~kedro_nb.convert.located.CellFunction`,
which attaches the cell and line to any error it raises, under every runner
(:func:`~kedro_nb.convert.located.cell_location` reads it back). Setup cells run once into a
globals dict shared by the node functions; exploration cells never run. The functions live in no
importable module, so cloudpickle ships them by value to worker processes (``ParallelRunner``).
"""

from __future__ import annotations

import ast
import builtins
import linecache
import os
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_nb.convert.analysis import (
    NodeCell,
    NotebookAnalysis,
)
from kedro_nb.convert.cells import cell_id, cell_source, read_notebook
from kedro_nb.convert.errors import SetupCellError, UnknownPipelineError
from kedro_nb.convert.located import (
    CellCode,
    CellFunction,
    attach_location,
    cell_code,
    cell_filename,
    find_location,
)
from kedro_nb.convert.scan import apply_rewrites

if TYPE_CHECKING:
    from kedro_nb.convert.converter import Layout
    from kedro_nb.pipeline import Pipeline


def _remember_source(filename: str, source: str) -> None:
    # Registered like IPython does for its cells, so tracebacks can print the cell's lines.
    lines = [line + "\n" for line in source.split("\n")]
    linecache.cache[filename] = (len(source), None, lines, filename)


def _setup_globals(
    nb: dict[str, Any], analysis: NotebookAnalysis, label: str
) -> tuple[dict[str, Any], tuple[CellCode, ...]]:
    """Run the setup cells into one globals dict; also return the code compiled from each."""
    namespace: dict[str, Any] = {
        "__name__": f"__kedro_nb_notebook_{analysis.name}__",
        "__builtins__": builtins,
    }
    compiled: list[CellCode] = []
    for index in analysis.setup_cells:
        filename = cell_filename(label, index)
        source = cell_source(nb["cells"][index])
        tree = ast.Module(
            body=[d.statement for d in analysis.setup if d.cell_index == index], type_ignores=[]
        )
        _remember_source(filename, source)
        code = compile(tree, filename, "exec")
        compiled.append(cell_code(code, index, cell_id(nb["cells"][index], index), source))
        try:
            exec(code, namespace)
        except Exception as exc:
            error = SetupCellError(
                f"Setup cell {index + 1} of {label} failed: {type(exc).__name__}: {exc}. "
                "Fix the cell; setup cells run once before the nodes."
            )
            location = find_location(exc, label, tuple(compiled[-1:]))
            if location is not None:
                attach_location(error, location, "setup cell failed")
            raise error from exc
    return namespace, tuple(compiled)


def node_function(
    node: NodeCell,
    namespace: dict[str, Any],
    label: str,
    setup: tuple[CellCode, ...] = (),
    hints: dict[str, str] | None = None,
) -> CellFunction:
    """Compile one node cell into a function of its inputs returning its outputs.

    The function locates its errors in the cell (and in the ``setup`` cells it calls into);
    ``hints`` (variable -> advice) is added to a ``NameError`` about that variable.
    """
    filename = cell_filename(label, node.cell_index)
    _remember_source(filename, node.source)
    body = ast.parse(apply_rewrites(node.scan.source, node.rewrites)).body
    last_line = max([s.end_lineno or 1 for s in body], default=1)
    if node.outputs:
        names: list[ast.expr] = [ast.Name(id=variable, ctx=ast.Load()) for variable in node.returns]
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
    own = cell_code(func_code, node.cell_index, node.cell_id, node.source)
    return CellFunction(func, node.name, label, (own, *setup), hints)


def _check_pipeline_name(
    pipeline: str, path: Path, layout: Layout, analysis: NotebookAnalysis
) -> None:
    """Refuse a pipeline name the notebook does not know (a typo would silently select every
    cell, since cells naming no pipeline belong to any): known are the notebook's own name,
    the names cells' metadata give and the one its project remembers from a conversion."""
    from kedro_nb.convert.remembered import remembered
    from kedro_nb.shared import did_you_mean

    known = {analysis.name, path.stem} | {c.pipeline for c in analysis.nodes if c.pipeline}
    if layout.is_project:
        known.add(remembered(layout.root, path).pipeline or analysis.name)
    if pipeline not in known:
        raise UnknownPipelineError(
            f"{path.name} has no pipeline {pipeline!r} (its pipelines: "
            f"{', '.join(sorted(known))}).{did_you_mean(pipeline, sorted(known))}"
        )


def _exploration_hints(analysis: NotebookAnalysis, cell: NodeCell) -> dict[str, str]:
    """The analysis' advice for each name ``cell`` reads that only an exploration cell binds.

    A run never runs exploration cells, so reading such a name fails with a ``NameError``;
    the advice (tag that cell as a node, ...) turns it into something to act on.
    """
    hints: dict[str, str] = {}
    for issue in analysis.issues:
        if issue.kind == "hidden-state" and issue.node == cell.name:
            for name in cell.scan.reads:
                if issue.message.startswith(f"reads {name!r},"):
                    hints.setdefault(name, issue.message)
    return hints


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
    layout, analysis = analyze_file(path, nb, project)
    cells = analysis.nodes
    if pipeline is not None:
        _check_pipeline_name(pipeline, path, layout, analysis)
        cells = in_pipeline(cells, pipeline)
        if not cells:
            raise UnknownPipelineError(f"No node cell of {path.name} belongs to {pipeline!r}.")
    namespace, setup = _setup_globals(nb, analysis, path.name)
    nodes = []
    for cell in cells:
        func = node_function(cell, namespace, path.name, setup, _exploration_hints(analysis, cell))
        for named in (func, func.__wrapped__):  # run records name the cell, unwrapped or not
            setattr(named, CELL_ATTRIBUTE, (str(path), cell.cell_id))
        outputs: str | list[str] | None = (
            cell.outputs[0] if len(cell.outputs) == 1 else (list(cell.outputs) or None)
        )
        nodes.append(
            node(func, list(cell.inputs) or None, outputs, name=cell.name, tags=cell.tags or None)
        )
    return Pipeline(nodes)


def notebook_namespace(
    path: str | os.PathLike[str],
    values: dict[str, Any],
    *,
    project: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """The cell variables a run of ``path``'s pipeline leaves, as a top-to-bottom run would.

    ``values`` maps dataset names to the data a run produced. Each output goes back to the cell
    variable it holds, and a later value of a name wins: after ``df = df.dropna()`` in node
    ``clean``, ``df`` is ``df__clean``'s data, not the first ``df``. Datasets no node cell
    produces are left out.
    """
    from kedro_nb.convert.converter import analyze_file

    path = Path(path).resolve()
    _, analysis = analyze_file(path, read_notebook(path), project)
    namespace: dict[str, Any] = {}
    for cell in analysis.nodes:  # notebook order: later values of a name replace earlier ones
        for dataset, variable in cell.output_variables.items():
            if dataset in values and variable.isidentifier():
                namespace[variable] = values[dataset]
    return namespace
