"""Conversion never writes code that cannot run: pyflakes findings in the generated code are
errors naming cell, line and name; catalog problems read as `kedro-nb run` reports them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from convert_nbhelpers import RUFF_GENERATED, code

from kedro_nb.cli import EXIT_USAGE, main
from kedro_nb.convert.converter import convert_notebook, plan_conversion
from kedro_nb.convert.errors import CatalogConfigurationError, UnrunnableCodeError
from kedro_nb.convert.verify import findings

CATALOG = "sales:\n  type: pandas.CSVDataset\n  filepath: data/sales.csv\n"
CELLS = [
    code("import pandas as pd"),
    code("clean = sales.dropna()", "prepare"),
    code("total = float(clean['amount'].sum())", "summarise"),
]


def _project(root: Path) -> Path:
    (root / "src" / "shop").mkdir(parents=True)
    (root / "src" / "shop" / "__init__.py").write_text("")
    (root / "conf" / "base").mkdir(parents=True)
    (root / "conf" / "local").mkdir()
    (root / "pyproject.toml").write_text('[tool.kedro_nb]\npackage_name = "shop"\n')
    return root


def test_a_dataset_only_the_ignored_catalog_beside_the_notebook_declares_is_an_error(
    tmp_path, write_notebook, capsys
):
    _project(tmp_path)
    notebook = write_notebook(CELLS, catalog=CATALOG)
    with pytest.raises(UnrunnableCodeError) as caught:
        convert_notebook(notebook)
    message = str(caught.value)
    assert "cell 2, line 1 (node 'prepare'): undefined name 'sales'" in message
    assert "declared in a catalog file beside the notebook" in message
    assert not (tmp_path / "src" / "shop" / "pipelines").exists()
    assert main(["convert", str(notebook)]) == EXIT_USAGE
    assert "undefined name 'sales'" in capsys.readouterr().err


def test_an_unused_local_names_the_cell_line_and_name(write_notebook):
    notebook = write_notebook(
        [*CELLS[:2], code("rows = len(clean)\ntotal = float(clean['amount'].sum())", "summarise")],
        catalog=CATALOG,
    )
    with pytest.raises(UnrunnableCodeError, match=r"cell 3, line 1 .*'rows' is assigned to"):
        convert_notebook(notebook)
    assert not (notebook.parent / "pipelines").exists()


@pytest.mark.parametrize(
    "cells",
    [
        CELLS,
        [*CELLS[:2], code("rows = len(clean)\ntotal = rows * 2", "summarise")],
        [CELLS[0], code("clean = sales.dropna()\nunused = 1", "prepare")],
        [CELLS[0], code("clean = sales.dropna(subset=[column])", "prepare")],
        [code("import os\nimport pandas as pd"), code("clean = sales.assign(d=os.sep)", "p")],
    ],
)
def test_findings_agree_with_ruff_select_f(tmp_path, write_notebook, cells):
    """A differential check: pyflakes in process flags exactly what `ruff --select F` flags."""
    notebook = write_notebook(cells, catalog=CATALOG)
    conversion = plan_conversion(notebook)
    out = tmp_path / "out"
    for path, text in conversion.sources.items():
        target = out / path.relative_to(notebook.parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    command = [*RUFF_GENERATED[:-1], "F", "--output-format", "concise", str(out)]
    ruff = subprocess.run(command, capture_output=True, text=True)
    flagged = sorted(
        (line.split(":")[0], int(line.split(":")[1]))
        for line in ruff.stdout.splitlines()
        if line.startswith(str(out))
    )
    ours = sorted(
        (str(out / f.path.relative_to(notebook.parent)), f.line) for f in findings(conversion)
    )
    assert ours == flagged, ruff.stdout


def _run_error(capsys, notebook: Path) -> str:
    capsys.readouterr()
    assert main(["run", "--notebook", str(notebook)]) == 2
    return capsys.readouterr().err.splitlines()[0].removeprefix("kedro-nb run: ")


@pytest.mark.parametrize(
    "catalog",
    [
        "sales:\n  type: pandas.CSVDataset\n   filepath: data/sales.csv\n",  # malformed YAML
        "sales:\n  type: pandas.CSVDatset\n  filepath: data/sales.csv\n",  # unknown type
        "sales:\n  filepath: data/sales.csv\n",  # no type
    ],
)
def test_catalog_problems_read_as_run_reports_them(capsys, write_notebook, catalog):
    notebook = write_notebook(CELLS, catalog=catalog)
    expected = _run_error(capsys, notebook)
    with pytest.raises(CatalogConfigurationError) as caught:
        convert_notebook(notebook)
    assert str(caught.value).splitlines()[0] == expected
    for command in ("convert", "check"):
        assert main([command, str(notebook)]) == EXIT_USAGE
        assert f"kedro-nb {command}: error: {expected}" in capsys.readouterr().err
    assert not (notebook.parent / "pipelines").exists()


def test_malformed_yaml_names_file_line_and_column(write_notebook):
    notebook = write_notebook(CELLS, catalog="sales:\n  type: x\n   filepath: a\n")
    with pytest.raises(CatalogConfigurationError, match=r"catalog\.yml, line 3, column 12"):
        plan_conversion(notebook)


def test_check_reports_what_convert_would_refuse(write_notebook, capsys):
    notebook = write_notebook(
        [*CELLS[:2], code("rows = len(clean)\ntotal = float(clean['amount'].sum())", "summarise")],
        catalog=CATALOG,
    )
    assert main(["check", str(notebook)]) == 1
    out = capsys.readouterr().out
    assert "cell 3, line 1 (node 'summarise'): generated: local variable 'rows'" in out


def test_converting_outside_a_project_with_project_points_to_init(write_notebook, capsys):
    notebook = write_notebook(CELLS, catalog=CATALOG)
    assert main(["convert", "--project", str(notebook.parent), str(notebook)]) == EXIT_USAGE
    assert "kedro-nb init" in capsys.readouterr().err
