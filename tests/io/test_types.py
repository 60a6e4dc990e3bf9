"""Resolving ``type``: Kedro's short names, dotted paths, kedro_datasets and Kedro classes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kedro.io import AbstractDataset as KedroAbstractDataset

from kedro_nb.io import DataCatalog, DatasetTypeError, MemoryDataset
from kedro_nb.io.registry import BUILTIN_TYPES, resolve_type


@pytest.mark.parametrize("name", sorted(BUILTIN_TYPES))
def test_every_builtin_name_resolves_to_a_dataset_class(name: str) -> None:
    cls = resolve_type(name)
    assert cls.__name__ == name.rsplit(".", 1)[-1]
    assert cls.__module__.startswith("kedro_nb.io")


@pytest.mark.parametrize(
    "alias", ["kedro.io.MemoryDataset", "kedro.io.memory_dataset.MemoryDataset"]
)
def test_kedro_memory_dataset_spellings_map_to_ours(alias: str) -> None:
    assert resolve_type(alias) is MemoryDataset


def test_full_dotted_path_of_our_class() -> None:
    catalog = DataCatalog.from_config({"m": {"type": "kedro_nb.io.memory.MemoryDataset"}})
    assert isinstance(catalog["m"], MemoryDataset)


def test_kedro_datasets_types_work_by_full_path_and_short_name(tmp_path: Path) -> None:
    from kedro_datasets.pandas import CSVDataset as KedroCSV
    from kedro_datasets.pandas import GenericDataset

    catalog = DataCatalog.from_config(
        {
            "full": {
                "type": "kedro_datasets.pandas.CSVDataset",
                "filepath": str(tmp_path / "a.csv"),
            },
            "short": {
                "type": "pandas.GenericDataset",
                "file_format": "csv",
                "filepath": str(tmp_path / "b.csv"),
                "save_args": {"index": False},
            },
        }
    )
    frame = pd.DataFrame({"a": [1, 2]})
    catalog.save("full", frame)
    catalog.save("short", frame)
    assert isinstance(catalog["full"], KedroCSV)
    assert isinstance(catalog["short"], GenericDataset)
    assert catalog.load("full").equals(frame)
    assert catalog.load("short").equals(frame)
    assert catalog.get_type("full") == "kedro_datasets.pandas.csv_dataset.CSVDataset"


class UserKedroDataset(KedroAbstractDataset):
    """A user's dataset written against Kedro's API (public load/save)."""

    def __init__(self, prefix: str, metadata: dict[str, Any] | None = None) -> None:
        self._prefix = prefix
        self._data: Any = None

    def load(self) -> Any:
        return f"{self._prefix}{self._data}"

    def save(self, data: Any) -> None:
        self._data = data

    def _describe(self) -> dict[str, Any]:
        return {"prefix": self._prefix}


def test_user_class_subclassing_kedro_abstract_dataset() -> None:
    catalog = DataCatalog.from_config({"u": {"type": UserKedroDataset, "prefix": ">"}})
    catalog.save("u", "x")
    assert catalog.load("u") == ">x"
    assert not catalog.is_ephemeral("u")
    rows = catalog.describe_datasets()
    assert rows[0]["type"].endswith("UserKedroDataset")


def test_unknown_type_lists_tried_paths_and_close_names() -> None:
    catalog = DataCatalog.from_config({"cars": {"type": "pandas.CSVDataSet", "filepath": "x.csv"}})
    with pytest.raises(DatasetTypeError) as info:
        catalog["cars"]
    message = str(info.value)
    assert "Catalog entry 'cars'" in message
    assert "'pandas.CSVDataSet'" in message
    assert "kedro_datasets.pandas.CSVDataSet" in message  # tried
    assert "Did you mean: pandas.CSVDataset" in message


def test_type_that_is_not_a_dataset_class() -> None:
    with pytest.raises(DatasetTypeError, match="not a dataset class"):
        resolve_type("collections.OrderedDict", entry="odd")
    with pytest.raises(DatasetTypeError, match="must not start or end with a dot"):
        resolve_type(".MemoryDataset")


def test_filter_and_get_type_without_materialising(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "raw_cars": {"type": "pandas.CSVDataset", "filepath": str(tmp_path / "c.csv")},
            "raw_model": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "m.pkl")},
            "features": {"type": "MemoryDataset"},
        }
    )
    assert catalog.filter(name_regex="^raw_") == ["raw_cars", "raw_model"]
    assert catalog.filter(type_regex="CSV") == ["raw_cars"]
    assert catalog.filter(by_type=MemoryDataset) == ["features"]
    assert catalog.filter(name_regex="raw", by_type=[MemoryDataset]) == []
    assert catalog.get_type("raw_model") == "kedro_nb.io.datasets.pickle.PickleDataset"
    assert catalog.get_type("nope") is None
    assert catalog.describe_datasets(check_exists=False)[0]["loaded"] is False


def test_abstract_dataset_from_config_like_kedro(tmp_path: Path) -> None:
    from kedro_nb.io import AbstractDataset
    from kedro_nb.io.datasets.json import JSONDataset

    dataset = AbstractDataset.from_config(
        "j",
        {"type": "json.JSONDataset", "filepath": str(tmp_path / "j.json"), "versioned": True},
        save_version="2024-01-01T00.00.00.000Z",
    )
    assert isinstance(dataset, JSONDataset)
    dataset.save({"a": 1})
    assert (tmp_path / "j.json" / "2024-01-01T00.00.00.000Z" / "j.json").is_file()


def test_incomplete_dataset_class_is_named_with_what_it_lacks() -> None:
    from kedro_nb.io import AbstractDataset, CatalogConfigError

    class HalfDataset(AbstractDataset):
        def load(self) -> int:  # Kedro 1.x style, but no save and no _describe
            return 1

    catalog = DataCatalog.from_config({"p": {"type": HalfDataset}})
    with pytest.raises(CatalogConfigError, match=r"'p'.*_describe.*save\(\).*_save\(\)"):
        catalog["p"]


def test_kedro_style_class_on_our_base_works() -> None:
    from kedro_nb.io import AbstractDataset

    class PortedDataset(AbstractDataset):
        def load(self) -> int:  # Kedro 1.x style: public methods
            return 1

        def save(self, data: object) -> None:
            pass

        def _describe(self) -> dict:
            return {}

    catalog = DataCatalog.from_config({"p": {"type": PortedDataset}})
    assert catalog.load("p") == 1
