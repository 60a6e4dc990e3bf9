"""The one-line failure message of `kedro-nb run --notebook` names node, cell (counted from 1,
with its id) and line under every runner: the location travels with the node function, so it
does not depend on what the installed cloudpickle does to code objects shipped to workers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from convert_nbhelpers import code, md

CELLS = [
    md("# Ratios"),
    code("def ratio(a, b):\n    return a / b"),
    code("values = [4, 2, 0]", "load"),
    code("first = ratio(8, values[0])\nlast = ratio(1, values[-1])", "divide"),
]


def run_notebook(path: Path, runner: str) -> subprocess.CompletedProcess[str]:
    """``kedro-nb run --notebook`` on ``path`` with ``runner``, in the notebook's folder."""
    return subprocess.run(
        [sys.executable, "-m", "kedro_nb", "run", "--notebook", path.name, "--runner", runner],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("runner", ["sequential", "thread", "parallel", "dask"])
def test_the_cli_message_names_node_cell_and_line(write_notebook, tmp_path, runner):
    path = write_notebook(CELLS)
    done = run_notebook(path, runner)
    assert done.returncode != 0
    message = next(line for line in done.stderr.splitlines() if line.startswith("kedro-nb run:"))
    assert message == (
        "kedro-nb run: node 'divide' failed in cell 2 (id c01) of analysis.ipynb, line 2: "
        "ZeroDivisionError: division by zero"
    ), done.stderr
    assert "<dynamic-code>" not in done.stderr


@pytest.mark.parametrize("runner", ["sequential", "parallel"])
def test_a_node_reading_exploration_state_fails_with_the_analysis_advice(
    write_notebook, tmp_path, runner
):
    # Loaded in an untagged cell, rebound in a node: a run never runs exploration cells, so the
    # node's NameError (here UnboundLocalError) says which cell to tag.
    path = write_notebook(
        [
            code("rows = [3, None, 1]\nrows"),
            code("rows = [r for r in rows if r is not None]", "clean"),
            code("total = sum(rows)", "add"),
        ]
    )
    done = run_notebook(path, runner)
    assert done.returncode == 1, done.stderr
    message = next(line for line in done.stderr.splitlines() if line.startswith("kedro-nb run:"))
    assert message.startswith(
        "kedro-nb run: node 'clean' failed in cell 2 (id c01) of analysis.ipynb, line 1: "
        "UnboundLocalError: "
    ), done.stderr
    assert message.endswith(
        "(reads 'rows', defined only in exploration cell 1: tag that cell as a node, move it "
        "to setup or declare it in the catalog)"
    ), done.stderr
