"""kedro-nb's progress hooks (on_node_started / on_node_finished): every runner calls them in
the process and thread that called ``run``, in an order consistent with the pipeline, for
succeeding and failing nodes alike, while Kedro's node hooks keep running where nodes run."""

from __future__ import annotations

import threading

import pytest

from kedro_nb.hooks import create_hook_manager, hook_impl, register_hooks
from kedro_nb.io import DataCatalog, MemoryDataset
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.runner import (
    NodeNotPicklableError,
    ParallelRunner,
    SequentialRunner,
    ThreadRunner,
    node_failure,
)

from ._helpers import (
    FileLoggingHooks,
    ProgressRecorder,
    check_failure,
    check_success,
    diamond,
    failing,
)

RUNNERS = {
    "sequential": SequentialRunner,
    "sequential-async": lambda: SequentialRunner(is_async=True),
    "thread": lambda: ThreadRunner(max_workers=2),
    "parallel": lambda: ParallelRunner(max_workers=2),
}


def _manager(*hooks):
    manager = create_hook_manager()
    register_hooks(manager, hooks)
    return manager


@pytest.mark.parametrize("name", list(RUNNERS))
def test_progress_hooks_follow_every_node_in_the_calling_thread(name):
    recorder = ProgressRecorder()
    pipeline = diamond()
    result = RUNNERS[name]().run(
        pipeline, DataCatalog({"a": 1}), _manager(recorder), run_id="run-progress"
    )
    assert result.load("e") == 6
    check_success(recorder, pipeline, result, "run-progress")


@pytest.mark.parametrize("name", list(RUNNERS))
def test_a_failing_node_finishes_with_its_error(name):
    recorder = ProgressRecorder()
    pipeline = failing()
    with pytest.raises(ValueError) as info:
        RUNNERS[name]().run(pipeline, DataCatalog({"a": 1}), _manager(recorder))
    check_failure(recorder, pipeline, info.value)


def test_parallel_keeps_node_hooks_in_workers_and_progress_here(tmp_path):
    worker_hooks = FileLoggingHooks(tmp_path / "hooks.jsonl")
    recorder = ProgressRecorder()
    pipeline = diamond()
    result = ParallelRunner(max_workers=2).run(
        pipeline, DataCatalog({"a": 1}), _manager(worker_hooks, recorder), run_id="mixed"
    )
    check_success(recorder, pipeline, result, "mixed")
    ran = [r["node"] for r in worker_hooks.records() if r["hook"] == "after_node_run"]
    assert sorted(ran) == ["first", "last", "second", "side"]


def test_an_input_that_cannot_be_sent_finishes_the_node_with_that_error():
    class Unpicklable:
        def __init__(self) -> None:
            self.lock = threading.Lock()

    recorder = ProgressRecorder()
    pipeline = Pipeline([node(lambda x: x, "a", "b", name="echo")])
    catalog = DataCatalog({"a": MemoryDataset(Unpicklable(), copy_mode="assign")})
    with pytest.raises(NodeNotPicklableError) as info:
        ParallelRunner(max_workers=1).run(pipeline, catalog, _manager(recorder))
    assert recorder.order() == [("started", "echo"), ("finished", "echo")]
    assert recorder.events[-1]["error"] is info.value
    assert node_failure(info.value).node_name == "echo"


def test_started_without_finished_and_finished_without_started():
    class OnlyStarted:
        def __init__(self) -> None:
            self.names: list[str] = []

        @hook_impl
        def on_node_started(self, node):
            self.names.append(node.name)

    class OnlyFinished:
        def __init__(self) -> None:
            self.names: list[str] = []

        @hook_impl
        def on_node_finished(self, node, error):
            self.names.append(f"{node.name}:{type(error).__name__}")

    for runner in (SequentialRunner(), ThreadRunner(max_workers=2)):
        started, finished = OnlyStarted(), OnlyFinished()
        with pytest.raises(ValueError):
            runner.run(failing(), DataCatalog({"a": 1}), _manager(started, finished))
        assert started.names == ["first", "boom"]
        assert finished.names == ["first:NoneType", "boom:ValueError"]
