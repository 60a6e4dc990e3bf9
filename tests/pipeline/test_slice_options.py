"""``SliceOptions``: Kedro's seven filters as one value, the one ``Pipeline.filter`` applies."""

from __future__ import annotations

import pytest

from kedro_nb.pipeline import EmptyPipelineError, Pipeline, SliceOptions, UnknownNodeError, node


def _identity(x):
    return x


PIPELINE = Pipeline(
    [
        node(_identity, "raw", "clean", name="clean", tags=["prep"]),
        node(_identity, "clean", "features", name="features", tags=["prep", "ml"]),
        node(_identity, "features", "model", name="train", tags=["ml"]),
    ]
)


def test_empty_options_are_false_and_given_ones_true() -> None:
    assert not SliceOptions()
    assert SliceOptions(tags=["ml"])
    assert SliceOptions(node_names=None, tags=[]) == SliceOptions()


def test_one_string_is_refused_with_the_list_to_write() -> None:
    with pytest.raises(TypeError, match=r"tags=\['ml'\], not tags='ml'"):
        SliceOptions(tags="ml")


def test_values_are_tuples_without_repeats_and_as_dict_sorts_tags() -> None:
    options = SliceOptions(tags=["ml", "prep", "ml"], from_nodes=iter(["features"]))
    assert options.tags == ("ml", "prep") and options.from_nodes == ("features",)
    assert options.as_dict() == {"from_nodes": ["features"], "tags": ["ml", "prep"]}
    assert options.describe() == "from_nodes=['features'], tags=['ml', 'prep']"
    assert hash(options) == hash(SliceOptions(tags=("ml", "prep"), from_nodes=["features"]))


def test_filter_and_sliced_select_the_same_nodes() -> None:
    options = SliceOptions(tags=["prep"], to_nodes=["features"])
    by_filter = PIPELINE.filter(tags=["prep"], to_nodes=["features"])
    assert [n.name for n in PIPELINE.sliced(options).nodes] == [n.name for n in by_filter.nodes]
    assert [n.name for n in by_filter.nodes] == ["clean", "features"]


def test_unknown_names_and_empty_intersections_are_reported() -> None:
    with pytest.raises(UnknownNodeError, match="trian"):
        PIPELINE.sliced(SliceOptions(node_names=["trian"]))
    with pytest.raises(EmptyPipelineError, match=r"node_names=\['clean'\], tags=\['ml'\]"):
        PIPELINE.sliced(SliceOptions(node_names=["clean"], tags=["ml"]))
