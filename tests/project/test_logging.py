"""Logging under ``kedro-nb run`` as under ``kedro run``: a node's ``logger.info`` is shown,
``$KEDRO_LOGGING_CONFIG`` and ``conf/logging.yml`` are honoured, kedro-nb's own INFO lines do
not repeat its summary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KEDRO_NB = Path(sys.executable).with_name("kedro-nb")


def _run(project: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in (env or os.environ).items() if k != "KEDRO_LOGGING_CONFIG"}
    if env and "KEDRO_LOGGING_CONFIG" in env:
        environ["KEDRO_LOGGING_CONFIG"] = env["KEDRO_LOGGING_CONFIG"]
    return subprocess.run(
        [str(KEDRO_NB), "run", "--project", str(project)],
        cwd=project,
        capture_output=True,
        text=True,
        env=environ,
        check=False,
    )


LOGGING_NODE = """

import logging

_logger = logging.getLogger(__name__)


def evaluate_model(regressor: dict, x_test: pd.DataFrame, y_test: pd.Series) -> dict:
    metrics = _evaluate(regressor, x_test, y_test)
    _logger.info("Model has a coefficient R^2 of %.3f on test data.", metrics["r2"])
    return metrics
"""


def _with_logging_node(project: Path) -> Path:
    nodes = project / "src/spaceflights/pipelines/data_science/nodes.py"
    text = nodes.read_text().replace("def evaluate_model(", "def _evaluate(")
    nodes.write_text(text + LOGGING_NODE)
    return project


def test_a_nodes_info_log_is_shown_by_default(spaceflights: Path) -> None:
    project = _with_logging_node(spaceflights)
    done = _run(project)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "coefficient R^2" in line]
    assert len(lines) == 1 and "spaceflights.pipelines.data_science.nodes" in lines[0]
    # kedro-nb's own INFO lines stay out: its summary on stdout says the same
    assert "kedro_nb" not in done.stderr
    assert "evaluate_model_node" in done.stdout


def test_project_logging_yml_is_honoured(spaceflights: Path) -> None:
    project = _with_logging_node(spaceflights)
    (project / "conf/logging.yml").write_text(
        "version: 1\n"
        "disable_existing_loggers: false\n"
        "formatters:\n  tagged:\n    format: 'PROJECT-LOG %(levelname)s %(message)s'\n"
        "handlers:\n  console:\n    class: logging.StreamHandler\n    formatter: tagged\n"
        "    stream: ext://sys.stderr\n"
        "root:\n  handlers: [console]\n  level: WARNING\n"
    )
    done = _run(project)
    assert done.returncode == 0, done.stderr
    assert "PROJECT-LOG INFO Model has a coefficient R^2" in done.stderr


def test_kedro_logging_config_wins_and_a_broken_one_is_one_line(
    spaceflights: Path, tmp_path: Path
) -> None:
    project = _with_logging_node(spaceflights)
    quiet = tmp_path / "quiet.yml"
    quiet.write_text(
        "version: 1\nloggers:\n  spaceflights:\n    level: ERROR\nroot:\n  level: ERROR\n"
    )
    env = {**os.environ, "KEDRO_LOGGING_CONFIG": str(quiet)}
    done = _run(project, env)
    assert done.returncode == 0, done.stderr
    assert "coefficient R^2" not in done.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text("version: 1\nhandlers:\n  h:\n    class: no.such.Handler\n")
    done = _run(project, {**env, "KEDRO_LOGGING_CONFIG": str(broken)})
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if "logging configuration" in line]
    assert len(notes) == 1 and "broken.yml not used" in notes[0]
    assert "Traceback" not in done.stderr
    assert "coefficient R^2" in done.stderr  # the default applies instead
