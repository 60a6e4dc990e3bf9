"""Reproducing a recorded run: the same pipeline, slice, parameters and dataset versions.

:func:`plan_like` turns a record into the arguments of a new run (``kedro-nb run --like RUN``,
``%run_pipeline --like RUN``) and lists what differs now and cannot be pinned: the code (git
commit, uncommitted changes), package versions, the configuration's parameters (the recorded
values are used), unversioned inputs whose files changed. :func:`reproduce_steps` is the same
knowledge written out for a person (``kedro-nb runs show RUN``).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kedro_nb.project.compare import flatten
from kedro_nb.project.records import RunRecord

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from kedro_nb.io.protocol import CatalogProtocol
    from kedro_nb.pipeline import Node
    from kedro_nb.project.session import KedroNbSession

__all__ = ["NOTEBOOK_PREFIX", "LikePlan", "plan_like", "reproduce_command", "reproduce_steps"]

#: ``pipeline_name`` of a run of a notebook's own node cells (``notebook:<file name>``)
NOTEBOOK_PREFIX = "notebook:"
_RUN_FLAGS = {
    "node_names": "--nodes",
    "from_nodes": "--from-nodes",
    "to_nodes": "--to-nodes",
    "from_inputs": "--from-inputs",
    "to_outputs": "--to-outputs",
    "tags": "--tags",
    "node_namespaces": "--namespaces",
}
_RUNNERS = {
    "SequentialRunner": "sequential",
    "ThreadRunner": "thread",
    "ParallelRunner": "parallel",
    "DaskRunner": "dask",
}


@dataclass
class LikePlan:
    """How to run again like ``record``.

    Attributes:
        record: the run reproduced.
        pipeline_name: the registered pipeline (None for a notebook's nodes).
        notebook: the notebook whose node cells ran (relative to the project), or None.
        slicing: ``session.run`` keywords selecting the same nodes.
        runner: the runner's name (``thread``...) or class name.
        params: the recorded parameter values, to give as runtime parameters.
        load_versions: dataset to the version the run read (datasets still in the catalog).
        env: the configuration environment of the run.
        differences: one line per thing that differs now.
    """

    record: RunRecord
    pipeline_name: str | None
    notebook: str | None
    slicing: dict[str, list[str]]
    runner: str | None
    params: dict[str, Any]
    load_versions: dict[str, str]
    env: str | None
    only_missing_outputs: bool = False
    differences: list[str] = field(default_factory=list)


def _runner_name(record: RunRecord) -> str | None:
    return _RUNNERS.get(record.runner or "", record.runner)


def plan_like(session: KedroNbSession, record: RunRecord) -> LikePlan:
    """The plan to re-run ``record`` on ``session`` (the project as it is now)."""
    from kedro_nb.project.gitinfo import git_commit
    from kedro_nb.project.run_facts import GitStatus, node_packages

    notebook = record.notebook if (record.pipeline_name or "").startswith(NOTEBOOK_PREFIX) else None
    slicing = {k: list(v) for k, v in record.slicing.items() if k in _RUN_FLAGS}
    plan = LikePlan(
        record=record,
        pipeline_name=None if notebook else record.pipeline_name,
        notebook=notebook,
        slicing=slicing,
        runner=_runner_name(record),
        params=record.params,
        load_versions={},
        env=record.env,
        only_missing_outputs=bool(record.slicing.get("only_missing_outputs")),
    )
    notes = plan.differences
    sha = git_commit(session.project_path)
    if record.git_sha and sha != record.git_sha:
        notes.append(
            f"code: the project is at commit {(sha or 'none')[:10]}, the run was at "
            f"{record.git_sha[:10]} (git checkout {record.git_sha[:10]} to match)"
        )
    if record.git_dirty:
        notes.append("code: the run's work tree had uncommitted changes, which were not recorded")
    if sha is not None and GitStatus(session.project_path, True).dirty():
        notes.append("code: the work tree has uncommitted changes now")
    if record.env != session.env:
        notes.append(f"env: the run used {record.env!r}, this session {session.env!r}")
    now = flatten(session.params)
    then = flatten(record.params)
    for key in sorted(set(now) | set(then)):
        if key not in then:
            notes.append(f"params: {key} is new since the run (kept at {now[key]!r})")
        elif key not in now:
            notes.append(f"params: {key} is no longer configured (the run's {then[key]!r} used)")
        elif now[key] != then[key]:
            notes.append(
                f"params: {key} is {now[key]!r} in the configuration, the run's {then[key]!r} used"
            )
    catalog = session.build_catalog()
    for name, version in record.loaded_versions.items():
        if name in catalog:
            plan.load_versions[name] = version
        else:
            notes.append(f"inputs: {name} (read at {version}) is no longer in the catalog")
    _changed_inputs(catalog, record, notes)
    _changed_packages(session, record, plan, node_packages, notes)
    return plan


def _changed_inputs(catalog: CatalogProtocol, record: RunRecord, notes: list[str]) -> None:
    from kedro_nb.project.run_facts import dataset_versions

    _, _, prints = dataset_versions(catalog, record.input_fingerprints, ())
    for name, fingerprint in record.input_fingerprints.items():
        if prints.get(name) != fingerprint:
            notes.append(
                f"inputs: {name} changed since the run (an unversioned file cannot be pinned; "
                "set 'versioned: true' to keep each version)"
            )


def _changed_packages(
    session: KedroNbSession,
    record: RunRecord,
    plan: LikePlan,
    node_packages: Callable[[Iterable[Node]], dict[str, str]],
    notes: list[str],
) -> None:
    nodes: list[Node] = []
    if plan.pipeline_name:
        try:
            nodes = list(session.pipelines[plan.pipeline_name].nodes)
        except Exception:  # the pipeline is gone: the run itself will say so
            nodes = []
    now = node_packages(nodes)
    for name, version in record.packages.items():
        current = now.get(name)
        if current is None and nodes:
            current = _installed(name)
        if current is not None and current != version:
            notes.append(f"environment: {name} {version} then, {current} now")


def _installed(name: str) -> str | None:
    import sys

    module = sys.modules.get(name)
    version = getattr(module, "__version__", None) if module is not None else None
    if isinstance(version, str):
        return version
    from importlib import metadata

    try:
        return metadata.version(name)
    except Exception:
        return None


def _param_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value)


def reproduce_command(record: RunRecord) -> list[str]:
    """The ``kedro-nb run`` arguments that repeat ``record`` by hand (without ``--like``)."""
    args = ["kedro-nb", "run"]
    name = record.pipeline_name or ""
    if name.startswith(NOTEBOOK_PREFIX) and record.notebook:
        args += ["--notebook", record.notebook]
    elif "," in name:
        args += ["--pipelines", name]
    elif name:
        args += ["--pipeline", name]
    for key, flag in _RUN_FLAGS.items():
        values = record.slicing.get(key)
        if values:
            args += [flag, ",".join(values)]
    runner = _runner_name(record)
    if runner and runner != "sequential":
        args += ["--runner", runner]
    if record.env:
        args += ["--env", record.env]
    params = flatten(record.params)
    if params:
        args += ["--params", ",".join(f"{k}={_param_text(v)}" for k, v in params.items())]
    if record.loaded_versions:
        pairs = ",".join(f"{name}:{v}" for name, v in record.loaded_versions.items())
        args += ["--load-versions", pairs]
    if record.slicing.get("only_missing_outputs"):
        args.append("--only-missing-outputs")
    return args


def reproduce_steps(record: RunRecord) -> list[str]:
    """Shell lines that get the code, packages and data of ``record`` back and run it."""
    steps = []
    if record.git_sha:
        steps.append(f"git checkout {record.git_sha}")
        if record.git_dirty:
            steps.append("# the work tree had uncommitted changes then; they were not recorded")
    from importlib.metadata import packages_distributions

    distributions = packages_distributions()  # import name -> distributions (sklearn: ...)
    pins = [
        f"{(distributions.get(name) or [name])[0]}=={version}"
        for name, version in record.packages.items()
        if name not in ("python", "kedro-nb") and version
    ]
    if pins:
        steps.append("pip install " + " ".join(shlex.quote(p) for p in pins))
    if record.input_fingerprints:
        files = ", ".join(record.input_fingerprints)
        steps.append(f"# unversioned inputs, restore them as they were: {files}")
    steps.append(shlex.join(reproduce_command(record)))
    return steps


def plan_summary(plan: LikePlan) -> list[str]:
    """What a ``--like`` run says before it starts: what it repeats, then what differs now."""
    record = plan.record
    what = f"notebook {plan.notebook}" if plan.notebook else f"pipeline {plan.pipeline_name}"
    pins = ", ".join(f"{name}@{version}" for name, version in plan.load_versions.items())
    lines = [
        f"Like run {record.run_id}: {what}, {len(flatten(plan.params))} parameter(s)"
        + (f", load versions {pins}" if pins else "")
    ]
    if plan.differences:
        lines += [f"  differs now: {line}" for line in plan.differences]
    else:
        lines.append("  nothing differs now that kedro-nb can see (code, parameters, packages)")
    return lines


def mark_reproduction(session: KedroNbSession, like: RunRecord) -> None:
    """Note on the session's latest record that it reproduced ``like`` (the ``like run`` row
    of a comparison); one more write of that record."""
    record = getattr(session, "last_record", None)
    if record is not None and record.run_id != like.run_id:
        record.like_run = like.run_id
        session.store.save(record)
