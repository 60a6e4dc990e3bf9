"""Runner parity: the run result, node exceptions, custom runners written Kedro's way."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from kedro.framework.hooks import hook_impl

from .conftest import Api


def _double(x):
    return x * 2


def _explode(x):
    raise ValueError(f"bad value {x}")


def _pipeline(api: Api):
    node = api.pipeline.node
    return api.pipeline.Pipeline(
        [
            node(_double, "a", "b", name="first"),
            node(_double, "b", "c", name="second"),
            node(_double, "a", "side", name="third"),
        ]
    )


def _catalog(api: Api):
    return api.io.DataCatalog({"a": api.io.MemoryDataset(2)})


def _shape(result) -> dict:
    """What user code can see of a run result."""
    return {
        "type_is_dict": isinstance(result, dict),
        "keys": sorted(result),
        "loaded": {name: result[name].load() for name in sorted(result)},
        "items": sorted((name, type(ds).__name__) for name, ds in result.items()),
        "len": len(result),
    }


def test_run_returns_a_dict_of_free_output_datasets(both) -> None:
    shapes = [
        _shape(api.runner.SequentialRunner().run(_pipeline(api), _catalog(api))) for api in both
    ]
    assert shapes[0] == shapes[1]
    assert shapes[1]["keys"] == ["c", "side"]


def test_kedro_nb_extras_sit_beside_the_mapping(both) -> None:
    _, ours = both
    result = ours.runner.SequentialRunner().run(_pipeline(ours), _catalog(ours))
    assert set(result.node_timings) == {"first", "second", "third"} and result.duration > 0
    assert result.saved == [] and result.skipped == [] and result.record is None
    assert "node_timings" not in result and result.load("c") == 8


def _caught(api: Api):
    pipeline = api.pipeline.Pipeline([api.pipeline.node(_explode, "a", "b", name="boom")])
    try:
        api.runner.SequentialRunner().run(pipeline, _catalog(api))
    except ValueError as exc:  # as users write it
        return type(exc).__name__, str(exc)
    return None


def test_a_node_error_keeps_its_type(both) -> None:
    kedro, ours = both
    assert _caught(kedro) == _caught(ours) == ("ValueError", "bad value 2")


def test_missing_input_raises_value_error(both) -> None:
    for api in both:
        pipeline = api.pipeline.Pipeline([api.pipeline.node(_double, "nope", "b", name="n")])
        with pytest.raises(ValueError, match="nope"):
            api.runner.SequentialRunner().run(pipeline, api.io.DataCatalog())


def _custom_runners(api: Api) -> dict[str, type]:
    """Custom runners as Kedro's docs write them, against ``api``."""
    AbstractRunner, Task = api.runner.AbstractRunner, api.runner.Task

    class OneByOne(AbstractRunner):
        def _get_executor(self, max_workers):
            return None

        def _run(self, pipeline, catalog, hook_manager=None, run_id=None):
            super()._run(pipeline, catalog, hook_manager, run_id)

    class Threads(AbstractRunner):
        def _get_executor(self, max_workers):
            return ThreadPoolExecutor(max_workers=2)

        def _run(self, pipeline, catalog, hook_manager=None, run_id=None):
            super()._run(
                pipeline=pipeline, catalog=catalog, hook_manager=hook_manager, run_id=run_id
            )

    class HandRolled(AbstractRunner):
        ran: list[str] = []

        def _get_executor(self, max_workers):
            return None

        def _run(self, pipeline, catalog, hook_manager=None, run_id=None):
            for node in pipeline.nodes:
                Task(
                    node=node,
                    catalog=catalog,
                    hook_manager=hook_manager,
                    is_async=self._is_async,
                    run_id=run_id,
                ).execute()
                self.ran.append(node.name)
            self._logger.info("ran %d nodes", len(pipeline.nodes))

    return {"OneByOne": OneByOne, "Threads": Threads, "HandRolled": HandRolled}


@pytest.mark.parametrize("kind", ["OneByOne", "Threads", "HandRolled"])
def test_custom_runner_written_kedros_way(both, kind: str) -> None:
    from kedro.framework.hooks import _create_hook_manager

    shapes = []
    for api in both:
        runner = _custom_runners(api)[kind]()
        manager = _create_hook_manager() if api.name == "kedro" else None
        shapes.append(_shape(runner.run(_pipeline(api), _catalog(api), manager)))
    assert shapes[0] == shapes[1]


def test_custom_runner_node_error_keeps_its_type(both) -> None:
    from kedro.framework.hooks import _create_hook_manager

    caught = []
    for api in both:
        runner = _custom_runners(api)["OneByOne"]()
        pipeline = api.pipeline.Pipeline([api.pipeline.node(_explode, "a", "b", name="boom")])
        with pytest.raises(ValueError) as info:
            manager = _create_hook_manager() if api.name == "kedro" else None
            runner.run(pipeline, _catalog(api), manager)
        caught.append(str(info.value))
    assert caught[0] == caught[1]


# -- Kedro's own ParallelRunner over each SharedMemoryDataCatalog --------------------------
def test_kedros_parallel_runner_runs_over_either_shared_memory_catalog(both) -> None:
    """User code written for Kedro (its pipeline, its ParallelRunner) with the catalog from
    either package: intermediate and free outputs live in the runner's manager and the result
    reads back the same."""
    from kedro.runner import ParallelRunner

    kedro, _ = both
    shapes = []
    for api in both:
        catalog = api.io.SharedMemoryDataCatalog({"a": api.io.MemoryDataset(2)})
        runner = ParallelRunner(max_workers=2)  # its manager holds the data while it lives
        result = runner.run(_pipeline(kedro), catalog)
        shape = _shape(result)
        # the same except the class name of the memory datasets (each package's own)
        shape["items"] = sorted(name for name, _ in shape["items"])
        shapes.append(shape)
        assert {type(ds).__name__ for ds in result.values()} == {"SharedMemoryDataset"}
    assert shapes[0] == shapes[1]
    assert shapes[1]["loaded"] == {"c": 8, "side": 4}


def _unpicklable_dataset(api: Api):
    """A 1.x-style dataset of ``api`` holding a lambda: no worker process can receive it."""

    class Unpicklable(api.io.AbstractDataset):
        def __init__(self) -> None:
            self._hook = lambda: None

        def load(self):
            return 1

        def save(self, data) -> None:
            pass

        def _describe(self) -> dict:
            return {}

    return Unpicklable()


def test_kedros_parallel_runner_refuses_the_same_unpicklable_dataset(both) -> None:
    from kedro.runner import ParallelRunner

    kedro, _ = both
    messages = []
    for api in both:
        catalog = api.io.SharedMemoryDataCatalog({"a": _unpicklable_dataset(api)})
        with pytest.raises(AttributeError) as caught:
            ParallelRunner(max_workers=2).run(_pipeline(kedro), catalog)
        messages.append(str(caught.value).splitlines()[0])
    assert messages[0] == messages[1]
    assert "['a']" in messages[1]


class _HookLog:
    """Which hooks a run calls, in order, marked with Kedro's own ``hook_impl``."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:
        self.calls.append("before_pipeline_run")

    @hook_impl
    def after_pipeline_run(self, run_params, run_result, pipeline, catalog) -> None:
        self.calls.append("after_pipeline_run")

    @hook_impl
    def before_node_run(self, node, catalog, inputs, is_async, run_id) -> None:
        self.calls.append(f"before_node_run:{node.name}:{sorted(inputs)}:{is_async}")

    @hook_impl
    def after_node_run(self, node, catalog, inputs, outputs, is_async, run_id) -> None:
        self.calls.append(f"after_node_run:{node.name}:{sorted(outputs)}")

    @hook_impl
    def before_dataset_loaded(self, dataset_name, node) -> None:
        self.calls.append(f"before_dataset_loaded:{dataset_name}:{node.name}")

    @hook_impl
    def after_dataset_saved(self, dataset_name, data, node) -> None:
        self.calls.append(f"after_dataset_saved:{dataset_name}:{data}")


def _hook_manager(api: Api):
    if api.name == "kedro":
        from kedro.framework.hooks.manager import _create_hook_manager

        return _create_hook_manager()
    from kedro_nb.hooks import create_hook_manager

    return create_hook_manager()


def test_a_direct_runner_run_calls_node_and_dataset_hooks_only(both) -> None:
    """As in Kedro, the pipeline hooks belong to the session: a bare ``runner.run`` with a
    hook manager calls the node and dataset hooks, with the same arguments, in the same order."""
    logs = []
    for api in both:
        log = _HookLog()
        manager = _hook_manager(api)
        manager.register(log)
        api.runner.SequentialRunner().run(_pipeline(api), _catalog(api), manager, run_id="r1")
        logs.append(log.calls)
    assert logs[0] == logs[1]
    assert not any("pipeline_run" in call for call in logs[1])
    assert "after_dataset_saved:c:8" in logs[1]
