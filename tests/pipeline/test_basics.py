"""Smoke tests of the public API: nodes, pipelines, slicing basics."""

from __future__ import annotations

import pytest

from kedro_nb.pipeline import CircularDependencyError, Pipeline, PipelineError, node


def identity(x):
    return x


def pair(a, b):
    return a, b


def make_pipeline() -> Pipeline:
    return Pipeline(
        [
            node(identity, "raw", "clean", name="clean"),
            node(pair, ["clean", "params:k"], ["left", "right"], name="split"),
            node(identity, "left", "report", name="report"),
        ]
    )


def test_nodes_are_in_execution_order():
    assert [n.name for n in make_pipeline().nodes] == ["clean", "split", "report"]


def test_free_inputs_and_outputs():
    pipe = make_pipeline()
    assert pipe.inputs() == {"raw", "params:k"}
    assert pipe.outputs() == {"right", "report"}


def test_from_nodes_and_to_outputs():
    pipe = make_pipeline()
    assert [n.name for n in pipe.from_nodes("split").nodes] == ["split", "report"]
    assert [n.name for n in pipe.to_outputs("left").nodes] == ["clean", "split"]


def test_cycle_is_named():
    with pytest.raises(CircularDependencyError, match=r"'a' -\[x\]-> 'b' -\[y\]-> 'a'") as err:
        Pipeline([node(identity, "y", "x", name="a"), node(identity, "x", "y", name="b")])
    assert isinstance(err.value, PipelineError)


def test_import_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, kedro_nb.pipeline; "
        "heavy = {'pandas', 'kedro', 'numpy'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_sum_of_pipelines_and_lazy_order():
    parts = [Pipeline([node(identity, f"d{i}", f"d{i + 1}", name=f"n{i}")]) for i in range(5)]
    total = sum(reversed(parts))
    assert [n.name for n in total.nodes] == [f"n{i}" for i in range(5)]
    assert total.inputs() == {"d0"} and total.outputs() == {"d5"}
    assert [[n.name for n in g] for g in total.grouped_nodes] == [[f"n{i}"] for i in range(5)]
