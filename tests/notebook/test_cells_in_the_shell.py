"""Node cells as people write them, run in a real IPython shell: the cells' magics behave as
IPython makes them; ``%run_pipeline --notebook`` runs the same cells without IPython (translated
magics, in-place updates handed on) and gives every value the cells gave; a node cell IPython
alone can run is refused in one line naming its cell and line."""

from __future__ import annotations

import nbformat
import pytest
from IPython.core.error import UsageError
from nbformat.v4 import new_code_cell, new_notebook

from kedro_nb.notebook.names import JUPYTER_NOTEBOOK_ENV

CELLS = [
    ("%load_ext autoreload\nimport math", None),
    ("numbers = [1, 2, 3]\n%time doubled = [n * 2 for n in numbers]", "double"),
    ("%timeit -n 1 -r 1 len(doubled)\nroots = %time [math.sqrt(d) for d in doubled]", "roots"),
    ("doubled.append(len(roots))", "grow"),
    ("%%time\ntotal = sum(doubled) + sum(roots)", "report"),
]


def _write(path, cells):
    nb = new_notebook()
    for number, (source, node) in enumerate(cells):
        cell = new_code_cell(source)
        cell["id"] = f"c{number}"
        if node:
            cell.metadata["tags"] = [f"node:{node}"]
        nb.cells.append(cell)
    nbformat.write(nb, path)


@pytest.mark.parametrize("runner", ["sequential", "parallel"])
def test_run_pipeline_gives_the_values_the_cells_gave(shell, tmp_path, monkeypatch, capsys, runner):
    path = tmp_path / "magics.ipynb"
    _write(path, CELLS)
    monkeypatch.setenv(JUPYTER_NOTEBOOK_ENV, str(path))
    shell.run_line_magic("load_ext", "kedro_nb")
    for source, _ in CELLS:
        assert shell.run_cell(source).success
    assert "Wall time" in capsys.readouterr().out  # %time ran as IPython's magic
    by_cells = {k: shell.user_ns.pop(k) for k in ("doubled", "roots", "total")}
    shell.run_line_magic("run_pipeline", f"--notebook --runner {runner} --into-namespace")
    assert "Wall time" not in capsys.readouterr().out  # nodes run the plain statements
    assert {k: shell.user_ns[k] for k in by_cells} == by_cells
    assert by_cells["doubled"] == [2, 4, 6, 3]


def test_a_node_cell_only_ipython_can_run_is_refused_with_cell_and_line(
    shell, tmp_path, monkeypatch
):
    path = tmp_path / "shell.ipynb"
    _write(path, [("import math", None), ("x = 1\n!pip install nothing", "setup_env")])
    monkeypatch.setenv(JUPYTER_NOTEBOOK_ENV, str(path))
    shell.run_line_magic("load_ext", "kedro_nb")
    with pytest.raises(UsageError, match=r"\(cell 2, line 2\): '!pip install nothing' cannot run"):
        shell.run_line_magic("run_pipeline", "--notebook")
