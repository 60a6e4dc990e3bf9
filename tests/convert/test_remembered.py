"""Conversion settings are remembered in pyproject.toml, so bare commands and the hints they
print repeat the conversion the files came from."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from convert_nbhelpers import build_notebook, code

from kedro_nb.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from kedro_nb.convert.cells import read_notebook, set_cell_source, write_notebook
from kedro_nb.convert.converter import plan_conversion
from kedro_nb.project.discovery import read_metadata

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CELLS = [
    code("import math"),
    code("root = math.sqrt(value)", "square_root"),
    code("doubled = root * 2", "double"),
]
PYPROJECT = """\
# the team's project file
[project]
name = "shop"   # keep this comment

[tool.kedro]
project_name = "shop"
package_name = "shop"
kedro_init_version = "1.7.0"
"""


@pytest.fixture
def kedro_project(tmp_path, monkeypatch):
    """A Kedro project with only [tool.kedro], a notebook in notebooks/; cwd at its root."""
    import nbformat

    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "src" / "shop").mkdir(parents=True)
    (tmp_path / "src" / "shop" / "__init__.py").write_text("")
    (tmp_path / "conf" / "base").mkdir(parents=True)
    (tmp_path / "conf" / "local").mkdir()
    (tmp_path / "conf" / "base" / "catalog.yml").write_text("value:\n  type: MemoryDataset\n")
    (tmp_path / "notebooks").mkdir()
    notebook = tmp_path / "notebooks" / "maths.ipynb"
    nbformat.write(build_notebook(CELLS), notebook)
    monkeypatch.chdir(tmp_path)
    return notebook


def _record(root: Path) -> dict:
    table = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["kedro_nb"]
    return table["notebooks"]["notebooks/maths.ipynb"]


def _edit_cell(notebook: Path, index: int, source: str) -> None:
    nb = read_notebook(notebook)
    set_cell_source(nb["cells"][index], source)
    write_notebook(notebook, nb)


def test_the_first_conversion_records_target_and_destination(kedro_project, capsys):
    root = kedro_project.parents[1]
    assert main(["convert", "--target", "kedro", "notebooks/maths.ipynb"]) == EXIT_OK
    assert _record(root) == {"target": "kedro", "destination": "src/shop/pipelines"}
    text = (root / "pyproject.toml").read_text()
    assert text.startswith(PYPROJECT)  # the user's file, comments and all, is kept
    assert read_metadata(root).package_name == "shop"  # [tool.kedro]'s keys still apply
    pipeline_py = root / "src" / "shop" / "pipelines" / "maths" / "pipeline.py"
    assert "from kedro.pipeline import" in pipeline_py.read_text()

    assert main(["convert", "--check", "notebooks/maths.ipynb"]) == EXIT_OK
    _edit_cell(kedro_project, 2, "doubled = root * 3")
    capsys.readouterr()
    assert main(["convert", "--check", "notebooks/maths.ipynb"]) == EXIT_FAILED
    assert "run `kedro-nb convert notebooks/maths.ipynb`" in capsys.readouterr().err
    assert main(["convert", "notebooks/maths.ipynb"]) == EXIT_OK  # the advice, as given
    assert "from kedro.pipeline import" in pipeline_py.read_text()
    assert "root * 3" in pipeline_py.with_name("nodes.py").read_text()


def test_a_flag_given_again_wins_and_updates_the_record(kedro_project):
    root = kedro_project.parents[1]
    assert main(["convert", "--target", "kedro", "notebooks/maths.ipynb"]) == EXIT_OK
    assert main(["convert", "--target", "kedro_nb", "notebooks/maths.ipynb"]) == EXIT_OK
    assert _record(root)["target"] == "kedro_nb"
    assert plan_conversion(kedro_project).settings.target == "kedro_nb"


def test_a_chosen_pipeline_name_and_an_edited_destination_are_used(kedro_project):
    root = kedro_project.parents[1]
    assert main(["convert", "--pipeline", "geometry", "notebooks/maths.ipynb"]) == EXIT_OK
    assert _record(root)["pipeline"] == "geometry"
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(text.replace("src/shop/pipelines", "src/shop/flows"))
    (root / "src" / "shop" / "flows").mkdir()
    assert main(["convert", "--force", "notebooks/maths.ipynb"]) == EXIT_OK
    assert (root / "src" / "shop" / "flows" / "geometry" / "nodes.py").is_file()


def test_sync_uses_the_recorded_target(kedro_project):
    root = kedro_project.parents[1]
    assert main(["convert", "--target", "kedro", "notebooks/maths.ipynb"]) == EXIT_OK
    nodes = root / "src" / "shop" / "pipelines" / "maths" / "nodes.py"
    nodes.write_text(nodes.read_text().replace("root * 2", "root * 4"))
    assert main(["sync", "notebooks/maths.ipynb"]) == EXIT_OK
    assert "from kedro.pipeline import" in nodes.with_name("pipeline.py").read_text()


def test_outside_a_project_the_hints_spell_the_flags_out(tmp_path, monkeypatch, capsys):
    import nbformat

    monkeypatch.chdir(tmp_path)
    nbformat.write(build_notebook(CELLS), tmp_path / "maths.ipynb")
    (tmp_path / "catalog.yml").write_text("value:\n  type: MemoryDataset\n")
    assert main(["convert", "--target", "kedro", "maths.ipynb"]) == EXIT_OK
    _edit_cell(tmp_path / "maths.ipynb", 2, "doubled = root * 3")
    capsys.readouterr()
    assert main(["convert", "--check", "--target", "kedro", "maths.ipynb"]) == EXIT_FAILED
    assert "run `kedro-nb convert --target kedro maths.ipynb`" in capsys.readouterr().err
    nodes = tmp_path / "pipelines" / "maths" / "nodes.py"
    nodes.write_text(nodes.read_text().replace("root * 2", "root * 5"))
    assert main(["convert", "--target", "kedro", "maths.ipynb"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "`kedro-nb sync --target kedro maths.ipynb`" in err
    assert "`kedro-nb convert --force --target kedro maths.ipynb`" in err


def test_a_bad_record_is_an_error_naming_the_file(kedro_project, capsys):
    root = kedro_project.parents[1]
    with (root / "pyproject.toml").open("a") as stream:
        stream.write('\n[tool.kedro_nb.notebooks."notebooks/maths.ipynb"]\ntarget = "kedro2"\n')
    assert main(["convert", "notebooks/maths.ipynb"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "Unknown target 'kedro2'" in err and "pyproject.toml" in err
