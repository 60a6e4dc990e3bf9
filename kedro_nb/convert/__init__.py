"""Cells as nodes: read node cells of a notebook, analyse them, run them, and generate source.

``kedro_nb.convert.cells`` owns the cell convention (tag ``node:<name>``, metadata ``kedro_nb``,
tag ``kedro_nb:skip``); the magics and the JupyterLab extension call it.
"""

from kedro_nb.convert import cells
from kedro_nb.convert.analysis import Issue, NotebookAnalysis, analyze_notebook
from kedro_nb.convert.build import notebook_namespace, notebook_pipeline
from kedro_nb.convert.check import CheckReport, check_notebook, run_outputs
from kedro_nb.convert.converter import (
    Conversion,
    convert_notebook,
    drift,
    module_source,
    plan_conversion,
)
from kedro_nb.convert.errors import ConvertError
from kedro_nb.convert.located import CellLocation, cell_location
from kedro_nb.convert.sync import SyncResult, sync_notebook

__all__ = [
    "CellLocation",
    "CheckReport",
    "Conversion",
    "ConvertError",
    "Issue",
    "NotebookAnalysis",
    "SyncResult",
    "analyze_notebook",
    "cell_location",
    "cells",
    "check_notebook",
    "convert_notebook",
    "drift",
    "module_source",
    "notebook_namespace",
    "notebook_pipeline",
    "plan_conversion",
    "run_outputs",
    "sync_notebook",
]
