"""Run a notebook three ways and collect every node output, to compare them by value:

1. top to bottom in a real kernel (nbclient), the values each node cell leaves in its variables;
2. as ``notebook_pipeline`` under a kedro-nb runner;
3. as the source ``kedro-nb convert`` generates, imported and run under a kedro-nb runner.

Node outputs of the runs are kept in pickle files, so every value is still there after the run
(runners free memory datasets nobody reads any more) whatever process produced it.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import uuid
from pathlib import Path
from typing import Any

import nbformat
from convert_nbhelpers import kernel_result
from nbformat.v4 import new_code_cell

from kedro_nb.convert import analyze_notebook, cells, convert_notebook, notebook_pipeline
from kedro_nb.io import DataCatalog
from kedro_nb.runner import runner_from_name


def output_variables(path: Path) -> dict[str, dict[str, str]]:
    """Node name -> {output dataset: the cell variable holding it}."""
    analysis = analyze_notebook(cells.read_notebook(path), name=path.stem)
    return {node.name: node.output_variables for node in analysis.nodes}


def kernel_values(path: Path, prelude: str = "") -> dict[str, Any]:
    """Execute the notebook in a real kernel; every node output as the cell left it, by dataset.

    A copy is executed with a snapshot cell after each node cell (deep copies, so later in-place
    changes do not alter what a node produced); ``prelude`` runs first (e.g. ``params = {...}``).
    """
    wanted = output_variables(path)
    nb = nbformat.read(path, as_version=4)
    executed = nbformat.v4.new_notebook()
    if prelude:
        executed.cells.append(new_code_cell(prelude))
    executed.cells.append(new_code_cell("import copy as _copy\n_snapshots = {}"))
    for index, cell in enumerate(nb.cells):
        executed.cells.append(cell)
        name = cells.node_name(cell, index=index)
        if name is None or name not in wanted:
            continue
        pairs = ", ".join(f"{d!r}: _copy.deepcopy({v})" for d, v in wanted[name].items())
        executed.cells.append(new_code_cell(f"_snapshots.update({{{pairs}}})"))
    return kernel_result(executed, path.parent, "_snapshots")


def run_values(pipeline: Any, runner: str, inputs: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Run ``pipeline`` with ``runner`` on ``inputs``; every node output read back by name."""
    folder.mkdir(parents=True, exist_ok=True)
    outputs = sorted(pipeline.all_outputs())
    catalog = DataCatalog.from_config(
        {
            name: {"type": "pickle.PickleDataset", "filepath": str(folder / f"{name}.pkl")}
            for name in outputs
        }
    )
    for name, value in inputs.items():
        catalog[name] = value
    runner_from_name(runner).run(pipeline, catalog)
    return {name: catalog.load(name) for name in outputs}


def converted_pipeline(path: Path) -> Any:
    """``kedro-nb convert`` a copy of the notebook (in a folder of its own, so the catalog
    proposal it writes changes nothing for the other runs) and import the generated package."""
    folder = path.parent / f"converted-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    for source in [path, *path.parent.glob("*.yml")]:
        shutil.copy(source, folder)
    conversion = convert_notebook(folder / path.name)
    (name,) = conversion.groups
    package = conversion.package_dir(name)
    module_name = f"converted_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(
        module_name, package / "__init__.py", submodule_search_locations=[str(package)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module.create_pipeline()


def three_ways(
    path: Path,
    inputs: dict[str, Any] | None = None,
    prelude: str = "",
    runners: tuple[str, ...] = ("sequential", "parallel"),
) -> dict[str, dict[str, Any]]:
    """Every node output from the kernel, the notebook pipeline and the converted source."""
    inputs = inputs or {}
    results = {"kernel": kernel_values(path, prelude)}
    for runner in runners:
        results[f"notebook_pipeline/{runner}"] = run_values(
            notebook_pipeline(path), runner, inputs, path.parent / f"np-{runner}"
        )
        results[f"converted/{runner}"] = run_values(
            converted_pipeline(path), runner, inputs, path.parent / f"cv-{runner}"
        )
    return results
