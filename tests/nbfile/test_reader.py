"""The one notebook reader, fuzzed: whatever the bytes, one clear error or the notebook.

Real notebooks are cut at every byte, get bad UTF-8, merge-conflict markers, deep nesting, a wrong
``nbformat`` and a wrong type in every field the reader checks. Each time the reader must raise
one :class:`NotebookFileError` whose message is one line naming the file (and line and column when
parsing stopped somewhere), never another exception; the stripper and convert's reader, which go
through it, must do the same.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from kedro_nb import nbfile
from kedro_nb.convert.cells import read_notebook as convert_read_notebook
from kedro_nb.strip import StripError, strip_bytes, strip_notebook

ROOT = Path(__file__).resolve().parents[2]
REAL = [
    ROOT / "tests" / "fixtures" / "loose_notebooks" / "spaceflights.ipynb",
    ROOT / "tests" / "fixtures" / "loose_notebooks" / "support_tickets.ipynb",
    ROOT / "tests" / "strip" / "fixtures" / "outputs_and_counts.ipynb",
    ROOT / "tests" / "strip" / "fixtures" / "unicode_crlf.ipynb",
]
SOURCE = "analysis.ipynb"


def _one_line(exc: BaseException, *, where: str = SOURCE) -> str:
    message = str(exc)
    assert "\n" not in message, message
    assert message.startswith(where), message
    return message


def _equal(a: object, b: object) -> bool:
    """JSON equality where NaN equals NaN (json.loads gives NaN for the NaN literal)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)  # type: ignore[union-attr]
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_equal, a, b))  # type: ignore[arg-type]
    return a == b


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_truncation_at_every_byte_is_one_clear_error(path: Path):
    data = path.read_bytes()
    whole = json.loads(data)
    said_truncated = 0
    for size in range(len(data)):
        cut = data[:size]
        try:
            value = nbfile.loads(cut, SOURCE)
        except nbfile.InvalidJSONError as exc:
            message = _one_line(exc)
            assert exc.line is not None and exc.column is not None
            assert message.startswith(f"{SOURCE}:{exc.line}:{exc.column}: not valid JSON")
            said_truncated += isinstance(exc, nbfile.TruncatedNotebookError)
            with pytest.raises(StripError) as stripped:  # the stripper goes through the reader
                strip_bytes(cut, source=SOURCE)
            assert str(stripped.value) == message
        else:  # only the trailing newline (or whitespace) may be cut off a valid notebook
            assert not data[size:].strip() and value == whole
    # a cut inside a string or a number is still told "truncated"
    assert said_truncated == sum(1 for size in range(len(data)) if data[size:].strip())


def test_truncated_file_through_convert_reader(tmp_path: Path):
    path = tmp_path / SOURCE
    data = REAL[0].read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(nbfile.NotebookFileError) as info:
        convert_read_notebook(path)
    assert "truncated" in _one_line(info.value, where=str(path))
    assert path.read_bytes() == data[: len(data) // 2]


@given(
    st.sampled_from(REAL), st.data(), st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80"])
)
@settings(max_examples=60, deadline=None)
def test_bad_utf8_names_line_and_column(path: Path, data: st.DataObject, bad: bytes):
    raw = path.read_bytes()
    at = data.draw(st.integers(0, len(raw) - 1))  # a byte after: not a truncation
    broken = raw[:at] + bad + raw[at:]
    with pytest.raises(nbfile.InvalidJSONError) as info:
        nbfile.loads(broken, SOURCE)
    exc = info.value
    message = _one_line(exc)
    assert exc.line == broken.count(b"\n", 0, at) + 1
    assert "not UTF-8" in message
    _strip_refuses_or_ignores_dropped_outputs(raw, broken, "not UTF-8")


def test_utf16_is_named():
    raw = REAL[0].read_text(encoding="utf-8").encode("utf-16")
    with pytest.raises(nbfile.InvalidJSONError, match="the file is UTF-16"):
        nbfile.loads(raw, SOURCE)


def test_bom_is_accepted_as_jupyter_accepts_it():
    raw = REAL[0].read_bytes()
    assert nbfile.loads(b"\xef\xbb\xbf" + raw, SOURCE) == json.loads(raw)


@given(st.sampled_from(REAL), st.data(), st.booleans())
@settings(max_examples=60, deadline=None)
def test_merge_conflict_markers_are_named(path: Path, data: st.DataObject, diff3: bool):
    raw = path.read_bytes()
    lines = raw.splitlines(keepends=True)
    at = data.draw(st.integers(1, len(lines) - 1))
    ours, theirs = lines[at], data.draw(st.sampled_from(lines))
    block = [b"<<<<<<< HEAD\n", ours]
    if diff3:
        block += [b"||||||| base\n", ours]
    block += [b"=======\n", theirs, b">>>>>>> feature\n"]
    broken = b"".join(lines[:at] + block + lines[at + 1 :])
    with pytest.raises(nbfile.MergeConflictError) as info:
        nbfile.loads(broken, SOURCE)
    message = _one_line(info.value)
    assert message.startswith(f"{SOURCE}:{at + 1}:1: ")
    assert "merge conflict" in message
    _strip_refuses_or_ignores_dropped_outputs(raw, broken, "merge conflict")


def _strip_refuses_or_ignores_dropped_outputs(raw: bytes, broken: bytes, says: str) -> None:
    """The stripper does not parse outputs it drops (that is most of its speed): damage there is
    dropped with them. Anywhere else it refuses the file, as the reader does."""
    try:
        stripped = strip_bytes(broken, source=SOURCE)
    except StripError as exc:
        assert says in _one_line(exc)
    else:
        assert stripped == strip_bytes(raw, source=SOURCE)


def _nest(depth: int, kinds: list[bool]) -> object:
    value: object = "leaf"
    for level in range(depth):
        value = {"k": value} if kinds[level % len(kinds)] else [value]
    return value


@given(st.integers(1, 4000), st.lists(st.booleans(), min_size=1, max_size=4))
@example(nbfile.MAX_DEPTH - 2, [True])
@example(nbfile.MAX_DEPTH, [False])
@example(100_000, [False])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_deep_nesting_never_raises_recursion_error(depth: int, kinds: list[bool]):
    nb = {"cells": [], "metadata": {"deep": None}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(nb).replace("null", json.dumps(_nest(3, [True])))
    # built as text: json.dumps itself would hit the recursion limit
    opening = "".join('{"k": ' if kinds[i % len(kinds)] else "[" for i in range(depth))
    closing = "".join("}" if kinds[i % len(kinds)] else "]" for i in reversed(range(depth)))
    raw = text.replace('{"k": {"k": {"k": "leaf"}}}', opening + '"leaf"' + closing).encode()
    too_deep = depth + 2 > nbfile.MAX_DEPTH  # the notebook and its metadata are two levels
    for read in (lambda: nbfile.loads(raw, SOURCE), lambda: strip_bytes(raw, source=SOURCE)):
        if too_deep:
            with pytest.raises(nbfile.NotANotebookError, match="nested more than"):
                read()
        else:
            read()


def test_deep_nesting_through_convert_reader(tmp_path: Path):
    path = tmp_path / SOURCE
    path.write_text(
        '{"nbformat": 4, "cells": [], "metadata": {"x": ' + "[" * 5000 + "]" * 5000 + "}}"
    )
    with pytest.raises(nbfile.NotebookFileError, match="nested more than"):
        convert_read_notebook(path)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)


@given(_JSON.filter(lambda v: not (type(v) is int and v == 4)))
@example("4")
@example(3)
@example(5)
@example(4.0)
@example(True)
def test_wrong_nbformat_is_refused(value: object):
    raw = json.dumps({"cells": [], "metadata": {}, "nbformat": value}).encode()
    with pytest.raises(nbfile.UnsupportedFormatError) as info:
        nbfile.loads(raw, SOURCE)
    assert "not supported (expected 4)" in _one_line(info.value)
    if type(value) is int and value < 4:
        assert "jupyter nbconvert --to notebook --nbformat 4" in str(info.value)


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_missing_nbformat_is_refused(path: Path):
    nb = json.loads(path.read_bytes())
    del nb["nbformat"]
    with pytest.raises(nbfile.NotANotebookError, match="without 'nbformat'"):
        nbfile.loads(json.dumps(nb).encode(), SOURCE)


# field -> values of the right types (everything else is wrong); "cell." fields are in each cell
FIELDS = {
    "nbformat_minor": lambda v: type(v) is int,
    "metadata": lambda v: isinstance(v, dict),
    "cells": lambda v: isinstance(v, list) and all(isinstance(c, dict) for c in v),
    "cell.cell_type": lambda v: isinstance(v, str),
    "cell.id": lambda v: isinstance(v, str),
    "cell.source": lambda v: (
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
    ),
    "cell.metadata": lambda v: isinstance(v, dict),
    "cell.metadata.tags": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "cell.outputs": lambda v: isinstance(v, list),
    "cell.execution_count": lambda v: v is None or type(v) is int,
    "cell.attachments": lambda v: isinstance(v, dict),
}


@given(st.sampled_from(REAL), st.sampled_from(sorted(FIELDS)), _JSON, st.data())
@settings(max_examples=300, deadline=None)
def test_a_wrong_type_in_any_field_is_named(
    path: Path, field: str, value: object, data: st.DataObject
):
    assume(not FIELDS[field](value))
    nb = json.loads(path.read_bytes())
    if field.startswith("cell."):
        index = data.draw(st.integers(0, len(nb["cells"]) - 1))
        target, name = nb["cells"][index], field[len("cell.") :]
        if name == "metadata.tags":
            target, name = target.setdefault("metadata", {}), "tags"
        where = f"cell {index} '{field[len('cell.') :]}'"
    else:
        target, name, where = nb, field, f"'{field}'"
    target[name] = value
    raw = json.dumps(nb).encode()
    with pytest.raises(nbfile.NotANotebookError) as info:
        nbfile.loads(raw, SOURCE)
    message = _one_line(info.value)
    assert where in message or (field == "cells" and "cell " in message), message
    with pytest.raises(StripError) as stripped:
        strip_bytes(raw, source=SOURCE)
    assert str(stripped.value) == message


@given(st.sampled_from(REAL), _JSON, st.data())
@settings(max_examples=200, deadline=None)
def test_any_value_anywhere_is_a_notebook_or_one_clear_error(
    path: Path, value: object, data: st.DataObject
):
    """Replace a random node of a real notebook by a random JSON value: never a crash."""
    nb = json.loads(path.read_bytes())
    parents: list[tuple[object, object]] = []
    stack: list[object] = [nb]
    while stack:
        item = stack.pop()
        keys = item.keys() if isinstance(item, dict) else range(len(item))  # type: ignore[arg-type]
        for key in keys:
            parents.append((item, key))
            child = item[key]  # type: ignore[index]
            if isinstance(child, dict | list):
                stack.append(child)
    parent, key = data.draw(st.sampled_from(parents))
    parent[key] = value  # type: ignore[index]
    raw = json.dumps(nb).encode()
    for read in (lambda: nbfile.loads(raw, SOURCE), lambda: strip_bytes(raw, source=SOURCE)):
        try:
            read()
        except (nbfile.NotebookFileError, StripError) as exc:
            _one_line(exc)


@given(_JSON, st.sampled_from([None, 1, 2]), st.booleans())
@example(float("nan"), None, False)
@example(2**70, 1, False)
@example("\ud800", None, True)
def test_parse_json_matches_json_loads(value: object, indent: int | None, ascii_only: bool):
    """The reader's parser is the standard library's C scanner: same values as ``json.loads``."""
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    raw = text.encode("utf-8", "surrogatepass")
    try:
        expected = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        with pytest.raises(nbfile.InvalidJSONError, match="not UTF-8"):
            nbfile.parse_json(raw, SOURCE)
        return
    got, exact = nbfile.parse_json(raw, SOURCE)
    assert exact and _equal(got, expected)
    fast, fast_exact = nbfile.parse_json(raw, SOURCE, fast=True)
    # orjson (when it parsed: big input, or already imported) reads huge integers as floats
    assert _equal(fast, expected) or (not fast_exact and "e+" in json.dumps(fast))


@given(st.binary(max_size=200))
@example(b"")
@example(b"  ")
@example(b"[1,]")
@example(b'{"a": 1} x')
def test_parse_json_rejects_what_json_loads_rejects(raw: bytes):
    try:
        expected = json.loads(raw.decode("utf-8").lstrip("\ufeff"))
    except (ValueError, RecursionError):
        with pytest.raises(nbfile.NotebookFileError) as info:
            nbfile.parse_json(raw, SOURCE)
        _one_line(info.value)
    else:
        assert _equal(nbfile.parse_json(raw, SOURCE)[0], expected)


def test_missing_file_and_directory(tmp_path: Path):
    with pytest.raises(nbfile.NotebookNotFoundError, match="no such file") as info:
        nbfile.read_notebook(tmp_path / "gone.ipynb")
    _one_line(info.value, where=str(tmp_path / "gone.ipynb"))
    with pytest.raises(nbfile.NotebookReadError, match="is a directory"):
        nbfile.read_notebook(tmp_path)


def test_strip_notebook_on_a_deep_dict_is_a_strip_error():
    nb = {"cells": [], "metadata": {"x": _nest(nbfile.MAX_DEPTH + 5, [True, False])}}
    nb["nbformat"] = 4
    with pytest.raises(StripError, match="nested more than"):
        strip_notebook(copy.deepcopy(nb))
