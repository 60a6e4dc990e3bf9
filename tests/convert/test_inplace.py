"""In-place updates flow downstream: a node that changes an upstream value in place
(``df["c"] = ...``, ``df.dropna(inplace=True)``, ``items.append(x)``, ``model.fit(X)``) hands the
changed value on as a new dataset, and later readers get it exactly as in a top-to-bottom run
(checked against a real kernel, the notebook pipeline and the converted source, under the
sequential and the parallel runner). The mutation warning stays."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from convert_nbhelpers import build_notebook, code
from dataflow_harness import three_ways

from kedro_nb.convert import analyze_notebook, check_notebook
from kedro_nb.convert.node_source import notebook_node_cell

CELLS = [
    code("import pandas as pd\nfrom sklearn.preprocessing import StandardScaler"),
    code(
        "df = pd.DataFrame({'a': [1.0, None, 3.0]})\nitems = [1, 2]\nmodel = StandardScaler()\n"
        "factor = 3",
        "load",
    ),
    code("first_len = len(items)", "peek"),
    code("df['b'] = df['a'] * 2", "widen"),
    code("df.dropna(inplace=True)", "drop"),
    code("items.append(len(df))", "grow"),
    code("model.fit([[i] for i in items])", "train"),
    code(
        "def scale(value):\n    return value * factor\n\nscaled = [scale(i) for i in items]",
        "scale",
    ),
    code(
        "summary = (df.to_dict('list'), list(items), float(model.mean_[0]), first_len, scaled)",
        "report",
    ),
]


def wiring(cells: list[Any]) -> dict[str, tuple[list[str], list[str]]]:
    analysis = analyze_notebook(build_notebook(cells), name="nb")
    return {n.name: (n.inputs, n.outputs) for n in analysis.nodes}


def test_an_updating_node_hands_on_a_new_value_under_the_renaming_rule():
    assert wiring(CELLS) == {
        "load": ([], ["df", "items", "model", "factor"]),
        "peek": (["items"], ["first_len"]),
        "widen": (["df"], ["df__widen"]),
        "drop": (["df__widen"], ["df__drop"]),
        "grow": (["items", "df__drop"], ["items__grow"]),
        "train": (["model", "items__grow"], ["model__train"]),
        "scale": (["items__grow", "factor"], ["scaled"]),
        "report": (
            ["df__drop", "items__grow", "model__train", "first_len", "scaled"],
            ["summary"],
        ),
    }


def test_the_mutation_warning_stays_and_says_where_the_value_goes():
    analysis = analyze_notebook(build_notebook(CELLS), name="nb")
    warnings = {i.node: i.message for i in analysis.issues if i.kind == "mutation"}
    assert set(warnings) == {"widen", "drop", "grow", "train"}
    assert "later nodes get the changed value as 'items__grow'" in warnings["grow"]
    assert "(.fit())" in warnings["train"]


def _comparable(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return ("frame", value.to_json(orient="split"))  # NaN compares equal here
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    if hasattr(value, "__dict__"):  # a fitted estimator: what it learnt
        return (type(value).__name__, {k: _comparable(v) for k, v in vars(value).items()})
    return value


def test_every_output_equals_the_kernels_three_ways(write_notebook):
    path = write_notebook(CELLS)
    results = three_ways(path)
    kernel = {k: _comparable(v) for k, v in results.pop("kernel").items()}
    assert kernel["first_len"] == 2
    assert kernel["summary"][1:4] == ([1, 2, 2], 5 / 3, 2)
    for way, values in results.items():
        assert {k: _comparable(v) for k, v in values.items()} == kernel, way


def test_load_node_and_check_agree_on_the_updated_names(write_notebook):
    path = write_notebook(CELLS)
    assert notebook_node_cell(path, "train").inputs == {"model": "model", "items": "items__grow"}
    report = check_notebook(path)
    assert {i.node for i in report.issues if i.kind == "mutation"} == {
        "widen",
        "drop",
        "grow",
        "train",
    }


def test_a_value_rebound_in_the_cell_before_the_change_is_not_an_update():
    cells = [
        code("items = [1]", "load"),
        code("items = list(items)\nitems.append(2)", "copy_then_grow"),
        code("n = len(items)", "count"),
    ]
    assert wiring(cells)["copy_then_grow"] == (["items"], ["items__copy_then_grow"])
    analysis = analyze_notebook(build_notebook(cells), name="nb")
    assert not [i for i in analysis.issues if i.kind == "mutation"]


def test_explicit_outputs_are_not_extended_by_updates():
    cells = [
        code("items = [1]", "load"),
        code("items.append(2)\nn = len(items)", "grow", outputs=["n"]),
    ]
    assert wiring(cells)["grow"] == (["items"], ["n"])


def test_convert_check_and_sync_agree_on_the_updated_names(write_notebook):
    from kedro_nb.convert import cells, convert_notebook, drift, plan_conversion, sync_notebook

    path = write_notebook(CELLS)
    before = wiring(CELLS)
    conversion = convert_notebook(path)
    assert drift(plan_conversion(path)) == ""
    pipeline_py = (conversion.package_dir("analysis") / "pipeline.py").read_text()
    assert 'inputs=["model", "items__grow"],\n                outputs="model__train",' in (
        pipeline_py
    )
    nodes_py = conversion.package_dir("analysis") / "nodes.py"
    text = nodes_py.read_text()
    assert (
        "def grow(items, df):\n" in text and "    items.append(len(df))\n    return items\n" in text
    )
    nodes_py.write_text(text.replace("items.append(len(df))", "items.append(len(df) + 1)"))
    assert sync_notebook(path).updated == ["grow"]
    cell_sources = [cells.cell_source(c) for c in cells.read_notebook(path)["cells"]]
    assert cell_sources[5] == "items.append(len(df) + 1)"
    assert drift(plan_conversion(path)) == ""
    after = analyze_notebook(cells.read_notebook(path), name="nb")
    assert {n.name: (n.inputs, n.outputs) for n in after.nodes} == before


def test_a_name_a_cell_function_reads_before_the_cell_assigns_it_is_an_input(write_notebook):
    from dataflow_harness import converted_pipeline, run_values

    from kedro_nb.convert import notebook_pipeline

    cells = [
        code("a = [1]", "load"),
        code("def extend():\n    return a + [2]\n\n\na = extend()", "grow"),
        code("b = a + [3]", "use"),
    ]
    assert wiring(cells) == {
        "load": ([], ["a"]),
        "grow": (["a"], ["a__grow"]),
        "use": (["a__grow"], ["b"]),
    }
    path = write_notebook(cells)
    for pipeline in (notebook_pipeline(path), converted_pipeline(path)):
        values = run_values(pipeline, "sequential", {}, path.parent / "out")
        assert values == {"a": [1], "a__grow": [1, 2], "b": [1, 2, 3]}


def test_a_catalog_input_changed_in_place_stays_the_raw_input():
    analysis = analyze_notebook(
        build_notebook(
            [
                code("sales['net'] = sales['gross'] * 0.8", "add_net"),
                code("total = float(sales['net'].sum())", "add_up"),
            ]
        ),
        catalog={"sales"},
    )
    assert {n.name: (n.inputs, n.outputs) for n in analysis.nodes} == {
        "add_net": (["sales"], ["sales__add_net"]),
        "add_up": (["sales__add_net"], ["total"]),
    }
