"""Building a run's catalog from configuration the way Kedro's context does: absolute data
paths, ``params:`` inputs checked before a run."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from kedro_nb.project.errors import SessionError
from kedro_nb.shared import PARAMS_PREFIX, closest

if TYPE_CHECKING:
    from kedro_nb.io.protocol import CatalogProtocol
    from kedro_nb.pipeline import Pipeline

_PATH_KEYS = ("filepath", "filename", "path")


def _is_relative(path: str) -> bool:
    if PureWindowsPath(path).drive or urlparse(path).scheme:
        return False
    return not PurePosixPath(path).is_absolute()


def absolute_paths(root: Path, config: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of catalog ``config`` where relative ``filepath``/``filename``/``path`` values
    (at any depth) are made absolute under ``root``, so datasets do not depend on the working
    directory (a notebook's kernel may run anywhere)."""
    result: dict[str, Any] = {}
    for key, value in config.items():
        if isinstance(value, Mapping):
            result[key] = absolute_paths(root, value)
        elif key in _PATH_KEYS and isinstance(value, str) and _is_relative(value):
            result[key] = (root / value).as_posix()
        else:
            result[key] = value
    return result


def check_parameters(
    pipeline: Pipeline, catalog: CatalogProtocol, parameters: Mapping[str, Any]
) -> None:
    """Fail before any node runs when a node reads ``params:<key>`` that no parameters file
    defines; the message names the node and the closest keys."""
    known = sorted(_dotted_keys(parameters))
    problems = []
    for node in pipeline.nodes:
        for name in node.inputs:
            if name.startswith(PARAMS_PREFIX) and name not in catalog:
                key = name.partition(":")[2]
                close = closest(key, known)
                hint = f" (closest: {', '.join(close)})" if close else ""
                problems.append(f"node '{node.name}' reads '{name}'{hint}")
    if problems:
        raise SessionError(
            f"Undefined parameters: {'; '.join(problems)}. Define them in parameters.yml "
            "(conf/base or your env), or pass --params key=value."
        )


def _dotted_keys(parameters: Mapping[str, Any], prefix: str = "") -> Iterable[str]:
    for key, value in parameters.items():
        yield f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _dotted_keys(value, f"{prefix}{key}.")
