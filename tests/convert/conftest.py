"""Fixtures for the convert tests: real notebook files built with nbformat in tmp_path."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from convert_nbhelpers import Cell, build_notebook


@pytest.fixture
def write_notebook(tmp_path: Path) -> Callable[..., Path]:
    """``write_notebook(cells, name="analysis.ipynb", catalog=None)`` -> path of a real file."""

    def write(cells: list[Cell], name: str = "analysis.ipynb", catalog: str | None = None) -> Path:
        path = tmp_path / name
        nbformat.write(build_notebook(cells), path)
        if catalog is not None:
            (tmp_path / "catalog.yml").write_text(catalog)
        return path

    return write
