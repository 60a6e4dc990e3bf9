"""Runtime parameters: parse `--params a.b=1,c=x` as Kedro does; nest dotted keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kedro_nb.config.errors import RuntimeParamsError


def split_top_level(text: str) -> list[str]:
    """Split ``text`` on commas that are not inside ``[...]``, ``{...}`` or ``(...)``,
    so list values (``--params ids=[1,2]``) and Kedro's default node names survive."""
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in "[{(":
            depth += 1
        elif char in "]})":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return [item for item in items if item]


def parse_params(text: str) -> dict[str, Any]:
    """Parse ``"a.b=1,name=x,flag=true"`` into ``{"a": {"b": 1}, "name": "x", "flag": True}``.

    Values are typed as Kedro's ``kedro run --params`` types them (OmegaConf's YAML scalars:
    ints, floats, booleans, ``null``, lists); a value may contain ``=`` or ``:``, a key may not
    be empty. Dotted keys update nested parameters instead of replacing the whole group.
    """
    if not text.strip():
        return {}
    from omegaconf import OmegaConf

    dotlist: list[str] = []
    for item in split_top_level(text):
        key, sep, value = item.partition("=")
        if not sep:
            raise RuntimeParamsError(
                f"Invalid parameter {item!r} in --params {text!r}: expected key=value "
                "pairs separated by commas, e.g. --params model.alpha=0.1,name=x."
            )
        if not key.strip():
            raise RuntimeParamsError(
                f"Invalid parameter {item!r} in --params {text!r}: the key before '=' is empty."
            )
        dotlist.append(f"{key.strip()}={value}")
    try:
        container = OmegaConf.to_container(OmegaConf.from_dotlist(dotlist))
    except Exception as exc:  # OmegaConf's grammar errors
        raise RuntimeParamsError(f"Cannot parse --params {text!r}: {exc}") from exc
    return dict(container)  # type: ignore[arg-type]


def nest_dotted(params: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``params`` with dotted keys (``{"a.b": 1}``) expanded into nested dicts
    (``{"a": {"b": 1}}``), merging with siblings, so runtime params update one nested value."""
    nested: dict[str, Any] = {}
    for key, value in params.items():
        target = nested
        *parents, leaf = str(key).split(".")
        for part in parents:
            existing = target.get(part)
            if not isinstance(existing, dict):
                existing = target[part] = {}
            target = existing
        if isinstance(value, Mapping):
            value = nest_dotted(value)
            if isinstance(target.get(leaf), dict):
                target[leaf] = deep_merge(target[leaf], value)
                continue
        target[leaf] = value
    return nested


def deep_merge(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """A new dict: ``base`` updated by ``update``, recursing into dicts present in both."""
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
