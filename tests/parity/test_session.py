"""Session parity: Kedro's spaceflights-style project run by ``KedroSession`` and by
``KedroNbSession``; hook arguments, return value and written files compared."""

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
PROBE = Path(__file__).with_name("session_probe.py")


def _probe(api: str, root: Path, env: str | None = None, **kwargs: Any) -> dict[str, Any]:
    project = root / api
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("__pycache__"))
    environ = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1"}
    environ.pop("KEDRO_ENV", None)
    command = [sys.executable, str(PROBE), api, str(project), json.dumps(kwargs)]
    done = subprocess.run(
        command + ([env] if env else []), capture_output=True, text=True, env=environ, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("PROBE"))
    return json.loads(line[len("PROBE") :])


@pytest.mark.parametrize(
    ("env", "kwargs"),
    [
        (None, {}),
        ("local", {"pipeline_names": ["data_processing"]}),
        (None, {"tags": ["processing"]}),
        (
            None,
            {"pipeline_names": ["data_processing"], "node_names": ["preprocess_companies_node"]},
        ),
        (None, {"runner": "ParallelRunner"}),
        (None, {"runner": "ThreadRunner", "pipeline_names": ["data_processing"]}),
    ],
    ids=[
        "default",
        "env-and-pipeline",
        "tags",
        "node-names",
        "kedros-parallel-runner",
        "kedros-thread-runner",
    ],
)
def test_session_run_matches_kedro(tmp_path: Path, env: str | None, kwargs: dict) -> None:
    theirs = _probe("kedro", tmp_path, env, **kwargs)
    ours = _probe("kedro_nb", tmp_path, env, **kwargs)
    # the one deliberate difference (docs/kedro-compatibility.md): the context's env is the
    # environment in effect, where Kedro's says None when none was given
    assert ours["context"][0] == (env or "local") and theirs["context"][0] == env
    ours["context"][0] = theirs["context"][0]
    assert ours == theirs


def test_session_create_takes_kedros_arguments_in_kedros_order() -> None:
    """``KedroSession.create(path, save_on_close, env, runtime_params, conf_source)`` code,
    positional or by keyword, means the same to ``KedroNbSession.create``."""
    import inspect

    from kedro.framework.session import KedroSession

    from kedro_nb.project import KedroNbSession

    def shape(function) -> list[tuple[str, object, str]]:
        return [
            (p.name, p.default, p.kind.name)
            for p in inspect.signature(function).parameters.values()
        ]

    theirs = shape(KedroSession.create)
    assert shape(KedroNbSession.create)[: len(theirs)] == theirs


def test_session_create_positionally_as_kedro_code_calls_it(tmp_path: Path) -> None:
    from kedro_nb.project import KedroNbSession

    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("__pycache__"))
    saved_path = list(sys.path)
    session = KedroNbSession.create(project, True, "local", {"model_options.seed": 5})
    try:
        assert session.env == "local" and session.params["model_options"]["seed"] == 5
    finally:
        session.close()
        sys.path[:] = saved_path
        for name in [m for m in sys.modules if m.split(".")[0] == "spaceflights"]:
            del sys.modules[name]
