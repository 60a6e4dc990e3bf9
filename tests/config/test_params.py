"""Parsing --params strings and nesting dotted keys."""

from __future__ import annotations

import pytest

from kedro_nb.config import RuntimeParamsError, nest_dotted, parse_params


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a=1", {"a": 1}),
        ("a.b=1,a.c=x", {"a": {"b": 1, "c": "x"}}),
        ("flag=true,rate=0.5,none=null", {"flag": True, "rate": 0.5, "none": None}),
        ("url=http://x:1/y=z", {"url": "http://x:1/y=z"}),
        ("ids=[1,2,3],name=n", {"ids": [1, 2, 3], "name": "n"}),
        (" spaced = v ", {"spaced": "v"}),
        ("", {}),
    ],
)
def test_parse_params(text: str, expected: dict) -> None:
    assert parse_params(text) == expected


@pytest.mark.parametrize("text", ["novalue", "=1", "a=1,,=2"])
def test_parse_params_rejects_bad_items(text: str) -> None:
    with pytest.raises(RuntimeParamsError, match="key"):
        parse_params(text)


def test_nest_dotted_merges_siblings() -> None:
    assert nest_dotted({"a.b": 1, "a.c": 2, "d": {"e.f": 3}}) == {
        "a": {"b": 1, "c": 2},
        "d": {"e": {"f": 3}},
    }
