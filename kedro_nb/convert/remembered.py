"""Conversion settings remembered per notebook in the project's ``pyproject.toml``.

The first conversion of a notebook in a project records its target, pipeline name (when one was
chosen) and destination folder under ``[tool.kedro_nb.notebooks."<path>"]``, the notebook's path
relative to the project root. Later conversions, ``--check``, ``sync``, the Lab commands and the
advice they print use them, so a bare ``kedro-nb convert NOTEBOOK`` always repeats the conversion
the files on disk came from. A flag given on the command line wins and updates the record.

``pyproject.toml`` is edited with tomlkit, which keeps the user's comments, order and layout.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from kedro_nb.convert.errors import SettingsRecordError
from kedro_nb.project.discovery import PYPROJECT

#: the table under ``[tool.kedro_nb]`` holding one sub-table per notebook
NOTEBOOKS_KEY = "notebooks"


@dataclass(frozen=True)
class ConvertSettings:
    """The choices a conversion of one notebook was made with (None: not chosen)."""

    target: str | None = None
    pipeline: str | None = None
    destination: str | None = None

    def merged(self, other: ConvertSettings) -> ConvertSettings:
        """These settings, with ``other``'s filling what is unset here."""
        return ConvertSettings(
            *(getattr(self, f.name) or getattr(other, f.name) for f in fields(self))
        )

    def as_table(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


def notebook_key(root: Path, notebook: Path) -> str:
    """How a notebook is named in ``pyproject.toml``: its POSIX path relative to ``root``."""
    return Path(os.path.relpath(notebook, root)).as_posix()


def _read(root: Path) -> dict[str, Any]:
    import tomlkit
    from tomlkit.exceptions import ParseError

    path = root / PYPROJECT
    if not path.is_file():
        return {}
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8")).unwrap()
    except ParseError as exc:
        raise SettingsRecordError(f"Cannot parse {path}: {exc}. Fix the TOML syntax.") from exc


def remembered(root: Path, notebook: Path) -> ConvertSettings:
    """The settings recorded for ``notebook`` in ``root/pyproject.toml`` (empty if none)."""
    table = _read(root).get("tool", {}).get("kedro_nb", {}).get(NOTEBOOKS_KEY, {})
    entry = table.get(notebook_key(root, notebook), {}) if isinstance(table, dict) else {}
    if not isinstance(entry, dict):
        return ConvertSettings()
    where = (
        f"[tool.kedro_nb.{NOTEBOOKS_KEY}.{notebook_key(root, notebook)!r}] of {root / PYPROJECT}"
    )
    for name, value in entry.items():
        if name not in {f.name for f in fields(ConvertSettings)} or not isinstance(value, str):
            raise SettingsRecordError(
                f"{where}: {name} = {value!r} is not a conversion setting; the table holds "
                "target, pipeline and destination, each a string. Fix or remove it."
            )
    return ConvertSettings(**entry)


def record_settings(text: str, key: str, settings: ConvertSettings) -> str | None:
    """``pyproject.toml`` ``text`` recording ``settings`` for notebook ``key`` (see
    :func:`notebook_key`), or None when it already records exactly them. Everything else in the
    file is kept as written."""
    import tomlkit

    document = tomlkit.parse(text)
    tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
    ours = tool.setdefault("kedro_nb", tomlkit.table())
    notebooks = ours.setdefault(NOTEBOOKS_KEY, tomlkit.table(is_super_table=True))
    wanted = settings.as_table()
    current = notebooks.get(key)
    if current is not None and dict(current) == wanted:
        return None
    entry = tomlkit.table()
    entry.update(wanted)
    notebooks[key] = entry
    return tomlkit.dumps(document)
