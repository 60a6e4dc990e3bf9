"""Fixtures of the JupyterLab tests: a copy of the example notebooks and of the spaceflights
project, to put under a server's root directory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "tests" / "fixtures" / "loose_notebooks"
PROJECT = REPO / "tests" / "fixtures" / "spaceflights"
#: the node cells of the loose spaceflights notebook, top to bottom
SPACEFLIGHTS_NODES = [
    "preprocess_companies",
    "preprocess_shuttles",
    "create_model_input_table",
    "split_data",
    "train_model",
    "evaluate_model",
]


def copy_examples(target: Path) -> Path:
    """The example notebooks, their catalog and data, copied to ``target/examples``."""
    folder = target / "examples"
    shutil.copytree(
        EXAMPLES, folder, ignore=shutil.ignore_patterns("output", "build", ".ipynb_checkpoints")
    )
    return folder


def notebook_cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    return copy_examples(tmp_path)
