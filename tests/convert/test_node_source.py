"""The cell ``%load_node`` writes for a project node, from the function's own source."""

from __future__ import annotations

import functools

import pytest

from kedro_nb.convert.errors import NodeSourceError
from kedro_nb.convert.node_source import project_node_cell
from kedro_nb.pipeline import node


def _train(features, options):
    """Fit something."""
    scaled = [x * options["scale"] for x in features]
    if not scaled:
        return []
    return sorted(
        scaled,
    )


def _decorated_body(data):
    @functools.lru_cache
    def helper(x):
        return x + 1

    return helper(data)


def _scale(data, factor):
    return data * factor


def test_body_is_dedented_docstring_dropped_last_return_shown() -> None:
    cell = project_node_cell(node(_train, ["features", "params:model"], "model", name="train"))
    assert cell.inputs == {"features": "features", "options": "params:model"}
    lines = cell.source.splitlines()
    assert lines[0] == 'scaled = [x * options["scale"] for x in features]'
    assert "    return []" in lines  # only the final, top-level return becomes an expression
    assert lines[-3:] == ["sorted(", "    scaled,", ")"]
    assert "Fit something" not in cell.source


def test_nested_definitions_keep_their_decorators() -> None:
    cell = project_node_cell(node(_decorated_body, "data", "out", name="dec"))
    assert cell.source.splitlines()[0] == "@functools.lru_cache"
    assert cell.source.splitlines()[-1] == "helper(data)"


def test_partial_functions_show_the_wrapped_function() -> None:
    cell = project_node_cell(node(functools.partial(_scale, factor=2), "data", "out", name="p"))
    assert cell.source == "data * factor"
    assert cell.inputs == {"data": "data"}
    assert cell.bound == {"factor": 2}


def test_lambdas_are_refused_with_the_fix() -> None:
    with pytest.raises(NodeSourceError, match="write it as a def"):
        project_node_cell(node(lambda x: x, "a", "b", name="lam"))
