"""notebook_pipeline: node cells run as functions by the real runners; tracebacks map to cells."""

from __future__ import annotations

import pickle
import traceback

import cloudpickle
import pytest
from convert_nbhelpers import code

from kedro_nb.convert import CellLocation, cell_location, notebook_pipeline
from kedro_nb.convert.errors import SetupCellError
from kedro_nb.io import DataCatalog
from kedro_nb.runner import ParallelRunner, SequentialRunner, node_failure

CELLS = [
    code("import math\n\nOFFSET = 10\n\n\ndef shift(x):\n    return x + OFFSET"),
    code("numbers = list(range(1, 4))\nparams = {'power': 2}"),
    code("%time squares = [math.pow(n, params['power']) for n in numbers]", "square"),
    code("numbers.append(4)"),
    code("# Total of the shifted squares.\ntotal = sum(shift(s) for s in squares)", "total"),
]


def _where(exc: BaseException) -> tuple[int, str | None, int | None] | None:
    location = cell_location(exc)
    return None if location is None else (location.cell_index, location.cell_id, location.line)


def _catalog(**values):
    catalog = DataCatalog()
    for name, value in values.items():
        catalog[name] = value
    return catalog


def test_runs_under_the_sequential_runner_with_only_declared_inputs(write_notebook):
    path = write_notebook(CELLS, catalog="numbers:\n  type: MemoryDataset\n")
    pipeline = notebook_pipeline(path)
    assert [(n.name, n.inputs, n.outputs) for n in pipeline.nodes] == [
        ("square", ["numbers", "params:power"], ["squares"]),
        ("total", ["squares"], ["total"]),
    ]
    result = SequentialRunner().run(pipeline, _catalog(numbers=[1, 2, 3], **{"params:power": 2}))
    assert result["total"].load() == 14.0 + 30
    assert pipeline.nodes[1].func.__doc__ == "Total of the shifted squares."


def test_tracebacks_show_the_cells_code(write_notebook):
    path = write_notebook(CELLS, catalog="numbers:\n  type: MemoryDataset\n")
    square, total = (n.func for n in notebook_pipeline(path).nodes)
    with pytest.raises(TypeError) as info:
        total(None)
    assert cell_location(info.value) == CellLocation(
        "analysis.ipynb", 4, "c04", 2, "total = sum(shift(s) for s in squares)"
    )
    assert str(cell_location(info.value)) == (
        "cell 5 (id c04) of analysis.ipynb, line 2: total = sum(shift(s) for s in squares)"
    )
    frames = traceback.format_exception(info.value)
    assert any("total = sum(shift(s) for s in squares)" in frame for frame in frames)
    assert "kedro-nb: node 'total' failed in cell 5 (id c04)" in frames[-1] + "".join(frames)
    with pytest.raises(TypeError) as info:
        square(None, 2)
    assert _where(info.value) == (2, "c02", 1)


def test_setup_function_failures_map_to_the_setup_cell(write_notebook):
    path = write_notebook(CELLS, catalog="numbers:\n  type: MemoryDataset\n")
    total = notebook_pipeline(path).nodes[1].func
    with pytest.raises(TypeError) as info:
        total(["text"])
    assert _where(info.value) == (0, "c00", 7)
    assert cell_location(ValueError("not from a cell")) is None


def test_functions_survive_cloudpickle_by_value(write_notebook):
    """Whatever cloudpickle does to code objects (3.1.3 renames their file), errors of a
    function shipped by value still name the cell and line, in the node's cell and in setup."""
    path = write_notebook(CELLS, catalog="numbers:\n  type: MemoryDataset\n")
    total = notebook_pipeline(path).nodes[1].func
    clone = pickle.loads(cloudpickle.dumps(total))
    assert clone([1.0, 4.0]) == 25.0
    with pytest.raises(TypeError) as info:
        clone(None)
    assert _where(info.value) == (4, "c04", 2)
    with pytest.raises(TypeError) as info:
        clone(["text"])
    assert _where(info.value) == (0, "c00", 7)
    assert str(cell_location(info.value)).endswith("line 7: return x + OFFSET")
    revived = pickle.loads(cloudpickle.dumps(info.value))  # the way back from a worker
    assert _where(revived) == (0, "c00", 7)


def test_runner_failure_maps_to_cell_and_line(write_notebook):
    path = write_notebook(CELLS, catalog="numbers:\n  type: MemoryDataset\n")
    with pytest.raises(TypeError) as info:
        SequentialRunner().run(
            notebook_pipeline(path), _catalog(numbers=["a"], **{"params:power": 2})
        )
    assert node_failure(info.value).node_name == "square"
    assert _where(info.value) == (2, "c02", 1)


def test_parallel_runner_ships_cell_functions_to_processes(write_notebook):
    path = write_notebook(CELLS, catalog="numbers:\n  type: MemoryDataset\n")
    catalog = _catalog(numbers=[1, 2], **{"params:power": 3})
    result = ParallelRunner(max_workers=2).run(notebook_pipeline(path), catalog)
    assert result["total"].load() == 1.0 + 8.0 + 20


def test_a_failing_setup_cell_is_reported_with_its_cell(write_notebook):
    path = write_notebook([code("import no_such_module_here"), code("a = 1", "n")])
    with pytest.raises(SetupCellError, match="Setup cell 1 ") as info:
        notebook_pipeline(path)
    assert _where(info.value) == (0, "c00", 1)


@pytest.mark.parametrize("runner", ["thread", "parallel", "dask"])
def test_every_runner_reports_the_cell_and_line(write_notebook, runner):
    from kedro_nb.runner import runner_from_name

    path = write_notebook(CELLS, catalog="numbers:\n  type: MemoryDataset\n")
    catalog = _catalog(numbers=["a"], **{"params:power": 2})
    instance = runner_from_name(runner)
    try:
        with pytest.raises(TypeError) as info:
            instance.run(notebook_pipeline(path), catalog)
    finally:  # the Dask runner's cluster stays up until closed (not until interpreter exit)
        getattr(instance, "close", lambda: None)()
    assert node_failure(info.value).node_name == "square"
    assert cell_location(info.value) == CellLocation(
        "analysis.ipynb",
        2,
        "c02",
        1,
        "%time squares = [math.pow(n, params['power']) for n in numbers]",
    )
