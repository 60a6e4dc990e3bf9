"""``--notebook`` runs and ``%load_node`` of notebook nodes, the shell knowing its notebook."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from IPython.core.error import UsageError

from kedro_nb.notebook.errors import PipelineRunFailed
from kedro_nb.notebook.names import JUPYTER_NOTEBOOK_ENV

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def lone(shell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The lone fixture notebook in ``tmp_path``, parameters beside it; the shell runs it."""
    path = tmp_path / "lone_notebook.ipynb"
    shutil.copy(FIXTURES / path.name, path)
    (tmp_path / "parameters.yml").write_text("factor: 10\n")
    monkeypatch.setenv(JUPYTER_NOTEBOOK_ENV, str(path))
    shell.run_line_magic("load_ext", "kedro_nb")
    return path


def test_load_in_a_lone_folder_says_embedded_default(capsys, lone, shell) -> None:
    out = capsys.readouterr().out
    assert f"no project found; embedded default from {lone.parent}" in out
    assert shell.user_ns["params"] == {"factor": 10}


def test_notebook_run_repeats_and_fills_the_namespace(lone, shell, capsys) -> None:
    for _ in range(2):
        shell.run_line_magic("run_pipeline", "--notebook --into-namespace")
    out = capsys.readouterr().out
    assert out.count("Run of notebook lone_notebook.ipynb: 2 nodes") == 2
    assert shell.user_ns["total"] == 100
    assert shell.user_ns["catalog"].load("total") == 100
    assert [r.status for r in shell.user_ns["session"].runs(limit=5)] == ["success", "success"]
    data, _ = shell.display_formatter.format(shell.user_ns["session"])
    assert "embedded default" in data["text/plain"]
    assert data["text/plain"].count("notebook:lone_notebook.ipynb  success") == 2


def test_notebook_run_in_worker_processes_shows_each_cell_node_live(lone, shell, capsys) -> None:
    capsys.readouterr()
    shell.run_line_magic("run_pipeline", "--notebook --runner parallel --into-namespace")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" (")[0] for line in lines[:4]] == [
        "[0/2] \u25b6 make_numbers running",
        "[1/2] \u2713 make_numbers done",
        "[1/2] \u25b6 total running",
        "[2/2] \u2713 total done",
    ]
    assert lines[4].startswith("Run of notebook lone_notebook.ipynb (parallel runner): 2 nodes")
    assert shell.user_ns["total"] == 100


def test_notebook_run_notes_code_run_since_the_last_save(lone, shell, capsys) -> None:
    old = time.time() - 120
    os.utime(lone, (old, old))
    shell.run_cell("numbers = [1, 2, 3, 4]")  # a saved cell, run again: the file has it
    shell.run_line_magic("run_pipeline", "--notebook")
    assert "not saved" not in capsys.readouterr().err
    shell.run_cell("numbers = [5, 6]")  # an edit the file does not have
    shell.run_line_magic("run_pipeline", "--notebook")
    assert "Note: lone_notebook.ipynb has changes not saved yet (a cell run since" in (
        capsys.readouterr().err
    )
    shell.run_line_magic("run_pipeline", f"--notebook {lone.name}")  # named: still its own
    assert "not saved yet" in capsys.readouterr().err


def test_new_cells_that_only_run_magics_or_look_at_values_need_no_save(lone, shell, capsys) -> None:
    # The way people work: a new, unsaved cell holding the run line, then one looking at a
    # result. Neither can be an edit of a node cell, so no run warns about them.
    old = time.time() - 120
    os.utime(lone, (old, old))
    looks = (
        "%run_pipeline --notebook",
        "# look\ntotal",
        "print(total)",
        "%run_pipeline --notebook",
    )
    for source in looks:
        shell.run_cell(source)
    captured = capsys.readouterr()
    assert captured.out.count("Run of notebook lone_notebook.ipynb: 2 nodes") == 2
    assert "not saved" not in captured.err + captured.out
    shell.run_cell("total = 5")  # this could be an edited node cell: the note comes back
    shell.run_cell("%run_pipeline --notebook")
    assert "not saved yet (a cell run since" in capsys.readouterr().err


def test_without_a_project_a_pipeline_run_points_to_notebook_runs(lone, shell) -> None:
    with pytest.raises(UsageError, match=r"no project found\); run this notebook's node cells"):
        shell.run_line_magic("run_pipeline", "")


def test_a_notebook_without_node_cells_says_how_to_make_one(lone, shell) -> None:
    empty = lone.parent / "empty.ipynb"
    empty.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    with pytest.raises(UsageError, match=r"empty.ipynb has no node cells; tag a code cell 'node:"):
        shell.run_line_magic("run_pipeline", "--notebook empty.ipynb")


def test_notebook_node_names_are_checked(lone, shell) -> None:
    with pytest.raises(UsageError, match=r"nodes named \['totl'\].*(?i:did you mean).*total"):
        shell.run_line_magic("run_pipeline", "--notebook --to-nodes totl")
    with pytest.raises(UsageError, match="give a pipeline name or --notebook"):
        shell.run_line_magic("run_pipeline", "x --notebook")


def test_load_node_of_a_notebook_cell(lone, shell) -> None:
    shell.run_line_magic("run_pipeline", "--notebook --to-nodes make_numbers")
    shell.run_line_magic("load_node", "total")
    cell = shell.rl_next_input
    assert cell.splitlines()[0] == "# %load_node total: inputs loaded: numbers"
    assert 'total = sum(numbers) * params["factor"]' in cell
    assert shell.user_ns["numbers"] == [1, 2, 3, 4]


def test_load_node_says_how_to_produce_missing_inputs(lone, shell) -> None:
    shell.run_line_magic("run_pipeline", "--notebook")
    shell.user_ns["catalog"].release("numbers")  # the kernel kept it; now it is gone
    shell.run_line_magic("load_node", "total")
    header = shell.rl_next_input.splitlines()[:3]
    assert header == [
        "# %load_node total: inputs loaded: none",
        "# not loaded, no data yet: numbers; produce them, then %load_node again:",
        "#   %run_pipeline --notebook --to-outputs numbers",
    ]
    shell.run_line_magic("run_pipeline", "--notebook --to-outputs numbers")
    shell.run_line_magic("load_node", "total")
    assert shell.rl_next_input.startswith("# %load_node total: inputs loaded: numbers\n")


def test_failure_in_a_notebook_cell(shell, tmp_path: Path, monkeypatch, capsys) -> None:
    path = tmp_path / "failing_notebook.ipynb"
    shutil.copy(FIXTURES / path.name, path)
    (tmp_path / "parameters.yml").write_text("divisor: 0\n")
    shell.run_line_magic("load_ext", "kedro_nb")
    with pytest.raises(PipelineRunFailed) as caught:
        shell.run_line_magic("run_pipeline", f"--notebook {path.name}")
    lines = caught.value.report.splitlines()
    assert lines[:3] == [
        "Node 'divide' failed: ZeroDivisionError: division by zero",
        "  in cell 2 (id cell-1) of failing_notebook.ipynb, line 2:",
        '      ratio = first / params["divisor"]',
    ]
    # 'values' is kept in the kernel's memory: resuming needs only the failed node
    assert lines[-1] == f"  %run_pipeline --notebook {path.name} --from-nodes divide"
    assert "\u2717 divide failed" in capsys.readouterr().out
    shell.run_line_magic("config", "KedroNb.keep_results = False")  # as a script: nothing kept
    with pytest.raises(PipelineRunFailed) as caught:
        shell.run_line_magic("run_pipeline", f"--notebook {path.name}")
    assert caught.value.report.splitlines()[-1].endswith("--from-nodes prepare")


def test_vscode_notebook_variable_locates_the_project(shell, tmp_path: Path, capsys) -> None:
    """VS Code names the notebook in the namespace; the working directory is elsewhere."""
    folder = tmp_path / "analysis"
    folder.mkdir()
    path = folder / "lone_notebook.ipynb"
    shutil.copy(FIXTURES / path.name, path)
    (folder / "parameters.yml").write_text("factor: 3\n")
    shell.user_ns["__vsc_ipynb_file__"] = str(path)
    shell.run_line_magic("load_ext", "kedro_nb")
    assert f"embedded default from {folder}" in capsys.readouterr().out
    assert shell.user_ns["params"] == {"factor": 3}
    shell.run_line_magic("run_pipeline", "--notebook --into-namespace")
    assert shell.user_ns["total"] == 30


def test_the_notebooks_own_pipeline_is_in_pipelines_under_its_name(lone, shell, capsys) -> None:
    pipelines = shell.user_ns["pipelines"]
    assert list(pipelines) == ["lone_notebook"]
    assert [n.name for n in pipelines["lone_notebook"].nodes] == ["make_numbers", "total"]
    with pytest.raises(KeyError, match=r"the only pipeline is this notebook's own node cells"):
        pipelines["__default__"]
    capsys.readouterr()
    shell.run_line_magic("run_pipeline", "lone_notebook")  # by name, as --notebook
    assert "Run of notebook lone_notebook.ipynb: 2 nodes" in capsys.readouterr().out


def test_load_node_names_the_notebook_when_the_kernel_cannot_tell(
    shell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(FIXTURES / "lone_notebook.ipynb", tmp_path / "lone_notebook.ipynb")
    monkeypatch.delenv(JUPYTER_NOTEBOOK_ENV, raising=False)  # as under papermill or nbclient
    shell.run_line_magic("load_ext", "kedro_nb")
    with pytest.raises(UsageError) as caught:
        shell.run_line_magic("load_node", "total")
    assert str(caught.value).endswith(
        "it is a node cell of lone_notebook.ipynb (this kernel cannot tell its notebook): "
        "%load_node total --notebook lone_notebook.ipynb"
    )
    shell.run_line_magic("load_node", "total --notebook lone_notebook.ipynb")
    assert shell.rl_next_input.splitlines()[-1] == 'total = sum(numbers) * params["factor"]'
