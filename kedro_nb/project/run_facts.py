"""The facts a run record holds beyond timings: metrics, dataset versions, input fingerprints,
the notebook cells that ran, package versions, whether the git work tree was dirty.

Everything here runs once per run, after the runner returns, on objects the run already built
(the catalog's materialised datasets, the nodes' functions), so recording stays cheap: no
dataset is loaded except the small metrics ones, and package versions are looked up once per
process. The git status runs in a child process started before the run and read after it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from numbers import Real
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kedro_nb.io.protocol import CatalogProtocol
    from kedro_nb.pipeline import Node

__all__ = [
    "CELL_ATTRIBUTE",
    "GitStatus",
    "dataset_versions",
    "is_metrics_dataset",
    "mask_secrets",
    "metric_values",
    "node_cells",
    "node_packages",
]

#: attribute a node function built from a notebook cell carries: ``(notebook path, cell id)``
CELL_ATTRIBUTE = "__kedro_nb_cell__"
_METRICS_TYPES = ("MetricsDataset",)
_ALWAYS = ("pandas",)


class GitStatus:
    """``git status --short`` of a work tree, started now and read later, so the run does not
    wait for it. ``dirty()`` is None outside git, without a ``git`` executable, or on error."""

    def __init__(self, root: Path, in_git: bool) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        if not in_git:
            return
        try:
            self._process = subprocess.Popen(
                ["git", "status", "--short", "--no-renames"],
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},  # never take the index lock
            )
        except OSError:
            self._process = None

    def dirty(self, timeout: float = 10.0) -> bool | None:
        """Whether the work tree had changes (tracked or untracked), as Kedro's ``git.dirty``."""
        process, self._process = self._process, None
        if process is None:
            return None
        try:
            out, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return None
        return bool(out.strip()) if process.returncode == 0 else None


def is_metrics_dataset(dataset: Any) -> bool:
    """A ``tracking.MetricsDataset`` (ours or kedro-datasets'), or any dataset whose catalog
    entry says ``metadata: {kedro_nb: {metrics: true}}``."""
    if type(dataset).__name__ in _METRICS_TYPES:
        return True
    metadata = getattr(dataset, "metadata", None)
    if not isinstance(metadata, Mapping):
        return False
    own = metadata.get("kedro_nb")
    return isinstance(own, Mapping) and own.get("metrics") is True


def _numbers(prefix: str, value: Any, found: dict[str, float]) -> None:
    if isinstance(value, Real) and not isinstance(value, bool):
        found[prefix] = float(value) if not isinstance(value, int) else value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _numbers(f"{prefix}.{key}", item, found)


def metric_values(
    catalog: CatalogProtocol, outputs: Iterable[str], saved: Iterable[str]
) -> dict[str, float]:
    """Metric name (``<dataset>.<key>``, nested keys dotted, or ``<dataset>`` for one number)
    to value, for the metrics datasets among the run's ``outputs``: persisted ones only when
    this run ``saved`` them (read back at the version it wrote), in-memory ones when they hold
    data. One that cannot be read is left out: the run already succeeded or failed on its own
    terms."""
    found: dict[str, float] = {}
    written = set(saved)
    get = getattr(catalog, "get", None)
    if get is None:
        return found
    for name in sorted(outputs):
        dataset = get(name)
        if dataset is None or not is_metrics_dataset(dataset):
            continue
        ephemeral = getattr(dataset, "ephemeral", False) or getattr(dataset, "_EPHEMERAL", False)
        if not ephemeral and name not in written:
            continue
        try:
            version = _save_version(dataset)
            data = catalog.load(name, version=version) if version else dataset.load()
        except Exception:
            continue
        _numbers(name, data, found)
    return found


def _is_versioned(dataset: Any) -> bool:
    return getattr(dataset, "_version", None) is not None


def _save_version(dataset: Any) -> str | None:
    if not _is_versioned(dataset):
        return None
    resolve = getattr(dataset, "resolve_save_version", None)
    return resolve() if callable(resolve) else None


def dataset_versions(
    catalog: CatalogProtocol, inputs: Iterable[str], saved: Iterable[str]
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """``(loaded, saved, fingerprints)``: for the run's free ``inputs``, the version each
    versioned one was read at (or would be: the newest); for ``saved`` datasets, the version
    written; for unversioned local-file inputs, a fingerprint of size and modification time."""
    loaded: dict[str, str] = {}
    written: dict[str, str] = {}
    prints: dict[str, str] = {}
    get = getattr(catalog, "get", None)
    if get is None:
        return loaded, written, prints
    for name in inputs:
        dataset = get(name)
        if dataset is None:
            continue
        if _is_versioned(dataset):
            version = getattr(dataset, "_cached_load_version", None)
            try:
                version = version or dataset.resolve_load_version()
            except Exception:  # no version exists (the run failed on it): nothing to pin
                version = None
            if version:
                loaded[name] = version
        else:
            fingerprint = _fingerprint(dataset)
            if fingerprint:
                prints[name] = fingerprint
    for name in saved:
        dataset = get(name)
        version = _save_version(dataset) if dataset is not None else None
        if version:
            written[name] = version
    return loaded, written, prints


def _fingerprint(dataset: Any) -> str | None:
    if getattr(dataset, "protocol", None) != "file":
        return None
    path = getattr(dataset, "_filepath", None)
    if path is None:
        return None
    try:
        found = os.stat(path)
    except OSError:
        return None
    return f"{found.st_size}-{found.st_mtime_ns}"


def node_cells(nodes: Iterable[Any], root: Path) -> tuple[str | None, dict[str, str]]:
    """``(notebook, {node: cell id})`` when the nodes were built from notebook cells; the
    notebook path is relative to ``root`` when inside it."""
    notebook: str | None = None
    cells: dict[str, str] = {}
    for node in nodes:
        origin = getattr(_function(node), CELL_ATTRIBUTE, None)
        if not origin:
            continue
        path, cell_id = origin
        if notebook is None:
            try:
                notebook = Path(path).resolve().relative_to(root).as_posix()
            except ValueError:
                notebook = str(path)
        cells[node.name] = cell_id
    return notebook, cells


def _function(node: Node) -> Any:
    func: Any = getattr(node, "func", None)
    while hasattr(func, "func"):  # functools.partial and friends
        func = func.func
    return getattr(func, "__wrapped__", func)


# top-level import name -> version ("" when none can be found), for this process
_VERSIONS: dict[str, str] = {}
# id of a globals dict -> (its size when scanned, the top-level names it imports)
_SCANNED: dict[int, tuple[int, frozenset[str]]] = {}


def node_packages(nodes: Iterable[Node]) -> dict[str, str]:
    """``python``, ``kedro-nb``, ``pandas`` and every third-party package the modules of the
    nodes' functions import (found in their globals: modules, and functions or classes taken
    from a package), to their versions. Standard-library modules and the project's own code
    are left out. Versions are looked up once per process."""
    from kedro_nb import __version__

    found = {"python": sys.version.split()[0], "kedro-nb": __version__}
    names: set[str] = set(_ALWAYS)
    for node in nodes:
        func = _function(node)
        namespace = getattr(func, "__globals__", None)
        if isinstance(namespace, dict):
            names |= _imported(namespace)
    own = {getattr(_function(n), "__module__", "") or "" for n in nodes}
    own_tops = {name.split(".")[0] for name in own}
    for name in sorted(names - own_tops):
        version = _version(name)
        if version:
            found[name] = version
    return found


def _imported(namespace: dict[str, Any]) -> frozenset[str]:
    key = id(namespace)
    cached = _SCANNED.get(key)
    if cached is not None and cached[0] == len(namespace):
        return cached[1]
    stdlib = sys.stdlib_module_names
    tops: set[str] = set()
    for value in list(namespace.values()):
        module = getattr(value, "__name__", None) if type(value).__name__ == "module" else None
        if module is None:
            module = getattr(value, "__module__", None)
            if not isinstance(module, str) or not callable(value):
                continue
        top = module.split(".")[0]
        if top and not top.startswith("_") and top not in stdlib and top != "kedro_nb":
            tops.add(top)
    result = frozenset(tops)
    if len(_SCANNED) > 256:  # a long-lived kernel rebuilds notebook namespaces run after run
        _SCANNED.clear()
    _SCANNED[key] = (len(namespace), result)
    return result


def _version(name: str) -> str:
    if name in _VERSIONS:
        return _VERSIONS[name]
    version = ""
    module = sys.modules.get(name)
    if module is not None:
        value = getattr(module, "__version__", None)
        if isinstance(value, str):
            version = value
    if not version and module is not None:
        from importlib import metadata

        try:
            version = metadata.version(name)
        except Exception:  # not a distribution under that name (a project module, say)
            version = ""
    _VERSIONS[name] = version
    return version


def mask_secrets(value: Any, secrets: Iterable[str]) -> Any:
    """``value`` (parameters) with every string containing a credential value masked."""
    secrets = tuple(s for s in secrets if s)
    if not secrets:
        return value
    from kedro_nb.io import MASK, scrub  # a run's catalog has loaded kedro_nb.io already

    def walk(item: Any) -> Any:
        if isinstance(item, Mapping):
            return {key: walk(inner) for key, inner in item.items()}
        if isinstance(item, (list, tuple)):
            return [walk(inner) for inner in item]
        if isinstance(item, str):
            return scrub(item, secrets)
        if not isinstance(item, bool) and str(item) in secrets:
            return MASK
        return item

    return walk(value)
