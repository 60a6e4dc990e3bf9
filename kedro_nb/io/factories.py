"""Dataset factories: catalog keys with ``{placeholders}`` that match dataset names.

Matching follows Kedro's rules (which use the ``parse`` library): a placeholder matches one
or more characters (lazily), the whole name must match, matching is case-insensitive, and a
placeholder repeated in a pattern must capture the same text. Patterns are ranked as Kedro
ranks them: more literal characters first, then more placeholders, then alphabetically; a
pattern made only of placeholders (``{default}``) is the catch-all, tried last. Here each
pattern is compiled once into a regular expression, so resolving a name costs one regex
match per candidate pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kedro_nb.io.errors import CatalogConfigError

__all__ = [
    "FactoryPattern",
    "FactoryResolver",
    "is_pattern",
    "pattern_rank",
    "specificity",
    "substitute",
]

_FIELD_RE = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
_PLACEHOLDER_RE = re.compile(r"\{.*?\}")


def is_pattern(name: str) -> bool:
    """Any catalog key containing ``{`` is a factory pattern (Kedro's rule)."""
    return "{" in name


def specificity(pattern: str) -> int:
    """Number of characters outside ``{...}`` placeholders."""
    return len(_PLACEHOLDER_RE.sub("", pattern))


def pattern_rank(pattern: str) -> tuple[int, int, str]:
    """Sort key: most specific first, then most placeholders, then alphabetical."""
    return (-specificity(pattern), -pattern.count("{"), pattern)


class FactoryPattern:
    """One compiled pattern and its (unresolved) dataset config."""

    __slots__ = ("config", "groups", "pattern", "regex")

    def __init__(
        self,
        pattern: str,
        config: dict[str, Any],
        regex: re.Pattern[str],
        groups: tuple[tuple[str, str], ...],
    ) -> None:
        self.pattern = pattern
        self.config = config
        self.regex = regex
        self.groups = groups  # (regex group name, placeholder name)

    def __repr__(self) -> str:
        return f"FactoryPattern({self.pattern!r})"

    def match(self, name: str) -> dict[str, str] | None:
        """Placeholder values when ``name`` matches, else None."""
        found = self.regex.fullmatch(name)
        if found is None:
            return None
        return {field: found.group(group) for group, field in self.groups}


def _compile(pattern: str) -> tuple[re.Pattern[str], tuple[tuple[str, str], ...]]:
    parts: list[str] = []
    groups: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    position = 0
    for token in _FIELD_RE.finditer(pattern):
        parts.append(re.escape(pattern[position : token.start()]))
        position = token.end()
        text = token.group()
        if text in ("{{", "}}"):
            parts.append(re.escape(text[0]))
            continue
        field = text[1:-1]
        if ":" in field:
            raise CatalogConfigError(
                f"Dataset factory '{pattern}': typed placeholder '{text}' is not supported; "
                "use plain '{name}' placeholders."
            )
        if not field or not field[0].isalpha():
            parts.append("(.+?)")  # anonymous field: matches, but is not a named value
            continue
        if field in seen:
            parts.append(f"(?P={seen[field]})")
            continue
        group = f"g{len(groups)}"
        seen[field] = group
        groups.append((group, field))
        parts.append(f"(?P<{group}>.+?)")
    parts.append(re.escape(pattern[position:]))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL), tuple(groups)


def _config_placeholders(config: Any, found: set[str]) -> set[str]:
    if isinstance(config, dict):
        for value in config.values():
            _config_placeholders(value, found)
    elif type(config) in (list, tuple):
        for value in config:
            _config_placeholders(value, found)
    elif isinstance(config, str) and "}" in config:
        found.update(_PLACEHOLDER_RE.findall(config))
    return found


def substitute(config: Any, values: dict[str, str]) -> Any:
    """Copy of ``config`` with ``{placeholder}`` strings filled from ``values``
    (``str.format_map``, as Kedro). Only dicts, lists and tuples are traversed."""
    if isinstance(config, dict):
        return {key: substitute(value, values) for key, value in config.items()}
    if type(config) in (list, tuple):
        return [substitute(value, values) for value in config]
    if isinstance(config, str) and "}" in config:
        return config.format_map(values)
    return config


class FactoryResolver:
    """Ranked, compiled factory patterns of one catalog.

    Args:
        patterns: pattern -> dataset config, in any order.
        runtime_patterns: patterns used only when asked for explicitly (the catalog's
            default ``{default}: MemoryDataset`` for undeclared datasets).
    """

    def __init__(
        self,
        patterns: dict[str, dict[str, Any]] | None = None,
        runtime_patterns: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        ranked = self._build(patterns or {})
        catch_all = [p for p in ranked if specificity(p.pattern) == 0]
        if len(catch_all) > 1:
            raise CatalogConfigError(
                "Multiple catch-all dataset factories found: "
                f"{', '.join(p.pattern for p in catch_all)}. Keep only one."
            )
        self._catch_all = catch_all[0] if catch_all else None
        self._patterns = tuple(p for p in ranked if p is not self._catch_all)
        self._runtime = self._build(runtime_patterns or {})

    @staticmethod
    def _build(patterns: dict[str, dict[str, Any]]) -> list[FactoryPattern]:
        built = []
        for pattern in sorted(patterns, key=pattern_rank):
            config = patterns[pattern]
            if not isinstance(config, dict):
                raise CatalogConfigError(
                    f"Dataset factory '{pattern}' is not a mapping (got {type(config).__name__})."
                )
            names = set(_PLACEHOLDER_RE.findall(pattern))
            unknown = _config_placeholders(config, set()) - names
            if unknown:
                raise CatalogConfigError(
                    f"Dataset factory '{pattern}': placeholders {sorted(unknown)} in its config "
                    f"do not appear in the pattern (available: {sorted(names)})."
                )
            regex, groups = _compile(pattern)
            built.append(FactoryPattern(pattern, config, regex, groups))
        return built

    def list_patterns(self) -> list[str]:
        """User patterns in rank order, then the catch-all, then runtime patterns."""
        names = [p.pattern for p in self._patterns]
        if self._catch_all is not None:
            names.append(self._catch_all.pattern)
        return names + [p.pattern for p in self._runtime if p.pattern not in names]

    def user_patterns(self) -> dict[str, dict[str, Any]]:
        """The user's patterns and their (unresolved) configs, catch-all included."""
        found = list(self._patterns) + ([self._catch_all] if self._catch_all else [])
        return {p.pattern: p.config for p in found}

    @property
    def catch_all(self) -> str | None:
        """The user's catch-all pattern, if any."""
        return self._catch_all.pattern if self._catch_all else None

    def _first(
        self, candidates: Iterable[FactoryPattern], name: str
    ) -> tuple[FactoryPattern, dict[str, str]] | None:
        for candidate in candidates:
            values = candidate.match(name)
            if values is not None:
                return candidate, values
        return None

    def match(
        self, name: str, *, runtime: bool = False, catch_all: bool = True
    ) -> tuple[FactoryPattern, dict[str, str]] | None:
        """The best pattern for ``name``: user patterns, then (unless ``catch_all=False``)
        the catch-all, then (only with ``runtime=True``) the runtime patterns."""
        found = self._first(self._patterns, name)
        if found is None and catch_all and self._catch_all is not None:
            found = self._first((self._catch_all,), name)
        if found is None and runtime:
            found = self._first(self._runtime, name)
        return found

    def match_pattern(self, name: str) -> str | None:
        """Name of the best non-runtime pattern for ``name`` (like Kedro's
        ``match_dataset_pattern`` followed by ``match_user_catch_all_pattern``)."""
        found = self.match(name)
        return found[0].pattern if found else None

    def resolve(self, name: str, *, runtime: bool = False) -> tuple[str, dict[str, Any]] | None:
        """``(pattern, config)`` for ``name`` with placeholders filled, or None."""
        found = self.match(name, runtime=runtime)
        if found is None:
            return None
        factory, values = found
        try:
            return factory.pattern, substitute(factory.config, values)
        except (KeyError, ValueError, IndexError) as exc:
            raise CatalogConfigError(
                f"Dataset factory '{factory.pattern}' could not fill its "
                f"config for '{name}': {exc!r}."
            ) from exc
