"""A node's code as top-level statements, and the inputs to load: the cell ``%load_node`` writes.

Plain functions, no IPython: source is parsed and rewritten with ``ast`` here, in the conversion
layer, and the notebook layer only puts the result in a cell. For a project node, the function's
body is taken from its source file (``inspect.getsource``), dedented, with the final ``return X``
turned into the expression ``X`` so the cell shows the result; its parameters become variables
bound to the node's inputs. For a notebook node, the node cell's own source is used as it is, its
plain dataset inputs bound to variables of the same name.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_nb.convert.errors import NodeSourceError

if TYPE_CHECKING:
    from kedro_nb.pipeline import Node


@dataclass
class DebugCell:
    """What ``%load_node`` puts in the notebook."""

    node_name: str
    source: str
    #: variable name -> dataset name to load from the catalog into it
    inputs: dict[str, str] = field(default_factory=dict)
    #: variable name -> value fixed by ``functools.partial`` (set as they are)
    bound: dict[str, Any] = field(default_factory=dict)


def _function_of(func: Any) -> Any:
    while isinstance(func, functools.partial):
        func = func.func
    return inspect.unwrap(func)


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _body_source(func: Any, node_name: str) -> str:
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError) as exc:
        raise NodeSourceError(
            f"Cannot show the code of node {node_name!r}: the source of "
            f"{getattr(func, '__qualname__', func)!r} is not available ({exc})."
        ) from exc
    tree = ast.parse(source)
    definition = next(
        (n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None
    )
    if definition is None:  # a lambda, or a callable object
        raise NodeSourceError(
            f"Cannot show the code of node {node_name!r}: its function is not a 'def' "
            f"(a lambda or callable object); write it as a def to debug it step by step."
        )
    body = list(definition.body)
    if len(body) > 1 and _is_docstring(body[0]):
        body = body[1:]
    lines = source.splitlines()
    last = body[-1]
    if isinstance(last, ast.Return) and last.value is not None:  # show the result instead
        row = last.lineno - 1
        lines[row] = lines[row][: last.col_offset] + lines[row][last.value.col_offset :]
    decorators = getattr(body[0], "decorator_list", [])
    first = min([body[0].lineno, *(d.lineno for d in decorators)]) - 1
    return textwrap.dedent("\n".join(lines[first : definition.end_lineno])).strip("\n")


def _partial_bindings(func: Any) -> dict[str, Any]:
    """Arguments fixed by (possibly nested) ``functools.partial``, by parameter name."""
    layers = []
    while isinstance(func, functools.partial):
        layers.append(func)
        func = func.func
    bound: dict[str, Any] = {}
    try:
        names = list(inspect.signature(inspect.unwrap(func)).parameters)
    except (TypeError, ValueError):
        return bound
    for layer in reversed(layers):  # innermost first: its positional args come first
        free = [name for name in names if name not in bound]
        bound.update(zip(free, layer.args, strict=False))
        bound.update(layer.keywords)
    return bound


def project_node_cell(node: Node) -> DebugCell:
    """The debug cell of a node built from a Python function (project pipelines)."""
    func = _function_of(node.func)
    source = _body_source(func, node.name)
    try:
        parameters = [
            p.name
            for p in inspect.signature(node.func).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
    except (TypeError, ValueError):
        parameters = []
    inputs = dict(zip(parameters, node.inputs, strict=False))
    return DebugCell(node.name, source, inputs, _partial_bindings(node.func))


def _read_cells(notebook: Path) -> list[dict[str, Any]]:
    from kedro_nb.convert.cells import read_notebook

    cells: list[dict[str, Any]] = read_notebook(notebook)["cells"]
    return cells


def notebook_node_cell(notebook: Path, node_name: str) -> DebugCell | None:
    """The debug cell of node cell ``node_name`` of ``notebook``, or ``None`` if it has none.

    The analysis is the one ``notebook_pipeline`` runs (same catalog, same dataset names), so
    each variable the cell reads is loaded from the dataset the pipeline feeds it: after
    ``df = df.dropna()`` in node ``clean``, a later node's ``df`` comes from ``df__clean``.
    """
    from kedro_nb.convert.cells import read_notebook
    from kedro_nb.convert.converter import analyze_file

    path = Path(notebook).resolve()
    _, analysis = analyze_file(path, read_notebook(path))
    for node in analysis.nodes:
        if node.name == node_name:
            inputs = {variable: dataset for dataset, variable in node.input_variables.items()}
            for dataset in node.scan.catalog_loads:  # catalog.load("x"): x is loaded as well
                if dataset.isidentifier():
                    inputs.setdefault(dataset, dataset)
            return DebugCell(node.name, node.source, inputs)
    return None


def notebook_node_names(notebook: Path) -> list[str]:
    """Names of the node cells of ``notebook`` (for "did you mean")."""
    from kedro_nb.convert import analyze_notebook

    return [n.name for n in analyze_notebook({"cells": _read_cells(notebook)}).nodes]
