"""Failure parity: a node of the spaceflights project raising under ``KedroSession`` and
under ``KedroNbSession``; the error hooks' arguments, their order and the exception the caller
catches compared."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).parents[1] / "fixtures" / "spaceflights"

_PROBE = """
import json, sys
from pathlib import Path
from kedro.framework.hooks import hook_impl


class Recorder:
    def __init__(self):
        self.seen = []

    @hook_impl
    def after_node_run(self, node):
        self.seen.append(["after_node_run", node.name])

    @hook_impl
    def on_node_error(self, error, node, catalog, inputs, is_async, run_id):
        self.seen.append(["on_node_error", type(error).__name__, str(error), node.name,
                          sorted(inputs), is_async, run_id is not None])

    @hook_impl
    def on_pipeline_error(self, error, run_params, pipeline, catalog):
        self.seen.append(["on_pipeline_error", type(error).__name__, run_params["pipeline_names"],
                          sorted(n.name for n in pipeline.nodes)])


api, root = sys.argv[1], Path(sys.argv[2])
recorder = Recorder()
try:
    if api == "kedro":
        from kedro.framework.session import KedroSession
        from kedro.framework.startup import bootstrap_project

        bootstrap_project(root)
        with KedroSession.create(root) as session:
            session._hook_manager.register(recorder)
            session.run(to_nodes=["train_model_node"])
    else:
        from kedro_nb.project import KedroNbSession

        with KedroNbSession.create(root) as session:
            session.hook_manager.register(recorder)
            session.run(to_nodes=["train_model_node"])
except KeyError as exc:  # the node's own exception, as user code catches it
    recorder.seen.append(["caught", type(exc).__name__, str(exc)])
print("PROBE" + json.dumps(recorder.seen))
"""

_FAILING = (
    "def train_model(*args, **kwargs):\n    raise KeyError('no such feature: wings')\n\n\n"
    "def _train_model("
)


def _probe(api: str, root: Path) -> list:
    project = root / api
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("__pycache__"))
    nodes = project / "src/spaceflights/pipelines/data_science/nodes.py"
    nodes.write_text(nodes.read_text().replace("def train_model(", _FAILING))
    environ = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1"}
    environ.pop("KEDRO_ENV", None)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, api, str(project)],
        capture_output=True,
        text=True,
        env=environ,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("PROBE"))
    return json.loads(line[len("PROBE") :])


def test_a_failing_node_calls_the_same_hooks_and_raises_its_own_error(tmp_path: Path) -> None:
    theirs, ours = _probe("kedro", tmp_path), _probe("kedro_nb", tmp_path)
    assert ours == theirs
    assert [step[0] for step in theirs][-3:] == ["on_node_error", "on_pipeline_error", "caught"]
