"""kedro-nb check: static isolation warnings and exit codes."""

from __future__ import annotations

from convert_nbhelpers import code

from kedro_nb.convert import cli
from kedro_nb.convert.check import check_notebook

LEAKY = [
    code("import pandas as pd"),
    code("lookup = {'a': 1}\nrows = pd.DataFrame({'k': ['a']})"),
    code("rows['v'] = rows['k'].map(lookup)\nresult = rows", "enrich"),
    code("out = result.merge(other)", "combine"),
]


def test_static_check_reports_hidden_state_mutation_and_undefined(write_notebook, capsys):
    path = write_notebook(LEAKY, catalog="rows:\n  type: MemoryDataset\n")
    report = check_notebook(path)
    assert [(i.kind, i.cell_index, i.line) for i in report.problems] == [
        ("hidden-state", 2, 1),
        ("mutation", 2, 1),
        ("undefined", 3, 1),
    ]
    assert cli.check_main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "cell 2, line 1 (node 'enrich'): hidden-state: reads 'lookup'" in out
    assert "3 problem(s) (static)" in out


def test_clean_notebook_passes(write_notebook, capsys):
    path = write_notebook([code("a = 1", "one"), code("b = a + 1", "two")])
    assert cli.check_main([str(path)]) == 0
    assert "ok (static)" in capsys.readouterr().out


HIDDEN = [
    code("def threshold_rows(rows):\n    return [r for r in rows if r > limit]"),
    code("limit = int('2')"),
    code("big = threshold_rows(rows)", "select"),
    code("count = len(big)", "count"),
    code("doubled = [r * params['factor'] for r in rows]", "double"),
]


def test_execute_finds_hidden_state_static_analysis_cannot_see(write_notebook, capsys):
    path = write_notebook(
        HIDDEN, catalog="rows:\n  type: json.JSONDataset\n  filepath: rows.json\n"
    )
    (path.parent / "rows.json").write_text("[1, 2, 3]")
    (path.parent / "parameters.yml").write_text("factor: 2\n")
    assert check_notebook(path).ok
    report = check_notebook(path, execute=True)
    assert not report.ok
    (failure,) = report.failures
    assert (failure.node, failure.cell_index, failure.line, failure.hidden_state) == (
        "select",
        0,
        2,
        True,
    )
    assert "'limit' is not defined" in failure.message
    assert report.skipped_nodes == ["count"]
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "analysis.ipynb",
        "catalog.yml",
        "parameters.yml",
        "rows.json",
    ]
    assert cli.check_main([str(path), "--execute"]) == 1
    assert "cell 0, line 2 (node 'select'): hidden-state: NameError" in capsys.readouterr().out


def test_execute_passes_an_isolated_notebook(write_notebook, capsys):
    path = write_notebook(
        [code("big = [r for r in rows if r > 1]", "select"), code("count = len(big)", "count")],
        catalog="rows:\n  type: json.JSONDataset\n  filepath: rows.json\n",
    )
    (path.parent / "rows.json").write_text("[1, 2, 3]")
    assert cli.check_main([str(path), "--execute"]) == 0
    assert "ok (static + isolated run)" in capsys.readouterr().out


def test_execute_reports_missing_inputs_instead_of_crashing(write_notebook, capsys):
    path = write_notebook(
        [code("n = len(rows)", "count")], catalog="rows:\n  type: MemoryDataset\n"
    )
    assert cli.check_main([str(path), "--execute"]) == 1
    assert "cell 0 (node 'count'): failed: DatasetError" in capsys.readouterr().out
    path.write_text(path.read_text().replace("len(rows)", "params['k']"))
    assert cli.check_main([str(path), "--execute"]) == 1
    assert "(pipeline)'): failed: Pipeline input(s) ['params:k']" in capsys.readouterr().out
