"""ThreadRunner: independent nodes really overlap; dependent ones wait for their inputs."""

from __future__ import annotations

import threading

import pytest

from kedro_nb.io import DataCatalog
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.runner import RunnerOptionError, ThreadRunner


def test_independent_nodes_run_at_the_same_time():
    # fails unless three nodes wait together (60 s: threads start late on a busy machine)
    barrier = threading.Barrier(3, timeout=60)

    def meet(x):
        barrier.wait()
        return x

    catalog = DataCatalog({f"in{i}": i for i in range(3)})
    pipeline = Pipeline(
        [node(meet, f"in{i}", f"out{i}", name=f"meet{i}") for i in range(3)]
        + [node(lambda *xs: sum(xs), [f"out{i}" for i in range(3)], "total", name="sum")]
    )
    result = ThreadRunner(max_workers=3).run(pipeline, catalog)
    assert result.load("total") == 3
    assert list(result.node_timings)[-1] == "sum"


def test_diamond_respects_dependencies():
    order: list[str] = []
    lock = threading.Lock()

    def step(name, func):
        def run(*args):
            with lock:
                order.append(name)
            return func(*args)

        return run

    catalog = DataCatalog({"a": 1})
    pipeline = Pipeline(
        [
            node(step("top", lambda a: a + 1), "a", "b", name="top"),
            node(step("left", lambda b: b * 2), "b", "c", name="left"),
            node(step("right", lambda b: b * 3), "b", "d", name="right"),
            node(step("bottom", lambda c, d: c + d), ["c", "d"], "e", name="bottom"),
        ]
    )
    result = ThreadRunner(max_workers=2).run(pipeline, catalog)
    assert result.load("e") == 10
    assert order[0] == "top" and order[-1] == "bottom"


def test_max_workers_must_be_positive():
    with pytest.raises(RunnerOptionError, match="max_workers"):
        ThreadRunner(max_workers=0)
