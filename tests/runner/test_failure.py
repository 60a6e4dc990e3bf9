"""What a failing node leaves behind, and where the runner says to resume (Kedro's rule)."""

from __future__ import annotations

import pickle

import pytest
from kedro.runner.runner import _find_nodes_to_resume_from

from kedro_nb.hooks import create_hook_manager, register_hooks
from kedro_nb.io import DataCatalog
from kedro_nb.io.datasets.pickle import PickleDataset
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.runner import NodeFailure, SequentialRunner, ThreadRunner, node_failure

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


def _failure(info: pytest.ExceptionInfo) -> NodeFailure:
    failure = node_failure(info.value)
    assert failure is not None
    return failure


def test_node_error_keeps_its_type_and_carries_the_failure(tmp_path):
    pipeline, catalog = _chain(tmp_path, {"b", "c"})
    with pytest.raises(ValueError, match="exploded on purpose") as info:
        SequentialRunner().run(pipeline, catalog)
    assert type(info.value) is ValueError  # the node's own exception, as under Kedro
    error = _failure(info)
    assert error.node_name == "boom"
    # outputs written before the failure stay on disk
    assert pickle.loads((tmp_path / "b.pkl").read_bytes()) == 2
    assert pickle.loads((tmp_path / "c.pkl").read_bytes()) == 4
    assert error.saved == ("b", "c")
    assert error.completed == ("n1", "n2", "n3")
    assert list(error.node_timings) == ["n1", "n2", "n3"]
    # d is in memory, so n3 must run again from the persisted c
    assert error.resume_from == ("n3",)
    assert error.resume_argument == '--from-nodes "n3"'
    text = error.describe(info.value)
    assert "boom" in text and "exploded on purpose" in text
    assert 'kedro-nb run --from-nodes "n3"' in text
    assert '%run_pipeline --from-nodes "n3"' in text
    # where in the user's code it was raised: the helper module's explode()
    assert error.location is not None and error.location[0].endswith("_helpers.py")
    note = info.value.__notes__[-1]
    assert "node 'boom' failed" in note and '--from-nodes "n3"' in note


def test_error_is_caught_by_its_own_class_like_kedro():
    from kedro.io import DataCatalog as KedroCatalog
    from kedro.io import MemoryDataset
    from kedro.pipeline import Pipeline as KedroPipeline
    from kedro.pipeline import node as kedro_node
    from kedro.runner import SequentialRunner as KedroRunner

    from ._helpers import explode

    def caught(runner, pipeline_class, node_fn, catalog):
        try:
            runner.run(pipeline_class([node_fn(explode, "a", "b", name="boom")]), catalog)
        except ValueError as exc:  # user code written for Kedro
            return type(exc), str(exc)
        return None

    ours = caught(SequentialRunner(), Pipeline, node, DataCatalog({"a": 1}))
    theirs = caught(KedroRunner(), KedroPipeline, kedro_node, KedroCatalog({"a": MemoryDataset(1)}))
    assert ours == theirs and ours is not None


def test_resume_walks_up_through_memory_datasets(tmp_path):
    pipeline, catalog = _chain(tmp_path, set())
    with pytest.raises(ValueError) as info:
        SequentialRunner().run(pipeline, catalog)
    assert _failure(info).resume_from == ("n1",)  # nothing persisted: start again from the top


def test_first_node_failing_suggests_repeating_the_run(tmp_path):
    catalog = DataCatalog({"a": 1})
    with pytest.raises(ValueError) as info:
        SequentialRunner().run(Pipeline([node(explode, "a", "b", name="first")]), catalog)
    failure = _failure(info)
    assert failure.resume_from == () and failure.completed == ()
    assert "repeat the same run" in failure.describe(info.value)


def test_failure_calls_the_node_error_hook_and_no_pipeline_hook(tmp_path):
    pipeline, catalog = _chain(tmp_path, {"c"})
    hooks = RecordingHooks()
    manager = create_hook_manager()
    register_hooks(manager, [hooks])
    with pytest.raises(ValueError) as info:
        SequentialRunner().run(pipeline, catalog, manager, run_id="r-1")
    names = hooks.names()
    assert names[-1] == "on_node_error"
    node_error = hooks.calls[-1][1]
    assert node_error["node"].name == "boom" and node_error["error"] is info.value
    assert node_error["inputs"] == {"d": 5} and node_error["run_id"] == "r-1"
    # as in Kedro, the pipeline hooks are the session's: a bare runner.run calls none
    assert not {"before_pipeline_run", "on_pipeline_error", "after_pipeline_run"} & set(names)


def test_thread_runner_finishes_running_nodes_before_raising(tmp_path):
    import time

    def slow(x):
        time.sleep(0.3)
        return x + 1

    catalog = DataCatalog({"a": 1, "slow_out": PickleDataset(filepath=str(tmp_path / "s.pkl"))})
    pipeline = Pipeline(
        [node(slow, "a", "slow_out", name="slow"), node(explode, "a", "never", name="boom")]
    )
    with pytest.raises(ValueError) as info:
        ThreadRunner(max_workers=2).run(pipeline, catalog)
    assert _failure(info).node_name == "boom"
    assert _failure(info).completed == ("slow",)
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
    with pytest.raises(RuntimeError, match="generated failure") as info:
        SequentialRunner().run(pipeline, catalog)
    error = _failure(info)
    assert error.node_name == fail

    kedro_pipeline, kedro_catalog = build_kedro(spec, kedro_dir)
    by_name = {n.name: n for n in kedro_pipeline.nodes}
    unfinished = [by_name[name] for name in by_name if name not in set(error.completed)]
    expected = sorted(_find_nodes_to_resume_from(kedro_pipeline, unfinished, kedro_catalog))
    assert list(error.resume_from) == expected


def test_failure_survives_pickling_with_its_error(tmp_path):
    pipeline, catalog = _chain(tmp_path, {"c"})
    with pytest.raises(ValueError) as info:
        SequentialRunner().run(pipeline, catalog)
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value) and type(copy) is ValueError
    failure = node_failure(copy)
    assert failure is not None
    assert (failure.node_name, failure.resume_from, failure.completed, failure.saved) == (
        "boom",
        ("n3",),
        ("n1", "n2", "n3"),
        ("c",),
    )
