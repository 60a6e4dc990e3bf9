"""Recognising Kedro's standard ``register_pipelines()`` from its source, without importing it.

The standard registry returns exactly the pipeline folders and their sum as ``__default__``, so
kedro-nb can serve any pipeline from its folder alone: importing the registry would import all
pipelines and, in a Kedro project, ``kedro.framework.project`` with its dependencies.
"""

from __future__ import annotations

import ast
from typing import Any

from kedro_nb.shared import DEFAULT_PIPELINE


def is_standard_registry(source: str) -> bool:
    """True when ``register_pipelines`` only collects ``find_pipelines()`` and sets the
    default to their sum: every statement is that call's assignment, ``p["__default__"] =
    sum(p.values())``, or ``return p`` (docstrings and annotations allowed)."""
    tree = ast.parse(source)
    functions = [
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "register_pipelines"
    ]
    if len(functions) != 1:
        return False
    collected: str | None = None
    for statement in functions[0].body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # docstring
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and collected is None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            call = statement.value
            if (
                len(targets) == 1
                and isinstance(targets[0], ast.Name)
                and isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == "find_pipelines"
            ):
                collected = targets[0].id
                continue
            return False
        if isinstance(statement, ast.Assign) and collected is not None:
            target = statement.targets[0]
            if (
                len(statement.targets) == 1
                and isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id == collected
                and isinstance(target.slice, ast.Constant)
                and target.slice.value == DEFAULT_PIPELINE
                and _is_sum_of_values(statement.value, collected)
            ):
                continue
            return False
        if (
            isinstance(statement, ast.Return)
            and isinstance(statement.value, ast.Name)
            and statement.value.id == collected
        ):
            continue
        return False
    return collected is not None


def _is_sum_of_values(expression: Any, collected: str) -> bool:
    """``sum(<collected>.values())``, with or without a start value."""
    if not (
        isinstance(expression, ast.Call)
        and isinstance(expression.func, ast.Name)
        and expression.func.id == "sum"
        and expression.args
    ):
        return False
    values = expression.args[0]
    return (
        isinstance(values, ast.Call)
        and isinstance(values.func, ast.Attribute)
        and values.func.attr == "values"
        and isinstance(values.func.value, ast.Name)
        and values.func.value.id == collected
        and not values.args
    )
