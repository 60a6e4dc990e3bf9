"""Helpers of the stripper's tests: notebooks built with nbformat, saved as Jupyter does."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

PYTHON = sys.executable
KEDRO_NB = str(Path(sys.executable).parent / "kedro-nb")


def executed_notebook() -> nbformat.NotebookNode:
    """A notebook as Jupyter saves it after a run: outputs, counts and volatile metadata."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    image = base64.b64encode(bytes(range(256)) * 8).decode()
    code = new_code_cell(
        "import math\nprint('héllo wörld ✓')\nmath.pi",
        execution_count=7,
        outputs=[
            new_output("stream", name="stdout", text="héllo wörld ✓\n"),
            new_output("execute_result", data={"text/plain": "3.14"}, execution_count=7),
            new_output("display_data", data={"image/png": image, "text/plain": "<Figure>"}),
        ],
    )
    code.metadata.update(
        {
            "scrolled": True,
            "collapsed": False,
            "tags": ["node:area"],
            "kedro_nb": {"outputs": ["a"]},
        }
    )
    code.metadata["ExecuteTime"] = {"start_time": "2024-01-01T00:00:00Z", "end_time": "x"}
    code.metadata["execution"] = {"iopub.status.busy": "2024-01-01T00:00:00Z"}
    failing = new_code_cell(
        "1 / 0",
        execution_count=8,
        outputs=[
            new_output(
                "error", ename="ZeroDivisionError", evalue="division by zero", traceback=["tb"]
            )
        ],
    )
    nb.cells = [new_markdown_cell("# Ünïcode title\n\ntext ✓"), code, failing, new_raw_cell("raw")]
    return nb


def write_notebook(path: Path, nb: nbformat.NotebookNode) -> Path:
    """Write ``nb`` exactly as Jupyter saves it."""
    path.write_text(nbformat.writes(nb), encoding="utf-8", newline="\n")
    return path


def run(args: list[str], *, cwd: Path | None = None, stdin: bytes | None = None, env=None):
    """Run a command, capturing bytes; no check (tests assert on the code)."""
    return subprocess.run(
        args, cwd=cwd, input=stdin, capture_output=True, check=False, env=env or os.environ.copy()
    )


@pytest.fixture
def kedro_nb() -> str:
    """Path of the installed ``kedro-nb`` console script (what git and pre-commit run)."""
    return KEDRO_NB


@pytest.fixture
def sh():
    """Run a command and capture bytes, without raising: tests assert on the exit code."""
    return run


@pytest.fixture
def nb_dict():
    """Factory: a fresh executed notebook as a plain dict (what json.loads gives)."""
    import json

    return lambda: json.loads(nbformat.writes(executed_notebook()))


@pytest.fixture
def notebook_file(tmp_path: Path) -> Path:
    """An executed notebook saved by nbformat in a temporary folder."""
    return write_notebook(tmp_path / "analysis.ipynb", executed_notebook())
