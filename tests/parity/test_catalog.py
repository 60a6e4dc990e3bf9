"""DataCatalog parity: the same catalog config and calls under Kedro and kedro-nb."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from .conftest import KEDRO, OURS, Api

CONFIG = {
    "companies": {
        "type": "pandas.CSVDataset",
        "filepath": "s3://bucket/companies.csv",
        "credentials": "s3",
    },
    "model": {"type": "pickle.PickleDataset", "filepath": "data/model.pkl", "versioned": True},
    "scratch": {"type": "MemoryDataset"},
    "{name}_csv": {"type": "pandas.CSVDataset", "filepath": "data/{name}.csv"},
}
CREDENTIALS = {"s3": {"key": "KEY", "secret": "SECRET"}, "unused": {"token": "T"}}


def _csv_class(api: Api) -> type:
    if api.name == "kedro":
        return importlib.import_module("kedro_datasets.pandas").CSVDataset
    return importlib.import_module("kedro_nb.io.datasets.pandas").CSVDataset


def _catalog(api: Api) -> Any:
    catalog = api.io.DataCatalog.from_config(CONFIG, CREDENTIALS)
    catalog["registered"] = _csv_class(api)(
        filepath="data/registered.csv", save_args={"index": False}
    )
    catalog["number"] = 5
    catalog.get("shuttles_csv")  # materialised by its factory
    return catalog


def _normalise(config: dict[str, Any]) -> dict[str, Any]:
    """Entries with the class path cut to its class name and None arguments dropped: the
    classes differ by design (kedro-nb's own datasets), their arguments must not."""
    out = {}
    for name, entry in config.items():
        entry = {k: v for k, v in entry.items() if v is not None}
        entry["type"] = entry["type"].rsplit(".", 1)[-1]
        out[name] = entry
    return out


def test_to_config_matches_kedro() -> None:
    results = []
    for api in (KEDRO, OURS):
        catalog, credentials, load_versions, save_version = _catalog(api).to_config()
        results.append((_normalise(catalog), credentials, load_versions, save_version is None))
    assert results[0] == results[1]
    assert "{name}_csv" not in results[1][0]  # factory patterns are not written back
    assert results[1][1] == {"companies_credentials": CREDENTIALS["s3"]}


def test_to_config_round_trips() -> None:
    catalog, credentials, load_versions, save_version = _catalog(OURS).to_config()
    again = OURS.io.DataCatalog.from_config(catalog, credentials, load_versions, save_version)
    assert sorted(again.keys()) == sorted(catalog)
    assert again["registered"]._save_args["index"] is False


def test_filter_by_type_is_exact_and_accepts_kedro_datasets_classes() -> None:
    kedro_csv = _csv_class(KEDRO)
    seen = []
    for api in (KEDRO, OURS):
        catalog = _catalog(api)
        seen.append(
            [
                catalog.filter(by_type=kedro_csv),
                catalog.filter(by_type=_csv_class(api)),
                catalog.filter(by_type=api.io.MemoryDataset),
                catalog.filter(by_type=api.io.AbstractDataset),  # exact: no subclass matching
                catalog.filter(name_regex="^comp", type_regex="CSV"),
                catalog.filter(by_type=[api.io.MemoryDataset, _csv_class(api)]),
            ]
        )
    assert seen[0] == seen[1]
    assert sorted(seen[1][0]) == ["companies", "registered", "shuttles_csv"]
    assert seen[1][3] == []


def test_missing_credentials_raise_key_error() -> None:
    config = {"a": {"type": "pandas.CSVDataset", "filepath": "a.csv", "credentials": "nope"}}
    for api in (KEDRO, OURS):
        with pytest.raises(KeyError, match="nope"):
            api.io.DataCatalog.from_config(config, {})


def test_dict_access_and_membership() -> None:
    seen = []
    for api in (KEDRO, OURS):
        catalog = _catalog(api)
        seen.append(
            (
                "companies" in catalog,
                "trains_csv" in catalog,  # matched by the factory
                "nothing" in catalog,
                sorted(catalog.keys()),
                catalog.get("nothing"),
                catalog.load("number"),
            )
        )
    assert seen[0] == seen[1]


def test_config_resolver() -> None:
    seen = []
    for api in (KEDRO, OURS):
        resolver = _catalog(api).config_resolver
        seen.append(
            (
                resolver.match_dataset_pattern("trains_csv"),
                resolver.match_dataset_pattern("other"),
                resolver.match_user_catch_all_pattern("other"),
                resolver.is_pattern("{x}"),
                resolver.resolve_pattern("trains_csv"),
                resolver.resolve_pattern("companies")["credentials"],
                sorted(resolver.config),
            )
        )
    assert seen[0] == seen[1]
    for api in (KEDRO, OURS):
        standalone = api.io.CatalogConfigResolver(
            {"{a}.{b}": {"type": "pandas.CSVDataset", "filepath": "{b}.csv", "credentials": "c"}},
            {"c": {"user": "u"}},
        )
        seen.append(standalone.resolve_pattern("x.y"))
    assert seen[2] == seen[3]


def test_cached_dataset(tmp_path: Path) -> None:
    results = []
    for api in (KEDRO, OURS):
        path = tmp_path / f"{api.name}.csv"
        import pandas as pd

        cached = api.io.CachedDataset(
            {"type": "pandas.CSVDataset", "filepath": str(path), "save_args": {"index": False}}
        )
        before = cached.exists()
        cached.save(pd.DataFrame({"a": [1, 2]}))
        path.unlink()  # a load now comes from the cache
        loaded = cached.load()
        cached.release()
        results.append((before, loaded.to_dict("list"), cached.exists()))
    assert results[0] == results[1] == (False, {"a": [1, 2]}, False)


def test_shared_memory_catalog_and_protocol() -> None:
    for api in (KEDRO, OURS):
        catalog = api.io.SharedMemoryDataCatalog.from_config(CONFIG, CREDENTIALS)
        assert isinstance(catalog, api.io.DataCatalog)
        assert isinstance(catalog, api.io.CatalogProtocol)
        catalog.validate_catalog()
