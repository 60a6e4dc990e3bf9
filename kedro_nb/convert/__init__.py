"""Cells as nodes: read node cells of a notebook, analyse them, and generate pipeline source."""

from kedro_nb.convert.analysis import Issue, NotebookAnalysis, analyze_notebook
from kedro_nb.convert.converter import convert_notebook, drift, plan_conversion
from kedro_nb.convert.errors import ConvertError

__all__ = [
    "ConvertError",
    "Issue",
    "NotebookAnalysis",
    "analyze_notebook",
    "convert_notebook",
    "drift",
    "plan_conversion",
]
