"""Parse notebook bytes into a notebook dict, or say in one line why they are not one.

Parsing is the standard library's C JSON scanner (``json.loads`` semantics exactly: ``NaN``, big
integers and lone surrogates are accepted as Jupyter's own reader accepts them), called without
importing :mod:`json`, whose decoder imports :mod:`re`: a git filter starts a process per file, so
start-up is most of its time. Only when the scanner fails is :mod:`json` imported, to describe the
failure. Callers that opt in (``fast=True``: the stripper on big files) parse with ``orjson``.
"""

from __future__ import annotations

import sys

from kedro_nb.nbfile.errors import (
    InvalidJSONError,
    MergeConflictError,
    NotANotebookError,
    TruncatedNotebookError,
    UnsupportedFormatError,
)

try:  # the C half of the json package (see the module docstring)
    from _json import make_scanner as _make_scanner
except ImportError:  # pragma: no cover - other interpreters
    from json.scanner import make_scanner as _make_scanner

TYPE_CHECKING = False  # typing costs a git-filter process milliseconds
if TYPE_CHECKING:
    from typing import Any

#: Deepest nesting of JSON containers a notebook may have (a notebook itself nests about 8 levels,
#: JSON outputs a few dozen); deeper input is refused before code that recurses meets it.
MAX_DEPTH = 256
#: From this size on, ``fast=True`` parses with orjson: it repays its import (bench/strip_bench.py).
ORJSON_MIN_BYTES = 4 << 20

_INF = float("inf")
_WHITESPACE = " \t\n\r"
_BOM = "\ufeff"
_SPACES = frozenset(_WHITESPACE)
_RESTORE = (
    "restore it from Jupyter's checkpoint (.ipynb_checkpoints/) or from git (git restore FILE)"
)
_CONFLICT_MARKERS = ("<<<<<<<", "|||||||", "=======", ">>>>>>>")


class _ScanContext:
    """The attributes the C scanner reads from its decoder: those ``json.loads`` gives it."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"NaN": float("nan"), "Infinity": _INF, "-Infinity": -_INF}.__getitem__
    memo: dict[str, Any] = {}


_scan_once = _make_scanner(_ScanContext())  # type: ignore[arg-type]  # a JSONDecoder's fields


def parse_json(data: bytes | bytearray, source: str, *, fast: bool = False) -> tuple[Any, bool]:
    """Parse UTF-8 JSON ``data`` as ``json.loads`` does; returns ``(value, exact)``.

    A UTF-8 byte-order mark is skipped, as Jupyter does. ``fast``: parse big inputs (and all
    inputs once orjson is imported) with orjson; ``exact`` is then False, since orjson reads
    integers beyond 64 bits as floats: a caller that keeps floats parses again without ``fast``.
    Raises :class:`InvalidJSONError` (or its subclasses) naming ``source``, line and column.
    """
    if fast and (len(data) >= ORJSON_MIN_BYTES or "orjson" in sys.modules):
        try:
            import orjson
        except ImportError:  # pragma: no cover - orjson is a dependency
            pass
        else:
            try:
                return orjson.loads(data[3:] if data[:3] == b"\xef\xbb\xbf" else data), False
            except ValueError:
                pass  # NaN, big integers, lone surrogates or an error: the standard library says
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(source, data, exc) from None
    start = 1 if text[:1] == _BOM else 0
    while text[start : start + 1] in _SPACES:  # leading whitespace is short: no copy of the text
        start += 1
    try:
        value, end = _scan_once(text, start)
        if text[end:].strip(_WHITESPACE):
            raise ValueError("Extra data")
    except RecursionError:
        raise _too_deep(source) from None
    except Exception:  # the scanner's own errors need json.decoder imported: described below
        raise _describe(source, text) from None
    finally:
        _ScanContext.memo.clear()
    return value, True


def _describe(source: str, text: str) -> InvalidJSONError:
    """The error for text the scanner rejected, found by ``json.loads`` (imported only here)."""
    import json

    if not text.strip(_WHITESPACE + _BOM):
        return TruncatedNotebookError(
            f"{source}:1:1: not valid JSON (the file is empty: an interrupted save?); {_RESTORE}",
            source=source,
            line=1,
            column=1,
            reason="the file is empty",
        )
    conflict = _conflict_line(text)
    if conflict is not None:
        line, marker = conflict
        return MergeConflictError(
            f"{source}:{line}:1: not valid JSON (an unresolved git merge conflict: a '{marker}' "
            "line); resolve it first, e.g. keep one side with git checkout --ours FILE (or "
            "--theirs), or merge with nbdime mergetool",
            source=source,
            line=line,
            column=1,
            reason="unresolved merge conflict",
        )
    try:
        json.loads(text.lstrip(_BOM))
    except RecursionError:
        return _too_deep(source)  # type: ignore[return-value]
    except json.JSONDecodeError as exc:
        pos = exc.pos + (len(text) - len(text.lstrip(_BOM)))
        line, column = _position(text, pos)
        if _at_end(text, pos, exc.msg):
            return TruncatedNotebookError(
                f"{source}:{line}:{column}: not valid JSON (the file ends before the notebook "
                f"does: truncated, as by an interrupted save); {_RESTORE}",
                source=source,
                line=line,
                column=column,
                reason="truncated",
            )
        return InvalidJSONError(
            f"{source}:{line}:{column}: not valid JSON ({exc.msg}); fix the JSON there, or "
            f"{_RESTORE}",
            source=source,
            line=line,
            column=column,
            reason=exc.msg,
        )
    # json.loads accepts what the scanner refused: cannot happen, but say so rather than crash
    return InvalidJSONError(  # pragma: no cover
        f"{source}: not valid JSON", source=source, reason="not valid JSON"
    )


def _at_end(text: str, pos: int, message: str) -> bool:
    """Whether the parser stopped because the text ran out (a truncated file)."""
    rest = text[pos:]
    if not rest.strip(_WHITESPACE) or message.startswith("Unterminated string"):
        return True
    # cut inside a literal or an escape: the parser points at its start, the end follows
    if "\n" in rest or len(rest) > 12:
        return False
    literals = ("true", "false", "null", "NaN", "Infinity", "-Infinity")
    return (
        any(word.startswith(rest) for word in literals)
        or message.startswith("Invalid \\uXXXX escape")  # cut inside a \u escape
        or not rest.strip("0123456789.eE+-")  # a number cut after its "." or "e"
    )


def _conflict_line(text: str) -> tuple[int, str] | None:
    """``(line, marker)`` of the first git conflict marker that starts a line, or None."""
    first = None
    for marker in _CONFLICT_MARKERS:
        pos = 0 if text.startswith(marker) else text.find("\n" + marker) + 1
        if pos > 0 or text.startswith(marker):
            after = text[pos + len(marker) : pos + len(marker) + 1]
            if after in ("", " ", "\n", "\r") and (first is None or pos < first[0]):
                first = (pos, marker)
    if first is None:
        return None
    return text.count("\n", 0, first[0]) + 1, first[1]


def _position(text: str | bytes | bytearray, pos: int) -> tuple[int, int]:
    newline = "\n" if isinstance(text, str) else b"\n"
    return text.count(newline, 0, pos) + 1, pos - text.rfind(newline, 0, pos)  # type: ignore[arg-type]


def _not_utf8(source: str, data: bytes | bytearray, exc: UnicodeDecodeError) -> InvalidJSONError:
    if exc.reason == "unexpected end of data" and exc.end == len(data):
        line, column = _position(data, exc.start)
        return TruncatedNotebookError(
            f"{source}:{line}:{column}: not valid JSON (the file ends before the notebook does, "
            f"inside a character: truncated, as by an interrupted save); {_RESTORE}",
            source=source,
            line=line,
            column=column,
            reason="truncated",
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        reason = "not UTF-8: the file is UTF-16"
    else:
        reason = f"not UTF-8: {exc.reason} {data[exc.start : exc.start + 1]!r}"
    line, column = _position(data, exc.start)
    return InvalidJSONError(
        f"{source}:{line}:{column}: not valid JSON ({reason}); notebooks are UTF-8: save the file "
        "as UTF-8 in your editor",
        source=source,
        line=line,
        column=column,
        reason=reason,
    )


def _too_deep(source: str) -> NotANotebookError:
    return NotANotebookError(
        f"{source}: not a Jupyter notebook: JSON nested more than {MAX_DEPTH} levels deep "
        "(a notebook nests about 10); is it the file you meant?",
        source=source,
        reason="nested too deeply",
    )


def check_notebook(value: Any, source: str | None = None) -> dict[str, Any]:
    """Return ``value`` if it is an nbformat 4 notebook, else raise one clear error.

    Checks what every command reads: ``nbformat`` is the integer 4, ``cells`` a list of objects,
    and, where present, ``nbformat_minor``, ``metadata`` and each cell's ``cell_type``, ``id``,
    ``source``, ``metadata``, ``metadata.tags``, ``outputs``, ``execution_count`` and
    ``attachments`` have the types nbformat's schema gives them. Outputs are not looked into: no
    command but Jupyter reads them. Raises :class:`NotANotebookError` or
    :class:`UnsupportedFormatError`, prefixed with ``source`` when given.
    """
    where = f"{source}: " if source else ""
    if not isinstance(value, dict):
        _refuse(where, source, f"got a JSON {_kind(value)}", _EXPECTED)
    if "nbformat" not in value:
        keys = ", ".join(repr(key) for key in sorted(value)[:5]) or "none"
        _refuse(where, source, f"got an object without 'nbformat' (its keys: {keys})", _EXPECTED)
    major = value["nbformat"]
    if major != 4 or type(major) is not int:
        if type(major) is int and major < 4:
            fix = (
                "upgrade it: jupyter nbconvert --to notebook --nbformat 4 --inplace NOTEBOOK.ipynb"
            )
        elif type(major) is int:
            fix = "it was written by a newer Jupyter; save it as nbformat 4"
        else:
            fix = "a notebook has 'nbformat': 4 (an integer)"
        raise UnsupportedFormatError(
            f"{where}nbformat {major!r} is not supported (expected 4); {fix}",
            source=source,
            reason=f"nbformat {major!r}",
        )
    if "nbformat_minor" in value and type(value["nbformat_minor"]) is not int:
        _wrong(where, source, "'nbformat_minor'", value["nbformat_minor"], "an integer")
    if "metadata" in value and not isinstance(value["metadata"], dict):
        _wrong(where, source, "'metadata'", value["metadata"], "an object")
    cells = value.get("cells")
    if not isinstance(cells, list):
        _refuse(where, source, f"'cells' must be a list, got {_kind(cells)}", _RESAVE)
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            _wrong(where, source, f"cell {index}", cell, "an object")
        bad = _bad_field(cell)
        if bad is not None:
            name, expected = bad
            _wrong(where, source, f"cell {index} {name}", _get(cell, name), expected)
    notebook: dict[str, Any] = value
    return notebook


_EXPECTED = "expected an object with 'nbformat': 4 and 'cells'; is it the file you meant?"
_RESAVE = "open it in Jupyter and save it again, or restore it from git"
_STR, _DICT, _LIST = "a string", "an object", "a list"
_SOURCE = "a string or a list of strings"


def _bad_field(cell: dict[str, Any]) -> tuple[str, str] | None:
    """``(field, expected type)`` of the first field of ``cell`` with a wrong type, or None."""
    for name, expected in (("cell_type", _STR), ("id", _STR)):
        if name in cell and type(cell[name]) is not str:
            return f"'{name}'", expected
    source = cell.get("source", "")
    if type(source) is not str:
        if not isinstance(source, list):
            return "'source'", _SOURCE
        try:  # five times faster than testing each line's type (a notebook is mostly sources)
            "".join(source)
        except TypeError:
            return "'source'", _SOURCE
    metadata = cell.get("metadata", _NO_METADATA)
    if not isinstance(metadata, dict):
        return "'metadata'", _DICT
    tags = metadata.get("tags", ())
    if tags != () and (not isinstance(tags, list) or not all(type(tag) is str for tag in tags)):
        return "'metadata.tags'", "a list of strings"
    if "outputs" in cell and not isinstance(cell["outputs"], list):
        return "'outputs'", _LIST
    count = cell.get("execution_count")
    if count is not None and type(count) is not int:
        return "'execution_count'", "an integer or null"
    if "attachments" in cell and not isinstance(cell["attachments"], dict):
        return "'attachments'", _DICT
    return None


_NO_METADATA: dict[str, Any] = {}


def _get(cell: dict[str, Any], name: str) -> Any:
    value: Any = cell
    for part in name.strip("'").split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _refuse(where: str, source: str | None, reason: str, fix: str) -> None:
    raise NotANotebookError(
        f"{where}not a Jupyter notebook: {reason}; {fix}", source=source, reason=reason
    )


def _wrong(where: str, source: str | None, name: str, value: Any, expected: str) -> None:
    _refuse(where, source, f"{name} is {_a(_kind(value))}, expected {expected}", _RESAVE)


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _kind(value: Any) -> str:
    for kind, name in _KINDS:
        if isinstance(value, kind):
            return name
    return "value"


_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (dict, "object"),
    (list, "array"),
    (str, "string"),
    (int, "number"),
    (float, "number"),
    (type(None), "null"),
)


def check_depth(value: Any, source: str | None = None) -> None:
    """Raise :class:`NotANotebookError` if ``value`` nests deeper than :data:`MAX_DEPTH`.

    Iterative, so it cannot itself run out of stack; the general reader calls it so that no
    command meets a RecursionError later (the stripper checks depth as it writes instead).
    """
    stack = [(value, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        item, depth = pop()
        if depth > MAX_DEPTH:
            raise _too_deep(source or "<notebook>")
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        for child in item:
            if isinstance(child, dict | list):
                push((child, depth + 1))


def loads(data: bytes, source: str) -> dict[str, Any]:
    """Parse and check notebook bytes: the notebook dict, exactly as ``json.loads`` gives it."""
    value, _ = parse_json(data, source)
    check_depth(value, source)
    return check_notebook(value, source)
