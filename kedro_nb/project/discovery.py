"""Finding a project's root and reading its metadata from ``pyproject.toml``.

A kedro-nb project declares ``[tool.kedro_nb]`` (every key optional: ``package_name``,
``source_dir`` = ``"src"``, ``conf_source`` = ``"conf"``); a Kedro project declares
``[tool.kedro]`` with ``package_name`` (and optionally ``source_dir``). Both run unchanged; with
both tables, ``[tool.kedro_nb]``'s keys win over ``[tool.kedro]``'s.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kedro_nb.project.errors import ProjectMetadataError

PYPROJECT = "pyproject.toml"
_TABLES = ("kedro_nb", "kedro")


@dataclass(frozen=True)
class ProjectMetadata:
    """What ``pyproject.toml`` says about a project.

    Attributes:
        project_path: the folder holding ``pyproject.toml``.
        package_name: the importable package under ``source_dir`` (None: conf and notebooks only).
        source_dir: the folder put on ``sys.path`` so the package imports.
        conf_source: the configuration folder (settings.py's ``CONF_SOURCE`` may override it).
        flavour: ``"kedro_nb"`` or ``"kedro"``, the table the metadata came from.
        incremental: ``[tool.kedro_nb.runner] incremental``: runs are incremental by default.
    """

    project_path: Path
    package_name: str | None
    source_dir: Path
    conf_source: Path
    flavour: str
    incremental: bool = False


def _load_toml(path: Path, data: bytes) -> dict[str, Any]:
    """``data`` (the bytes of ``path``) parsed, or the values the project's cache kept for
    these exact bytes (:mod:`kedro_nb.config.parsed_cache`, when ``.kedro_nb`` exists beside
    it): importing the TOML parser and reading the file cost a kernel start about 1.5 ms."""
    from kedro_nb.config.parsed_cache import ParsedCache
    from kedro_nb.project.state_folder import STATE_DIR

    folder = path.parent / STATE_DIR
    cache = ParsedCache.in_folder(folder) if folder.is_dir() else None
    if cache is not None:
        kept = cache.lookup(str(path), data)
        if kept is not None:
            return kept
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        parsed: dict[str, Any] = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProjectMetadataError(f"Cannot parse {path}: {exc}. Fix the TOML syntax.") from exc
    if cache is not None:
        cache.store(str(path), data, parsed)  # dates and times cannot be kept: parsed anew
    return parsed


def _project_table(path: Path) -> tuple[str, dict[str, Any]] | None:
    # A cheap text check first: most pyproject.toml files met on the way up are not ours.
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b"tool.kedro" not in data:
        return None
    tools = _load_toml(path, data).get("tool", {})
    tables = [flavour for flavour in _TABLES if isinstance(tools.get(flavour), dict)]
    if not tables:
        return None
    # Both tables (a Kedro project kedro-nb remembers settings in): Kedro's keys apply unless
    # [tool.kedro_nb] sets them too.
    merged: dict[str, Any] = {}
    for flavour in reversed(tables):
        merged.update(tools[flavour])
    return tables[0], merged


def find_project_root(start: str | Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: the working directory) whose
    ``pyproject.toml`` has a ``[tool.kedro_nb]`` or ``[tool.kedro]`` table, or None."""
    current = Path(start or Path.cwd()).expanduser().resolve()
    if current.is_file():
        current = current.parent
    for folder in (current, *current.parents):
        candidate = folder / PYPROJECT
        if candidate.is_file() and _project_table(candidate) is not None:
            return folder
    return None


def read_metadata(project_path: str | Path) -> ProjectMetadata:
    """Read ``project_path/pyproject.toml``; raises ProjectMetadataError when it is not a
    project file or the package it names does not exist under ``source_dir``."""
    root = Path(project_path).expanduser().resolve()
    found = _project_table(root / PYPROJECT) if (root / PYPROJECT).is_file() else None
    if found is None:
        raise ProjectMetadataError(
            f"{root} is not a kedro-nb project: no {PYPROJECT} with a [tool.kedro_nb] or "
            "[tool.kedro] table there. Add '[tool.kedro_nb]' to its pyproject.toml, or run "
            "from inside a project."
        )
    flavour, table = found
    where = f"[tool.{flavour}] of {root / PYPROJECT}"
    source_dir = (root / str(table.get("source_dir", "src"))).resolve()
    conf_source = (root / str(table.get("conf_source", "conf"))).resolve()
    package_name = table.get("package_name")
    if package_name is not None and not isinstance(package_name, str):
        raise ProjectMetadataError(f"package_name in {where} must be a string.")
    if flavour == "kedro" and not package_name:
        raise ProjectMetadataError(
            f"{where} has no package_name; Kedro projects name their package there."
        )
    if not package_name:
        package_name = _guess_package(source_dir)
    elif not (source_dir / package_name).is_dir():
        raise ProjectMetadataError(
            f"Package {package_name!r} named in {where} not found: {source_dir / package_name} "
            "does not exist. Fix package_name or source_dir."
        )
    runner = table.get("runner", {})
    incremental = runner.get("incremental", False) if isinstance(runner, dict) else None
    if not isinstance(incremental, bool):
        raise ProjectMetadataError(
            f"runner.incremental in {where} must be true or false, got {incremental!r}."
        )
    return ProjectMetadata(root, package_name, source_dir, conf_source, flavour, incremental)


def _guess_package(source_dir: Path) -> str | None:
    """The single package under ``source_dir`` holding a registry, settings or pipelines."""
    if not source_dir.is_dir():
        return None
    markers = ("pipeline_registry.py", "settings.py", "pipelines")
    candidates = [
        child.name
        for child in sorted(source_dir.iterdir())
        if child.is_dir() and any((child / marker).exists() for marker in markers)
    ]
    return candidates[0] if len(candidates) == 1 else None
