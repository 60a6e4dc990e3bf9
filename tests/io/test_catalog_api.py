"""DataCatalog helpers used by the runner and the notebook display."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kedro_nb.io import DataCatalog, DatasetError, MemoryDataset, is_parameter


def _catalog(tmp_path: Path) -> DataCatalog:
    return DataCatalog.from_config(
        {
            "raw": {
                "type": "pickle.PickleDataset",
                "filepath": str(tmp_path / "raw.pkl"),
                "metadata": {"layer": "raw"},
            },
            "model": {
                "type": "pickle.PickleDataset",
                "filepath": str(tmp_path / "m.pkl"),
                "versioned": True,
            },
            "scratch": {"type": "MemoryDataset"},
            "{name}_json": {"type": "json.JSONDataset", "filepath": f"{tmp_path}/{{name}}.json"},
        }
    )


def test_describe_datasets_rows(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    catalog.save("raw", 1)
    catalog.save("x_json", {"a": 1})
    rows = {row["name"]: row for row in catalog.describe_datasets()}
    assert list(rows) == ["raw", "model", "scratch", "x_json"]
    assert rows["raw"] == {
        "name": "raw",
        "type": "pickle.PickleDataset",
        "class_path": "kedro_nb.io.datasets.pickle.PickleDataset",
        "filepath": str(tmp_path / "raw.pkl"),
        "versioned": False,
        "exists": True,
        "ephemeral": False,
        "loaded": True,
        "pattern": None,
        "metadata": {"layer": "raw"},
        "error": None,
    }
    assert rows["model"]["versioned"] is True and rows["model"]["exists"] is False
    assert rows["scratch"]["ephemeral"] is True
    assert rows["x_json"]["pattern"] == "{name}_json"
    assert rows["x_json"]["type"] == "json.JSONDataset"
    catalog["direct"] = 1
    assert catalog.describe_datasets()[-1]["type"] == "kedro_nb.io.memory.MemoryDataset"


def test_one_broken_entry_does_not_break_the_display(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {"ok": {"type": "MemoryDataset"}, "bad": {"type": "pandas.NoSuchDataset"}}
    )
    rows = {row["name"]: row for row in catalog.describe_datasets()}
    assert rows["ok"]["error"] is None
    assert "unknown dataset type 'pandas.NoSuchDataset'" in rows["bad"]["error"]


def test_describe_without_exists_does_not_materialise(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    rows = catalog.describe_datasets(check_exists=False)
    assert {row["name"]: row["type"] for row in rows} == {
        "raw": "pickle.PickleDataset",
        "model": "pickle.PickleDataset",
        "scratch": "MemoryDataset",
    }
    assert all(row["exists"] is None and row["loaded"] is False for row in rows)
    assert rows[1]["versioned"] is True


def test_is_ephemeral(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    assert catalog.is_ephemeral("scratch")
    assert not catalog.is_ephemeral("raw")
    assert not catalog.is_ephemeral("a_json")
    assert catalog.is_ephemeral("undeclared")
    catalog["direct"] = 5
    assert catalog.is_ephemeral("direct")


def test_is_parameter() -> None:
    assert is_parameter("params:alpha") and is_parameter("parameters")
    assert not is_parameter("param_alpha")


def test_match_pattern_and_contains(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    assert catalog.match_pattern("a_json") == "{name}_json"
    assert catalog.match_pattern("raw") is None
    assert "a_json" in catalog and "raw" in catalog and "other" not in catalog
    assert 5 not in catalog  # type: ignore[operator]


def test_confirm_requires_support() -> None:
    catalog = DataCatalog({"m": MemoryDataset(1)})
    with pytest.raises(DatasetError, match="no 'confirm'"):
        catalog.confirm("m")


def test_check_materialises_everything(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config({"bad": {"type": "pickle.PickleDataset"}})
    with pytest.raises(DatasetError, match="'bad'"):
        catalog.check()


def test_concurrent_first_use_creates_one_dataset(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(catalog["b_json"])) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(ds) for ds in seen}) == 1


def test_setitem_replaces_config_entry(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    catalog["raw"] = [1]
    assert isinstance(catalog["raw"], MemoryDataset)
    assert catalog.keys()[-1] == "raw"


def test_repr_lists_entries(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    text = repr(catalog)
    assert "'raw': pickle.PickleDataset (not loaded)" in text
    catalog["scratch"]
    assert "'scratch': kedro_nb.io.memory.MemoryDataset()" in repr(catalog)
    assert repr(DataCatalog()) == "DataCatalog()"


def test_to_config_round_trips_with_kedros_credential_names(tmp_path: Path) -> None:
    from kedro.io import DataCatalog as KedroCatalog

    config = {
        "raw": {
            "type": "pickle.PickleDataset",
            "filepath": str(tmp_path / "r.pkl"),
            "credentials": "local",
        },
        "mem": {"type": "MemoryDataset"},
        "{name}_json": {"type": "json.JSONDataset", "filepath": f"{tmp_path}/{{name}}.json"},
    }
    credentials = {"local": {"auto_mkdir": True}, "unused": {"token": "abcd"}}
    catalog = DataCatalog.from_config(config, credentials, save_version="2024-01-01T00.00.00.000Z")
    catalog["direct"] = 1
    out_config, out_credentials, load_versions, save_version = catalog.to_config()
    # as Kedro 1.7: patterns and memory datasets left out, credentials named after the entry
    assert out_config == {"raw": {**config["raw"], "credentials": "raw_credentials"}}
    assert out_credentials == {"raw_credentials": {"auto_mkdir": True}}
    assert load_versions == {"raw": None}
    assert save_version == "2024-01-01T00.00.00.000Z"
    again = DataCatalog.from_config(out_config, out_credentials, save_version=save_version)
    again.save("raw", [1])
    assert again.load("raw") == [1]
    kedro = KedroCatalog.from_config(out_config, out_credentials)  # Kedro reads it too
    assert kedro.get_type("raw").endswith("PickleDataset")
