"""Hand edits are never lost: convert refuses to overwrite them, sync carries signature and
docstring edits back or names the edit it cannot carry, writing nothing."""

from __future__ import annotations

import re

import pytest
from convert_nbhelpers import code

from kedro_nb.convert.cells import cell_source, read_notebook, set_cell_source, write_notebook
from kedro_nb.convert.converter import convert_notebook, drift, plan_conversion
from kedro_nb.convert.errors import HandEditError, UncarriedEditError
from kedro_nb.convert.sync import sync_notebook

CELLS = [
    code("import numpy as np"),
    code("# Scale the values.\nscaled = np.asarray(values) * params['scale']", "scale"),
    code("total = float(scaled.sum())\ncatalog.save('report', {'total': total})", "report"),
]


@pytest.fixture
def converted(write_notebook):
    path = write_notebook(CELLS, catalog="values:\n  type: MemoryDataset\n")
    convert_notebook(path)
    return path, path.parent / "pipelines" / "analysis"


def _edit(path, old, new):
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new))


def _change_cell(notebook, index, source):
    nb = read_notebook(notebook)
    set_cell_source(nb["cells"][index], source)
    write_notebook(notebook, nb)


def _snapshot(*paths):
    return [p.read_text() for p in paths]


def test_convert_refuses_to_overwrite_an_edited_function_and_names_it(converted):
    notebook, package = converted
    nodes = package / "nodes.py"
    _edit(nodes, "float(scaled.sum())", "float(scaled.sum()) / 2")
    _change_cell(notebook, 1, "scaled = np.asarray(values) * params['scale'] * 10")
    before = _snapshot(nodes, package / "pipeline.py")
    with pytest.raises(HandEditError) as caught:
        convert_notebook(notebook)
    message = str(caught.value)
    assert "pipelines/analysis/nodes.py: function(s) report" in message
    assert "kedro-nb sync" in message and "--force" in message
    assert _snapshot(nodes, package / "pipeline.py") == before
    convert_notebook(notebook, force=True)
    assert "/ 2" not in nodes.read_text() and "* 10" in nodes.read_text()


def test_edits_outside_functions_and_in_pipeline_py_are_protected_too(converted):
    notebook, package = converted
    _edit(package / "nodes.py", "import numpy as np\n", "import numpy as np\n\nLIMIT = 3\n")
    _edit(package / "pipeline.py", 'name="report",', 'name="report",\n                tags=["x"],')
    _change_cell(notebook, 2, "total = float(scaled.max())\ncatalog.save('report', total)")
    with pytest.raises(HandEditError) as caught:
        convert_notebook(notebook)
    message = str(caught.value)
    assert "nodes.py: code outside the node functions" in message
    assert "pipeline.py: code outside the node functions" in message


def test_a_file_kedro_nb_did_not_write_is_never_overwritten(write_notebook):
    path = write_notebook(CELLS, catalog="values:\n  type: MemoryDataset\n")
    package = path.parent / "pipelines" / "analysis"
    package.mkdir(parents=True)
    (package / "nodes.py").write_text("def mine():\n    return 1\n")
    with pytest.raises(HandEditError, match=r"nodes\.py: not written by kedro-nb"):
        convert_notebook(path)
    assert (package / "nodes.py").read_text() == "def mine():\n    return 1\n"
    assert not (package / "pipeline.py").exists()


def test_an_unedited_stale_file_is_regenerated_without_fuss(converted):
    notebook, package = converted
    _change_cell(notebook, 2, "total = float(scaled.max())\ncatalog.save('report', total)")
    convert_notebook(notebook)
    assert "scaled.max()" in (package / "nodes.py").read_text()
    assert drift(plan_conversion(notebook)) == ""


def test_sync_carries_a_docstring_edit_into_the_leading_comment(converted):
    notebook, package = converted
    _edit(package / "nodes.py", '"""Scale the values."""', '"""Scale the values by the factor."""')
    _edit(package / "nodes.py", '"""Node cell c02 of analysis.ipynb."""', '"""Sum it up."""')
    result = sync_notebook(notebook)
    assert result.updated == ["scale", "report"]
    cells = read_notebook(notebook)["cells"]
    assert cell_source(cells[1]) == (
        "# Scale the values by the factor.\nscaled = np.asarray(values) * params['scale']"
    )
    assert cell_source(cells[2]).startswith("# Sum it up.\ntotal = float(scaled.sum())")
    assert drift(plan_conversion(notebook)) == ""
    assert '"""Sum it up."""' in (package / "nodes.py").read_text()


def test_sync_carries_a_renamed_argument_back_to_the_input_it_stands_for(converted):
    notebook, package = converted
    _edit(
        package / "nodes.py",
        "def report(scaled):\n",
        "def report(values_scaled):\n",
    )
    _edit(package / "nodes.py", "float(scaled.sum())", "float(values_scaled.sum()) + 1")
    sync_notebook(notebook)
    source = cell_source(read_notebook(notebook)["cells"][2])
    assert source.startswith("total = float(scaled.sum()) + 1\n")
    assert drift(plan_conversion(notebook)) == ""


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("def report(scaled):", "def report(scaled, extra):", "argument(s) extra added"),
        ("def report(scaled):", "def report(scaled: list):", "type annotations"),
        ("def report(scaled):", "def report(scaled=None):", "default values"),
        ("    return report\n", "    return None\n", "the return line changed"),
    ],
)
def test_sync_names_the_edit_it_cannot_carry_and_writes_nothing(converted, old, new, reason):
    notebook, package = converted
    nodes = package / "nodes.py"
    _edit(nodes, old, new)
    _edit(nodes, "float(scaled.sum())", "float(scaled.sum()) * 2")
    before = _snapshot(notebook, nodes)
    with pytest.raises(UncarriedEditError, match=re.escape(f"node 'report': {reason}")):
        sync_notebook(notebook)
    assert _snapshot(notebook, nodes) == before
    result = sync_notebook(notebook, force=True)
    assert any(reason in note for note in result.notes)
    assert "* 2" in cell_source(read_notebook(notebook)["cells"][2])


def test_sync_refuses_when_pipeline_py_was_edited(converted):
    notebook, package = converted
    _edit(package / "pipeline.py", 'name="report",', 'name="report",\n                tags=["x"],')
    _edit(package / "nodes.py", "float(scaled.sum())", "float(scaled.sum()) * 2")
    with pytest.raises(UncarriedEditError, match=r"pipeline\.py: code outside"):
        sync_notebook(notebook)


def test_the_command_line_refuses_then_forces(converted, capsys):
    from kedro_nb.cli import main

    notebook, package = converted
    _edit(package / "nodes.py", "float(scaled.sum())", "float(scaled.sum()) / 2")
    _change_cell(notebook, 1, "scaled = np.asarray(values) * params['scale'] * 10")
    assert main(["convert", str(notebook)]) == 2
    err = capsys.readouterr().err
    assert "function(s) report" in err and "kedro-nb sync" in err
    assert "/ 2" in (package / "nodes.py").read_text()
    assert main(["convert", "--force", str(notebook)]) == 0
    assert "/ 2" not in (package / "nodes.py").read_text()
    _edit(package / "nodes.py", "def report(scaled):", "def report(scaled: list):")
    assert main(["sync", str(notebook)]) == 2
    assert "type annotations cannot be carried" in capsys.readouterr().err
    assert main(["sync", "--force", str(notebook)]) == 0
