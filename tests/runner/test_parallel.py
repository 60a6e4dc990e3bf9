"""ParallelRunner: notebook-defined functions and lambdas travel with cloudpickle, fsspec
datasets are loaded and saved by the workers, unpicklable datasets stay in the main process."""

from __future__ import annotations

import pickle
import threading
import types

import pandas as pd
import pytest

from kedro_nb.hooks import create_hook_manager, register_hooks
from kedro_nb.io import DataCatalog
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.runner import NodeNotPicklableError, ParallelRunner, node_failure

from ._helpers import FileLoggingHooks, LockedPickleDataset, explode, increment

NOTEBOOK_CELL = """
import math

def area(radius):
    return round(math.pi * radius ** 2, 3)
"""


def _main_module_function():
    """A function whose module is ``__main__``, as if typed in a notebook cell."""
    namespace = {"__name__": "__main__"}
    exec(NOTEBOOK_CELL, namespace)
    return namespace["area"]


def _dynamic_module_function():
    """A function from a module that exists only in memory (not importable by a worker)."""
    module = types.ModuleType("notebook_cells_dynamic")
    exec(NOTEBOOK_CELL, module.__dict__)
    return module.area


@pytest.fixture(scope="module")
def runner():
    return ParallelRunner(max_workers=2)


def test_lambdas_and_notebook_functions_run_in_workers(runner):
    area_main, area_dynamic = _main_module_function(), _dynamic_module_function()
    assert area_main.__module__ == "__main__"
    catalog = DataCatalog({"r": 2.0})
    pipeline = Pipeline(
        [
            node(area_main, "r", "a1", name="main_fn"),
            node(area_dynamic, "r", "a2", name="dynamic_fn"),
            node(lambda a, b: a + b, ["a1", "a2"], "total", name="lambda_fn"),
        ]
    )
    result = runner.run(pipeline, catalog)
    assert result.load("total") == pytest.approx(2 * 12.566)
    assert set(result.node_timings) == {"main_fn", "dynamic_fn", "lambda_fn"}


def test_fsspec_datasets_are_saved_and_loaded_by_workers(runner, tmp_path):
    url = f"file://{tmp_path.as_posix()}"
    pd.DataFrame({"x": [1, 2, 3]}).to_csv(tmp_path / "raw.csv", index=False)
    catalog = DataCatalog.from_config(
        {
            "raw": {"type": "pandas.CSVDataset", "filepath": f"{url}/raw.csv"},
            "scaled": {
                "type": "pandas.CSVDataset",
                "filepath": f"{url}/scaled.csv",
                "save_args": {"index": False},
            },
            "stats": {"type": "pickle.PickleDataset", "filepath": f"{url}/stats.pkl"},
        }
    )
    pipeline = Pipeline(
        [
            node(lambda df: df.assign(y=df["x"] * 10), "raw", "scaled", name="scale"),
            node(lambda df: {"sum": int(df["y"].sum())}, "scaled", "stats", name="stats"),
        ]
    )
    result = runner.run(pipeline, catalog)
    assert pd.read_csv(tmp_path / "scaled.csv")["y"].tolist() == [10, 20, 30]
    assert pickle.loads((tmp_path / "stats.pkl").read_bytes()) == {"sum": 60}
    assert result.saved == ["scaled", "stats"]


def test_unpicklable_dataset_is_handled_in_the_main_process(runner, tmp_path):
    locked = LockedPickleDataset(filepath=str(tmp_path / "locked.pkl"))
    with pytest.raises(TypeError):
        pickle.dumps(locked)
    catalog = DataCatalog({"a": 20, "locked": locked})
    pipeline = Pipeline(
        [node(increment, "a", "locked", name="write"), node(increment, "locked", "b", name="read")]
    )
    result = runner.run(pipeline, catalog)
    assert pickle.loads((tmp_path / "locked.pkl").read_bytes()) == 21
    assert result.load("b") == 22


def test_failure_in_a_worker_names_the_node_and_keeps_saved_outputs(runner, tmp_path):
    catalog = DataCatalog.from_config(
        {"b": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "b.pkl")}}
    )
    catalog["a"] = 1
    pipeline = Pipeline(
        [
            node(increment, "a", "b", name="ok"),
            node(lambda b: b + 1, "b", "c", name="mem"),
            node(explode, "c", "d", name="boom"),
        ]
    )
    with pytest.raises(ValueError) as info:
        runner.run(pipeline, catalog)
    error = node_failure(info.value)
    assert error.node_name == "boom"
    assert error.completed == ("ok", "mem") and error.resume_from == ("mem",)
    assert any("worker process" in note for note in info.value.__notes__)
    assert pickle.loads((tmp_path / "b.pkl").read_bytes()) == 2


def test_hooks_run_in_workers_and_may_replace_inputs(runner, tmp_path):
    hooks = FileLoggingHooks(tmp_path / "hooks.jsonl", add_to_inputs={"a": 100})
    manager = create_hook_manager()
    register_hooks(manager, [hooks])
    catalog = DataCatalog({"a": 1})
    pipeline = Pipeline([node(increment, "a", "b", name="n1"), node(explode, "b", "c", name="n2")])
    with pytest.raises(ValueError):
        runner.run(pipeline, catalog, manager)
    assert catalog.load("b") == 102
    records = hooks.records()
    assert [r["hook"] for r in records] == [
        "before_node_run",
        "after_node_run",
        "after_dataset_saved",
        "before_node_run",
        "on_node_error",
    ]
    assert records[-1] == {"hook": "on_node_error", "node": "n2", "error": "exploded on purpose"}


def test_unpicklable_node_is_refused_before_running(runner):
    lock = threading.Lock()
    catalog = DataCatalog({"a": 1})
    pipeline = Pipeline([node(lambda a: (lock, a)[1], "a", "b", name="holds_lock")])
    with pytest.raises(NodeNotPicklableError, match="holds_lock"):
        runner.run(pipeline, catalog)


def test_independent_branches_all_complete(runner):
    catalog = DataCatalog({f"x{i}": i for i in range(6)})
    pipeline = Pipeline(
        [node(increment, f"x{i}", f"y{i}", name=f"n{i}") for i in range(6)]
        + [node(lambda *ys: sum(ys), [f"y{i}" for i in range(6)], "total", name="sum")]
    )
    result = runner.run(pipeline, catalog)
    assert result.load("total") == sum(range(6)) + 6
    assert list(result.node_timings)[-1] == "sum"


def _meet_in_folder(folder: str, me: str, other: str) -> str:
    """Leave a marker, then wait (up to 120 s: worker processes start slowly on a busy machine)
    for the other node's: only succeeds when both nodes are running at the same time, in two
    worker processes."""
    import os
    import time

    open(os.path.join(folder, me), "w").close()
    deadline = time.monotonic() + 120
    while not os.path.exists(os.path.join(folder, other)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{other} never started while {me} was running")
        time.sleep(0.01)
    return me


def test_independent_nodes_run_in_separate_processes_at_once(runner, tmp_path):
    catalog = DataCatalog({"folder": str(tmp_path)})
    pipeline = Pipeline(
        [
            node(lambda f: _meet_in_folder(f, "left", "right"), "folder", "l", name="left"),
            node(lambda f: _meet_in_folder(f, "right", "left"), "folder", "r", name="right"),
        ]
    )
    result = runner.run(pipeline, catalog)
    assert (result.load("l"), result.load("r")) == ("left", "right")


def test_readers_in_workers_see_the_version_a_worker_just_saved(runner, tmp_path):
    config = {
        "b": {
            "type": "pickle.PickleDataset",
            "filepath": str(tmp_path / "b.pkl"),
            "versioned": True,
        },
        "c": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "c.pkl")},
        "d": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "d.pkl")},
    }
    old = DataCatalog.from_config(config, save_version="2020-01-01T00.00.00.000Z")
    old.save("b", -1)  # an older version on disk
    catalog = DataCatalog.from_config(config)
    catalog["a"] = 1
    pipeline = Pipeline(
        [
            node(lambda a: (a + 1, a + 2), "a", ["b", "c"], name="write"),
            node(lambda b: b * 10, "b", "d", name="read"),
        ]
    )
    # checking existence first makes the main process resolve (and cache) the old version
    runner.run(pipeline, catalog, only_missing_outputs=True)
    assert pickle.loads((tmp_path / "d.pkl").read_bytes()) == 20


def test_spawned_workers_get_everything_from_the_task(tmp_path):
    """With "spawn" nothing is inherited from this process: the task alone must carry the
    node (a lambda closing over a value) and the dataset to save."""
    offset = 5
    catalog = DataCatalog.from_config(
        {"out": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "out.pkl")}}
    )
    catalog["x"] = 10
    pipeline = Pipeline([node(lambda x: x + offset, "x", "out", name="shift")])
    ParallelRunner(max_workers=1, mp_context="spawn").run(pipeline, catalog)
    assert pickle.loads((tmp_path / "out.pkl").read_bytes()) == 15


def test_input_that_cannot_travel_fails_its_node_cleanly(runner):
    from kedro_nb.io import MemoryDataset

    lock = MemoryDataset(data=threading.Lock(), copy_mode="assign")
    catalog = DataCatalog({"a": 1, "lock": lock})
    pipeline = Pipeline(
        [
            node(increment, "a", "b", name="fine"),
            node(lambda lock, b: b, ["lock", "b"], "c", name="needs_lock"),
        ]
    )
    with pytest.raises(NodeNotPicklableError) as info:
        runner.run(pipeline, catalog)
    failure = node_failure(info.value)
    assert failure.node_name == "needs_lock" and failure.completed == ("fine",)
    assert "input data of node 'needs_lock' (b, lock)" in str(info.value)


def _sleep_then_mark(folder: str) -> int:
    import os
    import time

    time.sleep(2)
    open(os.path.join(folder, "slow_done"), "w").close()
    return 1


def test_interrupt_stops_running_workers(tmp_path):
    from kedro_nb.io import MemoryDataset

    class Interrupting(MemoryDataset):
        def _save(self, data):
            raise KeyboardInterrupt  # as if the user pressed stop while this output arrived

    catalog = DataCatalog({"folder": str(tmp_path), "x": 1, "boom": Interrupting()})
    pipeline = Pipeline(
        [
            node(_sleep_then_mark, "folder", "slow_out", name="slow"),
            node(lambda x: x, "x", "boom", name="fast"),
        ]
    )
    with pytest.raises(KeyboardInterrupt):
        ParallelRunner(max_workers=2).run(pipeline, catalog)
    import time

    time.sleep(2.5)  # the slow node would have finished by now, had it not been stopped
    assert not (tmp_path / "slow_done").exists()
