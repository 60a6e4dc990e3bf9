"""Splitting catalog YAML text into per-entry chunks parsed on first use.

Parsing 10,000 catalog entries costs far more than building the catalog, and a notebook
usually touches a handful. When the text is a plain block mapping (no anchors, aliases,
tags, directives or multi-document markers, simple string keys), each top-level entry is
kept as its own YAML snippet and parsed when the entry is first used; otherwise the whole
text is parsed at once. Either way, every entry parses to exactly what ``yaml.safe_load``
of the whole text gives.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["RawEntry", "split_catalog_yaml", "yaml_load"]

_UNSAFE = re.compile(r"(^|[\s\[{,])[&*!][^\s]|^(---|\.\.\.|%)|\t", re.MULTILINE)
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_KEY_LINE = re.compile(r"""(?P<key>"[^"\\]*"|'[^']*'|[^\s"'#:][^:#]*?)[ ]*:(?:[ ]|\r?\n|$)""")
_RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}


def yaml_load(text: str) -> Any:
    """``yaml.safe_load`` with the C loader when available."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class RawEntry:
    """One top-level catalog entry kept as YAML text until needed."""

    __slots__ = ("key", "line", "text")

    def __init__(self, key: str, text: str, line: int = 0) -> None:
        self.key = key
        self.text = text
        self.line = line  # 0-based line of the entry in the whole text

    def parse(self) -> Any:
        """The entry's value, exactly as a whole-document parse would give it (YAML errors
        report line numbers of the whole text)."""
        parsed = yaml_load("\n" * self.line + self.text)
        return parsed[self.key] if isinstance(parsed, dict) and self.key in parsed else parsed

    def __repr__(self) -> str:
        return f"RawEntry({self.key!r})"


def _key(line: str) -> str | None:
    match = _KEY_LINE.match(line)
    if match is None:
        return None
    key = match.group("key")
    if key[0] in "\"'":
        return key[1:-1]
    if _PLAIN_KEY.fullmatch(key) and key.lower() not in _RESERVED:
        return key
    return None


def _closed_on_its_line(line: str) -> bool:
    """Whether a top-level line leaves no flow collection or quoted scalar open (otherwise
    the next lines may continue it at column 0 and must not be split off)."""
    text = line.split(" #", 1)[0]
    return (
        text.count("{") + text.count("[") == text.count("}") + text.count("]")
        and text.count('"') % 2 == 0
    )


def split_catalog_yaml(text: str) -> dict[str, Any] | None:
    """``{key: RawEntry}`` for simple catalog text, else None (parse it whole instead).

    Keys containing ``{`` (factory patterns) are parsed at once, since building the catalog
    needs their configs.
    """
    if _UNSAFE.search(text):
        return None
    entries: dict[str, Any] = {}
    lines = text.splitlines(keepends=True)
    offsets = []
    for number, line in enumerate(lines):
        first = line[:1]
        if not first or first in " \r\n#":
            continue
        if first in "-[{?]}" or not _closed_on_its_line(line):
            return None
        offsets.append(number)
    chunks = []
    for index, number in enumerate(offsets):
        end = offsets[index + 1] if index + 1 < len(offsets) else len(lines)
        chunks.append((number, "".join(lines[number:end])))
    for number, chunk in chunks:
        key: str | None = _key(chunk)
        if key is None:
            return None
        entries[key] = RawEntry(key, chunk, number)  # a repeated key: first place, last value
    for name, raw in entries.items():
        if "{" in name:
            entries[name] = raw.parse()
    return entries
