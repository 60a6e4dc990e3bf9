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
