"""What checking the generated code costs a conversion (``kedro_nb.convert.verify``, pyflakes).

    .venv/bin/python bench/verify_bench.py

For notebooks of 100 and 500 chained node cells (bench/convert_bench.py's generator), the time
to plan a conversion (analysis + codegen, no writing) beside the time of the pyflakes check that
``kedro-nb convert`` runs on the planned sources before writing them: median of 7, with the range.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from convert_bench import make_notebook

from kedro_nb.convert.converter import plan_conversion
from kedro_nb.convert.verify import verify


def _figure(times: list[float]) -> str:
    return f"{statistics.median(times):.3f} s ({min(times):.3f}-{max(times):.3f})"


def main() -> None:
    for n_nodes in (100, 500):
        with tempfile.TemporaryDirectory() as folder:
            notebook = Path(folder) / f"chain{n_nodes}.ipynb"
            make_notebook(notebook, n_nodes)
            plan_conversion(notebook)  # warm imports and caches
            plans, checks = [], []
            for _ in range(7):
                started = time.perf_counter()
                conversion = plan_conversion(notebook)
                plans.append(time.perf_counter() - started)
                started = time.perf_counter()
                verify(conversion)
                checks.append(time.perf_counter() - started)
            print(
                f"{n_nodes:>4} node cells: plan {_figure(plans)}, pyflakes check {_figure(checks)}"
            )


if __name__ == "__main__":
    main()
