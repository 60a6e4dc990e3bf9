"""Dataset factories: Kedro's ranking and matching, checked against Kedro's own resolver."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kedro.io.catalog_config_resolver import CatalogConfigResolver

from kedro_nb.io import CatalogConfigError, DataCatalog
from kedro_nb.io.factories import FactoryResolver, pattern_rank, specificity

_RUNTIME = {"{default}": {"type": "MemoryDataset"}}


def _kedro(patterns: dict[str, dict]) -> CatalogConfigResolver:
    return CatalogConfigResolver(patterns, default_runtime_patterns=_RUNTIME)


def test_specificity_and_rank_examples() -> None:
    assert specificity("{namespace}.int_{name}") == 5
    patterns = [
        "{namespace}.int_{name}{a}",
        "{namespace}.{name}",
        "{name}",
        "{namespace}.ant_{name}{c}",
    ]
    assert sorted(patterns, key=pattern_rank) == [
        "{namespace}.ant_{name}{c}",
        "{namespace}.int_{name}{a}",
        "{namespace}.{name}",
        "{name}",
    ]


def test_common_patterns_resolve_like_kedro() -> None:
    patterns = {
        "{name}_csv": {"type": "pandas.CSVDataset", "filepath": "data/{name}.csv"},
        "{namespace}.{name}": {
            "type": "pickle.PickleDataset",
            "filepath": "data/{namespace}/{name}.pkl",
        },
        "{default}": {"type": "MemoryDataset"},
    }
    ours, theirs = FactoryResolver(patterns), _kedro(patterns)
    for name in ["cars_csv", "ns.cars", "ns.cars_csv", "plain", "a.b.c", "CARS_CSV"]:
        assert ours.resolve(name)[1] == theirs.resolve_pattern(name), name
    assert ours.match_pattern("ns.cars_csv") == "{name}_csv"
    assert ours.catch_all == "{default}"


def test_match_is_case_insensitive_and_repeated_fields_must_agree() -> None:
    resolver = FactoryResolver({"{a}_{a}": {"type": "MemoryDataset", "x": "{a}"}})
    assert resolver.resolve("x_X") == ("{a}_{a}", {"type": "MemoryDataset", "x": "x"})
    assert resolver.resolve("x_y") is None


def test_lists_in_config_are_filled() -> None:
    resolver = FactoryResolver({"{n}_t": {"type": "T", "cols": ["{n}", 1, {"k": "{n}!"}]}})
    assert resolver.resolve("a_t")[1] == {"type": "T", "cols": ["a", 1, {"k": "a!"}]}


def test_placeholder_missing_from_pattern_is_an_error() -> None:
    with pytest.raises(CatalogConfigError, match=r"'\{name\}_csv'.*\{nam\}"):
        DataCatalog.from_config(
            {"{name}_csv": {"type": "pandas.CSVDataset", "filepath": "{nam}.csv"}}
        )


def test_two_catch_alls_are_an_error() -> None:
    with pytest.raises(CatalogConfigError, match="Multiple catch-all"):
        DataCatalog.from_config(
            {"{a}": {"type": "MemoryDataset"}, "{b}": {"type": "MemoryDataset"}}
        )


def test_catalog_creates_from_patterns_and_records_origin(tmp_path, caplog) -> None:
    catalog = DataCatalog.from_config(
        {
            "{name}_pkl": {"type": "pickle.PickleDataset", "filepath": f"{tmp_path}/{{name}}.pkl"},
            "{default}": {"type": "MemoryDataset"},
        }
    )
    catalog.save("model_pkl", [1])
    assert (tmp_path / "model.pkl").exists()
    with caplog.at_level(logging.WARNING):
        catalog.save("anything", 1)
    assert "catch-all pattern '{default}'" in caplog.text
    rows = {row["name"]: row for row in catalog.describe_datasets()}
    assert rows["model_pkl"]["pattern"] == "{name}_pkl"
    assert catalog.list_patterns() == ["{name}_pkl", "{default}"]


_LITERALS = st.text(alphabet="ab_.- ", min_size=0, max_size=3)
_FIELDS = st.sampled_from(["{name}", "{namespace}", "{x}", "{name}"])


@st.composite
def _pattern(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(_LITERALS, _FIELDS), min_size=1, max_size=3))
    tail = draw(_LITERALS)
    return "".join(lit + field for lit, field in parts) + tail


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    patterns=st.lists(_pattern(), min_size=1, max_size=5, unique=True),
    names=st.lists(st.text(alphabet="abAB_.- ", min_size=1, max_size=8), min_size=1, max_size=8),
)
def test_ranking_and_resolution_equal_kedro(patterns: list[str], names: list[str]) -> None:
    config = {p: {"type": "MemoryDataset", "metadata": {"fields": p}} for p in patterns}
    catch_alls = [p for p in patterns if specificity(p) == 0]
    if len(catch_alls) > 1:
        with pytest.raises(CatalogConfigError):
            FactoryResolver(config)
        return
    ours, theirs = FactoryResolver(config, _RUNTIME), _kedro(config)
    assert ours.list_patterns() == theirs.list_patterns()
    for name in names:
        kedro_match = theirs.match_dataset_pattern(name) or theirs.match_user_catch_all_pattern(
            name
        )
        assert ours.match_pattern(name) == kedro_match, (name, patterns)
        if kedro_match:
            assert ours.resolve(name)[1] == theirs.resolve_pattern(name)
