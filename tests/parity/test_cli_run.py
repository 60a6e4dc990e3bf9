"""Command-line parity: ``kedro run`` (Kedro 1.7's CLI) and ``kedro-nb run`` with the same
flags on the same project hand the pipeline hooks the same ``run_params``: the named pipelines
as ``pipeline_names``, the slicing flags as ``kedro run`` passes them (empty when not given)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

FIXTURE = Path(__file__).parents[1] / "fixtures" / "spaceflights"
BIN = Path(sys.executable).parent
#: differ by design (docs/kedro-compatibility.md) or by run
_VOLATILE = ("run_id", "project_path", "kedro_version", "runner")

_DUMP_HOOK = """

import json as _json
import os as _os

from kedro.framework.hooks import hook_impl as _hook_impl


class _DumpRunParams:
    @_hook_impl
    def before_pipeline_run(self, run_params, pipeline):
        with open(_os.environ["RUN_PARAMS_DUMP"], "w") as stream:
            _json.dump({"run_params": run_params, "nodes": sorted(n.name for n in pipeline.nodes)},
                       stream, default=repr)


HOOKS = (*HOOKS, _DumpRunParams())
"""


def _run(command: str, flags: list[str], root: Path) -> dict[str, Any]:
    project = root / command
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("__pycache__"))
    settings = project / "src" / "spaceflights" / "settings.py"
    settings.write_text(settings.read_text() + _DUMP_HOOK)
    dump = root / f"{command}.json"
    env = {
        **os.environ,
        "RUN_PARAMS_DUMP": str(dump),
        "KEDRO_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "1",
    }
    env.pop("KEDRO_ENV", None)
    done = subprocess.run(
        [str(BIN / command), "run", *flags],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(dump.read_text())
    params = seen["run_params"]
    for key in _VOLATILE:
        params.pop(key)
    # `kedro run --pipelines` de-duplicates through a set: its order is arbitrary
    if params["pipeline_names"]:
        params["pipeline_names"] = sorted(params["pipeline_names"])
    return seen


@pytest.mark.parametrize(
    "flags",
    [
        [],
        ["--pipelines", "data_processing,data_science"],
        ["--pipeline", "data_processing"],
        ["--tags", "processing", "--nodes", "preprocess_companies_node"],
        [
            "--env",
            "local",
            "--params",
            "model_options.seed=3,flag=true,ratio=0.5,who=abc,x=null,d=2024-01-02",
        ],
        ["--runner", "ThreadRunner", "--runner-params", "max_workers=2"],
    ],
    ids=["default", "pipelines", "one-pipeline", "slicing", "env-params", "runner-params"],
)
def test_kedro_nb_run_hands_hooks_what_kedro_run_does(tmp_path: Path, flags: list[str]) -> None:
    theirs = _run("kedro", flags, tmp_path)
    ours = _run("kedro-nb", flags, tmp_path)
    assert ours == theirs


def test_runner_params_the_runner_does_not_take_are_one_line_exit_2(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(
        [str(BIN / "kedro-nb"), "run", "--runner", "thread", "--runner-params", "workers=2"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 2
    first = done.stderr.splitlines()[0]
    assert "does not take --runner-params workers=2" in first and "Traceback" not in done.stderr
