"""Rich displays of catalog, params, pipelines and sessions, through IPython's formatters."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from kedro_nb.io import DataCatalog
from kedro_nb.notebook.displays.dag import dag_svg, layers
from kedro_nb.notebook.displays.formatters import DISPLAYS
from kedro_nb.notebook.displays.tables import html_table
from kedro_nb.notebook.params_view import ParamsView
from kedro_nb.pipeline import Pipeline, node

SECRET = "topsecretvalue-123"


def _identity(x):
    return x


def _pair(a, b):
    return a


@pytest.fixture
def pipeline() -> Pipeline:
    return Pipeline(
        [
            node(_identity, "raw", "clean", name="clean_raw", tags=["prep"]),
            node(_pair, ["clean", "params:alpha"], "model", name="train"),
            node(_identity, "clean", "report", name="report"),
        ]
    )


@pytest.fixture
def catalog(tmp_path: Path) -> DataCatalog:
    (tmp_path / "raw.csv").write_text("a\n1\n")
    config = {
        "raw": {"type": "pandas.CSVDataset", "filepath": str(tmp_path / "raw.csv")},
        "cars": {
            "type": "pandas.CSVDataset",
            "filepath": f"s3://user:{SECRET}@bucket/cars.csv",
            "credentials": "dev_s3",
        },
        "model": {
            "type": "pickle.PickleDataset",
            "filepath": str(tmp_path / "m.pkl"),
            "versioned": True,
        },
        "{name}_csv": {"type": "pandas.CSVDataset", "filepath": str(tmp_path / "{name}.csv")},
    }
    found = DataCatalog.from_config(config, credentials={"dev_s3": {"secret": SECRET}})
    found.add_parameters({"alpha": 0.1})
    return found


def _formats(shell, obj) -> dict[str, str]:
    data, _ = shell.display_formatter.format(obj)
    return data


def test_display_table_names_the_real_classes() -> None:
    """Drift guard: every (module, class) registered by name exists there."""
    for module, name in DISPLAYS:
        assert getattr(importlib.import_module(module), name).__name__ == name


def test_catalog_html_and_text_show_rows_without_credentials(loaded, catalog) -> None:
    data = _formats(loaded, catalog)
    html, text = data["text/html"], data["text/plain"]
    for shown in (html, text):
        assert "pandas.CSVDataset" in shown and "pickle.PickleDataset" in shown
        assert SECRET not in shown and "user:" not in shown
        assert "params:alpha" not in shown
    assert "<table" in html
    assert text.splitlines()[0] == (
        "DataCatalog: 3 datasets; 1 parameter, see params; factory patterns: {name}_csv"
    )
    raw_row = next(line for line in text.splitlines() if line.strip().startswith("raw "))
    assert raw_row.split()[-2:] == ["yes", "no"]  # exists, not versioned
    model_row = next(line for line in text.splitlines() if line.strip().startswith("model "))
    assert model_row.split()[-1] == "yes"  # versioned


def test_pipeline_display_lists_nodes_and_draws_layers(loaded, pipeline) -> None:
    data = _formats(loaded, pipeline)
    text, html = data["text/plain"], data["text/html"]
    assert "clean_raw: raw -> clean  [prep]" in text
    assert "train: clean, params:alpha -> model" in text
    assert "<svg" in html and "<script" not in html
    assert "clean_raw" in html


def test_tables_escape_every_cell() -> None:
    html = html_table("<caption>", ["<h>"], [["<script>alert(1)</script>"]])
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;caption&gt;" in html


def test_dag_layers_by_depth(pipeline) -> None:
    shapes = [(n.name, n.inputs, n.outputs) for n in pipeline.nodes]
    assert layers(shapes) == [["clean_raw"], ["report", "train"]] or layers(shapes) == [
        ["clean_raw"],
        ["train", "report"],
    ]
    svg = dag_svg(shapes)
    assert svg.count("<rect") == 3 and svg.count("marker-end") == 2
    assert dag_svg([]) == ""


def test_params_display_flattens_and_escapes(loaded) -> None:
    params = ParamsView({"model": {"alpha": 0.1, "name": "<b>x</b>"}, "seed": 3})
    assert params == {"model": {"alpha": 0.1, "name": "<b>x</b>"}, "seed": 3}
    data = _formats(loaded, params)
    assert "model.alpha" in data["text/plain"] and "0.1" in data["text/plain"]
    assert "&lt;b&gt;x&lt;/b&gt;" in data["text/html"] and "<b>x</b>" not in data["text/html"]


def test_plain_dicts_keep_their_usual_display(loaded) -> None:
    assert _formats(loaded, {"a": 1}) == {"text/plain": "{'a': 1}"}


def test_catalog_counts_parameters_as_params_does(loaded) -> None:
    nested = {"model": {"alpha": 0.1, "depth": 3}, "seed": 1, "empty": {}}
    catalog = DataCatalog()
    catalog.add_parameters(nested)
    assert "; 4 parameters, see params" in _formats(loaded, catalog)["text/plain"]
    assert _formats(loaded, ParamsView(nested))["text/plain"].startswith("Parameters: 4")
    none = DataCatalog()
    none.add_parameters({})
    assert _formats(loaded, none)["text/plain"].splitlines()[0] == (
        "DataCatalog: 0 datasets; no parameters"
    )


def test_a_catalog_with_a_misspelt_type_still_displays_and_names_the_entry(loaded) -> None:
    # Datasets are built lazily, so %load_ext does not fail on a typo; looking at `catalog`
    # must not fail either (it raised DatasetTypeError from both formatters).
    catalog = DataCatalog.from_config(
        {
            "sales": {"type": "pandas.CSVDatset", "filepath": "data/sales.csv"},
            "report": {"type": "json.JSONDataset", "filepath": "data/report.json"},
        }
    )
    data = _formats(loaded, catalog)
    text = data["text/plain"]
    assert text.splitlines()[0] == (
        "DataCatalog: 2 datasets; no parameters; "
        "cannot be built: sales (catalog.load('sales') says why)"
    )
    (row,) = [line for line in text.splitlines() if line.lstrip().startswith("sales ")]
    assert row.split() == ["sales", "pandas.CSVDatset", "error", "no"]
    assert "<td>report</td>" in data["text/html"] and "<td>error</td>" in data["text/html"]
