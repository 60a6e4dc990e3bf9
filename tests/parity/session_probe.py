"""Run a Kedro project once with a recording hook and print what user code sees, as JSON.

``python session_probe.py kedro|kedro_nb PROJECT_DIR RUN_KWARGS_JSON [ENV]``: a session of
that implementation runs the project (``"runner": "ParallelRunner"`` in the keywords names one
of Kedro's own runners); the output holds the hook arguments, the run's return
value and the files the run wrote, normalised where the two differ by design only (ids,
paths, version strings)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from kedro.framework.hooks import hook_impl

_VOLATILE = ("run_id", "project_path", "kedro_version", "runner", "session_id")


class Recorder:
    def __init__(self) -> None:
        self.seen: dict[str, Any] = {"nodes": []}

    @hook_impl
    def after_catalog_created(
        self, catalog, conf_catalog, conf_creds, parameters, save_version, load_versions
    ):
        self.seen["after_catalog_created"] = {
            "parameters": sorted(parameters),
            "parameters_value": parameters.get("parameters"),
            "conf_catalog": sorted(conf_catalog),
            "conf_creds": sorted(conf_creds),
            "save_version_given": save_version is not None,
            "load_versions": load_versions,
        }

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog):
        self.seen["run_params_keys"] = sorted(run_params)
        self.seen["run_params"] = {
            key: (sorted(value) if isinstance(value, (list, tuple, set)) else value)
            for key, value in run_params.items()
            if key not in _VOLATILE
        }
        self.seen["pipeline_nodes"] = sorted(n.name for n in pipeline.nodes)

    @hook_impl
    def after_pipeline_run(self, run_params, run_result, pipeline, catalog):
        self.seen["after_pipeline_run"] = sorted(run_result)

    @hook_impl
    def before_node_run(self, node, catalog, inputs, is_async, run_id):
        self.seen["nodes"].append(node.name)


def _files(root: Path) -> list[str]:
    """Files under data/, a version folder shown as <version>."""
    found = []
    for path in sorted((root / "data").rglob("*")):
        if path.is_file():
            parts = list(path.relative_to(root).parts)
            parts = [
                "<version>" if part[:2] == "20" and part.endswith("Z") else part for part in parts
            ]
            found.append("/".join(parts))
    return sorted(found)


def main() -> None:
    api, root, kwargs = sys.argv[1], Path(sys.argv[2]).resolve(), json.loads(sys.argv[3])
    if "runner" in kwargs:  # the name of one of Kedro's own runners, used by both sessions
        import kedro.runner

        kwargs["runner"] = getattr(kedro.runner, kwargs["runner"])()
    env = sys.argv[4] if len(sys.argv) > 4 else None
    recorder = Recorder()
    if api == "kedro":
        from kedro.framework.session import KedroSession
        from kedro.framework.startup import bootstrap_project

        bootstrap_project(root)
        with KedroSession.create(root, env=env) as session:
            session._hook_manager.register(recorder)
            context = session.load_context()
            recorder.seen["context"] = [context.env, sorted(context.params)]
            result = session.run(**kwargs)
    else:
        from kedro_nb.project import KedroNbSession

        with KedroNbSession.create(root, env=env) as session:
            session.hook_manager.register(recorder)
            context = session.load_context()
            recorder.seen["context"] = [context.env, sorted(context.params)]
            result = session.run(**kwargs)
    recorder.seen["nodes"] = sorted(recorder.seen["nodes"])
    recorder.seen["result"] = {
        "is_dict": isinstance(result, dict),
        "keys": sorted(result),
        "types": sorted({type(ds).__name__ for ds in result.values()}),
    }
    recorder.seen["files"] = _files(root)
    print("PROBE" + json.dumps(recorder.seen, default=repr, sort_keys=True))


if __name__ == "__main__":
    main()
