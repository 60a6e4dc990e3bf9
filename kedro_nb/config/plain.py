"""The fast path of configuration loading: plain dicts, no OmegaConf.

Most projects' configuration holds no ``${...}`` interpolation. For such files OmegaConf only
parses YAML, merges dicts and converts them back, yet importing it costs tens of milliseconds
(its interpolation grammar). This module reads a file into plain Python values exactly as
OmegaConf's YAML loader would, and merges them as ``OmegaConf.unsafe_merge`` does, so the
loader can skip OmegaConf entirely when nothing needs it.

Whenever a document holds anything whose treatment by OmegaConf is not plainly identical
(``${`` or ``???`` in a string, YAML anchors, aliases or ``<<`` merge keys, duplicate keys,
explicit tags, non-string keys, a syntax error, a very large document), the reader answers
``None`` and the caller takes OmegaConf's path, which then gives the same result or error as
before.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kedro_nb.config.parsed_cache import ParsedCache

#: Documents with more nodes than this take OmegaConf's path, which caps node counts
#: (10,000 by default, or ``OMEGACONF_MAX_YAML_EXPANDED_NODES``) with its own error.
_MAX_PLAIN_NODES = 5_000
_LIMIT_VARIABLE = "OMEGACONF_MAX_YAML_EXPANDED_NODES"
_STR_TAG = "tag:yaml.org,2002:str"
_SCALARS = (str, int, float, bool, type(None))

# YAML 1.2 style floats OmegaConf accepts on top of YAML 1.1's (``1e3``, ``1_000.5e-2``...).
_EXTRA_FLOAT = re.compile(
    r"""^(?:[-+]?[0-9]+(?:_[0-9]+)*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?[0-9]+(?:_[0-9]+)*[eE][-+]?[0-9]+
        |\.[0-9]+(?:_[0-9]+)*(?:[eE][-+][0-9]+)?
        |[-+]?[0-9]+(?:_[0-9]+)*(?::[0-5]?[0-9])+\.[0-9_]*
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
    re.X,
)

_loader_class: Any = None


class _NotPlain(Exception):
    """The document needs OmegaConf's own reading (see the module docstring)."""


def _make_loader() -> Any:
    """PyYAML's safe loader (the C one when available, as OmegaConf uses) with OmegaConf's
    scalar rules: its extra float forms, no timestamps (dates stay strings). Composed nodes
    are checked before construction, so only plain trees are built."""
    import yaml

    base = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

    class PlainLoader(base):  # type: ignore[misc, valid-type]
        def construct_document(self, node: Any) -> Any:
            _check_tree(node)
            return super().construct_document(node)

    PlainLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float", _EXTRA_FLOAT, list("-+0123456789.")
    )
    PlainLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in rules if tag != "tag:yaml.org,2002:timestamp"]
        for first, rules in PlainLoader.yaml_implicit_resolvers.items()
    }
    return PlainLoader


def _check_tree(root: Any) -> None:
    """Raise _NotPlain unless ``root`` is a tree (no node reached twice, i.e. no alias), with
    no ``<<`` merge key, no duplicate string key and at most _MAX_PLAIN_NODES nodes."""
    from yaml.nodes import MappingNode, SequenceNode

    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise _NotPlain("alias")
        seen.add(id(node))
        if len(seen) > _MAX_PLAIN_NODES:
            raise _NotPlain("large")
        if isinstance(node, MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                if key_node.tag != _STR_TAG or not isinstance(key_node.value, str):
                    raise _NotPlain("key")  # merge keys, non-string and complex keys
                if key_node.value in keys:
                    raise _NotPlain("duplicate")
                keys.add(key_node.value)
                stack.append(value_node)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)


def is_plain(value: Any) -> bool:
    """True when OmegaConf would hand ``value`` back unchanged: dicts with string keys, lists,
    and scalars (str, int, float, bool, None), no string holding ``${`` or equal to ``???``."""
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and is_plain(v) for k, v in value.items())
    if kind is list:
        return all(is_plain(v) for v in value)
    if kind is str:
        return "${" not in value and value != "???"
    return kind in _SCALARS


def read_plain(path: Path, cache: ParsedCache | None = None) -> dict[str, Any] | None:
    """The mapping in ``path`` as plain Python values, or None when OmegaConf must read it
    (anything not plainly identical, including every malformed file: OmegaConf's reading
    then raises the error with its usual message).

    With ``cache``, a file whose bytes are those the cache kept is answered from it without
    reading YAML (or importing PyYAML), and a file read is kept for the next process."""
    if _LIMIT_VARIABLE in os.environ:
        return None
    absolute = os.path.abspath(path)
    if cache is None or not cache.accepts(Path(absolute)):
        try:
            with open(absolute, encoding="utf-8") as stream:
                return _parse(stream)
        except OSError:
            return None
    try:
        with open(absolute, "rb") as raw:
            data = raw.read()
    except OSError:
        return None
    found = cache.lookup(absolute, data)
    if found is not None:
        return found
    # the same text stream open(..., encoding="utf-8") gives: same decoding, same newlines
    values = _parse(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    if values is not None:
        cache.store(absolute, data, values)
    return values


def _parse(stream: Any) -> dict[str, Any] | None:
    global _loader_class
    if _loader_class is None:
        _loader_class = _make_loader()
    import yaml

    try:
        loaded = yaml.load(stream, Loader=_loader_class)  # a safe loader subclass
    except (_NotPlain, yaml.YAMLError, UnicodeDecodeError, ValueError, OSError):
        return None
    if loaded is None:
        return {}
    return loaded if type(loaded) is dict and is_plain(loaded) else None


def merge_plain(*configs: dict[str, Any]) -> dict[str, Any]:
    """A new dict merging ``configs`` left to right as ``OmegaConf.unsafe_merge`` does: dicts
    present on both sides merge recursively, anything else (lists included) is replaced."""
    merged: dict[str, Any] = {}
    for config in configs:
        _merge_into(merged, config)
    return merged


def _merge_into(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        current = target.get(key)
        if type(value) is dict:
            if type(current) is not dict:
                current = target[key] = {}
            _merge_into(current, value)
        else:
            target[key] = copy_plain(value)


def copy_plain(value: Any) -> Any:
    """A deep copy of plain dicts and lists (scalars are immutable and shared)."""
    kind = type(value)
    if kind is dict:
        return {k: copy_plain(v) for k, v in value.items()}
    if kind is list:
        return [copy_plain(v) for v in value]
    return value
