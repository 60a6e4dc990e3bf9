"""Benchmark: the analysis of node cells as people write them (magics, in-place updates).

    .venv/bin/python bench/cells_bench.py [--nodes 200] [--repeat 15]

Times ``analyze_notebook`` (what convert, check, ``%run_pipeline`` and the Lab badges all run)
on a chained notebook of plain node cells, and on the same notebook with IPython syntax in every
node cell (``%time`` on a statement, ``%matplotlib inline`` and ``obj?`` dropped) plus an in-place
update in every other cell. CPU time of this process (``time.process_time``), median with the
min-max spread; the load average is printed, as the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

from nbformat.v4 import new_code_cell, new_notebook

from kedro_nb.convert import analyze_notebook


def notebook(n_nodes: int, *, magics: bool) -> Any:
    """``n_nodes`` chained node cells; with ``magics``, IPython syntax in each of them."""
    nb = new_notebook()
    nb.cells.append(new_code_cell("import math\n\nSCALE = 1.5"))
    nb.cells.append(new_code_cell("raw = list(range(100))"))
    previous = "raw"
    for index in range(n_nodes):
        name = f"step_{index:03d}"
        lines = [
            f"smoothed = [v * SCALE for v in {previous}]",
            f"{name} = [math.sqrt(v) for v in smoothed]",
        ]
        if magics:
            lines[1] = "%time " + lines[1]
            lines[:0] = ["%matplotlib inline", "math.sqrt?"]
            if index % 2:
                lines.append(f"{previous}.append(len({name}))")
        cell = new_code_cell("\n".join(lines))
        cell.metadata["tags"] = [f"node:make_{name}"]
        nb.cells.append(cell)
        previous = name
    return nb


def cpu_ms(nb: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        analyze_notebook(nb, catalog={"raw"})
        times.append((time.process_time() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    analyze_notebook(notebook(2, magics=True))  # imports (IPython's transformer) out of the way
    print(f"load average {os.getloadavg()[0]:.1f}; {args.nodes} node cells, {args.repeat} runs")
    for label, magics in (("plain Python", False), ("magics + in-place", True)):
        times = cpu_ms(notebook(args.nodes, magics=magics), args.repeat)
        print(
            f"  {label:18} analyze_notebook CPU median {statistics.median(times):7.1f} ms "
            f"(min {min(times):.1f}, max {max(times):.1f})"
        )


if __name__ == "__main__":
    main()
