"""The nbconvert exporter, found through its entry point as `--to kedro_nb` finds it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from convert_nbhelpers import code
from nbconvert.exporters import get_exporter
from traitlets.config import Config

CELLS = [
    code("import math"),
    code("roots = [math.sqrt(v) for v in values]", "roots"),
    code("total = sum(roots)", "total", pipeline="report"),
]


def test_entry_point_exporter_renders_one_module(write_notebook):
    path = write_notebook(CELLS, catalog="values:\n  type: MemoryDataset\n")
    exporter = get_exporter("kedro_nb")(config=Config({"KedroNbExporter": {"target": "kedro"}}))
    source, resources = exporter.from_filename(str(path))
    assert resources["output_extension"] == ".py"
    assert "import math\n\nfrom kedro.pipeline import Pipeline, node\n" in source
    assert "def roots(values):" in source and "def total(roots):" in source
    namespace: dict = {}
    exec(compile(source, "exported.py", "exec"), namespace)
    assert [n.name for n in namespace["create_pipeline"]().nodes] == ["roots", "total"]


def test_pipeline_name_option_selects_cells(write_notebook):
    path = write_notebook(CELLS, catalog="values:\n  type: MemoryDataset\n")
    exporter = get_exporter("kedro_nb")(config=Config({"KedroNbExporter": {"pipeline_name": "x"}}))
    source, _ = exporter.from_filename(str(path))
    assert "def roots(" in source and "def total(" not in source


def test_jupyter_nbconvert_command_line(write_notebook):
    path = write_notebook(CELLS, catalog="values:\n  type: MemoryDataset\n")
    jupyter = Path(sys.executable).parent / "jupyter"
    subprocess.run(
        [jupyter, "nbconvert", "--to", "kedro_nb", str(path)], check=True, capture_output=True
    )
    assert "def create_pipeline(**kwargs) -> Pipeline:" in path.with_suffix(".py").read_text()


def test_a_notebook_without_nodes_exports_an_empty_pipeline(write_notebook, tmp_path):
    path = write_notebook([code("a = 1")])
    source, _ = get_exporter("kedro_nb")().from_filename(str(path))
    target = tmp_path / "empty.py"
    target.write_text(source)
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [ruff, "check", "--isolated", "--no-cache", str(target)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
    namespace: dict = {}
    exec(compile(source, "empty.py", "exec"), namespace)
    assert namespace["create_pipeline"]().nodes == []
