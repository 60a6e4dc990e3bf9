"""Node, dataset and pipeline hooks: order and arguments, as Kedro calls them."""

from __future__ import annotations

import pytest

from kedro_nb.hooks import create_hook_manager, register_hooks
from kedro_nb.io import DataCatalog
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.runner import SequentialRunner, ThreadRunner

from ._helpers import RecordingHooks, add, increment


def _manager(*hooks):
    manager = create_hook_manager()
    register_hooks(manager, hooks)
    return manager


def _pipeline():
    return Pipeline(
        [node(increment, "a", "b", name="first"), node(add, ["a", "b"], "c", name="second")]
    )


def test_hooks_called_in_kedro_order_with_kedro_arguments():
    hooks = RecordingHooks()
    catalog = DataCatalog({"a": 1})
    pipeline = _pipeline()
    result = SequentialRunner().run(pipeline, catalog, _manager(hooks), run_id="run-7")
    # the pipeline hooks are the session's, as in Kedro: a bare runner.run calls node and
    # dataset hooks only
    assert hooks.names() == [
        "before_dataset_loaded",
        "after_dataset_loaded",
        "before_node_run",
        "after_node_run",
        "before_dataset_saved",
        "after_dataset_saved",
        "before_dataset_loaded",
        "after_dataset_loaded",
        "before_dataset_loaded",
        "after_dataset_loaded",
        "before_node_run",
        "after_node_run",
        "before_dataset_saved",
        "after_dataset_saved",
    ]
    before_first = hooks.calls[2][1]
    assert before_first["node"].name == "first" and before_first["catalog"] is catalog
    assert before_first["inputs"] == {"a": 1}
    assert before_first["is_async"] is False and before_first["run_id"] == "run-7"
    after_second = hooks.calls[11][1]
    assert after_second["inputs"] == {"a": 1, "b": 2} and after_second["outputs"] == {"c": 3}
    saved = hooks.calls[12][1]
    assert saved["dataset_name"] == "c" and saved["data"] == 3
    assert saved["node"].name == "second"
    assert set(result) == {"c"} and result.load("c") == 3


def test_before_node_run_can_replace_inputs():
    hooks = RecordingHooks(replace_inputs={"b": 100})
    catalog = DataCatalog({"a": 1})
    result = SequentialRunner().run(_pipeline(), catalog, _manager(hooks))
    assert result.load("c") == 101


def test_before_node_run_must_return_a_dict():
    class Bad:
        from kedro_nb.hooks import hook_impl

        @hook_impl
        def before_node_run(self, node):
            return ["not", "a", "dict"]

    from kedro_nb.runner import HookReturnError, node_failure

    with pytest.raises(HookReturnError) as info:
        SequentialRunner().run(_pipeline(), DataCatalog({"a": 1}), _manager(Bad()))
    assert node_failure(info.value) is not None
    assert "before_node_run" in str(info.value)


def test_async_mode_reports_is_async():
    hooks = RecordingHooks()
    SequentialRunner(is_async=True).run(_pipeline(), DataCatalog({"a": 1}), _manager(hooks))
    flags = {args["is_async"] for name, args in hooks.calls if name == "before_node_run"}
    assert flags == {True}


def test_thread_runner_calls_the_same_hooks_per_node():
    hooks = RecordingHooks()
    pipeline = Pipeline([node(increment, f"x{i}", f"y{i}", name=f"n{i}") for i in range(6)])
    catalog = DataCatalog({f"x{i}": i for i in range(6)})
    ThreadRunner(max_workers=3).run(pipeline, catalog, _manager(hooks))
    names = hooks.names()
    assert "before_pipeline_run" not in names and "after_pipeline_run" not in names
    assert names.count("before_node_run") == 6 and names.count("after_dataset_saved") == 6
    ran = sorted(args["node"].name for name, args in hooks.calls if name == "after_node_run")
    assert ran == [f"n{i}" for i in range(6)]


def test_no_hook_manager_and_empty_manager_behave_the_same():
    for manager in (None, create_hook_manager()):
        result = SequentialRunner().run(_pipeline(), DataCatalog({"a": 1}), manager)
        assert result.load("c") == 3


def test_missing_inputs_reach_no_hook():
    from kedro_nb.runner import MissingInputsError

    hooks = RecordingHooks()
    with pytest.raises(MissingInputsError):
        SequentialRunner().run(_pipeline(), DataCatalog(), _manager(hooks))
    assert hooks.names() == []
