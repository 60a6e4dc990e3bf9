"""Module state shared through setup cells: constants and helper state that helpers read, and
``global`` in helpers, behave the same in the kernel, the notebook pipeline and the generated
source; where a node changes module state, ``check`` warns (worker processes each have a copy)."""

from __future__ import annotations

from convert_nbhelpers import build_notebook, code
from dataflow_harness import three_ways

from kedro_nb.convert import analyze_notebook, check_notebook, plan_conversion

READ_ONLY = [
    code(
        "import re\nfrom collections import Counter\n\nLIMIT = 100\npattern = re.compile(r'\\d+')"
        "\nweights = Counter({'a': 2, 'b': 3})\n\n\ndef numbers(text):\n"
        "    return [min(int(m), LIMIT) for m in pattern.findall(text)]\n\n\n"
        "def weigh(key):\n    return weights[key] * scale\n\n\nscale = 10"
    ),
    code("found = numbers('a1b22c333')", "parse"),
    code("total = sum(found) + weigh('a') + weigh('b')", "add_up"),
]

GLOBAL_HELPER = [
    code(
        "calls = 0\n\n\ndef bump(x):\n    global calls\n    calls += 1\n    return x * calls\n\n\n"
        "def remember(x):\n    global last\n    last = x\n    return x"
    ),
    code("a = bump(3)", "first"),
    code("b = bump(a)\nseen = remember(b)", "second"),
    code("c = (b, last)", "third"),
]


def test_state_that_helpers_read_makes_its_cell_setup():
    analysis = analyze_notebook(build_notebook(READ_ONLY), name="nb")
    assert analysis.setup_cells == [0]
    assert {n.name: n.inputs for n in analysis.nodes} == {"parse": [], "add_up": ["found"]}
    assert not analysis.issues


def test_read_only_module_state_gives_the_kernels_values_under_every_runner(write_notebook):
    path = write_notebook(READ_ONLY)
    results = three_ways(path, runners=("sequential", "thread", "parallel"))
    kernel = results.pop("kernel")
    assert kernel == {"found": [1, 22, 100], "total": 123 + 50}
    for way, values in results.items():
        assert values == kernel, way


def test_global_in_helpers_behaves_as_in_the_kernel_where_nodes_share_a_process(write_notebook):
    path = write_notebook(GLOBAL_HELPER)
    results = three_ways(path, runners=("sequential", "thread"))
    kernel = results.pop("kernel")
    assert kernel == {"a": 3, "b": 6, "c": (6, 6)}
    for way, values in results.items():
        assert values == kernel, way


def test_a_name_a_helper_declares_global_is_module_state_not_undefined(write_notebook):
    analysis = analyze_notebook(build_notebook(GLOBAL_HELPER), name="nb")
    assert {n.name: n.inputs for n in analysis.nodes}["third"] == ["b"]
    assert not [i for i in analysis.issues if i.kind in ("undefined", "hidden-state")]
    nodes_py = next(
        t
        for p, t in plan_conversion(write_notebook(GLOBAL_HELPER)).sources.items()
        if p.name == "nodes.py"
    )
    assert "calls = 0\n" in nodes_py and "    global last\n" in nodes_py


def test_check_warns_where_a_node_changes_module_state(write_notebook):
    report = check_notebook(write_notebook(GLOBAL_HELPER))
    warned = {(i.node, i.line): i.message for i in report.issues if i.kind == "shared-state"}
    assert set(warned) == {("first", 1), ("second", 1), ("second", 2), ("third", 1)}
    assert warned[("first", 1)].startswith(
        "changes module state 'calls' through 'bump' (cell 1, line 5): each worker process"
    )
    assert warned[("third", 1)].startswith(
        "reads module state 'last', which 'remember' (cell 1, line 11) changes:"
    )
    assert not report.ok
    assert check_notebook(write_notebook(READ_ONLY, name="read_only.ipynb")).ok


def test_a_node_changing_a_setup_constant_in_place_is_warned_too():
    analysis = analyze_notebook(
        build_notebook(
            [
                code("SETTINGS = {'rate': 1}"),
                code("SETTINGS['rate'] = 2\nx = 1", "tweak"),
                code("def f():\n    SETTINGS.update(rate=3)\n\n\nf()\ny = 2", "tweak_more"),
            ]
        ),
        name="nb",
    )
    shared = [(i.node, i.line) for i in analysis.issues if i.kind == "shared-state"]
    assert shared == [("tweak", 1), ("tweak_more", 2)]
