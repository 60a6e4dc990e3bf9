"""Which datasets the catalog declares, and the entries a conversion proposes for its outputs.

Only dataset *names* matter to the analysis, so the YAML files are read directly (no credentials,
no interpolation). Proposals go to ``proposed_catalog_<pipeline>.yml``, a name no catalog pattern
matches, so a proposal never changes how the pipeline runs until the user accepts it (``kedro-nb
convert --accept-catalog``, or renaming the file). Entries are appended as text, so comments and
entries already in a file survive; an entry that exists with other content is a
:class:`~kedro_nb.convert.errors.CatalogConflictError`, never silently replaced; a name any
catalog file declares is never proposed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from kedro_nb.convert.errors import CatalogConfigurationError, CatalogConflictError

_SUFFIXES = (".yml", ".yaml")


def catalog_files(folders: Iterable[Path], *, recursive: bool) -> list[Path]:
    """``catalog*.yml`` files in ``folders`` (and below, when ``recursive``), sorted."""
    found: set[Path] = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        candidates = folder.rglob("*") if recursive else folder.iterdir()
        for path in candidates:
            in_catalog_dir = any(
                p.name.startswith("catalog") for p in path.relative_to(folder).parents
            )
            if (
                path.is_file()
                and path.suffix in _SUFFIXES
                and (path.name.startswith("catalog") or (recursive and in_catalog_dir))
            ):
                found.add(path)
    return sorted(found)


_CHECKED: dict[tuple[object, ...], None] = {}


def check_catalog_config(conf_source: Path, *, standalone: bool) -> None:
    """Read the catalog as ``kedro-nb run`` does and raise its error, unchanged, wrapped in
    :class:`CatalogConfigurationError`: malformed YAML (file, line, column), duplicate keys,
    entries without a ``type``, unknown dataset types. ``standalone`` is a lone notebook's
    folder; otherwise ``conf_source`` is a project's ``conf`` (base + local). Passing checks are
    remembered while the files are unchanged."""
    files = catalog_files(
        [conf_source] if standalone else sorted(conf_source.glob("*")), recursive=not standalone
    )
    key = (conf_source, standalone, *((f, f.stat().st_mtime_ns, f.stat().st_size) for f in files))
    if key in _CHECKED or not files:
        return
    from kedro_nb.config import ConfigError, ConfigLoader, ConfigSourceError, MissingConfigError
    from kedro_nb.io import DatasetError
    from kedro_nb.io.builder import check_entry
    from kedro_nb.io.registry import resolve_type

    loader = (
        ConfigLoader.standalone(conf_source)
        if standalone
        else ConfigLoader(conf_source, base_env="base", default_run_env="local")
    )
    try:
        entries = loader["catalog"]
        for name, config in entries.items():
            if str(name).startswith("_"):
                continue
            check_entry(str(name), config)
            resolve_type(config["type"], entry=str(name))
    except ConfigSourceError as exc:
        raise CatalogConfigurationError(str(exc)) from exc
    except MissingConfigError:
        return
    except (ConfigError, DatasetError) as exc:
        raise CatalogConfigurationError(str(exc)) from exc
    _CHECKED[key] = None


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CACHE: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def _read(path: Path) -> dict[str, Any]:
    """Parsed YAML mapping of ``path`` ({} when unreadable), cached while the file is unchanged."""
    try:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        cached = _CACHE.get(path)
        if cached and cached[0] == key:
            return copy.deepcopy(cached[1])
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    except (OSError, yaml.YAMLError):
        return {}
    data = data if isinstance(data, dict) else {}
    _CACHE[path] = (key, data)
    return copy.deepcopy(data)


class DeclaredDatasets:
    """Names (and dataset factory patterns such as ``"{name}_csv"``) the catalog declares."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names: set[str] = set()
        self.patterns: list[re.Pattern[str]] = []
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        if name.startswith("_"):
            return
        if "{" in name:
            regex = re.sub(r"\\\{[^}]*\\\}", ".+", re.escape(name))
            self.patterns.append(re.compile(f"^{regex}$"))
        else:
            self.names.add(name)

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> DeclaredDatasets:
        declared = cls()
        for path in paths:
            for name in _read(path):
                declared.add(str(name))
        return declared

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (
            name in self.names or any(p.match(name) for p in self.patterns)
        )


def dataset_entry(name: str, value: Any = None, *, folder: str = "data") -> dict[str, Any]:
    """The entry proposed for output ``name``: Parquet for a DataFrame value, else pickle."""
    is_frame = type(value).__name__ == "DataFrame" and type(value).__module__.startswith("pandas")
    if is_frame:
        return {"type": "pandas.ParquetDataset", "filepath": f"{folder}/{name}.parquet"}
    return {"type": "pickle.PickleDataset", "filepath": f"{folder}/{name}.pkl"}


def proposal_file(pipeline: str) -> str:
    """The file name of a pipeline's proposed entries (``catalog*`` patterns never match it)."""
    return f"proposed_catalog_{pipeline}.yml"


def propose_entries(
    path: Path,
    proposals: Mapping[str, dict[str, Any]],
    *,
    declared: DeclaredDatasets,
    informed: Iterable[str] = (),
) -> str | None:
    """The new text of proposal file ``path``: ``proposals`` not ``declared`` elsewhere added,
    and earlier proposals that a catalog file now declares dropped (None: nothing changes)."""
    existing = _read(path) if path.is_file() else {}
    stale = [name for name in existing if name in declared]
    if stale:
        kept = {k: v for k, v in existing.items() if k not in declared}
        fresh = {k: v for k, v in proposals.items() if k not in declared and k not in kept}
        entries = {**kept, **fresh}
        return yaml.safe_dump(entries, sort_keys=False, default_flow_style=False) if entries else ""
    skip = [name for name in proposals if name in declared]
    return merge_entries(path, proposals, skip=skip, informed=informed)


def merge_proposals(earlier: str, later: str, declared: DeclaredDatasets) -> str:
    """One proposal file's text from an ``earlier`` proposal and a ``later`` one: the earlier
    entries as written (the user may have edited them), then the later entries it lacks; a
    name a catalog file declares is dropped from both, as :func:`propose_entries` does."""

    def parse(text: str) -> dict[str, Any]:
        data = yaml.load(text, Loader=_LOADER) if text.strip() else {}
        return data if isinstance(data, dict) else {}

    old, new = parse(earlier), parse(later)
    text = earlier
    if any(str(name) in declared for name in old):
        kept = {k: v for k, v in old.items() if str(k) not in declared}
        text = yaml.safe_dump(kept, sort_keys=False, default_flow_style=False) if kept else ""
    added = {k: v for k, v in new.items() if k not in old and str(k) not in declared}
    if not added:
        return text
    return _appended(text, added)


def accept_entries(proposal: str, accepted: Path, declared: DeclaredDatasets) -> str | None:
    """The new text of ``accepted`` (``catalog_<pipeline>.yml``) taking the entries of
    ``proposal`` text that no catalog file declares yet (None: nothing to add). When the file
    does not exist yet and every entry is new, the proposal's text is kept as written."""
    entries = yaml.load(proposal, Loader=_LOADER) or {} if proposal.strip() else {}
    new = {k: v for k, v in entries.items() if str(k) not in declared}
    if not new:
        return None
    if not accepted.is_file() and len(new) == len(entries):
        return proposal
    return merge_entries(accepted, new)


def merge_entries(
    path: Path,
    proposals: Mapping[str, dict[str, Any]],
    *,
    skip: Iterable[str] = (),
    informed: Iterable[str] = (),
) -> str | None:
    """The new text of ``path`` with ``proposals`` added, or None when nothing changes.

    An entry already in the file is never overwritten: it is kept as is, except that a proposal
    made from a runtime value (names in ``informed``) that disagrees with it is a conflict. Names
    in ``skip`` (declared elsewhere) are not proposed.
    """
    informed = set(informed)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    existing = _read(path) if text else {}
    skipped = set(skip)
    new: dict[str, dict[str, Any]] = {}
    for name, entry in proposals.items():
        if name in skipped:
            continue
        if name in existing:
            if name in informed and existing[name] != entry:
                raise CatalogConflictError(
                    f"Catalog entry {name!r} in {path} is {existing[name]!r}, but the conversion "
                    f"proposes {entry!r}. Remove the entry from {path.name} to let kedro-nb "
                    "write it, or move it to catalog.yml to keep yours."
                )
            continue
        new[name] = entry
    if not new:
        return None
    return _appended(text, new)


def _appended(text: str, entries: Mapping[str, Any]) -> str:
    """``text`` (a catalog file's content, kept byte for byte) with ``entries`` added at its end
    as one YAML block, after a blank line when ``text`` holds anything."""
    block: str = yaml.safe_dump(dict(entries), sort_keys=False, default_flow_style=False)
    if text and not text.endswith("\n"):
        text += "\n"
    return text + ("\n" if text else "") + block
