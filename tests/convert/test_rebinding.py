"""Rebinding: each value of a re-assigned name is its own dataset, and every reader gets the
value a top-to-bottom run gives it (checked against a real kernel, the notebook pipeline and the
converted source, under the sequential and the parallel runner)."""

from __future__ import annotations

import pytest
from convert_nbhelpers import build_notebook, code
from dataflow_harness import three_ways

from kedro_nb.convert import analyze_notebook, cells, convert_notebook, plan_conversion
from kedro_nb.convert.errors import DuplicateOutputError


def analyze(cells, catalog=()):
    return analyze_notebook(build_notebook(cells), name="nb", catalog=set(catalog))


def wiring(analysis):
    return {n.name: (n.inputs, n.outputs) for n in analysis.nodes}


CLEAN = [
    code("df = [3, None, 1, None, 2]", "load"),
    code("df = [v for v in df if v is not None]", "clean"),
    code("df = sorted(df)", "order"),
    code("total = sum(df) * 10 + df[0]", "report"),
]


def test_a_rebinding_chain_gets_one_dataset_per_value():
    analysis = analyze(CLEAN)
    assert wiring(analysis) == {
        "load": ([], ["df"]),
        "clean": (["df"], ["df__clean"]),
        "order": (["df__clean"], ["df__order"]),
        "report": (["df__order"], ["total"]),
    }
    clean = analysis.nodes[1]
    assert clean.args == ["df"] and clean.returns == ["df"]
    assert clean.output_variables == {"df__clean": "df"}
    assert not analysis.issues


def test_generated_functions_keep_the_cells_variable_names(write_notebook):
    path = write_notebook(CLEAN)
    plan = plan_conversion(path, with_catalog=False)
    nodes_py = next(text for p, text in plan.sources.items() if p.name == "nodes.py")
    assert (
        "def clean(df):\n"
        '    """Node cell c01 of analysis.ipynb."""\n'
        "    df = [v for v in df if v is not None]\n"
        "    return df\n"
    ) in nodes_py
    pipeline_py = next(text for p, text in plan.sources.items() if p.name == "pipeline.py")
    assert 'inputs="df__clean",\n                outputs="df__order",' in pipeline_py


def test_two_producers_of_a_name_each_feed_their_own_readers():
    analysis = analyze(
        [
            code("batch = [1, 2]", "first_batch"),
            code("first_total = sum(batch)", "use_first"),
            code("batch = [10, 20, 30]", "second_batch"),
            code("second_total = sum(batch)", "use_second"),
        ]
    )
    assert wiring(analysis) == {
        "first_batch": ([], ["batch"]),
        "use_first": (["batch"], ["first_total"]),
        "second_batch": ([], ["batch__second_batch"]),
        "use_second": (["batch__second_batch"], ["second_total"]),
    }


def test_the_catalog_name_goes_to_the_value_a_top_to_bottom_run_leaves():
    analysis = analyze(CLEAN, catalog={"df"})
    assert wiring(analysis) == {
        "load": ([], ["df__load"]),
        "clean": (["df__load"], ["df__clean"]),
        "order": (["df__clean"], ["df"]),
        "report": (["df"], ["total"]),
    }


def test_a_catalog_input_rebound_by_nodes_stays_the_raw_input():
    analysis = analyze(
        [code("df = [v for v in df if v]", "clean"), code("n = len(df)", "count")],
        catalog={"df"},
    )
    assert wiring(analysis) == {"clean": (["df"], ["df__clean"]), "count": (["df__clean"], ["n"])}


def test_a_suffixed_name_already_used_gets_a_number():
    analysis = analyze(
        [
            code("df = 1\ndf__clean = 5", "load"),
            code("df = df + df__clean", "clean"),
            code("out = df", "use"),
        ]
    )
    assert wiring(analysis)["clean"] == (["df", "df__clean"], ["df__clean_2"])
    assert wiring(analysis)["use"] == (["df__clean_2"], ["out"])


def test_explicit_names_are_never_renamed_and_push_inferred_values_aside():
    analysis = analyze(
        [
            code("x = 1", "first"),
            code("x = 2", "second", outputs=["x"]),
            code("y = x", "reader"),
        ]
    )
    assert wiring(analysis) == {
        "first": ([], ["x__first"]),
        "second": ([], ["x"]),
        "reader": (["x"], ["y"]),
    }


def test_two_explicit_producers_of_one_dataset_are_refused_with_the_fix():
    with pytest.raises(DuplicateOutputError, match=r"cell 1\).*cell 2\).*Rename one"):
        analyze([code("x = 1", "a", outputs=["x"]), code("x = 2", "b", outputs=["x"])])


DIAMOND = [
    code("x = 2", "start"),
    code("y = x + 1", "left"),
    code("x = x * 10", "right"),
    code("z = x + y\nx = x + z", "join"),
    code("final = (x, y, z)", "end"),
]


def test_rebinding_inside_a_diamond():
    analysis = analyze(DIAMOND)
    assert wiring(analysis) == {
        "start": ([], ["x"]),
        "left": (["x"], ["y"]),
        "right": (["x"], ["x__right"]),
        "join": (["x__right", "y"], ["z", "x__join"]),
        "end": (["x__join", "y", "z"], ["final"]),
    }


@pytest.mark.parametrize("cells", [CLEAN, DIAMOND], ids=["chain", "diamond"])
def test_every_output_equals_the_kernels_three_ways(write_notebook, cells):
    path = write_notebook(cells)
    results = three_ways(path)
    kernel = results.pop("kernel")
    assert kernel  # every node output was captured
    for way, values in results.items():
        assert values == kernel, way


def test_load_node_check_sync_and_convert_check_agree_on_the_names(write_notebook):
    from kedro_nb.convert import check_notebook, drift, sync_notebook
    from kedro_nb.convert.node_source import notebook_node_cell

    path = write_notebook(CLEAN)
    assert notebook_node_cell(path, "clean").inputs == {"df": "df"}
    assert notebook_node_cell(path, "report").inputs == {"df": "df__order"}
    assert check_notebook(path).ok
    conversion = convert_notebook(path)
    assert drift(plan_conversion(path)) == ""
    nodes_py = conversion.package_dir("analysis") / "nodes.py"
    nodes_py.write_text(nodes_py.read_text().replace("sorted(df)", "sorted(df, reverse=True)"))
    result = sync_notebook(path)
    assert result.updated == ["order"]
    assert cells.cell_source(cells.read_notebook(path)["cells"][2]) == (
        "df = sorted(df, reverse=True)"
    )
    assert drift(plan_conversion(path)) == ""
    assert wiring(analyze_notebook(cells.read_notebook(path)))["report"] == (
        ["df__order"],
        ["total"],
    )


@pytest.mark.parametrize("cells", [CLEAN, DIAMOND], ids=["chain", "diamond"])
def test_the_namespace_a_run_leaves_is_the_top_to_bottom_one(write_notebook, cells):
    from dataflow_harness import run_values

    from kedro_nb.convert import notebook_namespace, notebook_pipeline

    path = write_notebook(cells)
    values = run_values(notebook_pipeline(path), "sequential", {}, path.parent / "out")
    top_to_bottom: dict = {}
    for _, source, *_ in cells:
        exec(source, top_to_bottom)
    namespace = notebook_namespace(path, values)
    assert namespace == {k: top_to_bottom[k] for k in namespace}
    assert set(namespace) == {k for k in top_to_bottom if not k.startswith("__")}
