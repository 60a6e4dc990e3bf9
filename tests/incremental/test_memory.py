"""Memory discipline: every runner releases a dataset as soon as no remaining node reads it, in
full and incremental runs, and reports each node's peak memory (in the result and the record)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from kedro_nb.hooks import create_hook_manager, hook_impl, register_hooks
from kedro_nb.io import DataCatalog, MemoryDataset
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.project.records import RunStore
from kedro_nb.project.session import KedroNbSession
from kedro_nb.runner import DaskRunner, ParallelRunner, SequentialRunner, ThreadRunner
from kedro_nb.runner.incremental import Incremental

STEPS = 5


def step(x: int) -> int:
    return x + 1


def allocate(x: int) -> bytes:
    return bytes(64 * 2**20) + bytes([x % 256])  # 64 MB, held in the output


def measure(data: bytes) -> int:
    return len(data)


class HeldData:
    """On each node start, which intermediate datasets still hold data."""

    def __init__(self, catalog: DataCatalog) -> None:
        self.catalog = catalog
        self.held: dict[str, list[str]] = {}

    @hook_impl
    def on_node_started(self, node: Any, run_id: str) -> None:
        names = [f"x{i}" for i in range(1, STEPS)]
        self.held[node.name] = [n for n in names if self.catalog.exists(n)]


RUNNERS = {
    "sequential": SequentialRunner,
    "thread": lambda: ThreadRunner(max_workers=2),
    "parallel": lambda: ParallelRunner(max_workers=2),
    "dask": lambda: DaskRunner(n_workers=1, processes=False),
}


@pytest.mark.parametrize("incremental", [False, True], ids=["full", "incremental"])
@pytest.mark.parametrize("runner_name", list(RUNNERS))
def test_each_runner_releases_data_after_its_last_reader(
    runner_name: str, incremental: bool, tmp_path: Path
) -> None:
    datasets = {f"x{i}": MemoryDataset() for i in range(1, STEPS + 1)}
    catalog = DataCatalog({"x0": 0, **datasets})
    pipeline = Pipeline([node(step, f"x{i}", f"x{i + 1}", name=f"n{i}") for i in range(STEPS)])
    hooks = HeldData(catalog)
    manager = create_hook_manager()
    register_hooks(manager, [hooks])
    runner = RUNNERS[runner_name]()
    options = Incremental(store=RunStore(tmp_path / "runs.sqlite")) if incremental else None
    try:
        result = runner.run(pipeline, catalog, manager, incremental=options)
    finally:
        getattr(runner, "close", lambda: None)()
    assert result.load(f"x{STEPS}") == STEPS
    # when n<i> starts, only its own input is still held: x<i-1> went once n<i-1> finished
    for i in range(1, STEPS):
        assert hooks.held[f"n{i}"] == [f"x{i}"], (runner_name, i, hooks.held)
    assert [n for n in datasets if catalog.exists(n)] == [f"x{STEPS}"]  # the free output


@pytest.mark.parametrize("runner_name", ["sequential", "parallel"])
def test_each_node_reports_its_peak_memory(runner_name: str) -> None:
    catalog = DataCatalog({"seed": 1})
    pipeline = Pipeline(
        [
            node(allocate, "seed", "blob", name="allocate"),
            node(measure, "blob", "size", name="measure"),
        ]
    )
    runner = RUNNERS[runner_name]()
    result = runner.run(pipeline, catalog)
    assert result.load("size") == 64 * 2**20 + 1
    assert set(result.node_memory) == {"allocate", "measure"}
    assert result.node_memory["allocate"] >= 50 * 2**20
    if runner_name == "sequential":  # a worker process receives its own copy of the input
        assert result.node_memory["measure"] < 32 * 2**20


def test_the_run_record_keeps_each_nodes_time_and_peak(tmp_path: Path) -> None:
    (tmp_path / "catalog.yml").write_text("")
    session = KedroNbSession.create(start_dir=tmp_path)
    catalog = session.build_catalog()
    catalog["seed"] = 3
    pipeline = Pipeline([node(allocate, "seed", "blob", name="allocate")])
    session.run(pipeline=pipeline, catalog=catalog)
    record = session.store.get(session.last_record.run_id)
    assert set(record.node_timings) == {"allocate"}
    assert record.node_memory["allocate"] >= 50 * 2**20


def churn(x: int) -> int:
    """Touches 96 MB for a while, then frees it: a peak the node's output does not keep."""
    block = bytearray(96 * 2**20)
    for offset in range(0, len(block), 4096):
        block[offset] = 1
    time.sleep(0.03)  # a few sampling intervals with the memory held
    del block
    return x + 1


@pytest.mark.parametrize("runner_name", ["sequential", "parallel"])
def test_a_peak_freed_before_the_node_ends_is_reported(runner_name: str) -> None:
    catalog = DataCatalog({"seed": 1})
    pipeline = Pipeline([node(churn, "seed", "out", name="churn")])
    runner = RUNNERS[runner_name]()
    result = runner.run(pipeline, catalog)
    assert result.load("out") == 2
    assert result.node_memory["churn"] >= 80 * 2**20


def test_tasks_share_one_sampler_that_ends_after_the_last_task() -> None:
    """Worker tasks (parallel, Dask) measure with the process's shared sampler: tasks back to
    back use one thread, and it ends soon after the last one, so none lingers in a process that
    ran tasks in-process (a kernel with an in-process Dask cluster)."""
    from kedro_nb.runner import memory

    def sampler_threads() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "kedro_nb-memory"]

    first = memory.task_started()
    threads = sampler_threads()
    assert len(threads) == 1
    assert memory.task_finished(first) is not None
    second = memory.task_started()  # right after: the same thread
    assert sampler_threads() == threads
    held = bytearray(48 * 2**20)
    held[::4096] = b"\1" * len(held[::4096])
    assert memory.task_finished(second) >= 40 * 2**20
    del held
    deadline = time.monotonic() + memory.TASK_IDLE_STOP + 5
    while sampler_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sampler_threads() == []
    third = memory.task_started()  # a new task after the pause: a new thread
    assert len(sampler_threads()) == 1 and sampler_threads() != threads
    memory.task_finished(third)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_worker_measures_with_its_own_sampler_and_lock() -> None:
    """A process pool's worker forked while the parent's task lock was held (another thread
    finishing a task at that moment) still measures its tasks: the lock is its own."""
    from kedro_nb.runner import memory

    with memory._tasks_lock:  # held across the fork, as by another thread of the parent
        pid = os.fork()
        if pid == 0:  # the child: a deadlock here ends it by the alarm, with a failing status
            signal.alarm(10)
            code = 1
            try:
                started = memory.task_started()
                code = 0 if memory.task_finished(started) is not None else 2
            finally:
                os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
