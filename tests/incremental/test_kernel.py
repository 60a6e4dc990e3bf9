"""``%run_pipeline --incremental`` in real kernels (nbclient, our kernelspec): a notebook's node
cells run again only when their cell, a setup-cell helper they call, or their data changed, and
``--dry-run`` says so beforehand."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat

from tests.notebook.test_kernels import code_cells, errors, execute, kernel, texts

__all__ = ["kernel"]  # the module-scoped kernelspec fixture, shared

SETUP = "def clean_names(names):\n    return sorted(n.strip().lower() for n in names)"
CATALOG = """\
names:
  type: json.JSONDataset
  filepath: data/names.json
cleaned:
  type: json.JSONDataset
  filepath: data/cleaned.json
report:
  type: text.TextDataset
  filepath: data/report.txt
"""


def _notebook(path: Path, setup: str) -> None:
    cells = [
        nbformat.v4.new_code_cell(setup),
        nbformat.v4.new_code_cell('names = catalog.load("names")'),  # exploring, as users do
        nbformat.v4.new_code_cell(
            "cleaned = clean_names(names)", metadata={"tags": ["node:preprocess"]}
        ),
        nbformat.v4.new_code_cell(
            'report = f"{len(cleaned)} names"', metadata={"tags": ["node:count"]}
        ),
        nbformat.v4.new_code_cell("%run_pipeline --notebook --incremental"),
        nbformat.v4.new_code_cell("%run_pipeline --notebook --incremental --dry-run"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    nbformat.write(nb, path)


def test_notebook_nodes_rerun_when_a_setup_helper_changes(kernel: str, tmp_path: Path) -> None:
    path = tmp_path / "analysis.ipynb"
    (tmp_path / "catalog.yml").write_text(CATALOG)
    (tmp_path / "data").mkdir()
    (tmp_path / "data/names.json").write_text(json.dumps([" Ada", "grace ", "Alan"]))
    _notebook(path, SETUP)

    nb = execute(kernel, path)
    assert errors(nb) == []
    *_, run, dry = code_cells(nb)
    assert "runs: no successful run recorded" in texts(run)
    assert "2 node(s) ran, 0 skipped (incremental run)" in texts(run)
    assert "preprocess" in texts(dry) and "skipped: unchanged" in texts(dry)
    assert "0 node(s) would run, 2 would be skipped" in texts(dry)

    _notebook(path, SETUP.replace("strip().lower()", "strip().title()"))  # the user edits it
    nb = execute(kernel, path)
    assert errors(nb) == []
    *_, run, dry = code_cells(nb)
    assert "runs: code of helper `clean_names` changed" in texts(run)
    assert "runs: upstream `preprocess` re-ran" in texts(run)
    assert json.loads((tmp_path / "data/cleaned.json").read_text()) == ["Ada", "Alan", "Grace"]
    assert "0 node(s) would run, 2 would be skipped" in texts(dry)

    _notebook(path, SETUP.replace("strip().lower()", "strip().title()") + "  # tidy")
    nb = execute(kernel, path)
    *_, run, _ = code_cells(nb)
    assert "0 node(s) ran, 2 skipped (incremental run)" in texts(run)


def test_project_pipeline_runs_incrementally_in_a_kernel(kernel: str, tmp_path: Path) -> None:
    root = tmp_path / "spaceflights"
    fixture = Path(__file__).parents[1] / "fixtures" / "spaceflights"
    shutil.copytree(fixture, root, ignore=shutil.ignore_patterns(".kedro_nb", "__pycache__"))
    (root / "notebooks").mkdir()
    path = root / "notebooks" / "work.ipynb"
    cells = [
        "%run_pipeline --incremental",
        "%run_pipeline --incremental",
        "%run_pipeline --incremental --params model_options.seed=3 --dry-run",
        "%run_pipeline --incremental --params model_options.seed=3",
    ]
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), path
    )
    nb = execute(kernel, path)
    assert errors(nb) == []
    first, second, dry, seeded = (texts(cell) for cell in code_cells(nb))
    assert "6 node(s) ran, 0 skipped" in first
    assert "0 node(s) ran, 6 skipped" in second
    assert "runs: parameter `model_options.seed` changed" in dry
    assert "3 node(s) would run, 3 would be skipped" in dry
    assert "runs: parameter `model_options.seed` changed" in seeded
    assert "3 node(s) ran, 3 skipped" in seeded
