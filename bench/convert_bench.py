"""Benchmark of ``kedro_nb.convert``: conversion of a large notebook and ``--check`` over many.

    .venv/bin/python bench/convert_bench.py

Targets: a generated 500-node-cell notebook converts in < 1 s; ``kedro-nb convert --check`` over
50 notebooks takes < 2 s. nbconvert's own ``--to python`` exporter on the same notebooks is printed
beside our figures as a reference (it only concatenates cells: no analysis, one file).
Data is generated under bench/.data (git-ignored).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbconvert.exporters import PythonExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kedro_nb.cli.convert import convert_main
from kedro_nb.convert.converter import convert_notebook, drift, plan_conversion

DATA = Path(__file__).parent / ".data" / "convert"


def make_notebook(path: Path, n_nodes: int) -> None:
    """A notebook with setup, exploration and ``n_nodes`` chained node cells."""
    nb = new_notebook()
    nb.cells.append(
        new_code_cell(
            "import math\nimport statistics\n\nSCALE = 1.5\n\n\ndef smooth(values, k):\n"
            "    n = len(values)\n"
            "    return [statistics.fmean(values[max(0, i - k) : i + 1]) for i in range(n)]"
        )
    )
    nb.cells.append(new_code_cell("raw = list(range(100))\nparams = {'window': 3, 'power': 2}"))
    previous = "raw"
    for index in range(n_nodes):
        name = f"step_{index:03d}"
        if index % 25 == 0:
            nb.cells.append(new_markdown_cell(f"## Stage {index // 25}\n\nSmooth and rescale."))
        source = (
            f"# Step {index}: smooth, rescale and clip.\n"
            f"smoothed = smooth({previous}, params['window'])\n"
            f"scaled = [math.pow(v, 1 / params['power']) * SCALE for v in smoothed]\n"
            f"{name} = [min(v, 1e6) for v in scaled]"
        )
        cell = new_code_cell(source)
        cell.metadata["tags"] = [f"node:make_{name}"]
        nb.cells.append(cell)
        if index % 50 == 0:
            nb.cells.append(new_code_cell(f"len({name})"))
        previous = name
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number:04d}"
    nbformat.write(nb, path)
    (path.parent / "catalog.yml").write_text("raw:\n  type: MemoryDataset\n")


def timed(function, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    shutil.rmtree(DATA, ignore_errors=True)
    big = DATA / "big" / "big_notebook.ipynb"
    big.parent.mkdir(parents=True)
    make_notebook(big, 500)
    ours = timed(lambda: convert_notebook(big))
    plan_only = timed(lambda: plan_conversion(big))
    exporter = PythonExporter()
    theirs = timed(lambda: exporter.from_filename(str(big)))
    assert drift(plan_conversion(big)) == ""
    command = [str(Path(sys.executable).parent / "kedro-nb"), "convert", str(big)]
    cold_cli = timed(lambda: subprocess.run(command, check=True, capture_output=True), repeat=3)

    many = []
    for index in range(50):
        path = DATA / "many" / f"nb_{index:02d}" / f"analysis_{index:02d}.ipynb"
        path.parent.mkdir(parents=True)
        make_notebook(path, 20)
        convert_notebook(path)
        many.append(str(path))
    check_in_process = timed(lambda: convert_main(["--check", *many]), repeat=3)
    cli = [str(Path(sys.executable).parent / "kedro-nb"), "convert", "--check", *many]
    check_cli = timed(lambda: subprocess.run(cli, check=True, capture_output=True), repeat=3)
    nbconvert_many = timed(lambda: [exporter.from_filename(p) for p in many], repeat=3)

    rows = [
        ("convert 500-node notebook (plan + write)", ours, 1.0, theirs),
        ("  plan only (analysis + codegen)", plan_only, None, None),
        ("kedro-nb convert, 500-node notebook (CLI)", cold_cli, None, None),
        ("convert --check, 50 notebooks (in process)", check_in_process, 2.0, nbconvert_many),
        ("kedro-nb convert --check, 50 notebooks (CLI)", check_cli, 2.0, None),
    ]
    print(f"{'case':<46} {'kedro-nb':>9} {'target':>7} {'nbconvert --to python':>22}")
    for label, seconds, target, reference in rows:
        goal = f"< {target:.0f} s" if target else ""
        ref = f"{reference:.3f} s" if reference is not None else ""
        print(f"{label:<46} {seconds:>7.3f} s {goal:>7} {ref:>22}")


if __name__ == "__main__":
    main()
