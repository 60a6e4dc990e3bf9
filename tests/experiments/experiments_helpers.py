"""Helpers of the experiments tests. The project is a small model training, the shape
experiment tracking is for: a versioned model, a versioned ``tracking.MetricsDataset``, a JSON
report flagged as metrics, parameters for the model, and a raw CSV input."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

CONSOLE_SCRIPT = Path(sys.executable).with_name("kedro-nb")
SECRET = "FAKE-TOKEN-9b2e7d"

CATALOG = """\
raw:
  type: pandas.CSVDataset
  filepath: data/raw.csv
model:
  type: pickle.PickleDataset
  filepath: data/model.pickle
  versioned: true
metrics:
  type: tracking.MetricsDataset
  filepath: data/metrics.json
  versioned: true
report:
  type: json.JSONDataset
  filepath: data/report.json
  metadata:
    kedro_nb:
      metrics: true
remote_table:
  type: pandas.CSVDataset
  filepath: data/remote.csv
  credentials: store
"""

PIPELINE = """\
import numpy as np
import pandas as pd

from kedro_nb.pipeline import Pipeline, node


def train(raw: pd.DataFrame, degree: int, alpha: float):
    coef = np.polyfit(raw["x"], raw["y"], degree)
    return {"coef": [float(c) * (1 - alpha) for c in coef]}


def evaluate(model, raw: pd.DataFrame):
    predicted = np.polyval(model["coef"], raw["x"])
    error = raw["y"] - predicted
    total = ((raw["y"] - raw["y"].mean()) ** 2).sum()
    return (
        {"r2": float(1 - (error**2).sum() / total), "mae": float(error.abs().mean())},
        {"rows": len(raw), "summary": {"max_error": float(error.abs().max())}, "note": "ok"},
    )


def create_pipeline():
    return Pipeline(
        [
            node(train, ["raw", "params:model.degree", "params:model.alpha"], "model",
                 name="train"),
            node(evaluate, ["model", "raw"], ["metrics", "report"], name="evaluate"),
        ]
    )
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def console(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed ``kedro-nb`` script, output captured."""
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        input=stdin,
    )
