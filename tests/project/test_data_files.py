"""Helpful misses: a missing dataset named like a data file nearby gets its catalog entry."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kedro_nb.io import DataCatalog, DatasetNotFoundError
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.project import KedroNbSession
from kedro_nb.project.data_files import DataFileHint
from kedro_nb.runner import MissingInputsError


def _entry(message: str) -> dict:
    """The YAML block at the end of the message, parsed: it must paste as is."""
    return yaml.safe_load(message.split("\n\n", 1)[1])


def test_a_file_beside_the_notebook_gives_the_entry_to_paste(tmp_path: Path) -> None:
    (tmp_path / "sales.csv").write_text("region,amount\nnorth,3\n")
    session = KedroNbSession.create(start_dir=tmp_path)
    with pytest.raises(DatasetNotFoundError) as caught:
        session.catalog.load("sales")
    message = str(caught.value)
    assert message.startswith("Dataset 'sales' not found in the catalog. Found sales.csv: ")
    assert "declare it in catalog.yml with" in message
    entry = _entry(message)
    assert entry == {"sales": {"type": "pandas.CSVDataset", "filepath": "sales.csv"}}
    (tmp_path / "catalog.yml").write_text(yaml.safe_dump(entry))  # pasted: it now loads
    fixed = KedroNbSession.create(start_dir=tmp_path)
    assert fixed.catalog.load("sales").to_dict("records") == [{"region": "north", "amount": 3}]


def test_files_under_data_are_found_too_and_a_run_says_so(tmp_path: Path) -> None:
    (tmp_path / "data" / "01_raw").mkdir(parents=True)
    (tmp_path / "data" / "01_raw" / "Shuttles.xlsx").write_bytes(b"")
    session = KedroNbSession.create(start_dir=tmp_path)
    with pytest.raises(MissingInputsError) as caught:
        session.run(pipeline=Pipeline([node(len, "shuttles", "count", name="count")]))
    message = str(caught.value)
    assert "'shuttles': Found data/01_raw/Shuttles.xlsx: declare it in catalog.yml" in message
    assert _entry(message) == {
        "shuttles": {"type": "pandas.ExcelDataset", "filepath": "data/01_raw/Shuttles.xlsx"}
    }


def test_no_hint_without_a_matching_data_file(tmp_path: Path) -> None:
    (tmp_path / "sales.md").write_text("notes")  # not a data file
    (tmp_path / "sales_2024.csv").write_text("a\n")  # another name
    hint = DataFileHint(tmp_path, tmp_path / "catalog.yml")
    assert hint("sales") is None
    catalog = DataCatalog()
    catalog.missing_hint = hint
    with pytest.raises(DatasetNotFoundError, match=r"^Dataset 'sales' not found in the catalog\.$"):
        catalog.load("sales")
