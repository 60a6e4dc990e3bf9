"""Metadata overrides are exact: ``kedro_nb: {inputs, outputs}`` replace what the analysis infers,
including outputs no later node reads; every output still equals the kernel's value (real kernel,
notebook pipeline and converted source, sequential and parallel runners)."""

from __future__ import annotations

from convert_nbhelpers import build_notebook, code
from dataflow_harness import three_ways

from kedro_nb.convert import analyze_notebook, check_notebook
from kedro_nb.convert.node_source import notebook_node_cell

CELLS = [
    code("a = 1\nb = 2\ntmp = 3", "load", outputs=["a", "b"]),
    code("c = a * 10", "use", inputs=["a"]),
    code("d = a + 1\ne = d * 2", "side", outputs=["d", "e"]),
    code("a = a + 5", "grow"),
    code("n = a * 2", "count", inputs=["a__grow"]),
    code("total = b + c + n", "report"),
]


def test_overrides_replace_the_inferred_inputs_and_outputs():
    analysis = analyze_notebook(build_notebook(CELLS), name="nb")
    assert {n.name: (n.inputs, n.outputs) for n in analysis.nodes} == {
        "load": ([], ["a", "b"]),
        "use": (["a"], ["c"]),
        "side": (["a"], ["d", "e"]),  # neither is read later: both are still outputs
        "grow": (["a"], ["a__grow"]),  # 'a' is load's explicit name: the value takes a suffix
        "count": (["a__grow"], ["n"]),  # an explicit input naming a value feeds its variable
        "report": (["b", "c", "n"], ["total"]),
    }
    count = next(n for n in analysis.nodes if n.name == "count")
    assert count.args == ["a"]
    assert not [i for i in analysis.issues if i.kind != "mutation"]


def test_every_output_equals_the_kernels_three_ways(write_notebook):
    path = write_notebook(CELLS)
    results = three_ways(path)
    kernel = results.pop("kernel")
    assert kernel == {"a": 1, "b": 2, "c": 10, "d": 2, "e": 4, "a__grow": 6, "n": 12, "total": 24}
    for way, values in results.items():
        assert values == kernel, way


def test_load_node_and_check_agree_with_the_overrides(write_notebook):
    path = write_notebook(CELLS)
    assert notebook_node_cell(path, "count").inputs == {"a": "a__grow"}
    assert notebook_node_cell(path, "use").inputs == {"a": "a"}
    assert check_notebook(path).ok


def test_an_explicit_output_the_cell_never_assigns_is_reported():
    analysis = analyze_notebook(build_notebook([code("x = 1", "make", outputs=["x", "y"])]))
    (issue,) = [i for i in analysis.issues if i.kind == "undefined"]
    assert "metadata output 'y' is never assigned" in issue.message


def test_a_name_the_cell_reads_but_its_metadata_inputs_leave_out_is_reported():
    analysis = analyze_notebook(
        build_notebook([code("a = 1\nb = 2", "load"), code("c = a + b", "use", inputs=["a"])])
    )
    (issue,) = [i for i in analysis.issues if i.kind == "undefined"]
    assert (issue.node, issue.line) == ("use", 1)
    assert "reads 'b', which its metadata 'inputs' leave out" in issue.message
