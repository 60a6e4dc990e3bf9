"""Finding configuration files in one environment folder and reading them.

Semantics follow Kedro's ``OmegaConfigLoader``: glob patterns relative to the folder
(``catalog*``, ``catalog*/**``, ``**/catalog*``), only ``.yml``/``.yaml``/``.json`` files,
hidden files and folders ignored, and a key defined in two files of one folder is an error.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kedro_nb.config.errors import ConfigSyntaxError, DuplicateConfigKeyError

CONFIG_SUFFIXES = (".yml", ".yaml", ".json")


def find_config_files(folder: Path, patterns: Sequence[str]) -> list[Path]:
    """Files under ``folder`` matching any of ``patterns``, sorted, without hidden parts."""
    found: set[Path] = set()
    for pattern in patterns:
        for match in glob.glob(os.path.join(glob.escape(str(folder)), pattern), recursive=True):
            path = Path(match)
            if path.suffix not in CONFIG_SUFFIXES or not path.is_file():
                continue
            if any(part.startswith(".") for part in path.relative_to(folder).parts):
                continue
            found.add(path)
    return sorted(found)


def yaml_error_message(path: str | os.PathLike[str], exc: Exception) -> str:
    """One line for a YAML file PyYAML could not parse: file, line, column, problem and fix.

    The line itself is never quoted (in a credentials file it may hold a secret).
    """
    import yaml

    if not isinstance(exc, yaml.MarkedYAMLError):
        return f"Malformed YAML in {path}: {type(exc).__name__}."
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
    problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
    fix = (
        "Remove or rename one of the two entries."
        if "duplicate key" in problem
        else "Fix the syntax at that line (check indentation, unclosed brackets or "
        "quotes, a missing ':')."
    )
    return f"Malformed YAML in {path}, {where}: {problem}. {fix}"


def read_config_file(path: Path) -> Any:
    """Parse one YAML/JSON file into an OmegaConf ``DictConfig`` (unresolved).

    Raises ConfigSyntaxError with the file, line and column when the text is malformed or the
    top level is not a mapping.
    """
    import yaml
    from omegaconf import DictConfig, OmegaConf

    try:
        config = OmegaConf.load(path)
    except yaml.YAMLError as exc:
        # ``from None``: the YAML error's own text quotes the offending line, which in a
        # credentials file may hold a secret; file, line, column and problem say enough.
        raise ConfigSyntaxError(yaml_error_message(path, exc)) from None
    except UnicodeDecodeError as exc:
        raise ConfigSyntaxError(f"Cannot read {path}: not UTF-8 text ({exc.reason}).") from exc
    if not isinstance(config, DictConfig):
        raise ConfigSyntaxError(
            f"{path} holds a {type(config).__name__.replace('Config', '').lower()} at its top "
            "level; a configuration file must hold a mapping of keys to values."
        )
    return config


def _leaf_keys(mapping: Any, prefix: str = "") -> Iterable[str]:
    for key, value in mapping.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            yield from _leaf_keys(value, dotted + ".")
        else:
            yield dotted


def check_no_duplicates(per_file: dict[Path, Any], *, nested: bool) -> None:
    """Raise DuplicateConfigKeyError when two files of one folder define the same key.

    Top-level keys are compared, or, with ``nested`` (parameters), the full dotted keys, so two
    files may each add entries to one parameter group. Keys starting with ``_`` are exempt.
    The configs are plain dicts or OmegaConf ``DictConfig``s.
    """
    seen: dict[str, Path] = {}
    clashes: list[str] = []
    for path, config in per_file.items():
        if nested:
            if not isinstance(config, dict):
                from omegaconf import OmegaConf

                config = OmegaConf.to_container(config, resolve=False)
            keys = _leaf_keys(config)
        else:
            keys = (str(key) for key in config)
        for key in keys:
            if key.split(".")[0].startswith("_"):
                continue
            if key in seen:
                clashes.append(f"key {key!r} is defined in both {seen[key]} and {path}")
            else:
                seen[key] = path
    if clashes:
        listed = "; ".join(clashes[:10]) + (
            f"; and {len(clashes) - 10} more" if len(clashes) > 10 else ""
        )
        raise DuplicateConfigKeyError(
            f"Duplicate configuration: {listed}. Files of one environment folder must not "
            "define the same key: keep it in one file, or move the override to another environment."
        )
