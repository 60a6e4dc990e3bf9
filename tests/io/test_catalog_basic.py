"""DataCatalog core behaviour: lazy config, [], in, load/save/exists/release, keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kedro_nb.io import (
    CatalogConfigError,
    DataCatalog,
    DatasetNotFoundError,
    MemoryDataset,
)
from kedro_nb.io.datasets.pickle import PickleDataset


def test_from_config_is_lazy_and_imports_nothing_heavy(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from kedro_nb.io import DataCatalog\n"
        "c = DataCatalog.from_config({'cars': {'type': 'pandas.CSVDataset', 'filepath': "
        f"'{tmp_path}/cars.csv'}}, '{{name}}_pq': {{'type': 'pandas.ParquetDataset', "
        f"'filepath': '{tmp_path}/{{name}}.pq'}}}})\n"
        "assert 'cars' in c and 'x_pq' in c\n"
        "assert c.keys() == ['cars']\n"
        "bad = [m for m in ('pandas', 'fsspec', 'pyarrow', 'kedro') if m in sys.modules]\n"
        "assert not bad, bad\n"
        "c['cars']  # instantiating is cheap too: pandas loads on first load/save\n"
        "assert 'pandas' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_save_load_exists_release_roundtrip(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "model": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "m.pkl")},
            "scratch": {"type": "MemoryDataset"},
        }
    )
    assert not catalog.exists("model")
    catalog.save("model", {"w": [1, 2]})
    assert catalog.exists("model")
    assert catalog.load("model") == {"w": [1, 2]}
    catalog.save("scratch", [1])
    catalog.release("scratch")
    assert not catalog.exists("scratch")
    assert isinstance(catalog["model"], PickleDataset)


def test_setitem_wraps_raw_values_and_accepts_datasets() -> None:
    catalog = DataCatalog()
    catalog["x"] = [1, 2, 3]
    assert isinstance(catalog["x"], MemoryDataset)
    assert catalog.load("x") == [1, 2, 3]
    dataset = MemoryDataset("y")
    catalog["y"] = dataset
    assert catalog["y"] is dataset
    assert catalog.keys() == ["x", "y"]
    assert len(catalog) == 2
    assert list(catalog) == ["x", "y"]
    assert dict(catalog.items()) == {"x": catalog["x"], "y": dataset}


def test_kedro_style_constructor_with_datasets() -> None:
    catalog = DataCatalog({"a": MemoryDataset(1), "b": 2})
    assert catalog.load("a") == 1
    assert catalog.load("b") == 2


def test_unknown_name_error_suggests_close_names() -> None:
    catalog = DataCatalog({"companies": 1, "shuttles": 2})
    assert catalog.get("compnies") is None
    assert "compnies" not in catalog
    with pytest.raises(
        DatasetNotFoundError,
        match=r"'compnies' not found.*Did you mean: "
        "companies",
    ):
        catalog.load("compnies")


def test_runtime_pattern_fallback_makes_memory_dataset() -> None:
    catalog = DataCatalog()
    assert catalog.get("intermediate") is None
    dataset = catalog.get("intermediate", fallback_to_runtime_pattern=True)
    assert isinstance(dataset, MemoryDataset)
    assert catalog.is_ephemeral("intermediate")


def test_underscore_keys_are_skipped() -> None:
    catalog = DataCatalog.from_config(
        {"_anchor": {"filepath": "x"}, "a": {"type": "MemoryDataset"}}
    )
    assert catalog.keys() == ["a"]


@pytest.mark.parametrize(
    ("entry", "pattern"),
    [
        ({"filepath": "a.csv"}, "entry 'bad' has no 'type'"),
        ("a string", "entry 'bad' must be a mapping"),
    ],
)
def test_malformed_entries_name_the_entry(entry: object, pattern: str) -> None:
    with pytest.raises(CatalogConfigError, match=pattern):
        DataCatalog.from_config({"bad": entry})


def test_bad_constructor_argument_names_entry_and_accepted_args(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {"bad": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "x"), "colour": "red"}}
    )
    with pytest.raises(CatalogConfigError) as info:
        catalog["bad"]
    message = str(info.value)
    assert "Catalog entry 'bad' (pickle.PickleDataset)" in message
    assert "colour" in message
    assert "filepath" in message and "backend" in message


def test_params_entries() -> None:
    catalog = DataCatalog.from_config({}, parameters={"alpha": 0.1, "model": {"depth": 3}})
    assert catalog.load("params:alpha") == 0.1
    assert catalog.load("params:model") == {"depth": 3}
    assert catalog.load("params:model.depth") == 3
    assert catalog.load("parameters") == {"alpha": 0.1, "model": {"depth": 3}}
    assert catalog.is_ephemeral("params:alpha")


def test_from_yaml_text_and_path(tmp_path: Path) -> None:
    text = f"cars:\n  type: pickle.PickleDataset\n  filepath: {tmp_path}/cars.pkl\n"
    assert DataCatalog.from_yaml(text).keys() == ["cars"]
    path = tmp_path / "catalog.yml"
    path.write_text(text)
    assert DataCatalog.from_yaml(path).keys() == ["cars"]


def test_non_string_keys_are_rejected() -> None:
    with pytest.raises(CatalogConfigError, match="keys must be strings, got 123"):
        DataCatalog.from_config({123: {"type": "MemoryDataset"}})  # type: ignore[dict-item]
