"""Tell that a notebook file is already stripped and in Jupyter's layout without parsing it all.

Most notebooks in a repository are already clean: stripping them gives back their own bytes, and
the full path (parse, strip, lay out, compare) spends most of a run over many files proving it.
:class:`CleanCheck` proves it faster for the common shape of a clean notebook, and exactly:

* the ``cells`` list is matched by one regular expression that accepts only the text
  ``json.dumps(indent=1, sort_keys=True, ensure_ascii=False)`` writes for a list of cells with
  nothing to strip: keys in their sorted order, ``"execution_count": null``, ``"outputs": []``, a
  source list split at line ends as Jupyter splits it (no line break inside a line, no empty line,
  no ``\\r``), cell metadata empty or one key the stripper keeps (``tags`` a list of strings), and
  only canonically escaped strings, integers, ``true``/``false``/``null`` in it;
* the rest of the file (the notebook's metadata, ``nbformat`` and any other key) goes through the
  full path itself, as the notebook ``{"cells": [], <the rest>}``: its bytes are the file's own
  after the cells, and what the full path does to them does not depend on cells with no outputs.
  Notebooks in one repository mostly share that rest, so its answer is remembered for the run.

Anything else (outputs, a count, unusual metadata, another escape, a float, CRLF, a byte-order
mark, different options) makes the check answer False, and the caller takes the full path: it
may say "not sure" for a clean file, never "clean" for a file the full path would change
(tests/strip/test_clean.py holds it to that on generated and golden notebooks).

It imports :mod:`re` (a few milliseconds), so only runs over many files use it. Its pattern uses
possessive quantifiers (``*+``, ``++``), which :mod:`re` reads from Python 3.11 on: on 3.10 there is
no check and every file takes the full path (the same result, only slower).
"""

from __future__ import annotations

import re
import sys

from kedro_nb.strip._core import StripOptions
from kedro_nb.strip.errors import StripError

# Strings are matched as '"[^"]*+' (the one loop the regex engine runs at memchr speed: a class
# such as [^"\\] costs ten times more per byte), continued past a quote a backslash escapes. That
# reads a string right only when every backslash starts an escape: __call__ first counts that
# each is one of '\\"', '\\t' or a '\\n' that ends the string (Jupyter's line ends), replacing
# escaped backslashes ('\\\\') by two plain bytes when there are any; any other escape, or a raw
# control character, and the file takes the full path.
_STRING = rb'"[^"]*+(?:(?<=\\)"[^"]*+)*+"'
_INT = rb"(?:0|-?[1-9][0-9]*+)"
_SCALAR = rb"(?:" + _STRING + rb"|" + _INT + rb"|true|false|null)"
_NESTING = 2  # containers a cell metadata value may nest (deeper: the full path)
# every byte but the control characters and the backslash
_NOT_MARKS = bytes(range(32, 256)).replace(b"\\", b"")
# file contents that str.splitlines cuts at although the JSON writes them raw: NEL, LS, PS
_RAW_LINE_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")
_REST_PREFIX = b'{\n "cells": [],\n "metadata": '
_MAX_REMEMBERED = 256
#: whether :mod:`re` reads ``*+`` and ``++`` (Python 3.11+); without them there is no check
POSSESSIVE_QUANTIFIERS = sys.version_info >= (3, 11)


def _plain_escapes(text: bytes | bytearray, escapes: int) -> bool:
    """Whether each of the ``escapes`` backslashes in ``text`` starts '\\"', '\\t' or a
    string-ending '\\n' (one followed by a backslash counts in none: the sum falls short)."""
    found = text.count(b'\\n"')  # Jupyter's line ends: most escapes
    if found < escapes:
        found += text.count(b'\\"')
        if found < escapes:
            found += text.count(b"\\t")
    return found == escapes


def _value(depth: int, nesting: int) -> bytes:
    """A JSON value written at ``depth`` (its first line's indent): scalars, lists, one-key
    objects (whose key order needs no check), up to ``nesting`` containers deep."""
    if nesting == 0:
        return rb"(?:" + _SCALAR + rb"|\[\]|\{\})"
    inner = b"\n" + b" " * (depth + 1)
    item = _value(depth + 1, nesting - 1)
    close = b"\n" + b" " * depth
    # each item once (the pattern compiles in a fraction of the time): an item is followed by a
    # comma and the next item's indent, or is the last
    listed = (
        rb"\[(?:"
        + inner
        + item
        + rb"(?:,(?="
        + inner
        + rb")|(?="
        + close
        + rb"\])))++"
        + close
        + rb"\]"
    )
    one_key = rb"\{" + inner + _STRING + b": " + item + close + rb"\}"
    return rb"(?:" + _SCALAR + rb"|\[\]|\{\}|" + listed + rb"|" + one_key + rb")"


def _cells_pattern(removed: list[str]) -> bytes:
    """The ``cells`` list of a clean notebook, from ``{`` to the ``metadata`` key after it."""
    excluded = b"|".join(re.escape(name.encode()) for name in [*removed, "keep_output", "tags"])
    tags = (
        rb'"tags": (?:\[\]|\[(?:\n     ' + _STRING + rb'(?:,(?=\n     ")|(?=\n    \])))++\n    \])'
    )
    other = rb'(?!"(?:' + excluded + rb')")' + _STRING + b": " + _value(4, _NESTING)
    if "tags" not in removed:  # tags are kept: a list of strings, as the reader requires
        other = tags + b"|" + other
    metadata = rb"(?:\{\}|\{\n    (?:" + other + rb")\n   \})"
    # lines split where Jupyter splits them: each but the last ends with "\n" and holds no other
    # (no other is left after the escapes are replaced), the last is not empty
    line = rb'"(?!")[^"]*+(?:(?<=\\)"[^"]*+)*+'  # a line to its closing quote, not empty
    source = rb"(?:\[\]|\[\n    (?:" + line + rb'(?<=\\n)",\n    )*+' + line + rb'"\n   \])'
    cell = (
        rb'  \{\n   "cell_type": '
        + _STRING
        + rb',\n   (?:"execution_count": null,\n   )?(?:"id": '
        + _STRING
        + rb',\n   )?"metadata": '
        + metadata
        + rb',\n   (?:"outputs": \[\],\n   )?"source": '
        + source
        + rb"\n  \}"
    )
    # a comma only before the next item (a trailing comma is not JSON)
    cells = rb"(?:\[\]|\[(?:\n" + cell + rb"(?:,(?=\n  \{)|(?=\n \])))++\n \])"
    return rb'\{\n "cells": ' + cells + rb',\n "metadata": '


def _plain_name(name: str) -> bool:
    """Whether JSON writes ``name`` as its own characters (no escape), as the pattern assumes."""
    return name.isprintable() and '"' not in name and "\\" not in name


class CleanCheck:
    """``check(data, source)``: True when stripping ``data`` would give ``data`` back unchanged.

    Built once per run for its options (None from :meth:`for_options` when they change what a
    clean cell looks like: ``drop_empty_cells`` or extra cell keys to remove, and on Python 3.10,
    whose :mod:`re` has no possessive quantifiers).
    """

    __slots__ = ("_match", "_opts", "_rest")

    def __init__(self, opts: StripOptions) -> None:
        self._opts = opts
        self._match = re.compile(_cells_pattern(opts.cell_metadata_names)).match
        self._rest: dict[bytes, bool] = {}

    @classmethod
    def for_options(cls, opts: StripOptions) -> CleanCheck | None:
        if not POSSESSIVE_QUANTIFIERS:
            return None
        if opts.drop_empty_cells or opts.cell_paths:
            return None
        if not all(_plain_name(name) for name in opts.cell_metadata_names):
            return None  # a name JSON escapes: the pattern could not exclude it by its text
        return cls(opts)

    def __call__(self, data: bytes | bytearray, source: str) -> bool:
        if b'"outputs": [\n' in data:  # outputs to strip: the common reason, found at once
            return False
        # the control characters and backslashes, in order: a few hundred bytes to count in
        marks = data.translate(None, _NOT_MARKS)
        escapes = marks.count(b"\\")
        if marks.count(b"\n") + escapes != len(marks):  # a raw tab, CR...: json.dumps escapes it
            return False
        text = data
        if escapes and not _plain_escapes(text, escapes):
            text = text.replace(b"\\\\", b"__")  # escaped backslashes, by bytes of the same length
            if not _plain_escapes(text, text.count(b"\\")):
                return False
        found = self._match(text)
        if found is None:
            return False
        if not data.isascii():
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                return False
            if any(brk in data for brk in _RAW_LINE_BREAKS):
                return False
        rest = bytes(data[found.end() :])
        known = self._rest.get(rest)
        if known is None:
            known = self._rest_is_clean(rest, source)
            if len(self._rest) < _MAX_REMEMBERED:
                self._rest[rest] = known
        return known

    def _rest_is_clean(self, rest: bytes, source: str) -> bool:
        from kedro_nb.strip._files import _strip_bytes

        notebook = _REST_PREFIX + rest
        try:
            return _strip_bytes(notebook, source, self._opts, False) is notebook
        except StripError:  # the full path on the whole file says what is wrong
            return False
