"""``AbstractConfigLoader``: the base class Kedro gives custom configuration loaders."""

from __future__ import annotations

from collections import UserDict
from pathlib import Path
from typing import Any

__all__ = ["AbstractConfigLoader"]


class AbstractConfigLoader(UserDict):  # type: ignore[type-arg]
    """Base of a hand-written configuration loader, as in Kedro: a dict of configuration
    keys with ``conf_source``, ``env`` and ``runtime_params`` kept as given. A subclass
    overrides ``__getitem__``; :class:`~kedro_nb.config.ConfigLoader` counts as one
    (``isinstance`` holds), as Kedro's ``OmegaConfigLoader`` does."""

    def __init__(
        self,
        conf_source: str | Path,
        env: str | None = None,
        runtime_params: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.conf_source = conf_source
        self.env = env
        self.runtime_params = runtime_params or {}

    def get(self, key: str, default: Any = None) -> Any:
        """``self[key]``, or ``default`` on ``KeyError`` (through the subclass's
        ``__getitem__``, on every Python version)."""
        try:
            return self[key]
        except KeyError:
            return default
