"""How a ``DataCatalog`` shows: one row per dataset (name, type, location, exists, versioned).

The rows come from ``DataCatalog.describe_datasets()``, which already leaves credentials out and
masks secrets in URLs; nothing here loads data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kedro_nb.notebook.displays.tables import html_table, text_table, yes_no
from kedro_nb.shared import PARAMS_PREFIX

if TYPE_CHECKING:
    from kedro_nb.io import DataCatalog

HEADERS = ("name", "type", "location", "exists", "versioned")
# Where built-in datasets live; shown with Kedro's type names (``pandas.CSVDataset``).
_DATASET_PACKAGES = ("kedro_nb.io.datasets.", "kedro_datasets.")
_OWN_PACKAGES = ("kedro_nb.", "kedro.")
_LOCATION_CHARS = 60
_PARAMS_ALL = "parameters"


def short_type(type_path: str) -> str:
    """Kedro's spelling of a dataset type: ``pandas.CSVDataset``, ``MemoryDataset``.

    Full paths of built-in datasets are shortened; names already short are kept as given.
    """
    module, _, name = type_path.rpartition(".")
    for package in _DATASET_PACKAGES:
        if module.startswith(package):
            return f"{module[len(package) :].split('.')[0]}.{name}"
    if module.startswith(_OWN_PACKAGES):
        return name
    return type_path


def short_location(location: str) -> str:
    """Long paths keep their end (the file name is what tells datasets apart)."""
    return (
        location
        if len(location) <= _LOCATION_CHARS
        else "\u2026" + location[-_LOCATION_CHARS + 1 :]
    )


def parameter_count(catalog: DataCatalog) -> int:
    """How many parameters the catalog holds, counted as ``params`` shows them: one per leaf
    of ``parameters`` (``model.alpha`` and ``model.depth`` are two, ``params:model`` is not a
    third), so the two displays agree."""
    from kedro_nb.notebook.displays.params import flatten

    if _PARAMS_ALL not in catalog:
        return 0
    try:
        parameters = catalog.load(_PARAMS_ALL)
    except Exception:  # a display must not fail on an odd catalog
        return 0
    return sum(1 for _ in flatten(parameters)) if isinstance(parameters, dict) else 1


def memory_sizes(catalog: DataCatalog) -> dict[str, int]:
    """Bytes held by each in-memory dataset that has data (estimated, nothing copied)."""
    from kedro_nb.notebook.displays.values import memory_size
    from kedro_nb.notebook.kernel_memory import in_memory

    sizes = {}
    for name, dataset in in_memory(catalog).items():
        peek = getattr(dataset, "peek", None)
        sizes[name] = memory_size(peek()) if callable(peek) else 0
    return sizes


def _unbuildable(entry: dict[str, Any]) -> bool:
    """The entry failed before a dataset was made (an unknown type, a bad argument); an
    ``exists`` check that failed (a store out of reach) is only unknown, shown ``?``."""
    return bool(entry.get("error")) and entry.get("class_path") is None


def catalog_rows(catalog: DataCatalog) -> tuple[list[tuple[str, ...]], int]:
    """Table rows of the catalog's datasets (parameters left out), and the parameter count."""
    from kedro_nb.notebook.displays.values import human_bytes

    rows: list[tuple[str, ...]] = []
    sizes = memory_sizes(catalog)
    for entry in sorted(catalog.describe_datasets(), key=lambda e: e["name"]):
        name = entry["name"]
        if name.startswith(PARAMS_PREFIX) or name == _PARAMS_ALL:
            continue
        memory = f"(memory, {human_bytes(sizes[name])})" if name in sizes else "(memory)"
        rows.append(
            (
                name,
                short_type(str(entry.get("type") or "")),
                short_location(entry.get("filepath") or "")
                or (memory if entry.get("ephemeral") else ""),
                "error" if _unbuildable(entry) else yes_no(entry.get("exists")),
                yes_no(bool(entry.get("versioned"))),
            )
        )
    return rows, parameter_count(catalog)


def _caption(catalog: DataCatalog, rows: list[tuple[str, ...]], n_params: int) -> str:
    from kedro_nb.notebook.displays.values import human_bytes

    plural = "s" if n_params != 1 else ""
    extra = f"; {n_params} parameter{plural}, see params" if n_params else "; no parameters"
    sizes = memory_sizes(catalog)
    if sizes:
        extra += f"; {len(sizes)} in memory, {human_bytes(sum(sizes.values()))}"
    broken = [row[0] for row in rows if row[3] == "error"]
    if broken:
        extra += f"; cannot be built: {', '.join(broken)} (catalog.load({broken[0]!r}) says why)"
    runtime = getattr(catalog, "default_runtime_patterns", {})  # the catch-all, not declared
    patterns = [p for p in getattr(catalog, "list_patterns", list)() if p not in runtime]
    if patterns:
        extra += f"; factory patterns: {', '.join(patterns)}"
    return f"DataCatalog: {len(rows)} dataset{'s' if len(rows) != 1 else ''}{extra}"


def catalog_html(catalog: DataCatalog) -> str:
    """The ``text/html`` form."""
    rows, n_params = catalog_rows(catalog)
    return html_table(_caption(catalog, rows, n_params), HEADERS, rows)


def catalog_text(catalog: DataCatalog) -> str:
    """The ``text/plain`` form."""
    rows, n_params = catalog_rows(catalog)
    return text_table(_caption(catalog, rows, n_params), HEADERS, rows)
