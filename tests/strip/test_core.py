"""strip_notebook: what is removed, what is kept, options and errors (pure, input never mutated)."""

from __future__ import annotations

import copy

import pytest

from kedro_nb.strip import (
    ConflictingKeepOutputError,
    InvalidOptionError,
    NotANotebookError,
    UnsupportedFormatError,
    strip_notebook,
)


@pytest.fixture
def nb(nb_dict) -> dict:
    return nb_dict()


def test_removes_outputs_counts_and_volatile_metadata_keeps_the_rest(nb):
    before = copy.deepcopy(nb)
    out = strip_notebook(nb)
    assert nb == before, "the input notebook must not be mutated"
    code = out["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert code["metadata"] == {"tags": ["node:area"], "kedro_nb": {"outputs": ["a"]}}
    assert "widgets" not in out["metadata"] and out["metadata"]["kernelspec"]["name"] == "python3"
    assert [cell["id"] for cell in out["cells"]] == [cell["id"] for cell in nb["cells"]]
    assert ["".join(cell["source"]) for cell in out["cells"]] == [
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for cell in nb["cells"]
    ]
    assert (out["nbformat"], out["nbformat_minor"]) == (nb["nbformat"], nb["nbformat_minor"])


def test_result_shares_no_containers_with_the_input(nb):
    out = strip_notebook(nb)
    out["metadata"]["kernelspec"]["name"] = "changed"
    out["cells"][1]["metadata"]["tags"].append("x")
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert nb["cells"][1]["metadata"]["tags"] == ["node:area"]


def test_keep_output_tag_and_metadata_keep_outputs_but_not_counts(nb):
    nb["cells"][1]["metadata"]["tags"].append("keep_output")
    nb["cells"][2]["metadata"]["keep_output"] = True
    out = strip_notebook(nb)
    assert len(out["cells"][1]["outputs"]) == 3
    assert out["cells"][1]["outputs"][1]["execution_count"] is None
    assert out["cells"][1]["execution_count"] is None
    assert out["cells"][2]["outputs"][0]["ename"] == "ZeroDivisionError"


def test_keep_count_keeps_execution_counts(nb):
    nb["cells"][1]["metadata"]["tags"].append("keep_output")
    out = strip_notebook(nb, keep_count=True)
    assert out["cells"][1]["execution_count"] == 7
    assert out["cells"][1]["outputs"][1]["execution_count"] == 7
    assert out["cells"][2]["execution_count"] == 8 and out["cells"][2]["outputs"] == []


def test_custom_keep_output_tag_and_disabling_tags(nb):
    nb["cells"][1]["metadata"]["tags"].append("show")
    assert len(strip_notebook(nb, keep_output_tag="show")["cells"][1]["outputs"]) == 3
    assert strip_notebook(nb)["cells"][1]["outputs"] == []
    nb["cells"][1]["metadata"]["tags"].append("keep_output")
    assert strip_notebook(nb, keep_output_tag="")["cells"][1]["outputs"] == []


def test_notebook_level_keep_output_is_the_default_a_cell_can_opt_out(nb):
    nb["metadata"]["keep_output"] = True
    nb["cells"][2]["metadata"]["keep_output"] = False
    out = strip_notebook(nb)
    assert len(out["cells"][1]["outputs"]) == 3 and out["cells"][2]["outputs"] == []


def test_tag_contradicting_metadata_is_an_error_naming_the_cell(nb):
    nb["cells"][1]["metadata"]["tags"].append("keep_output")
    nb["cells"][1]["metadata"]["keep_output"] = False
    with pytest.raises(ConflictingKeepOutputError, match=r"cell 1 \(id '.+'\).*remove one"):
        strip_notebook(nb)


def test_extra_keys_and_keep_metadata(nb):
    nb["metadata"]["toc"] = {"a": {"b": 1, "c": 2}}
    out = strip_notebook(
        nb,
        extra_keys=["metadata.toc.a.b cell.metadata.kedro_nb"],
        keep_metadata="cell.metadata.scrolled,metadata.widgets",
    )
    assert out["metadata"]["toc"] == {"a": {"c": 2}}
    assert "kedro_nb" not in out["cells"][1]["metadata"]
    assert out["cells"][1]["metadata"]["scrolled"] is True
    assert "widgets" in out["metadata"]


def test_drop_empty_cells(nb):
    nb["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "e",
            "metadata": {},
            "outputs": [],
            "source": ["  \n", "\t"],
        }
    )
    assert len(strip_notebook(nb)["cells"]) == 5
    assert [c["cell_type"] for c in strip_notebook(nb, drop_empty_cells=True)["cells"]] == [
        "markdown",
        "code",
        "code",
        "raw",
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"keep_outputs_tag": "x"}, "did you mean 'keep_output_tag'"),
        ({"keep_metadata": "cell.metadata.scroled"}, "did you mean 'cell.metadata.scrolled'"),
        ({"extra_keys": "foo.bar"}, "expected 'metadata.<key>'"),
        ({"extra_keys": "metadata."}, "not a metadata key"),
    ],
)
def test_bad_options_are_explained(nb, options, message):
    with pytest.raises(InvalidOptionError, match=f"(?i){message}"):
        strip_notebook(nb, **options)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ([1, 2], NotANotebookError, "got a JSON array"),
        ({"cells": []}, NotANotebookError, "without 'nbformat'"),
        ({"nbformat": 4, "cells": {}}, NotANotebookError, "'cells' must be a list"),
        (
            {"nbformat": 3, "worksheets": []},
            UnsupportedFormatError,
            "jupyter nbconvert --to notebook --nbformat 4",
        ),
        ({"nbformat": 5, "cells": []}, UnsupportedFormatError, "nbformat 5 is not supported"),
    ],
)
def test_not_a_notebook(value, error, message):
    with pytest.raises(error, match=message):
        strip_notebook(value)


def test_every_error_is_a_strip_error_and_exported():
    import kedro_nb.strip as package
    from kedro_nb.strip import StripError, errors

    classes = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, Exception)
    }
    assert all(issubclass(getattr(errors, name), StripError) for name in classes)
    assert classes <= set(package.__all__)
