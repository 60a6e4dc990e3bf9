"""kedro-nb sync: edits in nodes.py go back to their cells by cell id; conflicts write nothing."""

from __future__ import annotations

import pytest
from convert_nbhelpers import code

from kedro_nb.cli.sync import sync_main
from kedro_nb.convert.cells import cell_source, read_notebook, set_cell_source, write_notebook
from kedro_nb.convert.converter import convert_notebook, drift, plan_conversion
from kedro_nb.convert.errors import GeneratedFileError, SyncConflictError
from kedro_nb.convert.sync import sync_notebook

CELLS = [
    code("import numpy as np"),
    code(
        "# Scale the values.\n%time scaled = np.asarray(values) * params['scale']\nn = len(scaled)",
        "scale",
    ),
    code("total = float(scaled.sum())\ncatalog.save('report', {'total': total, 'n': n})", "report"),
]


@pytest.fixture
def converted(write_notebook):
    path = write_notebook(CELLS, catalog="values:\n  type: MemoryDataset\n")
    convert_notebook(path)
    return path, path.parent / "pipelines" / "analysis" / "nodes.py"


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_edit_in_nodes_py_goes_back_to_the_cell(converted):
    notebook, nodes = converted
    _edit(nodes, "    n = len(scaled)\n", "    scaled = scaled.round(2)\n    n = len(scaled)\n")
    _edit(nodes, "    total = float(scaled.sum())\n", "    total = float(scaled.sum()) * 2\n")
    result = sync_notebook(notebook)
    assert result.updated == ["scale", "report"]
    cells = read_notebook(notebook)["cells"]
    assert cell_source(cells[1]) == (
        "# Scale the values.\n%time scaled = np.asarray(values) * params['scale']\n"
        "scaled = scaled.round(2)\nn = len(scaled)"
    )
    assert cell_source(cells[2]) == (
        "total = float(scaled.sum()) * 2\ncatalog.save('report', {'total': total, 'n': n})"
    )
    assert drift(plan_conversion(notebook)) == ""


def test_params_arguments_turn_back_into_params_lookups(converted):
    notebook, nodes = converted
    _edit(nodes, "np.asarray(values) * scale\n", "np.asarray(values) * scale + scale\n")
    sync_notebook(notebook)
    source = cell_source(read_notebook(notebook)["cells"][1])
    assert "scaled = np.asarray(values) * params['scale'] + params['scale']" in source


def test_nothing_to_sync_when_only_the_notebook_changed(converted, capsys):
    notebook, nodes = converted
    nb = read_notebook(notebook)
    set_cell_source(nb["cells"][2], "total = float(scaled.max())\ncatalog.save('report', total)")
    write_notebook(notebook, nb)
    before = nodes.read_text()
    assert sync_main([str(notebook)]) == 0
    assert "nothing to sync" in capsys.readouterr().out
    assert nodes.read_text() == before


def test_both_sides_changed_is_a_conflict_and_nothing_is_written(converted, capsys):
    notebook, nodes = converted
    _edit(nodes, "n = len(scaled)", "n = len(scaled) + 1")
    _edit(nodes, "total = float(scaled.sum())", "total = float(scaled.sum()) + 1")
    nb = read_notebook(notebook)
    set_cell_source(nb["cells"][2], "total = 0\ncatalog.save('report', total)")
    write_notebook(notebook, nb)
    before = (notebook.read_text(), nodes.read_text())
    with pytest.raises(SyncConflictError, match="node 'report': cell 3 \\(id c02\\)"):
        sync_notebook(notebook)
    assert (notebook.read_text(), nodes.read_text()) == before
    assert sync_main([str(notebook)]) == 2
    assert "both changed" in capsys.readouterr().err


def test_sync_before_convert_says_to_convert_first(write_notebook):
    path = write_notebook(CELLS)
    with pytest.raises(GeneratedFileError, match="kedro-nb convert"):
        sync_notebook(path)


def test_edits_outside_node_functions_are_reported_not_lost_silently(converted, capsys):
    notebook, nodes = converted
    _edit(nodes, "import numpy as np\n", "import numpy as np\n\nLIMIT = 3\n")
    assert sync_main([str(notebook)]) == 0
    captured = capsys.readouterr()
    assert "nothing to sync" in captured.out
    assert "edits outside the node functions" in captured.err


def test_the_conflict_names_commands_that_work_as_printed(converted, capsys, monkeypatch):
    import re
    import shlex

    from kedro_nb.cli import main

    notebook, nodes = converted
    monkeypatch.chdir(notebook.parent)
    _edit(nodes, "total = float(scaled.sum())", "total = float(scaled.sum()) + 1")
    nb = read_notebook(notebook)
    set_cell_source(nb["cells"][2], "total = 0.5\ncatalog.save('report', total)")
    write_notebook(notebook, nb)
    assert sync_main([notebook.name]) == 2
    message = capsys.readouterr().err
    convert, sync = re.findall(r"`(kedro-nb [^`]+)`", message)
    assert convert == f"kedro-nb convert --force {notebook.name}"  # plain convert refuses
    assert sync == f"kedro-nb sync {notebook.name}"
    assert main(shlex.split(convert)[1:]) == 0  # the notebook wins, as the message says
    assert "total = 0.5" in nodes.read_text()


def test_params_read_inside_f_strings_go_back_on_every_python(write_notebook):
    # Before Python 3.12 an f-string is one token, so the argument in `f'{rate}'` stayed
    # `rate` and sync refused the undefined name; a lookup inside single quotes takes double
    # quotes, as a replacement field needs before 3.12.
    path = write_notebook(
        [
            code(
                "label = f\"{params['rate']:.2f}\"\nshort = 'x' + f'{params[\"rate\"]!r:>{width}}'",
                "fmt",
            )
        ],
        catalog="width:\n  type: MemoryDataset\n",
    )
    convert_notebook(path)
    nodes = path.parent / "pipelines" / "analysis" / "nodes.py"
    _edit(nodes, '    label = f"{rate:.2f}"\n', '    label = f"{rate:.3f} {rate}"\n')
    _edit(
        nodes,
        "    short = 'x' + f'{rate!r:>{width}}'\n",
        "    short = 'y' + f'{rate!r:>{width}}'\n",
    )
    assert sync_notebook(path).updated == ["fmt"]
    assert cell_source(read_notebook(path)["cells"][0]) == (
        "label = f\"{params['rate']:.3f} {params['rate']}\"\n"
        "short = 'y' + f'{params[\"rate\"]!r:>{width}}'"
    )
    assert drift(plan_conversion(path)) == ""
