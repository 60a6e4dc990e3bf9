"""Runners a session builds from a name live as long as the session: reused, then closed."""

from __future__ import annotations

from pathlib import Path

from kedro_nb.pipeline import Pipeline, node
from kedro_nb.project import KedroNbSession
from kedro_nb.runner import DaskRunner


def _double(x: int) -> int:
    return 2 * x


def _pipeline() -> Pipeline:
    return Pipeline([node(_double, "params:x", "y", name="double")])


def _session(tmp_path: Path) -> KedroNbSession:
    (tmp_path / "parameters.yml").write_text("x: 21\n")
    return KedroNbSession.create(start_dir=tmp_path)


def test_a_named_runner_is_reused_across_runs(tmp_path: Path) -> None:
    session = _session(tmp_path)
    session.run(pipeline=_pipeline(), runner="thread")
    first = session.last_result
    session.run(pipeline=_pipeline(), runner="thread")
    assert session.last_result.load("y") == first.load("y") == 42
    assert [r.runner for r in session.runs()] == ["ThreadRunner", "ThreadRunner"]
    assert session._runner("thread") is session._runner("thread")


def test_close_shuts_down_the_dask_cluster_runs_started(tmp_path: Path) -> None:
    with _session(tmp_path) as session:
        session.run(pipeline=_pipeline(), runner="dask")
        session.run(pipeline=_pipeline(), runner="dask")
        runner = session._runner("dask")
        assert isinstance(runner, DaskRunner)
        client = runner.client
        cluster = client.cluster
        assert cluster.status.name == "running" and client.status == "running"
        assert session.last_result.load("y") == 42
    assert cluster.status.name == "closed" and client.status == "closed"
