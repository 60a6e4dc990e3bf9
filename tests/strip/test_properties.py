"""Property tests on generated notebooks: idempotent, nothing lost, valid, in Jupyter layout."""

from __future__ import annotations

import json
import math

import nbformat
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kedro_nb.strip import StripError, strip_bytes, strip_notebook
from kedro_nb.strip._layout import dumps, plain_ascii

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

text = st.one_of(
    st.text(max_size=40), st.sampled_from(["]", "\n   ]", "[\n", '"outputs": [', "}\n ]"])
)
lines = st.lists(st.text(max_size=15).map(lambda s: s + "\n"), max_size=5).map(
    lambda ls: "".join(ls)
)
source = st.one_of(text, lines, st.lists(text, max_size=4))
json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), text
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=10,
)
tags = st.lists(
    st.sampled_from(["keep_output", "node:a", "kedro_nb:skip", "parameters", "x"]),
    unique=True,
    max_size=3,
)
cell_metadata = st.fixed_dictionaries(
    {},
    optional={
        "tags": tags,
        "scrolled": st.booleans(),
        "collapsed": st.booleans(),
        "ExecuteTime": st.dictionaries(st.sampled_from(["start_time", "end_time"]), text),
        "kedro_nb": st.fixed_dictionaries({"inputs": st.lists(text, max_size=2)}),
        "custom": st.dictionaries(text, json_value, max_size=2),
    },
)
bundle = st.dictionaries(
    st.sampled_from(["text/plain", "text/html", "image/png", "application/json", "image/svg+xml"]),
    st.one_of(text, st.lists(text, max_size=3)),
    min_size=1,
    max_size=3,
).map(lambda b: {k: ({"v": v} if k == "application/json" else v) for k, v in b.items()})
count = st.one_of(st.none(), st.integers(1, 500))
output = st.one_of(
    st.builds(lambda t: {"name": "stdout", "output_type": "stream", "text": t}, source),
    st.builds(
        lambda d, n: {
            "data": d,
            "execution_count": n,
            "metadata": {},
            "output_type": "execute_result",
        },
        bundle,
        count,
    ),
    st.builds(lambda d: {"data": d, "metadata": {}, "output_type": "display_data"}, bundle),
    st.builds(lambda e: {"ename": e, "evalue": e, "output_type": "error", "traceback": [e]}, text),
)


@st.composite
def notebooks(draw, keep_flags=False):
    with_ids = draw(st.booleans())
    cells = []
    for index in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["code", "markdown", "raw"]))
        cell = {"cell_type": kind, "metadata": draw(cell_metadata), "source": draw(source)}
        if keep_flags and draw(st.booleans()):
            cell["metadata"]["keep_output"] = draw(st.booleans())
        if with_ids:
            cell["id"] = f"c{index}-{draw(st.text('abcdef0123456789', min_size=1, max_size=8))}"
        if kind == "code":
            cell["execution_count"] = draw(count)
            cell["outputs"] = draw(st.lists(output, max_size=3))
        elif kind == "markdown" and draw(st.booleans()):
            cell["attachments"] = {"a.png": draw(bundle)}
        cells.append(cell)
    metadata = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "kernelspec": st.just({"name": "python3", "display_name": "Python 3"}),
                "widgets": json_value,
                "signature": text,
                "extra": json_value,
            },
        )
    )
    return {
        "cells": cells,
        "metadata": metadata,
        "nbformat": 4,
        "nbformat_minor": 5 if with_ids else 4,
    }


def _joined(src):
    return "".join(src) if isinstance(src, list) else src


@SETTINGS
@given(notebooks())
def test_strip_is_idempotent_and_keeps_sources_tags_ids(nb):
    once = strip_notebook(nb)
    assert strip_notebook(once) == once
    assert len(once["cells"]) == len(nb["cells"])
    for before, after in zip(nb["cells"], once["cells"], strict=True):
        assert _joined(after["source"]) == _joined(before["source"])
        assert after.get("id") == before.get("id")
        assert after["metadata"].get("tags") == before["metadata"].get("tags")
        assert after["metadata"].get("kedro_nb") == before["metadata"].get("kedro_nb")
        assert after.get("attachments", {}).keys() == before.get("attachments", {}).keys()
        if before["cell_type"] == "code":
            kept = "keep_output" in before["metadata"].get("tags", [])
            assert len(after["outputs"]) == (len(before["outputs"]) if kept else 0)
            assert after["execution_count"] is None


JUPYTER_LAYOUT = {"sort_keys": True, "indent": 1, "ensure_ascii": False, "separators": (",", ": ")}


@SETTINGS
@given(notebooks(), st.sampled_from(["indent2", "jupyter"]))
def test_result_validates_and_is_byte_identical_to_a_jupyter_save(nb, layout):
    """Both parse paths: Jupyter's layout (outputs cut out unparsed) and any other (full parse)."""
    if layout == "jupyter":
        raw = (json.dumps(nb, **JUPYTER_LAYOUT) + "\n").encode()
    else:
        raw = json.dumps(nb, indent=2).encode()
    data = strip_bytes(raw)
    assert strip_bytes(data) is data
    stripped = strip_notebook(nb)
    node = nbformat.from_dict(stripped)
    nbformat.validate(node)
    assert data.decode("utf-8") == nbformat.writes(node) + "\n"


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.one_of(json_leaf, st.floats(), st.text()),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(), inner, max_size=4)
        ),
        max_leaves=25,
    )
)
@example(float("nan"))
@example([float("inf"), float("-inf"), -0.0, 1e-05, 1e16, 5e-324])
@example({"big": 2**70, "neg": -(2**70), "true": True, "none": None})
@example({"\x7f": '\u2028\u2029\x00\x1f\t\n\r\b\f"\\/', "é": ["ü", "\ud800"]})
@example({"": [[], {}, [[]], {"": {}}], "b": ["line\n", "", "x"]})
def test_writer_matches_json_dumps_for_any_json_value(value):
    """The layout writer stands in for json.dumps(indent=1) (five times slower, see
    bench/strip_bench.py part d): on any JSON value it must write exactly what json.dumps writes."""
    expected = json.dumps(
        value, sort_keys=True, indent=1, ensure_ascii=False, separators=(",", ": ")
    )
    assert dumps(value) == expected + "\n"
    if isinstance(value, float) and math.isnan(value):
        assert dumps(value) == "NaN\n"


strip_options = st.fixed_dictionaries(
    {},
    optional={
        "keep_count": st.booleans(),
        "keep_output_tag": st.sampled_from(["keep_output", "x", ""]),
        "drop_empty_cells": st.booleans(),
        "extra_keys": st.lists(
            st.sampled_from(
                [
                    "cell.metadata.keep_output",
                    "cell.metadata.tags",
                    "cell.metadata.custom",
                    "cell.metadata.kedro_nb.inputs",
                    "metadata.kernelspec.name",
                    "metadata.extra",
                ]
            ),
            max_size=3,
        ),
        "keep_metadata": st.sampled_from([[], ["cell.metadata.scrolled"], ["metadata.widgets"]]),
    },
)


@SETTINGS
@given(notebooks(keep_flags=True), strip_options, st.sampled_from(["indent2", "jupyter"]))
def test_file_layer_strips_as_the_pure_function_with_any_options(nb, options, layout):
    """strip_bytes strips a notebook it parsed in place; it must agree with the copying one."""
    if layout == "jupyter":
        raw = (json.dumps(nb, **JUPYTER_LAYOUT) + "\n").encode()
    else:
        raw = json.dumps(nb, indent=2).encode()
    try:
        expected = strip_notebook(nb, **options)
    except StripError as exc:
        try:
            strip_bytes(raw, **options)
        except StripError as again:
            assert type(again) is type(exc)
        else:
            raise AssertionError(f"strip_bytes accepted what strip_notebook refused: {exc}")
        return
    assert strip_bytes(raw, **options).decode() == json.dumps(expected, **JUPYTER_LAYOUT) + "\n"


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


near_ascii = st.text(st.characters(max_codepoint=0x80), max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.one_of(st.none(), st.integers(), near_ascii),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(near_ascii, inner, max_size=4)
        ),
        max_leaves=20,
    ),
    st.booleans(),
)
def test_plain_ascii_files_are_written_alike_by_the_faster_escaper(value, ensure_ascii):
    """plain_ascii only says yes when every parsed string is ASCII without DEL; then the
    ensure_ascii escaper writes exactly what Jupyter writes."""
    raw = json.dumps(value, ensure_ascii=ensure_ascii).encode()
    parsed = json.loads(raw)
    if plain_ascii(raw):
        assert all(text.isascii() and "\x7f" not in text for text in _strings(parsed))
        assert dumps(parsed, ascii_only=True) == dumps(parsed)
    else:
        assert not raw.isascii() or b"\x7f" in raw or b"\\u" in raw
