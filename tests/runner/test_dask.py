"""DaskRunner on a LocalCluster bound to 127.0.0.1 with the dashboard off."""

from __future__ import annotations

import pickle
import sys

import cloudpickle
import pytest

from kedro_nb.io import DataCatalog
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.runner import DaskRunner, node_failure, runner_from_name

from . import _helpers
from ._helpers import LockedPickleDataset, explode, increment

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    # worker processes import kedro_nb, not these test modules: send test functions by value
    cloudpickle.register_pickle_by_value(_helpers)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    local = distributed.LocalCluster(
        host="127.0.0.1",
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    )
    yield local
    local.close()
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    cloudpickle.unregister_pickle_by_value(_helpers)


def _square(x):
    return x * x


def test_connects_to_a_scheduler_address(cluster, tmp_path):
    address = cluster.scheduler_address
    assert address.startswith("tcp://127.0.0.1:")
    catalog = DataCatalog.from_config(
        {"sq": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "sq.pkl")}}
    )
    catalog["x"] = 7
    pipeline = Pipeline(
        [
            node(_square, "x", "sq", name="square"),
            node(lambda s: s + 1, "sq", "out", name="plus_one"),
            node(increment, "x", "side", name="side"),
        ]
    )
    with runner_from_name("dask://" + address.removeprefix("tcp://")) as runner:
        assert isinstance(runner, DaskRunner)
        result = runner.run(pipeline, catalog)
    assert pickle.loads((tmp_path / "sq.pkl").read_bytes()) == 49
    assert result.load("out") == 50 and result.load("side") == 8
    assert result.saved == ["sq"]
    assert set(result.node_timings) == {"square", "plus_one", "side"}


def test_failure_and_main_process_datasets(cluster, tmp_path):
    locked = LockedPickleDataset(filepath=str(tmp_path / "locked.pkl"))
    catalog = DataCatalog({"a": 1, "locked": locked})
    pipeline = Pipeline(
        [node(increment, "a", "locked", name="write"), node(explode, "locked", "c", name="boom")]
    )
    with DaskRunner(client=distributed.Client(cluster)) as runner:
        with pytest.raises(ValueError) as info:
            runner.run(pipeline, catalog)
        runner.client.close()
    failure = node_failure(info.value)
    assert failure.node_name == "boom" and failure.resume_from == ("boom",)
    assert pickle.loads((tmp_path / "locked.pkl").read_bytes()) == 2


def test_starts_its_own_loopback_cluster_with_threads():
    with DaskRunner(n_workers=1, processes=False, threads_per_worker=2) as runner:
        catalog = DataCatalog({"x": 3})
        result = runner.run(Pipeline([node(_square, "x", "y", name="sq")]), catalog)
        assert result.load("y") == 9
        assert runner.client.scheduler.address.startswith("tcp://127.0.0.1:")
        # the cluster stays up for the next run
        assert (
            runner.run(Pipeline([node(increment, "y", "z", name="inc")]), catalog).load("z") == 10
        )


def test_unreachable_scheduler_is_a_clear_error():
    import socket

    from kedro_nb.runner import RunnerError

    # a loopback port nobody listens on: held bound (not listening) during the test, so no
    # other process can start listening there meanwhile; connections to it are refused
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        runner = DaskRunner(f"tcp://127.0.0.1:{port}", connect_timeout=1)
        with pytest.raises(RunnerError, match="Cannot reach the Dask scheduler"):
            runner.run(Pipeline([node(_square, "x", "y", name="sq")]), DataCatalog({"x": 1}))


def test_progress_hooks_run_in_the_scheduling_process(cluster):
    from kedro_nb.hooks import create_hook_manager, register_hooks

    from ._helpers import check_failure, check_success, diamond, failing

    with DaskRunner(client=distributed.Client(cluster)) as runner:
        recorder = _helpers.ProgressRecorder()
        manager = create_hook_manager()
        register_hooks(manager, [recorder])
        pipeline = diamond()
        result = runner.run(pipeline, DataCatalog({"a": 1}), manager, run_id="dask-progress")
        assert result.load("e") == 6
        check_success(recorder, pipeline, result, "dask-progress")

        manager.unregister(recorder)
        recorder = _helpers.ProgressRecorder()
        register_hooks(manager, [recorder])
        with pytest.raises(ValueError) as info:
            runner.run(failing(), DataCatalog({"a": 1}), manager)
        check_failure(recorder, failing(), info.value)
        runner.client.close()
