"""Real kernels: fixture notebooks executed by nbclient on the kernelspec ``kedro-nb jupyter
setup`` installs (so no notebook has a ``%load_ext`` line), outputs read back and checked."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from kedro_nb.notebook.kernelspec import install_kernelspec
from kedro_nb.notebook.names import JUPYTER_NOTEBOOK_ENV

FIXTURES = Path(__file__).parent / "fixtures"
SPACEFLIGHTS = Path(__file__).parents[1] / "fixtures" / "spaceflights"
SECRET = "FAKE-SECRET-4f1c9a"  # in spaceflights' conf/local/credentials.yml
LONE_SECRET = "LONE-SECRET-77d1"
KERNEL = "kedro_nb_test"


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Our kernelspec, installed under a temporary prefix that Jupyter is pointed at."""
    prefix = tmp_path_factory.mktemp("jupyter-prefix")
    install_kernelspec(KERNEL, "kedro-nb (tests)", user=False, prefix=prefix)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
        yield KERNEL


def execute(kernel: str, path: Path) -> nbformat.NotebookNode:
    """Run every cell of ``path`` in a fresh kernel started in its folder, as Jupyter would
    (``JPY_SESSION_NAME`` names the notebook); errors are kept in the outputs."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=120,
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    env = {**os.environ, JUPYTER_NOTEBOOK_ENV: str(path), "DO_NOT_TRACK": "1"}
    client.execute(env=env)
    return nb


def texts(cell: Any) -> str:
    """Everything a cell showed: streams, every mime type of displays and results, errors."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts += [
            v if isinstance(v, str) else json.dumps(v) for v in output.get("data", {}).values()
        ]
        parts += [output.get("ename", ""), output.get("evalue", "")]
        parts += output.get("traceback", [])
    return "\n".join(parts)


def result(cell: Any) -> dict[str, str]:
    """The cell's ``execute_result`` data (log records may be displayed before it)."""
    return next(o for o in cell.outputs if o.output_type == "execute_result")["data"]


def code_cells(nb: nbformat.NotebookNode) -> list[Any]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def errors(nb: nbformat.NotebookNode) -> list[str]:
    return [texts(c) for c in code_cells(nb) if any(o.output_type == "error" for o in c.outputs)]


def test_project_notebook(kernel: str, tmp_path: Path) -> None:
    root = tmp_path / "spaceflights"
    shutil.copytree(SPACEFLIGHTS, root, ignore=shutil.ignore_patterns(".kedro_nb", "__pycache__"))
    (root / "notebooks").mkdir()
    path = root / "notebooks" / "project_notebook.ipynb"
    shutil.copy(FIXTURES / path.name, path)
    nb = execute(kernel, path)
    assert errors(nb) == []
    catalog, params, pipeline, run, rows, session, _, reload, seed = code_cells(nb)
    html = result(catalog)["text/html"]
    assert "<table" in html and "pandas.CSVDataset" in html and "companies" in html
    assert "model_options.seed" in result(params)["text/html"]
    assert "<svg" in result(pipeline)["text/html"]
    assert "Run of pipeline &#x27;data_processing&#x27;: 3 nodes" in texts(run)
    assert "model_input_table" in texts(run)
    assert int(texts(rows).split("ROWS")[1]) > 0
    assert "success" in result(session)["text/html"]
    assert "project 'spaceflights'" in texts(reload)
    assert texts(seed).strip() == "SEED 12"
    assert SECRET not in json.dumps(nb)


def test_lone_notebook_uses_the_embedded_default(kernel: str, tmp_path: Path) -> None:
    path = tmp_path / "lone_notebook.ipynb"
    shutil.copy(FIXTURES / path.name, path)
    (tmp_path / "parameters.yml").write_text("factor: 10\n")
    (tmp_path / "credentials.yml").write_text(f"store:\n  token: {LONE_SECRET}\n")
    (tmp_path / "catalog.yml").write_text(
        "remote:\n  type: pandas.CSVDataset\n  filepath: s3://bucket/x.csv\n  credentials: store\n"
    )
    nb = execute(kernel, path)
    assert errors(nb) == []
    _, _, run, total, load_node, catalog, session = code_cells(nb)
    assert "Run of notebook lone_notebook.ipynb: 2 nodes" in texts(run)
    assert "now in the notebook namespace: total" in texts(run)
    assert texts(total).strip() == "TOTAL 100"
    assert not load_node.outputs  # the node's code went to a new cell, silently
    assert "s3://bucket/x.csv" in result(catalog)["text/html"]
    assert "success" in result(session)["text/html"]
    assert LONE_SECRET not in json.dumps(nb)


def test_failing_node_names_the_cell_and_the_resume_line(kernel: str, tmp_path: Path) -> None:
    path = tmp_path / "failing_notebook.ipynb"
    shutil.copy(FIXTURES / path.name, path)
    (tmp_path / "parameters.yml").write_text("divisor: 2\n")
    nb = execute(kernel, path)
    (report,) = errors(nb)
    assert "Node 'divide' failed: ZeroDivisionError: division by zero" in report
    assert "in cell 2 of failing_notebook.ipynb (counting from 1), line 2:" in report
    assert 'ratio = first / params["divisor"]' in report
    assert report.splitlines()[-2:] == [
        "Resume with:",
        "  %run_pipeline --notebook --params divisor=0 --from-nodes prepare",
    ]
    error = next(o for o in code_cells(nb)[-1].outputs if o.output_type == "error")
    assert error.ename == "PipelineRunFailed"
    assert not any("kedro_nb/" in line for line in error.traceback)  # no frames of our code
