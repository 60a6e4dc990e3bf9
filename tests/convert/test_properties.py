"""Property tests on generated notebooks: conversion is deterministic and idempotent, and the
notebook's pipeline computes exactly what running the cells top to bottom computes."""

from __future__ import annotations

import inspect
import tempfile
from pathlib import Path

import nbformat
from convert_nbhelpers import build_notebook, code, md
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kedro_nb.convert.build import notebook_pipeline
from kedro_nb.convert.converter import convert_notebook, drift, plan_conversion
from kedro_nb.hooks import create_hook_manager, hook_impl, register_hooks
from kedro_nb.io import DataCatalog
from kedro_nb.runner import SequentialRunner

SETUP = "OFFSET = 3\n\n\ndef bump(x):\n    return x * 2 + OFFSET"
PARAMS = {"scale": 2, "model": {"depth": 3}}
PARAM_EXPRESSIONS = ["params['scale']", "params.scale", "params['model']['depth']"]


@st.composite
def notebooks(draw):
    """Chains of node cells reading earlier outputs, the catalog and parameters."""
    cells = [code(SETUP), code("raw = list(range(1, 4))")]
    produced = ["raw"]
    for index in range(draw(st.integers(1, 6))):
        sources = draw(st.lists(st.sampled_from(produced), min_size=1, max_size=2, unique=True))
        param = draw(st.sampled_from(PARAM_EXPRESSIONS))
        terms = " + ".join(f"sum({s})" if s == "raw" else s for s in sources)
        body = f"tmp = {terms}\nv{index} = bump(tmp) * {param}"
        if draw(st.booleans()):
            body = f"# Step {index}.\n" + body
        if draw(st.booleans()):
            cells.append(md(f"Step **{index}**"))
        cells.append(code(body, f"step_{index}"))
        if draw(st.booleans()):
            cells.append(code(f"print(v{index})"))
        produced.append(f"v{index}")
    return cells


class _AttrDict(dict):
    """What the kedro-nb extension gives a notebook as ``params``: keys also as attributes."""

    def __getattr__(self, name):
        return self[name]


class _Collect:
    def __init__(self) -> None:
        self.values: dict = {}

    @hook_impl
    def after_node_run(self, outputs):
        self.values.update(outputs)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notebooks())
def test_pipeline_matches_top_to_bottom_and_conversion_is_stable(cells):
    nb = build_notebook(cells)
    expected: dict = {"params": _AttrDict(PARAMS)}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, "<cell>", "exec"), expected)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chain.ipynb"
        nbformat.write(nb, path)
        (Path(folder) / "catalog.yml").write_text("raw:\n  type: MemoryDataset\n")
        pipeline = notebook_pipeline(path)
        catalog = DataCatalog()
        catalog["raw"] = [1, 2, 3]
        for dataset in pipeline.inputs():
            if dataset.startswith("params:"):
                value = PARAMS
                for key in dataset[len("params:") :].split("."):
                    value = value[key]
                catalog[dataset] = value
        collector, manager = _Collect(), create_hook_manager()
        register_hooks(manager, [collector])
        SequentialRunner().run(pipeline, catalog, hook_manager=manager)
        for name, value in collector.values.items():
            assert expected[name] == value, name

        first = plan_conversion(path).sources
        convert_notebook(path)
        assert plan_conversion(path).sources == first  # catalog entries change nothing
        assert drift(plan_conversion(path)) == ""
        for text in first.values():
            compile(text, "generated.py", "exec")


SNIPPETS = [
    "x = a + 1",
    "%time y = x * 2",
    "!echo hi",
    "files = !ls",
    "%matplotlib inline",
    "for i in range(3):\n    total = i + x",
    "with open('f') as handle:\n    text = handle.read()",
    "try:\n    z = 1 / x\nexcept ZeroDivisionError as err:\n    z = str(err)",
    "squares = {k: v ** 2 for k, v in pairs.items() if v > limit}",
    "fn = lambda q, r=x: q + r + outer",
    "class Box:\n    size = x\n    def area(self):\n        return self.size * scale",
    "def helper(m, *args, **kw):\n    global counter\n    counter = m\n    return m + hidden",
    "match x:\n    case [first, *rest]:\n        w = first\n    case _:\n        w = None",
    "if (n := len(x)) > 1:\n    params_used = params['a']['b'] + params.c",
    "catalog.save('out', catalog.load('src'))",
    "del x[0]\nx.append(1)\nx.sort()\nx.drop(columns=['a'], inplace=True)",
    "async def later():\n    await thing",
    "'''docstring\n   with %time inside'''",
    "f'{x!r:>{width}}'",
    "df['a'] += 1\ndf.attr = 2",
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=4), min_size=1, max_size=5),
    st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_analysis_and_codegen_never_crash_on_varied_python(cell_snippets, tagged):
    from kedro_nb.convert.analysis import analyze_notebook
    from kedro_nb.convert.build import node_function
    from kedro_nb.convert.codegen import generate
    from kedro_nb.convert.errors import ConvertError

    cells = [
        code("\n".join(parts), f"node_{i}" if tagged[i] else None)
        for i, parts in enumerate(cell_snippets)
    ]
    try:
        analysis = analyze_notebook(build_notebook(cells), catalog={"a", "pairs"})
    except ConvertError:
        return
    for node in analysis.nodes:
        function = node_function(node, {"__name__": "fuzz"}, "nb.ipynb")
        assert len(inspect.signature(function).parameters) == len(node.inputs)
    for name, group in analysis.pipelines().items():
        files = generate(analysis, group, notebook="nb.ipynb", name=name, target="kedro_nb").files
        for text in files.values():
            compile(text, "generated.py", "exec")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notebooks(), st.data())
def test_sync_carries_any_inserted_line_back_and_leaves_no_drift(cells, data):
    from kedro_nb.convert.cells import cell_source, read_notebook
    from kedro_nb.convert.sync import generated_functions, sync_notebook

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chain.ipynb"
        nbformat.write(build_notebook(cells), path)
        (Path(folder) / "catalog.yml").write_text("raw:\n  type: MemoryDataset\n")
        convert_notebook(path)
        nodes = Path(folder) / "pipelines" / "chain" / "nodes.py"
        function = data.draw(st.sampled_from(generated_functions(nodes)))
        lines = nodes.read_text().split("\n")
        body = range(function.node.body[0].lineno, function.node.end_lineno - 1)
        where = data.draw(st.sampled_from(list(body) or [function.node.end_lineno - 1]))
        lines.insert(where, '    print("marker_value = 42")')  # an unused local would not lint
        nodes.write_text("\n".join(lines))
        result = sync_notebook(path)
        assert result.updated == [function.name]
        sources = [cell_source(c) for c in read_notebook(path)["cells"]]
        assert sum("marker_value = 42" in s for s in sources) == 1
        assert drift(plan_conversion(path)) == ""
        assert '    print("marker_value = 42")\n' in nodes.read_text()
