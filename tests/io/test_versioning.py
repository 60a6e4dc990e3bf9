"""Versioning: Kedro's layout and version strings, interoperable with real Kedro."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pandas as pd
import pytest
from kedro.io import DataCatalog as KedroCatalog
from kedro.io.core import generate_timestamp as kedro_timestamp

from kedro_nb.io import (
    DataCatalog,
    DatasetError,
    DatasetNotFoundError,
    VersionAlreadyExistsError,
    VersionNotFoundError,
    generate_timestamp,
)

FRAME = pd.DataFrame({"a": [1, 2]})
VERSION_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d\.\d{3}Z$")


def _config(
    tmp_path: Path, dataset_type: str = "pandas.CSVDataset", name: str = "cars.csv"
) -> dict:
    return {"cars": {"type": dataset_type, "filepath": str(tmp_path / name), "versioned": True}}


def test_version_string_format_matches_kedro() -> None:
    ours, theirs = generate_timestamp(), kedro_timestamp()
    assert VERSION_RE.match(ours), ours
    assert VERSION_RE.match(theirs), theirs
    assert ours[:16] == theirs[:16] or ours > theirs  # same clock, same shape


def test_layout_is_filepath_version_basename(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(_config(tmp_path), save_version="2024-01-01T00.00.00.000Z")
    catalog.save("cars", FRAME)
    assert (tmp_path / "cars.csv" / "2024-01-01T00.00.00.000Z" / "cars.csv").is_file()
    assert catalog["cars"].list_versions() == ["2024-01-01T00.00.00.000Z"]
    assert catalog.save_version == "2024-01-01T00.00.00.000Z"


@pytest.mark.parametrize(
    ("dataset_type", "name", "data"),
    [
        ("pandas.CSVDataset", "cars.csv", FRAME),
        ("pandas.ParquetDataset", "cars.parquet", FRAME),
        ("pickle.PickleDataset", "cars.pkl", {"k": [1]}),
        ("json.JSONDataset", "cars.json", {"k": [1]}),
    ],
)
def test_versions_written_by_us_load_in_kedro_and_back(
    tmp_path: Path, dataset_type: str, name: str, data: object
) -> None:
    config = _config(tmp_path, dataset_type, name)
    ours = DataCatalog.from_config(config)
    ours.save("cars", data)
    loaded = KedroCatalog.from_config(config).load("cars")
    assert loaded.equals(data) if isinstance(data, pd.DataFrame) else loaded == data

    time.sleep(0.005)  # a later millisecond, so Kedro's version sorts last
    newer = FRAME.assign(a=[5, 6]) if isinstance(data, pd.DataFrame) else {"k": [2]}
    kedro_catalog = KedroCatalog.from_config(config)
    kedro_catalog.save("cars", newer)
    again = DataCatalog.from_config(config).load("cars")
    assert again.equals(newer) if isinstance(newer, pd.DataFrame) else again == newer
    assert (
        DataCatalog.from_config(config)["cars"].list_versions()
        == sorted(p.name for p in (tmp_path / name).iterdir())[::-1]
    )
    older = DataCatalog.from_config(config, load_versions={"cars": ours.save_version})
    pinned = older.load("cars")
    assert pinned.equals(data) if isinstance(data, pd.DataFrame) else pinned == data
    assert DataCatalog.from_config(config).load("cars", version=ours.save_version) is not None


def test_saving_same_version_twice_is_refused(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(_config(tmp_path), save_version="2024-01-01T00.00.00.000Z")
    catalog.save("cars", FRAME)
    with pytest.raises(VersionAlreadyExistsError, match="already exists"):
        catalog.save("cars", FRAME)


def test_no_versions_yet(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(_config(tmp_path))
    assert not catalog.exists("cars")
    with pytest.raises(VersionNotFoundError, match=r"Dataset 'cars'.*No versions"):
        catalog.load("cars")


def test_pinned_missing_version_is_a_clear_error(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        _config(tmp_path), load_versions={"cars": "2020-01-01T00.00.00.000Z"}
    )
    assert catalog.load_versions == {"cars": "2020-01-01T00.00.00.000Z"}
    with pytest.raises(DatasetError, match=re.escape("2020-01-01T00.00.00.000Z")):
        catalog.load("cars")


def test_load_versions_for_unknown_dataset(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFoundError, match="nope"):
        DataCatalog.from_config(_config(tmp_path), load_versions={"nope": "x"})


@pytest.mark.parametrize("bad", ["..", "a/b", "."])
def test_unsafe_versions_are_refused(tmp_path: Path, bad: str) -> None:
    catalog = DataCatalog.from_config(_config(tmp_path), save_version=bad)
    with pytest.raises(DatasetError, match="not allowed"):
        catalog.save("cars", FRAME)


def test_all_saves_of_one_catalog_share_the_save_version(tmp_path: Path) -> None:
    config = {
        **_config(tmp_path),
        "other": {
            "type": "pickle.PickleDataset",
            "filepath": str(tmp_path / "o.pkl"),
            "versioned": True,
        },
    }
    catalog = DataCatalog.from_config(config)
    catalog.save("cars", FRAME)
    catalog.save("other", 1)
    assert (
        catalog["cars"].list_versions()
        == catalog["other"].list_versions()
        == [catalog.save_version]
    )


def test_versioned_memory_protocol() -> None:
    config = {
        "m": {
            "type": "json.JSONDataset",
            "filepath": "memory://versioned/m.json",
            "versioned": True,
        }
    }
    catalog = DataCatalog.from_config(config)
    catalog.save("m", [1])
    assert catalog.load("m") == [1]
    assert "version=" in repr(catalog["m"])


def test_load_versions_may_name_factory_datasets_but_not_via_catch_all(tmp_path: Path) -> None:
    config = {
        "{name}_pkl": {
            "type": "pickle.PickleDataset",
            "versioned": True,
            "filepath": f"{tmp_path}/{{name}}.pkl",
        },
        "{default}": {"type": "MemoryDataset"},
    }
    catalog = DataCatalog.from_config(config, load_versions={"m_pkl": "v1"})
    assert catalog.load_versions == {"m_pkl": "v1"}
    with pytest.raises(DatasetNotFoundError, match="anything"):
        DataCatalog.from_config(config, load_versions={"anything": "v1"})


def test_plain_file_in_the_way_of_versioning_explains_the_fix(tmp_path: Path) -> None:
    DataCatalog.from_config(
        {"cars": {"type": "pandas.CSVDataset", "filepath": str(tmp_path / "cars.csv")}}
    ).save("cars", FRAME)
    with pytest.raises(DatasetError, match=r"plain file with that name exists.*Move it"):
        DataCatalog.from_config(_config(tmp_path)).save("cars", FRAME)


def test_versioned_on_a_type_without_versioning_is_named() -> None:
    catalog = DataCatalog.from_config({"m": {"type": "MemoryDataset", "versioned": True}})
    with pytest.raises(DatasetError, match=r"'m': MemoryDataset does not support versioning"):
        catalog["m"]
