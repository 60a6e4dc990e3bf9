"""A lone notebook folder as people write them: pandas, parameters, a catalog with comments,
rebinding (within a cell, and across cells: a later node rebinds the ``df`` an earlier node
made), exploration cells between the nodes. Shared by the init and graduation tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
from convert_nbhelpers import build_notebook, code, md

BIN = Path(sys.executable).parent
NOTEBOOK = "sales_analysis.ipynb"
CATALOG = """\
# the shop's export, refreshed every Monday
sales:
  type: pandas.CSVDataset
  filepath: data/sales.csv   # raw, one row per sale

report:
  type: json.JSONDataset
  filepath: data/report.json
"""
PARAMETERS = "min_amount: 6\nregions:\n  top: 2\n"
SALES = "region,amount,units\nnorth,10,1\nsouth,,3\nnorth,5,2\neast,7,1\nwest,12,4\neast,9,2\n"
CELLS = [
    code("%load_ext kedro_nb"),
    code("import pandas as pd"),
    code("sales = catalog.load('sales')\nsales.head()"),
    md("Keep complete rows of big enough sales."),
    code(
        "df = sales.dropna()\ndf = df[df['amount'] >= params['min_amount']]\n"
        "df = df.assign(price=df['amount'] / df['units'])",
        "prepare",
    ),
    code("df.describe()"),
    code("df.shape"),
    # rebinding across cells: a later node reads the df an earlier node made and rebinds it
    code(
        "# Each sale's share of the total, on the cleaned rows.\n"
        "df = df.assign(share=df['amount'] / df['amount'].sum())",
        "add_share",
    ),
    code(
        "# Total per region, biggest first.\n"
        "totals = df.groupby('region')['amount'].sum().sort_values(ascending=False)",
        "aggregate",
    ),
    code(
        "top = totals.head(params['regions']['top'])\n"
        "report = {'top': {k: float(v) for k, v in top.items()}, 'rows': int(len(df)),\n"
        "          'max_share': round(float(df['share'].max()), 9)}",
        "build_report",
    ),
]
#: the node outputs of the notebook, for comparisons
OUTPUTS = ("df", "totals", "report")


def make_folder(folder: Path) -> Path:
    """Write the lone notebook, its catalog, parameters and data into ``folder``; its path."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "data" / "sales.csv").write_text(SALES)
    (folder / "catalog.yml").write_text(CATALOG)
    (folder / "parameters.yml").write_text(PARAMETERS)
    path = folder / NOTEBOOK
    nbformat.write(build_notebook(CELLS), path)
    return path


def run(command: list, cwd: Path) -> subprocess.CompletedProcess:
    """Run a real console script (kedro-nb, kedro) in ``cwd``; fails the test on exit != 0."""
    env = {**os.environ, "DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "true"}
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done
