"""Write notebook JSON byte for byte as Jupyter lays it out, and cut outputs out unparsed.

Jupyter (``nbformat.writes``) writes ``json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False,
separators=(",", ": ")) + "\\n"``. The standard library only uses its C encoder without
``indent``, so that call runs the pure-Python encoder. :func:`dumps` produces the same text with
a small writer that joins runs of strings (source lines) through the C string escaper, and matches
``json`` exactly for every JSON value (floats use ``float.__repr__``, ``NaN``/``Infinity`` as
``json`` spells them).

Parsing is the notebook reader's (:func:`kedro_nb.nbfile.parse_json`).
"""

from __future__ import annotations

from kedro_nb.nbfile import MAX_DEPTH

try:  # the C half of the json package: importing json itself would also load re and friends
    from _json import encode_basestring as _encode_str
    from _json import encode_basestring_ascii as _encode_ascii
except ImportError:  # pragma: no cover - other interpreters
    from json.encoder import encode_basestring as _encode_str
    from json.encoder import encode_basestring_ascii as _encode_ascii

TYPE_CHECKING = False  # typing and collections.abc cost milliseconds per git-filter process
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_INF = float("inf")
# the indent of a value nested MAX_DEPTH containers deep: deeper input is refused (the caller says
# so), as the notebook reader refuses it, before Python's own recursion limit would be met
_MAX_INDENT = MAX_DEPTH + 1


def dumps(obj: Any, floats: list[float] | None = None, *, ascii_only: bool = False) -> str:
    """Serialise ``obj`` exactly as ``nbformat.writes`` lays out JSON (only the layout).

    The floats met on the way are appended to ``floats`` when given (see :func:`loads`).
    ``ascii_only``: every string in ``obj`` is ASCII without DEL (see :func:`plain_ascii`), so the
    C escaper of ``ensure_ascii`` may write them: it gives the same text, faster.
    """
    out: list[str] = []
    _write(
        obj,
        "\n",
        out,
        [] if floats is None else floats,
        _encode_ascii if ascii_only else _encode_str,
    )
    out.append("\n")
    return "".join(out)


def plain_ascii(data: bytes | bytearray) -> bool:
    """Whether every string parsed from the JSON ``data`` is ASCII without DEL.

    True when the bytes are ASCII with no DEL and no ``\\u`` escape (a conservative test: an
    escaped backslash before a ``u`` also says no). For such strings ``ensure_ascii`` escaping,
    which runs faster, writes exactly what Jupyter's ``ensure_ascii=False`` does.
    """
    return data.isascii() and b"\x7f" not in data and b"\\u" not in data


# '"key": ' per dict key met, as most notebooks repeat the same few (bounded: keys are data)
_LABELS: dict[str, str] = {}
_MAX_LABELS = 1024


def _write(
    obj: Any, newline: str, out: list[str], floats: list[float], encode: Callable[[str], str]
) -> None:
    kind = type(obj)
    if kind is str:
        out.append(encode(obj))
    elif kind is dict:
        if not obj:
            out.append("{}")
            return
        inner = newline + " "
        if len(inner) > _MAX_INDENT:
            raise RecursionError("notebook JSON nested too deeply")
        separator = "{" + inner
        append = out.append
        labels = _LABELS
        for key in sorted(obj):
            label = labels.get(key)
            if label is None:  # keys are ASCII in plain_ascii notebooks: either escaper agrees
                label = _encode_str(key) + ": "
                if len(labels) < _MAX_LABELS:
                    labels[key] = label
            append(separator + label)
            value = obj[key]
            # the values of a stripped cell, written here rather than through a call each
            kind = type(value)
            if kind is str:
                append(encode(value))
            elif kind is list:
                if not value:
                    append("[]")
                else:  # a source: lines of text, one C-level join
                    deeper = inner + " "
                    if len(deeper) > _MAX_INDENT:
                        raise RecursionError("notebook JSON nested too deeply")
                    try:
                        append("[" + deeper + ("," + deeper).join(map(encode, value)) + inner + "]")
                    except TypeError:
                        _write(value, inner, out, floats, encode)
            elif value is None:
                append("null")
            elif kind is dict and not value:
                append("{}")
            else:
                _write(value, inner, out, floats, encode)
            separator = "," + inner
        out.append(newline + "}")
    elif kind is list:
        if not obj:
            out.append("[]")
            return
        inner = newline + " "
        if len(inner) > _MAX_INDENT:
            raise RecursionError("notebook JSON nested too deeply")
        try:  # the common case, lines of text: one C-level join
            out.append("[" + inner + ("," + inner).join(map(encode, obj)) + newline + "]")
        except TypeError:
            separator = "[" + inner
            for item in obj:
                out.append(separator)
                _write(item, inner, out, floats, encode)
                separator = "," + inner
            out.append(newline + "]")
    elif obj is None:
        out.append("null")
    elif obj is True:
        out.append("true")
    elif obj is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(obj))
    elif kind is float:
        floats.append(obj)
        if obj != obj:
            out.append("NaN")
        elif obj == _INF:
            out.append("Infinity")
        elif obj == -_INF:
            out.append("-Infinity")
        else:
            out.append(float.__repr__(obj))
    else:
        raise TypeError(f"cannot write {kind.__name__} as notebook JSON")


_CELLS_OPEN = b'{\n "cells": [\n'
_OUTPUTS_OPEN = b'\n   "outputs": [\n'
_OUTPUTS_CLOSE = b"\n   ]"
_CELL_OPEN = b"\n  {"
_CELL_KEY = b'\n   "'  # a cell's key line: inside outputs every line is indented further
_INNER_INDENT = b"    "  # what every line inside a cell's outputs starts with
_CELLS_CLOSE = b"\n ]"
_MAX_HOPS = 8


def cut_outputs(data: bytes | bytearray) -> tuple[bytes, list[tuple[int, int, int]]] | None:
    """Cut the non-empty ``outputs`` arrays out of a notebook in Jupyter's layout, unparsed.

    Returns the notebook with each such array emptied and, per cut, the cell's index and where
    the array starts and ends in ``data`` (offsets, not a copy: the caller slices the rare
    outputs it keeps); or None when ``data`` is not in that layout (or has nothing to cut). In the
    layout Jupyter writes (indent=1, sorted keys) a cell's keys sit at three spaces inside the
    ``cells`` list, and as JSON strings hold no raw newline, the first line ``   ]`` after
    ``   "outputs": [`` closes that array. Outputs are most of a notebook's bytes, so not parsing
    what is dropped anyway is the stripper's main saving; a corruption inside a dropped output is
    then dropped with it rather than reported.
    """
    if not data.startswith(_CELLS_OPEN):
        return None
    pieces: list[bytes | bytearray] = []
    cuts: list[tuple[int, int, int]] = []
    done, written, index = len(_CELLS_OPEN) - 1, 0, -1
    find = data.find
    while True:
        opening = find(_OUTPUTS_OPEN, done)
        # the cells list closes at one space (nothing nests there): past it, "outputs" is metadata
        cells_end = find(_CELLS_CLOSE, done, len(data) if opening < 0 else opening)
        if opening < 0 or cells_end >= 0:
            break
        first = opening + len(_OUTPUTS_OPEN) - 2  # the "["
        closing = _find_close(data, first)
        if closing < 0:
            return None
        index += data.count(_CELL_OPEN, done, opening)
        pieces.append(data[written:first])
        pieces.append(b"[]")
        cuts.append((index, first, closing))
        done = written = closing
    if not cuts:
        return None
    pieces.append(data[written:])
    return b"".join(pieces), cuts


def _find_close(data: bytes | bytearray, start: int) -> int:
    """Index just past the first ``]`` that starts a line indented three spaces, or -1.

    Hops from ``]`` to ``]`` (a memchr: base64 images hold none), which is several times faster
    than searching for the whole line over megabytes of output; after a few ``]`` that are not
    it (HTML tables, JSON data), searching for the whole line is faster than hopping on.
    """
    find = data.find
    width = len(_OUTPUTS_CLOSE) - 1
    prefix = _OUTPUTS_CLOSE[:-1]
    pos = find(b"]", start)
    hops = _MAX_HOPS
    while pos >= 0:
        if data[pos - width : pos] == prefix:
            return pos + 1
        if not data.startswith(_INNER_INDENT, data.rfind(b"\n", start, pos) + 1):
            # a "]" on a line indented less than any line inside outputs, yet not the closing
            # line: that line is damaged, and hopping on would cut a later array (the source)
            return -1
        hops -= 1
        if not hops:
            end = find(_OUTPUTS_CLOSE, pos)
            # searching skips a damaged closing line: then a cell's key line lies before the end
            if end < 0 or find(_CELL_KEY, pos, end) >= 0:
                return -1
            return end + len(_OUTPUTS_CLOSE)
        pos = find(b"]", pos + 1)
    return -1
