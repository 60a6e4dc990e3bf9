"""Pruning run records, and optionally the dataset versions the pruned runs wrote.

A dataset version is deleted only when a pruned run wrote it and no kept run read or wrote it,
so a model a recent run still loads survives the pruning of the run that trained it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kedro_nb.project.errors import RunRecordError
from kedro_nb.project.records import RunRecord, RunStore

if TYPE_CHECKING:
    from kedro_nb.io.protocol import CatalogProtocol

__all__ = ["DataVersion", "PrunePlan", "delete_data", "plan_prune"]


@dataclass
class DataVersion:
    """One version folder of a versioned dataset that pruning would delete."""

    dataset: str
    version: str
    location: str
    fs: Any = field(repr=False, default=None)


@dataclass
class PrunePlan:
    """What ``kedro-nb runs --prune`` deletes: records, and with ``--with-data`` versions.

    Attributes:
        pruned: the records to delete (older than the ``keep`` newest).
        kept: how many records stay.
        data: dataset versions only pruned runs used (filled by :func:`plan_prune` when
            ``catalog`` is given).
        skipped: ``dataset@version`` of pruned runs' versions that cannot be deleted (the
            dataset left the catalog, or is not stored as version folders).
    """

    pruned: list[RunRecord]
    kept: int
    data: list[DataVersion] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def plan_prune(store: RunStore, keep: int, catalog: CatalogProtocol | None = None) -> PrunePlan:
    """The records beyond the ``keep`` newest, and, given the project's ``catalog``, the
    dataset versions only they used."""
    if keep < 0:
        raise RunRecordError(f"--keep must be 0 or more, got {keep}.")
    records = store.list(None)
    kept, pruned = records[:keep], records[keep:]
    plan = PrunePlan(pruned, len(kept))
    if catalog is None:
        return plan
    in_use = {(name, v) for record in kept for name, v in record.versions.items()}
    in_use |= {(name, v) for record in kept for name, v in record.loaded_versions.items()}
    seen: set[tuple[str, str]] = set()
    for record in pruned:
        for name, version in record.saved_versions.items():
            if (name, version) in in_use or (name, version) in seen:
                continue
            seen.add((name, version))
            found = _version_folder(catalog, name, version)
            if found is None:
                plan.skipped.append(f"{name}@{version}")
            elif found.fs.exists(found.location):
                plan.data.append(found)
    return plan


def _version_folder(catalog: CatalogProtocol, name: str, version: str) -> DataVersion | None:
    try:
        dataset = catalog.get(name) if name in catalog else None
    except Exception:  # an entry that no longer builds: its data cannot be located
        return None
    versioned_path = getattr(dataset, "_get_versioned_path", None)
    fs = getattr(dataset, "fs", None)
    if dataset is None or versioned_path is None or fs is None:
        return None
    try:
        folder = versioned_path(version).parent  # <filepath>/<version>/<name>
    except Exception:
        return None
    location = dataset._fs_path(folder) if hasattr(dataset, "_fs_path") else str(folder)
    return DataVersion(name, version, location, fs)


def delete_data(plan: PrunePlan) -> list[str]:
    """Delete the version folders of ``plan``; returns the problems (one line each)."""
    problems = []
    for item in plan.data:
        try:
            item.fs.rm(item.location, recursive=True)
        except Exception as exc:
            problems.append(f"{item.dataset}@{item.version} ({item.location}): {exc}")
    return problems
