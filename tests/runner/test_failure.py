"""What a failing node leaves behind, and where the runner says to resume (Kedro's rule)."""

from __future__ import annotations

import pickle

import pytest
from kedro.runner.runner import _find_nodes_to_resume_from

from kedro_nb.hooks import create_hook_manager, register_hooks
from kedro_nb.io import DataCatalog
from kedro_nb.io.datasets.pickle import PickleDataset
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.runner import NodeRunError, SequentialRunner, ThreadRunner

from ._helpers import RecordingHooks, build_kedro, build_ours, double, explode, increment


def _chain(tmp_path, persisted: set[str]):
    """a -> n1 -> b -> n2 -> c -> n3 -> d -> boom -> e"""
    datasets = {
        name: PickleDataset(filepath=str(tmp_path / f"{name}.pkl")) for name in sorted(persisted)
    }
    catalog = DataCatalog({"a": 1, **datasets})
    pipeline = Pipeline(
        [
            node(increment, "a", "b", name="n1"),
            node(double, "b", "c", name="n2"),
            node(increment, "c", "d", name="n3"),
            node(explode, "d", "e", name="boom"),
        ]
    )
    return pipeline, catalog


def test_error_names_node_keeps_outputs_and_suggests_resume(tmp_path):
    pipeline, catalog = _chain(tmp_path, {"b", "c"})
    with pytest.raises(NodeRunError) as info:
        SequentialRunner().run(pipeline, catalog)
    error = info.value
    assert error.node_name == "boom"
    assert isinstance(error.__cause__, ValueError)
    assert "boom" in str(error) and "exploded on purpose" in str(error)
    # outputs written before the failure stay on disk
    assert pickle.loads((tmp_path / "b.pkl").read_bytes()) == 2
    assert pickle.loads((tmp_path / "c.pkl").read_bytes()) == 4
    assert error.saved == ["b", "c"]
    assert error.completed == ["n1", "n2", "n3"]
    assert list(error.node_timings) == ["n1", "n2", "n3"]
    # d is in memory, so n3 must run again from the persisted c
    assert error.resume_from == ["n3"]
    assert error.resume_argument == '--from-nodes "n3"'
    assert 'kedro-nb run --from-nodes "n3"' in str(error)
    assert '%run_pipeline --from-nodes "n3"' in str(error)


def test_resume_walks_up_through_memory_datasets(tmp_path):
    pipeline, catalog = _chain(tmp_path, set())
    with pytest.raises(NodeRunError) as info:
        SequentialRunner().run(pipeline, catalog)
    assert info.value.resume_from == ["n1"]  # nothing persisted: start again from the top


def test_first_node_failing_suggests_repeating_the_run(tmp_path):
    catalog = DataCatalog({"a": 1})
    with pytest.raises(NodeRunError) as info:
        SequentialRunner().run(Pipeline([node(explode, "a", "b", name="first")]), catalog)
    assert info.value.resume_from == [] and info.value.completed == []
    assert "repeat the same run" in str(info.value)


def test_failure_calls_node_and_pipeline_error_hooks(tmp_path):
    pipeline, catalog = _chain(tmp_path, {"c"})
    hooks = RecordingHooks()
    manager = create_hook_manager()
    register_hooks(manager, [hooks])
    with pytest.raises(NodeRunError) as info:
        SequentialRunner().run(pipeline, catalog, manager, run_id="r-1")
    names = hooks.names()
    assert names[-2:] == ["on_node_error", "on_pipeline_error"]
    node_error = hooks.calls[-2][1]
    assert node_error["node"].name == "boom" and isinstance(node_error["error"], ValueError)
    assert node_error["inputs"] == {"d": 5} and node_error["run_id"] == "r-1"
    assert hooks.calls[-1][1]["error"] is info.value
    assert "after_pipeline_run" not in names


def test_thread_runner_finishes_running_nodes_before_raising(tmp_path):
    import time

    def slow(x):
        time.sleep(0.3)
        return x + 1

    catalog = DataCatalog({"a": 1, "slow_out": PickleDataset(filepath=str(tmp_path / "s.pkl"))})
    pipeline = Pipeline(
        [node(slow, "a", "slow_out", name="slow"), node(explode, "a", "never", name="boom")]
    )
    with pytest.raises(NodeRunError) as info:
        ThreadRunner(max_workers=2).run(pipeline, catalog)
    assert info.value.node_name == "boom"
    assert info.value.completed == ["slow"]
    assert (tmp_path / "s.pkl").exists()


@pytest.mark.parametrize("seed", range(8))
def test_resume_suggestion_matches_kedro_on_generated_pipelines(tmp_path, seed):
    from ._helpers import random_spec

    spec = random_spec(seed)
    fail = spec.nodes[len(spec.nodes) // 2 + seed % 4].name
    ours_dir, kedro_dir = tmp_path / "ours", tmp_path / "kedro"
    ours_dir.mkdir()
    kedro_dir.mkdir()
    pipeline, catalog = build_ours(spec, ours_dir, fail=fail)
    with pytest.raises(NodeRunError) as info:
        SequentialRunner().run(pipeline, catalog)
    error = info.value
    assert error.node_name == fail

    kedro_pipeline, kedro_catalog = build_kedro(spec, kedro_dir)
    by_name = {n.name: n for n in kedro_pipeline.nodes}
    unfinished = [by_name[name] for name in by_name if name not in set(error.completed)]
    expected = sorted(_find_nodes_to_resume_from(kedro_pipeline, unfinished, kedro_catalog))
    assert error.resume_from == expected


def test_node_run_error_survives_pickling(tmp_path):
    pipeline, catalog = _chain(tmp_path, {"c"})
    with pytest.raises(NodeRunError) as info:
        SequentialRunner().run(pipeline, catalog)
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value)
    assert (copy.node_name, copy.resume_from, copy.completed, copy.saved) == (
        "boom",
        ["n3"],
        ["n1", "n2", "n3"],
        ["c"],
    )
