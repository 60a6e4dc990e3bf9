"""Conversion never writes code that cannot run: pyflakes findings in the generated code that
would fail at run time are errors naming cell, line and name, the harmless ones warnings;
catalog problems read as `kedro-nb run` reports them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from convert_nbhelpers import RUFF_GENERATED, code

from kedro_nb.cli import EXIT_USAGE, main
from kedro_nb.convert.converter import convert_notebook, plan_conversion
from kedro_nb.convert.errors import CatalogConfigurationError, UnrunnableCodeError
from kedro_nb.convert.verify import RUFF_CODES, findings

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


def test_an_unused_local_is_a_warning_naming_the_cell_line_and_name(write_notebook, capsys):
    """An unused local is harmless in a cell: the code is written, the user is told where."""
    notebook = write_notebook(
        [*CELLS[:2], code("rows = len(clean)\ntotal = float(clean['amount'].sum())", "summarise")],
        catalog=CATALOG,
    )
    assert main(["convert", str(notebook)]) == 0
    err = capsys.readouterr().err
    assert "warning: cell 3, line 1 (node 'summarise'): lint: local variable 'rows'" in err
    assert "(F841)" in err
    assert (notebook.parent / "pipelines" / notebook.stem / "nodes.py").is_file()


def test_code_failing_at_run_time_is_refused_however_it_fails(write_notebook):
    """Each rule of FAILS_AT_RUN_TIME a cell can reach stops the conversion, naming the cell."""
    for source, what in [
        ("total = float(clean['amount'].sum()) + missing", "undefined name 'missing'"),
        (
            "label = '%s and %s' % (1,)\ntotal = 1",
            "'...' % ... has 2 placeholder(s) but 1 substitution(s)",
        ),
        ("label = '{0} {1}'.format(1)\ntotal = 1", "'...'.format(...) is missing argument"),
        ("raise NotImplemented\ntotal = 1", "'raise NotImplemented' should be"),
    ]:
        notebook = write_notebook([*CELLS[:2], code(source, "summarise")], catalog=CATALOG)
        with pytest.raises(UnrunnableCodeError) as caught:
            convert_notebook(notebook)
        assert "cell 3, line " in str(caught.value) and what in str(caught.value), source
        assert not (notebook.parent / "pipelines").exists()


@pytest.mark.parametrize(
    "cells",
    [
        CELLS,
        [*CELLS[:2], code("rows = len(clean)\ntotal = rows * 2", "summarise")],
        [CELLS[0], code("clean = sales.dropna()\nunused = 1", "prepare")],
        [CELLS[0], code("clean = sales.dropna(subset=[column])", "prepare")],
        [code("import os\nimport pandas as pd"), code("clean = sales.assign(d=os.sep)", "p")],
        [CELLS[0], code("clean = sales.dropna()\nnote = f'done'\nclean = clean", "prepare")],
        [CELLS[0], code("clean = sales.dropna()\nlabel = '%s %s' % (1,)", "prepare")],
        [CELLS[0], code("clean = sales.dropna()\nlabel = '{} {x}'.format(1)", "prepare")],
        [CELLS[0], code("clean = sales.dropna()\nassert (clean, 'message')", "prepare")],
        [CELLS[0], code("clean = sales.dropna()\nlookup = {'a': 1, 'a': 2}", "prepare")],
    ],
)
def test_findings_agree_with_ruff_select_f(tmp_path, write_notebook, cells):
    """A differential check: pyflakes in process flags exactly what `ruff --select F` flags,
    rule for rule, so the line between refused (FAILS_AT_RUN_TIME) and warned is drawn in
    ruff's own codes."""
    notebook = write_notebook(cells, catalog=CATALOG)
    conversion = plan_conversion(notebook)
    out = tmp_path / "out"
    for path, text in conversion.sources.items():
        target = out / path.relative_to(notebook.parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    command = [*RUFF_GENERATED[:-1], "F", "--output-format", "json", str(out)]
    ruff = subprocess.run(command, capture_output=True, text=True)
    flagged = sorted(  # pyflakes names each repeated key, ruff the line once: compare sets
        {(i["filename"], i["location"]["row"], i["code"]) for i in json.loads(ruff.stdout)}
    )
    ours = sorted(
        {
            (str(out / f.path.relative_to(notebook.parent)), f.line, f.code)
            for f in findings(conversion)
        }
    )
    assert ours == flagged, ruff.stdout
    assert all(code in RUFF_CODES.values() for *_, code in flagged)


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
        assert f"kedro-nb {command}: {expected}" in capsys.readouterr().err
    assert not (notebook.parent / "pipelines").exists()


def test_malformed_yaml_names_file_line_and_column(write_notebook):
    notebook = write_notebook(CELLS, catalog="sales:\n  type: x\n   filepath: a\n")
    with pytest.raises(CatalogConfigurationError, match=r"catalog\.yml, line 3, column 12"):
        plan_conversion(notebook)


def test_check_reports_what_convert_would_refuse_or_warn_about(write_notebook, capsys):
    notebook = write_notebook(
        [*CELLS[:2], code("rows = len(clean)\ntotal = float(clean['amount'].sum())", "summarise")],
        catalog=CATALOG,
    )
    assert main(["check", str(notebook)]) == 0  # harmless: a note, not a problem
    out = capsys.readouterr().out
    assert "cell 3, line 1 (node 'summarise'): lint: local variable 'rows'" in out
    notebook = write_notebook(
        [*CELLS[:2], code("label = '{0} {1}'.format(1)\ntotal = 1", "summarise")],
        catalog=CATALOG,
    )
    assert main(["check", str(notebook)]) == 1
    out = capsys.readouterr().out
    assert "cell 3, line 1 (node 'summarise'): generated: '...'.format(...) is missing" in out


def test_converting_outside_a_project_with_project_points_to_init(write_notebook, capsys):
    notebook = write_notebook(CELLS, catalog=CATALOG)
    assert main(["convert", "--project", str(notebook.parent), str(notebook)]) == EXIT_USAGE
    assert "kedro-nb init" in capsys.readouterr().err
