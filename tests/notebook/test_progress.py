"""Run progress as a hook implementation, driven by the real runners."""

from __future__ import annotations

import io

import pytest

from kedro_nb.hooks import create_hook_manager, register_hooks
from kedro_nb.io import DataCatalog
from kedro_nb.notebook import progress as progress_module
from kedro_nb.notebook.progress import (
    DONE,
    FAILED,
    NOT_RUN,
    RunProgress,
    display_sink,
    line_sink,
    progress_html,
)
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.runner import MissingInputsError, ParallelRunner, SequentialRunner, ThreadRunner


def _double(x):
    return x * 2


def _fail(x):
    raise ValueError("bad input")


@pytest.mark.parametrize("runner", [SequentialRunner(), ThreadRunner(max_workers=2)])
def test_each_node_is_reported_running_then_done(runner) -> None:
    pipeline = Pipeline(
        [
            node(_double, "a", "b", name="first"),
            node(_double, "a", "c", name="second"),
            node(_double, "b", "d", name="third"),
        ]
    )
    out = io.StringIO()
    progress = RunProgress(line_sink(out), "Run of test")
    manager = create_hook_manager()
    register_hooks(manager, [progress])
    runner.run(pipeline, DataCatalog({"a": 1}), manager)
    assert {name: state for name, (state, _) in progress.states.items()} == dict.fromkeys(
        ("first", "second", "third"), DONE
    )
    lines = out.getvalue().splitlines()
    assert len(lines) == 6 and lines[-1].startswith("[3/3] \u2713 ")
    assert "3/3 nodes done" in progress_html(progress)


def test_a_failing_node_is_marked_failed() -> None:
    progress = RunProgress(line_sink(io.StringIO()), "Run")
    manager = create_hook_manager()
    register_hooks(manager, [progress])
    pipeline = Pipeline([node(_double, "a", "b", name="ok"), node(_fail, "b", "c", name="boom")])
    with pytest.raises(ValueError):
        SequentialRunner().run(pipeline, DataCatalog({"a": 1}), manager)
    assert progress.states["boom"][0] == FAILED
    assert "1 failed" in progress_html(progress)


def test_worker_processes_report_each_node_as_it_starts_and_ends() -> None:
    pipeline = Pipeline([node(_double, "a", "b", name="ok"), node(_fail, "b", "c", name="boom")])
    out = io.StringIO()
    progress = RunProgress(line_sink(out), "Run")
    manager = create_hook_manager()
    register_hooks(manager, [progress])
    with pytest.raises(ValueError):
        ParallelRunner(max_workers=2).run(pipeline, DataCatalog({"a": 1}), manager)
    assert out.getvalue().splitlines() == [
        "[0/2] \u25b6 ok running",
        f"[1/2] \u2713 ok done ({progress.states['ok'][1]:.2f} s)",
        "[1/2] \u25b6 boom running",
        f"[1/2] \u2717 boom failed ({progress.states['boom'][1]:.2f} s)",
    ]


class _Handle:
    """Stands in for IPython's DisplayHandle: records what the live display would show."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    def update(self, bundle: dict[str, str], raw: bool) -> None:
        self.shown.append(bundle["text/plain"])


def test_live_display_is_throttled_but_shows_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "MIN_REDRAW_SECONDS", 3600.0)  # no time-based redraw
    pipeline = Pipeline([node(_double, f"d{i}", f"d{i + 1}", name=f"n{i}") for i in range(50)])
    handle = _Handle()
    progress = RunProgress(display_sink(handle), "Run of chain")
    manager = create_hook_manager()
    register_hooks(manager, [progress])
    SequentialRunner().run(pipeline, DataCatalog({"d0": 1}), manager)
    assert handle.shown == ["Run of chain: 0/50 nodes done", "Run of chain: 50/50 nodes done"]


def test_after_a_failure_nodes_that_never_ran_say_not_run() -> None:
    progress = RunProgress(line_sink(io.StringIO()), "Run")
    manager = create_hook_manager()
    register_hooks(manager, [progress])
    pipeline = Pipeline(
        [
            node(_double, "a", "b", name="ok"),
            node(_fail, "b", "c", name="boom"),
            node(_double, "c", "d", name="after"),
        ]
    )
    with pytest.raises(ValueError):
        SequentialRunner().run(pipeline, DataCatalog({"a": 1}), manager)
    assert {name: state for name, (state, _) in progress.states.items()} == {
        "ok": DONE,
        "boom": FAILED,
        "after": NOT_RUN,
    }
    html = progress_html(progress)
    assert "not run" in html and "pending" not in html
    assert "Run: 1/3 nodes done, 1 failed" in html


def test_a_run_refused_up_front_draws_nothing() -> None:
    handle = _Handle()
    progress = RunProgress(display_sink(handle), "Run")
    manager = create_hook_manager()
    register_hooks(manager, [progress])
    with pytest.raises(MissingInputsError):
        SequentialRunner().run(
            Pipeline([node(_double, "a", "b", name="n")]), DataCatalog(), manager
        )
    assert handle.shown == []


def test_progress_data_carries_each_state_and_the_failure() -> None:
    progress = RunProgress(line_sink(io.StringIO()), "Run")
    manager = create_hook_manager()
    register_hooks(manager, [progress])
    pipeline = Pipeline([node(_double, "a", "b", name="ok"), node(_fail, "b", "c", name="boom")])
    with pytest.raises(ValueError):
        SequentialRunner().run(pipeline, DataCatalog({"a": 1}), manager)
    data = progress_module.progress_json(progress)
    assert data["nodes"]["ok"]["state"] == DONE
    assert data["nodes"]["boom"] | {"seconds": None} == {
        "state": FAILED,
        "seconds": None,
        "error": "ValueError: bad input",  # not notebook cell code: no cell or line
    }
