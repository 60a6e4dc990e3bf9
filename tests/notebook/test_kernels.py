"""Real kernels: fixture notebooks executed by nbclient on the kernelspec ``kedro-nb jupyter
setup`` installs (so no notebook has a ``%load_ext`` line), outputs read back and checked."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from kedro_nb.cli.kernelspec import install_kernelspec
from kedro_nb.notebook.names import JUPYTER_NOTEBOOK_ENV
from tests.kernels import IpcKernelManager

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
    (``JPY_SESSION_NAME`` names the notebook); errors are kept in the outputs. A kernel sends a
    stream in pieces as its buffer flushes (one ``print`` can arrive as two outputs on a busy
    machine): each cell's pieces are joined by stream name, as Jupyter shows them."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=120,
        startup_timeout=180,  # a kernel starting on a busy machine (60 s by default)
        kernel_manager_class=IpcKernelManager,  # no TCP port to race for
        allow_errors=True,
        coalesce_streams=True,
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
    assert "now in the notebook namespace: numbers, total" in texts(run)  # every output
    assert texts(total).strip() == "TOTAL 100"
    shown = texts(load_node)  # in its own output too: headless runs drop the proposed cell
    assert "%load_node total: loaded numbers (list of 4) into variables." in shown  # kept
    assert '    total = sum(numbers) * params["factor"]' in shown
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
    assert "in cell 2 (id cell-1) of failing_notebook.ipynb, line 2:" in report
    assert 'ratio = first / params["divisor"]' in report
    assert report.splitlines()[-2:] == [
        "Resume with:",
        "  %run_pipeline --notebook --params divisor=0 --from-nodes divide",  # values kept
    ]
    error = next(o for o in code_cells(nb)[-1].outputs if o.output_type == "error")
    assert error.ename == "PipelineRunFailed"
    assert not any("kedro_nb/" in line for line in error.traceback)  # no frames of our code


# -- the workbench notebook: a realistic chain with a step skipped by one edge --------------
SALES_NODES = {
    "prepare": 'clean = [x * params["scale"] for x in range(10)]',
    "enrich": 'enriched = [{"value": v, "even": v % 2 == 0} for v in clean]',
    "summarise": (
        'summary = {"evens": sum(r["even"] for r in enriched), "n": len(enriched)}\n'
        'share = summary["evens"] / params["divisor"]'
    ),
    "build_report": (
        "report = f\"{summary['evens']} of {summary['n']}, first {enriched[0]}, share {share}\""
    ),
}


def sales_notebook(folder: Path, cells: list[str], name: str = "sales.ipynb") -> Path:
    """A lone notebook: the four node cells (an exploration cell between two), then ``cells``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "kedro-nb (tests)"}
    for index, (node, source) in enumerate(SALES_NODES.items()):
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": [f"node:{node}"]}))
        if index == 1:
            nb.cells.append(nbformat.v4.new_code_cell("len(enriched)"))  # exploring
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    (folder / "parameters.yml").write_text("scale: 3\ndivisor: 2\nreport:\n  title: Sales\n")
    path = folder / name
    nbformat.write(nb, path)
    return path


class StepKernel:
    """A kernel running a notebook cell by cell, as a person does: cells can be edited (not
    saved) and run again. Started in the notebook's folder with ``JPY_SESSION_NAME`` set;
    stream pieces joined by name, as in :func:`execute`."""

    def __init__(self, kernel: str, path: Path) -> None:
        self.path = path
        self.nb = nbformat.read(path, as_version=4)
        self.client = NotebookClient(
            self.nb,
            kernel_name=kernel,
            timeout=120,
            startup_timeout=180,
            kernel_manager_class=IpcKernelManager,
            allow_errors=True,
            coalesce_streams=True,
            resources={"metadata": {"path": str(path.parent)}},
        )

    def __enter__(self) -> StepKernel:
        env = {**os.environ, JUPYTER_NOTEBOOK_ENV: str(self.path), "DO_NOT_TRACK": "1"}
        self._context = self.client.setup_kernel(env=env)
        self._context.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(*exc)

    def run(self, index: int, source: str | None = None) -> Any:
        """Execute cell ``index`` (after replacing its source, unsaved, when given)."""
        cell = self.nb.cells[index]
        if source is not None:
            cell.source = source
        cell.outputs = []
        self.client.execute_cell(cell, index)
        return cell

    def run_all(self) -> list[Any]:
        return [self.run(i) for i, cell in enumerate(self.nb.cells) if cell.cell_type == "code"]

    def add(self, source: str) -> Any:
        """Append a new (unsaved) cell and run it."""
        self.nb.cells.append(nbformat.v4.new_code_cell(source))
        return self.run(len(self.nb.cells) - 1)


def displays(cell: Any) -> list[dict[str, Any]]:
    return [o["data"] for o in cell.outputs if o.output_type == "display_data"]


def test_displays_read_at_a_glance(kernel: str, tmp_path: Path) -> None:
    path = sales_notebook(
        tmp_path,
        [
            "pipelines",
            "catalog",
            "params",
            "%run_pipeline --notebook --from-nodes summarise",  # nothing in memory yet
            "%run_pipeline --notebook",
            "%run_pipeline --notebook --params divisor=0",
            "session",
            "pipelines['sales']",
        ],
    )
    nb = execute(kernel, path)
    *_, names, catalog, params, refused, run, failed, session, picture = code_cells(nb)
    listing = result(names)
    assert "<table" in listing["text/html"] and "sales" in listing["text/html"]
    assert "notebook sales.ipynb (saved file)" in listing["text/plain"]
    assert "; 3 parameters, see params" in result(catalog)["text/plain"]
    assert result(params)["text/plain"].startswith("Parameters: 3")
    # refused before any node ran: one line, and no progress table left behind
    assert [(o.output_type, o.get("name")) for o in refused.outputs] == [("stream", "stderr")]
    assert texts(refused).startswith("UsageError: %run_pipeline: MissingInputsError")
    assert "['enriched']" in texts(refused)
    (summary,) = displays(run)
    title = re.search(r'<div class="kedro-nb-title">([^<]*)</div>', summary["text/html"])
    assert title and title.group(1).startswith("Run of notebook sales.ipynb: 4 nodes in ")
    run_id = re.search(r"run id: (\S+)", summary["text/plain"]).group(1)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d\.\d{3}Z", run_id)
    (table,) = displays(failed)
    states = dict(
        re.findall(r"<td>(\w+)</td><td>(not run|done|failed|running)</td>", table["text/html"])
    )
    assert states == {
        "prepare": "done",
        "enrich": "done",
        "summarise": "failed",
        "build_report": "not run",
    }
    assert "pending" not in table["text/html"]
    shown = result(session)["text/plain"]
    assert f"{run_id}  " in shown and "notebook:sales.ipynb  success" in shown
    assert "notebook:sales.ipynb  failed" in shown
    svg = result(picture)["text/html"]
    assert svg.count("<rect") == 4 and 'data-from="enrich" data-to="build_report"' in svg


def test_staleness_note_only_when_the_saved_file_is_behind(kernel: str, tmp_path: Path) -> None:
    path = sales_notebook(tmp_path, ["%run_pipeline --notebook"])
    with StepKernel(kernel, path) as nb:
        *_, run = nb.run_all()  # right after a save: the kernel ran exactly the saved cells
        assert "Run of notebook sales.ipynb: 4 nodes" in texts(run)
        assert "not saved" not in texts(run)
        nb.add("print('exploring')")  # another unsaved cell alone changes no node...
        nb.run(0, 'clean = [x * params["scale"] * 2 for x in range(10)]')  # ...this edit does
        again = nb.run(len(nb.nb.cells) - 2)
        assert "Note: sales.ipynb has changes not saved yet" in texts(again)
        nbformat.write(nb.nb, path)  # saved: the note goes away
        assert "not saved" not in texts(nb.run(len(nb.nb.cells) - 2))


def test_results_stay_in_the_kernel_for_the_next_run(kernel: str, tmp_path: Path) -> None:
    path = sales_notebook(
        tmp_path,
        [
            "del clean, enriched\n%run_pipeline --notebook --to-outputs enriched --into-namespace",
            "print('GOT', len(clean), len(enriched))",
            "catalog['enriched'] = enriched[:3]  # the user's own value feeds the next run",
            "%run_pipeline --notebook --from-nodes summarise --into-namespace",
            "print('REPORT', report)",
            "catalog",
            "%run_pipeline --notebook --into-namespace",
            "print('FULL', summary, share)",
            "%run_pipeline --notebook --params divisor=0",
            "catalog.release('enriched')\n%run_pipeline --notebook --from-nodes summarise",
            "%config KedroNb.keep_results = False\n%run_pipeline --notebook --params divisor=0",
            "catalog",
        ],
    )
    nb = execute(kernel, path)
    cells = code_cells(nb)[5:]
    to_outputs, got, _, from_nodes, report, shown, full, full_values, failed, released = cells[:10]
    off_failed, off_catalog = cells[10:]
    assert "now in the notebook namespace: clean, enriched" in texts(to_outputs)
    assert texts(got).strip() == "GOT 10 10"
    assert "Run of notebook sales.ipynb: 2 nodes" in texts(from_nodes)  # summarise, build_report
    assert texts(report).strip().startswith("REPORT 2 of 3, first {'value': 0, 'even': True}")
    listing = result(shown)["text/plain"]
    assert re.search(r"; 5 in memory, [\d.]+ (B|KB)$", listing.splitlines()[0])
    assert re.search(r"enriched +MemoryDataset +\(memory, [\d.]+ (B|KB)\) +yes", listing)
    assert "kept in memory for later runs: clean, enriched, summary, share, report" in texts(full)
    assert texts(full_values).strip() == "FULL {'evens': 5, 'n': 10} 2.5"
    assert texts(failed).strip().splitlines()[
        -1
    ] == (  # enriched is in memory: only summarise on needs a run
        "  %run_pipeline --notebook --params divisor=0 --from-nodes summarise"
    )
    assert "MissingInputsError" in texts(released) and "['enriched']" in texts(released)
    assert texts(off_failed).strip().splitlines()[-1].endswith("--from-nodes prepare")  # none kept
    assert "in memory" not in result(off_catalog)["text/plain"].splitlines()[0]
