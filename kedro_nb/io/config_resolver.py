"""``CatalogConfigResolver``: Kedro 1.7's view of a catalog's configuration (dataset factory
patterns, credentials), for code that reads ``catalog.config_resolver`` or builds a resolver
itself. The matching is :class:`~kedro_nb.io.factories.FactoryResolver`'s; this class only
presents it under Kedro's names."""

from __future__ import annotations

import copy
from typing import Any

from kedro_nb.io.builder import CREDENTIALS_KEY, resolve_credentials
from kedro_nb.io.factories import FactoryResolver, is_pattern, specificity

__all__ = ["DEFAULT_RUNTIME_PATTERN", "CatalogConfigResolver"]

#: what an undeclared name becomes at run time (Kedro's default runtime pattern)
DEFAULT_RUNTIME_PATTERN: dict[str, dict[str, Any]] = {"{default}": {"type": "MemoryDataset"}}


class CatalogConfigResolver:
    """Dataset factory patterns and credentials of one catalog configuration.

    Args:
        config: dataset name or factory pattern -> entry config (parsed ``catalog.yml``).
        credentials: credentials name -> credentials.
        default_runtime_patterns: patterns for names nothing else matches (default:
            :data:`DEFAULT_RUNTIME_PATTERN`).
    """

    def __init__(
        self,
        config: dict[str, dict[str, Any]] | None = None,
        credentials: dict[str, dict[str, Any]] | None = None,
        default_runtime_patterns: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        config = dict(config or {})
        self._credentials = dict(credentials or {})
        self._default_runtime_patterns = dict(default_runtime_patterns or DEFAULT_RUNTIME_PATTERN)
        patterns = {k: v for k, v in config.items() if is_pattern(k)}
        self._factories = FactoryResolver(patterns, self._default_runtime_patterns)
        self._resolved_configs: dict[str, dict[str, Any]] = {
            name: self._with_credentials(name, entry)
            for name, entry in config.items()
            if not is_pattern(name) and not name.startswith("_")
        }

    @property
    def config(self) -> dict[str, dict[str, Any]]:
        """Declared (non-pattern) entries with their credentials filled in."""
        return self._resolved_configs

    @staticmethod
    def is_pattern(pattern: str) -> bool:
        """Whether a catalog key is a dataset factory pattern (it contains ``{``)."""
        return is_pattern(pattern)

    def list_patterns(self) -> list[str]:
        """User patterns in matching order, then the catch-all, then runtime patterns."""
        return self._factories.list_patterns()

    def match_dataset_pattern(self, ds_name: str) -> str | None:
        """The first user pattern (catch-all excluded) matching ``ds_name``."""
        found = self._factories.match(ds_name, catch_all=False)
        return found[0].pattern if found else None

    def match_user_catch_all_pattern(self, ds_name: str) -> str | None:
        """The user's catch-all pattern when it matches ``ds_name``."""
        found = self._factories.match(ds_name)
        if found is None or specificity(found[0].pattern) != 0:
            return None
        return found[0].pattern

    def match_runtime_pattern(self, ds_name: str) -> str:
        """The runtime pattern for ``ds_name`` (one always matches)."""
        return next(iter(self._default_runtime_patterns))

    def resolve_pattern(self, ds_name: str) -> dict[str, Any]:
        """The config ``ds_name`` gets: its declared entry, else the best pattern's with the
        placeholders filled, else the runtime pattern's; credentials filled in."""
        if ds_name in self._resolved_configs:
            return self._resolved_configs[ds_name]
        resolved = self._factories.resolve(ds_name, runtime=True)
        if resolved is None:
            return {}
        config: dict[str, Any] = self._with_credentials(ds_name, resolved[1])
        return config

    def _with_credentials(self, name: str, entry: Any) -> Any:
        if not isinstance(entry, dict):
            return copy.deepcopy(entry)
        return resolve_credentials(name, entry, self._credentials)[0]

    @staticmethod
    def _unresolve_credentials(
        cred_name: str, ds_config: dict[str, Any] | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """``ds_config`` with its (first) credentials replaced by the name
        ``<cred_name>_credentials``, and ``{that name: the credentials}`` (Kedro's naming in
        ``to_config``)."""
        config = copy.deepcopy(ds_config) or {}
        found: dict[str, Any] = {}
        reference = f"{cred_name}_{CREDENTIALS_KEY}"

        def walk(node: dict[str, Any]) -> bool:
            for key, value in node.items():
                if key == CREDENTIALS_KEY and value:
                    found[reference] = value
                    node[key] = reference
                    return True
                if isinstance(value, dict) and walk(value):
                    return True
            return False

        walk(config)
        return config, found
