"""Read and write notebook JSON byte for byte as Jupyter lays it out.

Jupyter (``nbformat.writes``) writes ``json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False,
separators=(",", ": ")) + "\\n"``. The standard library only uses its C encoder without
``indent``, so that call runs the pure-Python encoder. :func:`dumps` produces the same text with
a small writer that joins runs of strings (source lines) through the C string escaper, and matches
``json`` exactly for every JSON value (floats use ``float.__repr__``, ``NaN``/``Infinity`` as
``json`` spells them).

Parsing uses the standard library for ordinary files, because importing ``orjson`` costs more
than it saves on one small notebook (a git filter starts one process per file); files of
:data:`ORJSON_MIN_BYTES` or more (and all files once it is imported) are parsed with ``orjson``
when it can (it rejects ``NaN``, integers beyond 64 bits and lone surrogates, which then fall back
to the standard library).
"""

from __future__ import annotations

import json
import sys
from json.encoder import encode_basestring as _encode_str  # C-accelerated when available
from typing import Any

from kedro_nb.strip.errors import InvalidJSONError, NotANotebookError

#: From this size on, parsing with orjson repays its ~15 ms import (it parses ~2.5x faster than
#: json; see bench/strip_bench.py). Once imported, it parses every file.
ORJSON_MIN_BYTES = 8 << 20

_INF = float("inf")


def loads(data: bytes, source: str) -> Any:
    """Parse UTF-8 JSON ``data``; errors name ``source`` with the line and column."""
    if len(data) >= ORJSON_MIN_BYTES or "orjson" in sys.modules:
        try:
            import orjson
        except ImportError:  # pragma: no cover - orjson is a dependency
            pass
        else:
            try:
                return orjson.loads(data)
            except ValueError:
                pass  # the standard library accepts NaN, big integers and lone surrogates
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InvalidJSONError(source, line, column, f"not UTF-8: {exc.reason}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidJSONError(source, exc.lineno, exc.colno, exc.msg) from exc
    except RecursionError as exc:
        raise NotANotebookError(f"{source}: JSON nested too deeply to be a notebook") from exc


def dumps(obj: Any) -> str:
    """Serialise ``obj`` exactly as ``nbformat.writes`` lays out JSON (only the layout)."""
    out: list[str] = []
    _write(obj, "\n", out)
    out.append("\n")
    return "".join(out)


def _write(obj: Any, newline: str, out: list[str]) -> None:
    kind = type(obj)
    if kind is str:
        out.append(_encode_str(obj))
    elif kind is dict:
        if not obj:
            out.append("{}")
            return
        inner = newline + " "
        separator = "{" + inner
        for key in sorted(obj):
            out.append(separator)
            out.append(_encode_str(key))
            out.append(": ")
            value = obj[key]
            if type(value) is str:
                out.append(_encode_str(value))
            else:
                _write(value, inner, out)
            separator = "," + inner
        out.append(newline + "}")
    elif kind is list:
        if not obj:
            out.append("[]")
            return
        inner = newline + " "
        try:  # the common case, lines of text: one C-level join
            out.append("[" + inner + ("," + inner).join(map(_encode_str, obj)) + newline + "]")
        except TypeError:
            separator = "[" + inner
            for item in obj:
                out.append(separator)
                _write(item, inner, out)
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
