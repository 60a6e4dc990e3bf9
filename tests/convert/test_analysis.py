"""Static analysis of node cells: inputs, outputs, parameters, catalog calls, warnings, errors."""

from __future__ import annotations

import sys

import pytest
from convert_nbhelpers import build_notebook, code, md

from kedro_nb.convert.analysis import analyze_notebook
from kedro_nb.convert.errors import (
    CellSyntaxError,
    DuplicateNodeError,
    DuplicateOutputError,
    ForwardReferenceError,
    InvalidNodeNameError,
)


def analyze(cells, catalog=()):
    return analyze_notebook(build_notebook(cells), name="nb", catalog=set(catalog))


def nodes(analysis):
    return {n.name: (n.inputs, n.outputs) for n in analysis.nodes}


def kinds(analysis):
    return [(i.kind, i.cell_index, i.line) for i in analysis.issues]


def test_inputs_come_from_earlier_nodes_and_catalog_outputs_from_later_readers():
    analysis = analyze(
        [
            code("clean = raw.dropna()\ntmp = 1", "clean_data"),
            code("features = clean * 2\nunused = features.sum()", "make_features"),
            code("model = fit(features, clean)", "train"),
        ],
        catalog={"raw", "model"},
    )
    assert nodes(analysis) == {
        "clean_data": (["raw"], ["clean"]),
        "make_features": (["clean"], ["features"]),
        "train": (["features", "clean"], ["model"]),
    }
    assert ("undefined", 2, 1) in kinds(analysis)  # fit


def test_setup_cells_are_globals_not_inputs_and_exploration_is_hidden_state():
    analysis = analyze(
        [
            code("import numpy as np\nTHRESHOLD = 3\n\ndef helper(x):\n    return np.log(x)"),
            code("peek = raw.head()\nlookup = {'a': 1}"),
            code("out = helper(raw) + THRESHOLD + lookup['a']", "compute"),
        ],
        catalog={"raw"},
    )
    (node,) = analysis.nodes
    assert node.inputs == ["raw"]
    assert node.globals_used == {"helper", "THRESHOLD"}
    assert analysis.setup_cells == [0]
    (issue,) = analysis.issues
    assert (issue.kind, issue.cell_index, issue.line) == ("hidden-state", 2, 1)
    assert "exploration cell 2" in issue.message and "'lookup'" in issue.message


def test_params_subscripts_attributes_nested_and_get_become_params_inputs():
    analysis = analyze(
        [
            code(
                "a = params['alpha'] + params.beta + params['model']['depth'] + params.get('k')",
                "n",
            )
        ]
    )
    node = analysis.nodes[0]
    assert node.inputs == ["params:alpha", "params:beta", "params:model.depth", "params:k"]
    assert node.args == ["alpha", "beta", "depth", "k"]


def test_bare_params_is_the_parameters_dataset_and_param_names_avoid_clashes():
    analysis = analyze([code("alpha = 1\nb = params['alpha'] * alpha\nc = len(params)", "n")])
    node = analysis.nodes[0]
    assert node.inputs == ["params:alpha", "parameters"]
    assert node.args == ["param_alpha", "params"]


def test_catalog_load_and_save_calls_are_inputs_and_outputs():
    analysis = analyze(
        [code("df = catalog.load('raw.companies')\ncatalog.save('report', df.describe())", "n")]
    )
    node = analysis.nodes[0]
    assert (node.inputs, node.outputs, node.args) == (
        ["raw.companies"],
        ["report"],
        ["raw_companies"],
    )


def test_in_place_mutation_of_inputs_is_warned_but_not_of_rebound_names():
    analysis = analyze(
        [
            code("a = make()\nb = make()\nc = make()\nd = make()", "src"),
            code("a.dropna(inplace=True)\nb.append(1)\nc['x'] = 1\nd = d.copy()\nd['y'] = 2", "n"),
        ]
    )
    mutations = [i for i in analysis.issues if i.kind == "mutation"]
    assert [i.line for i in mutations] == [1, 2, 3]
    for issue, kind in zip(
        mutations, ["inplace=True", ".append()", "item assignment"], strict=True
    ):
        assert f"({kind})" in issue.message


def test_magics_are_translated_and_shell_escapes_outside_nodes_reported():
    analysis = analyze(
        [
            code("%matplotlib inline\nimport pandas as pd"),
            code(
                "%time df = pd.DataFrame(raw)\n%config InlineBackend.figure_format = 'svg'", "load"
            ),
            code("%%bash\necho hi"),
            code("!ls -l\nfiles = !ls"),
            code("n = len(df)", "count"),
        ],
        catalog={"raw"},
    )
    assert nodes(analysis)["load"] == (["raw"], ["df"])
    assert analysis.setup_cells == [0]
    ipython = [(i.cell_index, i.line) for i in analysis.issues if i.kind == "ipython"]
    assert ipython == [(1, 1), (1, 2), (2, 1), (3, 1), (3, 2)]


def test_function_bodies_read_globals_and_comprehensions_bind_locally():
    analysis = analyze(
        [
            code("base = 1", "first"),
            code(
                "def f(x):\n    return x + base + later\nlater = 2\nys = [i for i in range(3)]"
                "\nout = f(1)",
                "second",
            ),
        ]
    )
    assert analysis.nodes[1].inputs == ["base"]


def test_metadata_overrides_inputs_and_outputs():
    analysis = analyze(
        [
            code("x = 1\ny = 2", "first", outputs=["y"]),
            code("z = y + x_hidden", "second", inputs=["y", "params:rate"]),
        ]
    )
    assert nodes(analysis) == {"first": ([], ["y"]), "second": (["y", "params:rate"], ["z"])}
    assert kinds(analysis) == [("undefined", 1, 1)]  # x_hidden
    analysis = analyze([code("x = 1", "first", outputs=["x", "nope"])])
    assert [(i.kind, i.message) for i in analysis.issues] == [
        ("undefined", "metadata output 'nope' is never assigned by the cell")
    ]


def test_pipelines_group_by_metadata_and_default_to_the_notebook_name():
    analysis = analyze([code("a = 1", "one"), code("b = a", "two", pipeline="train")])
    assert {k: [n.name for n in v] for k, v in analysis.pipelines().items()} == {
        "nb": ["one"],
        "train": ["two"],
    }


def test_docstring_from_leading_comment_or_preceding_markdown():
    analysis = analyze(
        [md("## Clean\nDrop rows."), code("a = 1", "one"), code("# Doubles a.\nb = a * 2", "two")]
    )
    assert [n.doc for n in analysis.nodes] == ["Clean\n\nDrop rows.", "Doubles a."]
    assert analysis.nodes[1].body_start == 2


def test_duplicate_node_names_name_both_cells():
    with pytest.raises(DuplicateNodeError, match="cells 1 and 3"):
        analyze([code("a = 1", "same"), code("b = 1"), code("c = 1", "same")])


def test_node_name_clashing_with_a_setup_function_is_an_error():
    with pytest.raises(DuplicateNodeError, match="setup"):
        analyze([code("def clean():\n    pass"), code("a = clean()", "clean")])


def test_invalid_node_tag_is_an_error():
    with pytest.raises(InvalidNodeNameError, match="cell 2"):
        analyze([code("a = 1"), code("b = 1", cell_tags=["node:bad-name"])])


def test_syntax_error_in_a_node_cell_names_cell_and_line():
    with pytest.raises(CellSyntaxError, match="cell 2, line 2") as info:
        analyze([code("a = 1", "ok"), code("b = 1\nc = (", "broken")])
    assert (info.value.cell_index, info.value.line) == (1, 2)


def test_syntax_error_in_an_exploration_cell_is_only_a_warning():
    analysis = analyze([code("def (:"), code("a = 1", "ok")])
    assert kinds(analysis) == [("syntax", 0, 1)]


def test_two_nodes_naming_one_output_explicitly_is_an_error():
    with pytest.raises(DuplicateOutputError, match="'df'") as info:
        analyze([code("catalog.save('df', 1)", "a"), code("df = 2", "c", outputs=["df"])])
    assert "'a' (cell 1)" in str(info.value) and "'c' (cell 2)" in str(info.value)


def test_reading_and_producing_one_explicit_dataset_is_an_error():
    with pytest.raises(DuplicateOutputError, match="reads and produces"):
        analyze([code("df = df.dropna()", "clean", inputs=["df"], outputs=["df"])])


def test_reading_the_output_of_a_later_cell_is_an_error():
    with pytest.raises(ForwardReferenceError, match="later node 'make'"):
        analyze([code("y = x + 1", "use"), code("x = 1", "make")])


def test_skipped_cells_are_neither_nodes_nor_setup():
    analysis = analyze(
        [
            code("import math", cell_tags=["kedro_nb:skip"]),
            code("a = 1", "one", cell_tags=["kedro_nb:skip"]),
            code("b = a + math.pi", "two"),
        ]
    )
    assert [n.name for n in analysis.nodes] == ["two"]
    assert analysis.setup_cells == []
    assert [(i.kind, i.line) for i in analysis.issues] == [("hidden-state", 1)] * 2


def test_other_catalog_calls_are_reported():
    analysis = analyze([code("if catalog.exists('x'):\n    y = catalog.load('x')", "maybe")])
    assert analysis.nodes[0].inputs == ["x"]
    assert [(i.kind, i.line) for i in analysis.issues] == [("catalog", 1)]


def test_a_node_reading_an_exploration_value_rebound_later_is_hidden_state_not_forward():
    # The notebook as people write it: load in an untagged cell, then clean and enrich nodes that
    # rebind the same name. Top to bottom, 'clean' reads the exploration cell's df, so the advice
    # is hidden state (tag that cell), not "a later node produces it".
    analysis = analyze(
        [
            code("df = catalog.load('sales')\ndf.head()"),
            code("df = df.dropna()", "clean"),
            code("df = df.assign(x=1)", "enrich"),
        ],
        catalog={"sales"},
    )
    assert ("hidden-state", 1, 1) in kinds(analysis)
    (issue,) = [i for i in analysis.issues if i.kind == "hidden-state"]
    assert "exploration cell 1" in issue.message and "tag that cell as a node" in issue.message


def test_a_name_only_a_later_node_binds_is_still_a_forward_reference():
    with pytest.raises(ForwardReferenceError, match="later node 'make'"):
        analyze([code("out = thing + 1", "use"), code("thing = 2", "make")])


def test_a_call_beside_the_imports_is_named_as_what_keeps_the_cell_from_being_setup():
    # The imports cell as people write it: one configuration call makes the whole cell
    # exploration, so the advice names that line instead of "move it to setup".
    analysis = analyze(
        [
            code("import pandas as pd\npd.set_option('display.max_rows', 5)\nLIMIT = 2"),
            code("small = raw[raw['a'] < LIMIT]\nframe = pd.DataFrame(small)", "pick"),
        ],
        catalog={"raw"},
    )
    messages = {i.message for i in analysis.issues if i.kind == "hidden-state"}
    assert messages == {
        f"reads {name!r}, defined only in exploration cell 1, which line 2 keeps from being a "
        "setup cell (setup cells hold only imports, def/class and constants): move that line "
        "to a cell of its own"
        for name in ("LIMIT", "pd")
    }
    helper = analyze(
        [
            code("import pandas as pd\npd.set_option('display.max_rows', 5)\nLIMIT = 2"),
            code("def small(frame):\n    return frame[frame['a'] < LIMIT]"),
            code("picked = small(raw)", "pick"),
        ],
        catalog={"raw"},
    )
    assert [str(i) for i in helper.issues] == [
        "cell 2, line 2: hidden-state: setup code reads 'LIMIT', bound only by exploration "
        "cell 1; move line 2 of that cell, which keeps it from being a setup cell, to a cell "
        "of its own"
    ]
    fixed = analyze(
        [
            code("import pandas as pd\nLIMIT = 2"),
            code("pd.set_option('display.max_rows', 5)"),
            code("small = raw[raw['a'] < LIMIT]\nframe = pd.DataFrame(small)", "pick"),
        ],
        catalog={"raw"},
    )
    assert fixed.setup_cells == [0] and not fixed.issues


def test_params_get_with_a_default_reads_all_parameters_so_the_default_can_apply():
    # Top to bottom, params.get('limit', 2) gives 2 when parameters.yml has no 'limit'; as an
    # input 'params:limit' the run stopped with "Undefined parameters" instead.
    analysis = analyze(
        [
            code("xs = [1, 2, 3]", "make"),
            code(
                "limit = params.get('limit', 2)\nstep = params.get('step', default=1)\n"
                "alpha = params.get('alpha')\nout = [x * alpha for x in xs[::step] if x <= limit]",
                "use",
            ),
        ]
    )
    assert nodes(analysis)["use"][0] == ["xs", "params:alpha", "parameters"]


def test_a_free_output_is_the_value_the_cell_ends_on_not_its_loop_variable():
    # Nobody reads these nodes' values, so each returns one (a free output). 'for x in xs'
    # binds x after total's first line; the cell's result is still total, as in the kernel.
    analysis = analyze(
        [
            code("xs = [1, 2, 3]", "make"),
            code("total = 0\nfor x in xs:\n    total += x", "add"),
            code("shown = sorted(xs)\nfor item in shown:\n    print(item)\nshown", "show"),
            code("for last in xs:\n    pass", "loop_only"),
        ]
    )
    outputs = {n.name: n.outputs for n in analysis.nodes}
    assert (outputs["add"], outputs["show"], outputs["loop_only"]) == (
        ["total"],
        ["shown"],
        ["last"],
    )


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameter syntax is Python 3.12+")
def test_type_parameters_of_generics_are_bound_not_read_from_the_notebook():
    # `def first[T](...)`, `class Box[V](list[V])`, `type Pair[K] = ...` bind T, V, K in their
    # own scope: a notebook value named T (here another node's output) is not an input.
    analysis = analyze(
        [
            code("T = 10\nK = 2\nV = 'v'", "constants"),
            code(
                "from typing import cast\n"
                "def first[T: object](items: list[T]) -> T:\n    head: T = items[0]\n"
                "    return cast(T, head)\n"
                "type Pair[K] = tuple[K, K]\n"
                "class Box[V](list[V]):\n    def get(self) -> V:\n        return self[0]\n"
                "picked = first(Box(raw))",
                "pick",
            ),
        ],
        catalog={"raw"},
    )
    assert nodes(analysis)["pick"] == (["raw"], ["picked"])
    assert not [i for i in analysis.issues if i.kind == "undefined"]
