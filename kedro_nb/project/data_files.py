"""Helpful misses: a dataset the catalog lacks whose name matches a data file nearby.

``catalog.load("sales")`` with no entry, while ``sales.csv`` sits beside the notebook (or
``data/01_raw/sales.csv`` in a project), is nearly always a missing catalog entry. The session
gives each catalog it builds a :class:`DataFileHint`; the catalog adds its answer to the "not
found" error, and the runner to its missing-inputs error: the entry to add, as YAML ready to
paste, and the file to paste it into. Only file names are looked at, never their content.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: File suffix -> the dataset type Kedro's catalog would use for it.
DATASET_BY_SUFFIX = {
    ".csv": "pandas.CSVDataset",
    ".parquet": "pandas.ParquetDataset",
    ".pq": "pandas.ParquetDataset",
    ".feather": "pandas.FeatherDataset",
    ".xlsx": "pandas.ExcelDataset",
    ".xls": "pandas.ExcelDataset",
    ".json": "json.JSONDataset",
    ".yml": "yaml.YAMLDataset",
    ".yaml": "yaml.YAMLDataset",
    ".pkl": "pickle.PickleDataset",
    ".pickle": "pickle.PickleDataset",
    ".txt": "text.TextDataset",
}
#: Files looked at under ``data/`` at most: a huge data folder must not stall an error message.
MAX_FILES_SEEN = 5000
DATA_DIR = "data"


@dataclass(frozen=True)
class DataFileHint:
    """Finds data files named like a missing dataset under ``root`` (beside it and in
    ``root/data``) and proposes the entry for ``catalog_file``. Picklable, so a catalog that
    travels to worker processes keeps it."""

    root: Path
    catalog_file: Path

    def matches(self, name: str) -> list[Path]:
        """Data files whose name without suffix is ``name`` (any case), nearest first."""
        wanted = name.lower()
        found = [
            path
            for path in _files_beside(self.root)
            if path.stem.lower() == wanted and path.suffix.lower() in DATASET_BY_SUFFIX
        ]
        seen = 0
        for folder, dirs, files in os.walk(self.root / DATA_DIR):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for file in sorted(files):
                seen += 1
                path = Path(folder) / file
                if path.stem.lower() == wanted and path.suffix.lower() in DATASET_BY_SUFFIX:
                    found.append(path)
            if seen > MAX_FILES_SEEN:
                break
        return found

    def __call__(self, name: str) -> str | None:
        """The text to add to a "not found" error, or None when no file matches."""
        found = self.matches(name)
        if not found:
            return None
        path = found[0]
        relative = path.relative_to(self.root).as_posix()
        entry = (
            f"{name}:\n  type: {DATASET_BY_SUFFIX[path.suffix.lower()]}\n  filepath: {relative}\n"
        )
        others = ", ".join(p.relative_to(self.root).as_posix() for p in found[1:])
        also = f" (also found: {others})" if others else ""
        try:
            where = self.catalog_file.relative_to(self.root).as_posix()
        except ValueError:
            where = str(self.catalog_file)
        return f"Found {relative}{also}: declare it in {where} with\n\n{entry}"


def _files_beside(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_file())
    except OSError:
        return []
