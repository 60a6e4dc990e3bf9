"""Errors of the notebook layer, under one base.

Bad magic arguments are IPython ``UsageError`` s (one line, no traceback); these classes cover
what is not a typing mistake: a notebook whose file cannot
be found, a pipeline run that failed.
"""

from __future__ import annotations


class NotebookLayerError(Exception):
    """Base of every error raised by :mod:`kedro_nb.notebook`."""


class NoSessionError(NotebookLayerError):
    """Raised by ``NotebookProject.require_session`` when no project is loaded (loading failed
    at ``%load_ext``); the magics turn it into a one-line ``UsageError``."""


class PipelineRunFailed(NotebookLayerError):
    """Raised by ``%run_pipeline`` after a node failed, once the failure report is built.

    IPython shows :meth:`_render_traceback_` instead of a traceback through the magic's own code:
    the report names the node, the cell or source line, the error and the line that resumes.
    """

    def __init__(self, report: str) -> None:
        super().__init__(report)
        self.report = report

    def _render_traceback_(self) -> list[str]:
        return self.report.splitlines()
