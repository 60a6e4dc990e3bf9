"""Logging in a real kernel as ``%load_ext kedro.ipython`` sets it up: after ``%load_ext
kedro_nb`` a project node's ``logger.info`` shows under ``%run_pipeline`` once, the project's
``conf/logging.yml`` and ``$KEDRO_LOGGING_CONFIG`` are honoured, and kedro-nb's progress
display and the log lines do not say the same thing twice."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from tests.kernels import IpcKernelManager

SPACEFLIGHTS = Path(__file__).parents[1] / "fixtures" / "spaceflights"
R2 = "Model has a coefficient R^2"

LOGGING_NODE = """

import logging

_logger = logging.getLogger(__name__)


def evaluate_model(regressor: dict, x_test: pd.DataFrame, y_test: pd.Series) -> dict:
    metrics = _evaluate(regressor, x_test, y_test)
    _logger.info("%s of %.3f on test data.", "Model has a coefficient R^2", metrics["r2"])
    return metrics
"""


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "spaceflights"
    shutil.copytree(SPACEFLIGHTS, root, ignore=shutil.ignore_patterns(".kedro_nb", "__pycache__"))
    nodes = root / "src/spaceflights/pipelines/data_science/nodes.py"
    nodes.write_text(
        nodes.read_text().replace("def evaluate_model(", "def _evaluate(") + LOGGING_NODE
    )
    (root / "notebooks").mkdir()
    return root


def _run_cells(root: Path, cells: list[str], env: dict[str, str] | None = None) -> list[Any]:
    """The cells run top to bottom in a plain python3 kernel started in notebooks/."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=180,
        startup_timeout=180,  # a kernel starting on a busy machine (60 s by default)
        kernel_manager_class=IpcKernelManager,  # no TCP port to race for
        coalesce_streams=True,  # one stream per name: a busy kernel sends a line in pieces
        resources={"metadata": {"path": str(root / "notebooks")}},
    )
    environ = {k: v for k, v in os.environ.items() if k != "KEDRO_LOGGING_CONFIG"}
    client.execute(env={**environ, "DO_NOT_TRACK": "1", **(env or {})})
    return nb.cells


def _streams(cell: Any) -> str:
    """stdout and stderr, each whole (joined by name when run), one after the other."""
    return "\n".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _displayed(cell: Any) -> str:
    return "\n".join(
        str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs if "data" in o
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return _project(tmp_path)


def test_a_project_nodes_info_log_shows_once_beside_the_progress(project: Path) -> None:
    _, run = _run_cells(project, ["%load_ext kedro_nb", "%run_pipeline"])
    streams = _streams(run)
    lines = [line for line in streams.splitlines() if R2 in line]
    assert len(lines) == 1, streams
    assert "spaceflights.pipelines.data_science.nodes" in lines[0]
    # the progress display names the nodes; no log line repeats it (kedro-nb's own INFO is
    # off unless asked for)
    assert "evaluate_model_node" in _displayed(run)
    assert "kedro_nb" not in streams
    assert "evaluate_model_node" not in streams


def _tagged(tag: str) -> str:
    """A logging configuration whose lines start with ``tag``."""
    return (
        "version: 1\n"
        "disable_existing_loggers: false\n"
        f"formatters:\n  tagged:\n    format: '{tag} %(levelname)s %(message)s'\n"
        "handlers:\n  console:\n    class: logging.StreamHandler\n    formatter: tagged\n"
        "    stream: ext://sys.stderr\n"
        "root:\n  handlers: [console]\n  level: WARNING\n"
    )


def test_the_projects_logging_yml_is_honoured(project: Path) -> None:
    (project / "conf/logging.yml").write_text(_tagged("PROJECT-LOG"))
    _, run = _run_cells(project, ["%load_ext kedro_nb", "%run_pipeline"])
    streams = _streams(run)
    assert f"PROJECT-LOG INFO {R2}" in streams
    assert streams.count(R2) == 1


def test_kedro_logging_config_wins(project: Path, tmp_path: Path) -> None:
    (project / "conf/logging.yml").write_text(_tagged("PROJECT-LOG"))
    chosen = tmp_path / "chosen.yml"
    chosen.write_text(_tagged("ENV-LOG"))
    load, run = _run_cells(
        project, ["%load_ext kedro_nb", "%run_pipeline"], {"KEDRO_LOGGING_CONFIG": str(chosen)}
    )
    streams = _streams(run)
    assert f"ENV-LOG INFO {R2}" in streams and "PROJECT-LOG" not in streams
    assert "project 'spaceflights'" in _streams(load)
