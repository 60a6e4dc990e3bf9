"""Kernel-resident results: what runs leave in memory stays there for the next run.

In a notebook people re-run one step on what is already computed. The session builds a fresh
catalog for every run (its save version is the run id), and the runner frees in-memory data no
later node needs. In a kernel that throws away exactly what the next cell wants, so the kernel's
catalog (the injected ``catalog``) keeps the memory datasets, and every run shares them:

- before a run (the ``before_pipeline_run`` hook, which the session calls with the run's catalog
  before the runner looks at it), each in-memory dataset of the run is pointed at the kernel
  catalog's dataset of that name (made on first use) through a :class:`KeptDataset`, whose
  ``release`` keeps the data. Free inputs are shared only when they hold data, so a missing one
  is still reported as missing, by name;
- a value the user sets with ``catalog[name] = value`` feeds the next run, even in place of a
  file input of that name;
- ``catalog.release(name)`` frees one dataset, ``%reload_project`` all of them; with
  ``%config KedroNb.keep_results = False`` runs keep nothing, as a script would (what they
  kept is freed then; values the user set still feed runs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kedro_nb.hooks import hook_impl
from kedro_nb.io import AbstractDataset, MemoryDataset, is_parameter
from kedro_nb.notebook.settings import KedroNb

if TYPE_CHECKING:
    from kedro_nb.io import DataCatalog


class KeptDataset(AbstractDataset[Any, Any]):
    """A run catalog's view of a memory dataset the kernel keeps: loads and saves go to it,
    ``release`` leaves its data alone (the runner releases what no later node of *this* run
    reads; the kernel keeps it for the next)."""

    ephemeral = True
    #: the data outlives the run: the runner counts it as available when it suggests where to
    #: resume after a failure
    outlives_run = True

    def __init__(self, target: Any) -> None:
        self.target = target

    def _load(self) -> Any:
        return self.target.load()

    def _save(self, data: Any) -> None:
        self.target.save(data)

    def _exists(self) -> bool:
        return bool(self.target.exists())

    def _release(self) -> None:
        """Kept: freed by ``catalog.release(name)`` on the kernel's catalog instead."""

    def _describe(self) -> dict[str, Any]:
        return {"kept": type(self.target).__name__}


class KernelMemory:
    """The hook that shares the kernel catalog's memory datasets with each run's catalog."""

    def __init__(self, catalog: DataCatalog, settings: KedroNb) -> None:
        self.catalog = catalog
        self.settings = settings
        #: names whose data runs wrote into the kernel's catalog (the user's own values are not
        #: among them): what turning ``keep_results`` off frees
        self.made: set[str] = set()
        settings.observe(self._keep_changed, names="keep_results")

    @property
    def keeps(self) -> bool:
        return bool(self.settings.keep_results)

    def _keep_changed(self, change: Any) -> None:
        if not change["new"]:
            self.forget()

    def close(self) -> None:
        """Stop following the setting (the kernel moved on to another project)."""
        self.settings.unobserve(self._keep_changed, names="keep_results")

    def forget(self) -> None:
        """Free what runs left in the kernel's catalog; values the user set stay."""
        for name in sorted(self.made):
            if name in self.catalog:
                self.catalog.release(name)
        self.made.clear()

    @hook_impl
    def before_pipeline_run(self, pipeline: Any, catalog: DataCatalog) -> None:
        if catalog is self.catalog:
            return
        kept = self.catalog
        free_inputs = set(pipeline.inputs())
        for name in pipeline.datasets():
            if is_parameter(name) or "@" in name:  # parameters come from the run's own config
                continue
            in_kernel = name in kept and kept.is_ephemeral(name)
            if name in free_inputs and in_kernel and kept.exists(name):
                catalog[name] = KeptDataset(kept[name])  # in memory: used, even over a file
                continue
            if not self.keeps or name in free_inputs:
                continue  # a missing free input is named by the runner
            if name in catalog and not catalog.is_ephemeral(name):  # a file, a table...
                continue
            if not in_kernel:
                kept[name] = catalog[name] if name in catalog else MemoryDataset()
            catalog[name] = KeptDataset(kept[name])
            self.made.add(name)


def in_memory(catalog: DataCatalog) -> dict[str, Any]:
    """The memory datasets of ``catalog`` that hold data, by name (parameters left out)."""
    found = {}
    for name in list(catalog):
        if is_parameter(name):
            continue
        try:  # a display or a summary must not fail on one odd dataset (an unknown type...)
            if not catalog.is_ephemeral(name):
                continue
            dataset = catalog.get(name)
            if dataset is not None and dataset.exists():
                found[name] = dataset
        except Exception:
            continue
    return found
