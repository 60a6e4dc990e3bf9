"""kedro-nb check: static isolation warnings and exit codes."""

from __future__ import annotations

from convert_nbhelpers import code

from kedro_nb.cli.check import check_main
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
    assert check_main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "cell 3, line 1 (node 'enrich'): hidden-state: reads 'lookup'" in out
    assert "3 problem(s) (static)" in out


def test_clean_notebook_passes(write_notebook, capsys):
    path = write_notebook([code("a = 1", "one"), code("b = a + 1", "two")])
    assert check_main([str(path)]) == 0
    assert "ok (static)" in capsys.readouterr().out


HIDDEN = [
    code("def threshold_rows(rows):\n    return [r for r in rows if r > limit]"),
    code("limit = int('2')"),
    code("big = threshold_rows(rows)", "select"),
    code("count = len(big)", "count"),
    code("peek = eval('limit') * params['factor']", "sneaky"),
]


def test_setup_code_leaning_on_exploration_state_is_found_statically(write_notebook):
    path = write_notebook(HIDDEN[:4], catalog="rows:\n  type: MemoryDataset\n")
    (problem,) = check_notebook(path).problems
    assert (problem.kind, problem.cell_index, problem.line) == ("hidden-state", 0, 2)
    assert "'limit', bound only by exploration cell 2" in problem.message


def test_execute_runs_each_node_in_isolation_and_finds_hidden_state(write_notebook, capsys):
    path = write_notebook(
        HIDDEN, catalog="rows:\n  type: json.JSONDataset\n  filepath: rows.json\n"
    )
    (path.parent / "rows.json").write_text("[1, 2, 3]")
    (path.parent / "parameters.yml").write_text("factor: 2\n")
    assert len(check_notebook(path).problems) == 1  # eval() hides 'limit' from the analysis
    report = check_notebook(path, execute=True)
    assert [(f.node, f.cell_index, f.line, f.hidden_state) for f in report.failures] == [
        ("select", 0, 2, True),
        ("sneaky", 4, 1, True),
    ]
    assert "'limit' is not defined" in report.failures[1].message
    assert report.skipped_nodes == ["count"]
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "analysis.ipynb",
        "catalog.yml",
        "parameters.yml",
        "rows.json",
    ]
    assert check_main([str(path), "--execute"]) == 1
    # cells counted from 1, as every other message counts them: 'sneaky' is the fifth cell
    assert "cell 5, line 1 (node 'sneaky'): hidden-state: NameError" in capsys.readouterr().out


def test_execute_passes_an_isolated_notebook(write_notebook, capsys):
    path = write_notebook(
        [code("big = [r for r in rows if r > 1]", "select"), code("count = len(big)", "count")],
        catalog="rows:\n  type: json.JSONDataset\n  filepath: rows.json\n",
    )
    (path.parent / "rows.json").write_text("[1, 2, 3]")
    assert check_main([str(path), "--execute"]) == 0
    assert "ok (static + isolated run)" in capsys.readouterr().out


def test_execute_reports_missing_inputs_instead_of_crashing(write_notebook, capsys):
    path = write_notebook(
        [code("n = len(rows)", "count")], catalog="rows:\n  type: MemoryDataset\n"
    )
    assert check_main([str(path), "--execute"]) == 1
    assert "cell 1 (node 'count'): failed: DatasetError" in capsys.readouterr().out
    path.write_text(path.read_text().replace("len(rows)", "params['k']"))
    assert check_main([str(path), "--execute"]) == 1
    assert "(pipeline)'): failed: Pipeline input(s) ['params:k']" in capsys.readouterr().out


def test_a_misspelt_runner_is_bad_input_in_one_line(write_notebook, capsys):
    path = write_notebook([code("x = 1", "one"), code("y = x + 1", "two")])
    assert check_main([str(path), "--execute", "--runner", "paralel"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("kedro-nb check: --runner: Unknown runner 'paralel'")
    assert line.endswith("Did you mean: parallel?")
