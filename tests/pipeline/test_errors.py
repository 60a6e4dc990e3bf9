"""Each failure has its own class under PipelineError and a message saying what, where and
how to fix it."""

from __future__ import annotations

import inspect

import pytest

import kedro_nb.pipeline as pipeline_pkg
from kedro_nb.pipeline import (
    CircularDependencyError,
    ConfirmNotUniqueError,
    DuplicateNodeNameError,
    EmptyPipelineError,
    ModularPipelineError,
    OutputNotUniqueError,
    Pipeline,
    PipelineError,
    TranscodingError,
    UnknownDatasetError,
    UnknownNamespaceError,
    UnknownNodeError,
    node,
    pipeline,
)


def f(*args):
    return None


@pytest.fixture
def pipe() -> Pipeline:
    return Pipeline(
        [
            node(f, "raw", "clean", name="clean_data"),
            node(f, ["clean", "params:rate"], "model", name="train_model", namespace="ds"),
        ]
    )


def test_every_error_is_a_documented_pipeline_error():
    classes = [
        obj
        for obj in vars(pipeline_pkg).values()
        if inspect.isclass(obj) and issubclass(obj, Exception)
    ]
    assert len(classes) >= 14
    for cls in classes:
        assert issubclass(cls, PipelineError), cls
        assert (cls.__doc__ and "raise" in cls.__doc__.lower()) or cls is PipelineError, cls


def test_cycle_names_nodes_and_datasets(pipe):
    feedback = Pipeline([node(f, "model", "raw", name="feedback")])
    with pytest.raises(CircularDependencyError) as err:
        pipe + feedback
    assert str(err.value).count("->") == 3
    for part in ("'feedback' -[raw]->", "-[clean]-> 'ds.train_model'", "-[model]-> 'feedback'"):
        assert part in str(err.value)


def test_self_feeding_pair_is_spelled_out():
    with pytest.raises(CircularDependencyError, match=r"'a' -\[x\]-> 'b' -\[y\]-> 'a'"):
        Pipeline([node(f, "y", "x", name="a"), node(f, "x", "y", name="b")])


def test_two_writers_of_one_dataset_are_both_named():
    with pytest.raises(OutputNotUniqueError, match=r"'clean'.*'clean_data'.*'again'"):
        Pipeline(
            [
                node(f, "raw", "clean", name="clean_data"),
                node(f, "other", "clean@csv", name="again"),
            ]
        )


def test_duplicate_node_names_show_both_definitions():
    with pytest.raises(DuplicateNodeNameError, match=r"named 'x'.*\[a\].*\[c\].*name="):
        Pipeline([node(f, "a", "b", name="x"), node(f, "c", "d", name="x")])


def test_listing_a_node_twice_is_an_error_but_adding_it_twice_is_not():
    n = node(f, "a", "b", name="x")
    with pytest.raises(DuplicateNodeNameError, match="more than once"):
        Pipeline([n, n])
    assert [m.name for m in (Pipeline([n]) + Pipeline([n])).nodes] == ["x"]


def test_confirming_one_dataset_twice():
    with pytest.raises(ConfirmNotUniqueError, match=r"'a'.*'x'.*'y'"):
        Pipeline(
            [node(f, "a", "b", name="x", confirms="a"), node(f, "a", "c", name="y", confirms="a")]
        )


def test_mixed_transcoding_is_reported():
    with pytest.raises(TranscodingError, match=r"'b'.*node 'y'"):
        Pipeline([node(f, "a", "b@spark", name="x"), node(f, "b", "c", name="y")])
    with pytest.raises(TranscodingError, match="2 '@'"):
        node(f, "a@b@c", "d")


def test_unknown_node_suggests_close_names(pipe):
    with pytest.raises(UnknownNodeError, match=r"\['clean_dta'\].*Did you mean: clean_data\?"):
        pipe.only_nodes("clean_dta")
    with pytest.raises(UnknownNodeError, match=r"Did you mean: ds.train_model\? \(nodes in a"):
        pipe.from_nodes("train_model")


def test_unknown_dataset_suggests_close_names(pipe):
    with pytest.raises(UnknownDatasetError, match=r"\['modle'\].*Did you mean: model\?"):
        pipe.to_outputs("modle")
    with pytest.raises(UnknownDatasetError, match=r"\['rw'\].*Did you mean: raw\?"):
        pipeline(pipe, inputs="rw")


def test_unknown_namespace_and_empty_filter(pipe):
    with pytest.raises(UnknownNamespaceError, match=r"\['d'\].*Did you mean: ds\?"):
        pipe.only_nodes_with_namespaces(["d"])
    with pytest.raises(EmptyPipelineError, match=r"\(tags=\[.nothing.\]\).*Loosen"):
        pipe.filter(tags=["nothing"])


def test_modular_mapping_mistakes(pipe):
    with pytest.raises(ModularPipelineError, match=r"\['clean'\] are produced"):
        pipeline(pipe, inputs="clean")
    with pytest.raises(ModularPipelineError, match="'parameters' argument"):
        pipeline(pipe, inputs="params:rate")
    with pytest.raises(ModularPipelineError, match=r"'outputs' lists \['raw'\]"):
        pipeline(pipe, outputs="raw")


def test_errors_keep_builtin_bases_for_kedro_compatible_handlers(pipe):
    with pytest.raises(ValueError):
        pipe.only_nodes("missing")
    with pytest.raises(TypeError):
        node(lambda a: a, ["x", "y"], "z")


def test_deliberately_lenient_where_kedro_trips_on_its_own_duplicates(pipe):
    # Kedro raises "unique names" here because it builds Pipeline([n, n]) internally
    assert [n.name for n in pipe.only_nodes("clean_data", "clean_data").nodes] == ["clean_data"]
    nested = Pipeline([node(f, "a", "b", name="x", namespace="ns.sub")])
    assert len(nested.only_nodes_with_namespaces(["ns", "ns.sub"]).nodes) == 1
