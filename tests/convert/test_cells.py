"""The cell convention: reading and writing node tags and kedro_nb metadata on notebook dicts."""

from __future__ import annotations

import json

import pytest

from kedro_nb.convert import cells
from kedro_nb.convert.errors import (
    ConvertError,
    InvalidCellMetadataError,
    InvalidNodeNameError,
    NotebookReadError,
)


def _cell(source="x = 1", tags=None, meta=None):
    metadata = {}
    if tags is not None:
        metadata["tags"] = tags
    if meta is not None:
        metadata["kedro_nb"] = meta
    return {"cell_type": "code", "source": source, "metadata": metadata, "outputs": []}


def test_node_name_from_tag_and_none_for_plain_cells():
    assert cells.node_name(_cell(tags=["other", "node:clean_data"])) == "clean_data"
    assert cells.node_name(_cell(tags=["other"])) is None
    assert cells.node_name({"cell_type": "markdown", "metadata": {"tags": ["node:x"]}}) is None


@pytest.mark.parametrize("bad", ["node:1abc", "node:has-dash", "node:class", "node:"])
def test_invalid_node_name_in_tag_is_an_error_naming_the_cell(bad):
    with pytest.raises(InvalidNodeNameError, match="cell 5") as info:
        cells.node_name(_cell(tags=[bad]), index=4)
    assert isinstance(info.value, ConvertError)
    assert "identifier" in str(info.value)


def test_two_node_tags_on_one_cell_is_an_error():
    with pytest.raises(InvalidNodeNameError, match="2 node tags"):
        cells.node_name(_cell(tags=["node:a", "node:b"]), index=0)


def test_set_node_name_replaces_and_removes_the_tag_keeping_other_tags():
    cell = _cell(tags=["keep", "node:old"])
    cells.set_node_name(cell, "new_name")
    assert cell["metadata"]["tags"] == ["keep", "node:new_name"]
    cells.set_node_name(cell, None)
    assert cell["metadata"]["tags"] == ["keep"]
    cells.set_node_name(_cell(), None)


def test_set_node_name_validates_before_touching_the_cell():
    cell = _cell(tags=["node:ok"])
    with pytest.raises(InvalidNodeNameError):
        cells.set_node_name(cell, "not valid")
    assert cell["metadata"]["tags"] == ["node:ok"]
    with pytest.raises(InvalidNodeNameError, match="code cells"):
        cells.set_node_name({"cell_type": "markdown", "metadata": {}}, "x")


def test_skip_tag_round_trip_and_empty_tags_removed():
    cell = _cell()
    cells.set_skipped(cell)
    assert cells.is_skipped(cell)
    assert cell["metadata"]["tags"] == [cells.SKIP_TAG]
    cells.set_skipped(cell, False)
    assert not cells.is_skipped(cell)
    assert "tags" not in cell["metadata"]


def test_metadata_read_with_defaults_and_overrides():
    assert cells.node_metadata(_cell()) == cells.NodeMetadata()
    meta = cells.node_metadata(
        _cell(meta={"inputs": ["a", "params:x"], "outputs": "b", "tags": ["t"], "pipeline": "p"})
    )
    assert meta == cells.NodeMetadata(("a", "params:x"), ("b",), ("t",), "p")


def test_metadata_write_validates_merges_and_removes():
    cell = _cell()
    cells.set_node_metadata(cell, inputs=["a"], tags=["t"])
    cells.set_node_metadata(cell, pipeline="train")
    assert cell["metadata"]["kedro_nb"] == {"inputs": ["a"], "tags": ["t"], "pipeline": "train"}
    cells.set_node_metadata(cell, inputs=None, tags=None, pipeline=None)
    assert "kedro_nb" not in cell["metadata"]
    with pytest.raises(InvalidCellMetadataError, match="pipeline"):
        cells.set_node_metadata(cell, pipeline="not an id")
    assert "kedro_nb" not in cell["metadata"]


def test_unknown_metadata_key_suggests_the_right_one():
    with pytest.raises(InvalidCellMetadataError, match="Did you mean: inputs"):
        cells.node_metadata(_cell(meta={"input": ["a"]}), index=2)
    with pytest.raises(InvalidCellMetadataError, match="list of non-empty strings"):
        cells.node_metadata(_cell(meta={"outputs": [1]}))


def test_node_cells_lists_tagged_cells_not_skipped(tmp_path):
    nb = {"cells": [_cell(tags=["node:a"]), _cell(), _cell(tags=["node:b", cells.SKIP_TAG])]}
    assert cells.node_cells(nb) == [(0, "a")]


def test_source_as_list_or_string_and_write_keeps_the_shape():
    listed = {"cell_type": "code", "source": ["a = 1\n", "b = 2"], "metadata": {}}
    assert cells.cell_source(listed) == "a = 1\nb = 2"
    cells.set_cell_source(listed, "c = 3\nd = 4")
    assert listed["source"] == ["c = 3\n", "d = 4"]


def test_read_and_write_notebook_files(tmp_path):
    path = tmp_path / "nb.ipynb"
    nb = {"cells": [_cell(tags=["node:a"])], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    cells.write_notebook(path, nb)
    assert cells.read_notebook(path) == nb
    assert path.read_text().startswith('{\n "cells"')
    assert list(tmp_path.iterdir()) == [path]
    with pytest.raises(NotebookReadError, match="not found"):
        cells.read_notebook(tmp_path / "missing.ipynb")
    (tmp_path / "bad.ipynb").write_text("{not json")
    with pytest.raises(NotebookReadError, match=r"bad\.ipynb:1:2: not valid JSON"):
        cells.read_notebook(tmp_path / "bad.ipynb")
    (tmp_path / "list.ipynb").write_text(json.dumps([1]))
    with pytest.raises(NotebookReadError, match="not a Jupyter notebook: got a JSON array"):
        cells.read_notebook(tmp_path / "list.ipynb")
