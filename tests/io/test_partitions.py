"""PartitionedDataset: Kedro's lazy-load / dict-save semantics, checked against Kedro's."""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
import pytest
from kedro_datasets.partitions import PartitionedDataset as KedroPartitioned

from kedro_nb.io import CatalogConfigError, DataCatalog, DatasetError


def _catalog(path: str, **extra: object) -> DataCatalog:
    return DataCatalog.from_config(
        {
            "parts": {
                "type": "partitions.PartitionedDataset",
                "path": path,
                "dataset": {"type": "pandas.CSVDataset"},
                "filename_suffix": ".csv",
                **extra,
            }
        }
    )


def test_save_dict_and_lazy_load(tmp_path: Path) -> None:
    catalog = _catalog(str(tmp_path / "parts"))
    calls: list[str] = []

    def late() -> pd.DataFrame:
        calls.append("late")
        return pd.DataFrame({"x": [2]})

    catalog.save("parts", {"b": pd.DataFrame({"x": [1]}), "nested/c": late})
    assert calls == ["late"]
    assert (tmp_path / "parts" / "nested" / "c.csv").is_file()
    loaded = catalog.load("parts")
    assert list(loaded) == ["b", "nested/c"]
    assert all(callable(v) for v in loaded.values())
    assert loaded["nested/c"]()["x"].tolist() == [2]


def test_suffix_filters_partitions_and_kedro_reads_ours(tmp_path: Path) -> None:
    root = tmp_path / "parts"
    catalog = _catalog(str(root))
    catalog.save("parts", {"p1": pd.DataFrame({"x": [1]})})
    (root / "notes.txt").write_text("ignored")
    assert list(catalog.load("parts")) == ["p1"]
    theirs = KedroPartitioned(
        path=str(root), dataset="pandas.CSVDataset", filename_suffix=".csv"
    ).load()
    assert list(theirs) == ["p1"]
    assert theirs["p1"]()["x"].tolist() == [1]


def test_we_read_kedros_partitions(tmp_path: Path) -> None:
    root = tmp_path / "k"
    KedroPartitioned(path=str(root), dataset="pandas.CSVDataset").save(
        {"a": pd.DataFrame({"x": [1]}), "d/b": pd.DataFrame({"x": [2]})}
    )
    loaded = _catalog(str(root), filename_suffix="").load("parts")
    assert list(loaded) == ["a", "d/b"]
    assert loaded["d/b"]()["x"].tolist() == [2]


def test_overwrite_removes_old_partitions(tmp_path: Path) -> None:
    catalog = _catalog(str(tmp_path / "o"), overwrite=True)
    catalog.save("parts", {"old": pd.DataFrame({"x": [1]})})
    catalog.save("parts", {"new": pd.DataFrame({"x": [1]})})
    assert list(catalog.load("parts")) == ["new"]


def test_memory_protocol() -> None:
    catalog = _catalog("memory://partitions-test")
    catalog.save("parts", {"a": pd.DataFrame({"x": [1]})})
    assert catalog.exists("parts")
    assert catalog.load("parts")["a"]()["x"].tolist() == [1]


def test_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    catalog = _catalog(str(tmp_path / "empty"))
    assert not catalog.exists("parts")
    with pytest.raises(DatasetError, match=r"Dataset 'parts'.*No partitions found.*Hint"):
        catalog.load("parts")


def test_versioned_inner_dataset_is_refused(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "parts": {
                "type": "partitions.PartitionedDataset",
                "path": str(tmp_path),
                "dataset": {"type": "pandas.CSVDataset", "versioned": True},
            }
        }
    )
    with pytest.raises(CatalogConfigError, match="versioning"):
        catalog["parts"]


def test_credentials_reach_inner_dataset_but_not_repr(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "parts": {
                "type": "partitions.PartitionedDataset",
                "path": str(tmp_path / "c"),
                "dataset": "pickle.PickleDataset",
                "credentials": "local",
            }
        },
        credentials={"local": {"auto_mkdir": True}},
    )
    catalog.save("parts", {"a": 1})
    assert catalog.load("parts")["a"]() == 1
    assert "auto_mkdir" not in repr(catalog["parts"])


def test_unknown_inner_type_is_named(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "parts": {
                "type": "partitions.PartitionedDataset",
                "path": str(tmp_path),
                "dataset": "pandas.CSVDataSet",
            }
        }
    )
    with pytest.raises(DatasetError) as info:
        catalog["parts"]
    message = str(info.value)
    assert message.startswith(
        "Catalog entry 'parts': PartitionedDataset 'dataset': unknown "
        "dataset type 'pandas.CSVDataSet'"
    )
    assert "Did you mean: pandas.CSVDataset" in message


def test_pickled_dataset_rebuilds_its_file_system(tmp_path: Path) -> None:
    dataset = _catalog(str(tmp_path / "parts"))["parts"]
    dataset.save({"a": pd.DataFrame({"x": [1]})})
    assert dataset.fs is not None
    copy = pickle.loads(pickle.dumps(dataset))
    assert copy._fs is None
    assert list(copy.load()) == ["a"]
    assert copy.load()["a"]()["x"].tolist() == [1]
