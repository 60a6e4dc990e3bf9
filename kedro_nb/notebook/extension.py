"""``%load_ext kedro_nb``: register the magics and displays, then load the project.

Loading must stay cheap (a bare IPython start plus at most a few tens of milliseconds): only the
session is built here, and the session keeps pipelines, the runner, pandas and nbformat for later.
A project that cannot be loaded only warns, so the magics remain to fix it with
``%reload_project``.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

from kedro_nb.notebook.kernel_project import NotebookProject
from kedro_nb.notebook.names import RELOAD_PROJECT_MAGIC
from kedro_nb.notebook.plain_text_guard import PlainTextGuard

_POST_RUN_CELL = "post_run_cell"


class ProjectLoadWarning(UserWarning):
    """Warned by ``%load_ext kedro_nb`` when the project could not be loaded."""


def _project_of(ipython: Any) -> NotebookProject | None:
    for magics in ipython.magics_manager.registry.values():
        project = getattr(magics, "project", None)
        if isinstance(project, NotebookProject):
            return project
    return None


def load_ipython_extension(ipython: Any) -> None:
    """Register kedro-nb's magics and displays in ``ipython`` and inject the project's variables."""
    from kedro_nb.notebook.displays.formatters import register_formatters
    from kedro_nb.notebook.magics import MAGIC_CLASSES

    project = _project_of(ipython) or NotebookProject(ipython)
    for magic_class in MAGIC_CLASSES:
        ipython.register_magics(magic_class(ipython, project))
    register_formatters(ipython)
    if project.settings not in ipython.configurables:  # %config KedroNb.keep_results = False
        ipython.configurables.append(project.settings)
    guard = PlainTextGuard(ipython)
    project.cell_callbacks = [project.note_cell_executed, guard.check]
    for callback in project.cell_callbacks:
        ipython.events.register(_POST_RUN_CELL, callback)
    try:
        project.load()
        guard.check()
    except Exception as exc:  # the magics must stay usable to fix the project
        warnings.warn(
            f"kedro-nb could not load a project from {project.start_dir()}: "
            f"{type(exc).__name__}: {str(exc).rstrip('.')}. "
            f"Fix it, then run %{RELOAD_PROJECT_MAGIC}.",
            ProjectLoadWarning,
            stacklevel=2,
        )
        return
    print(project.describe())


def unload_ipython_extension(ipython: Any) -> None:
    """Remove the injected variables and the cell callbacks, and release what the session's runs
    started (``%unload_ext kedro_nb``)."""
    project = _project_of(ipython)
    if project is None:
        return
    project.remove_injected()
    with contextlib.suppress(ValueError):
        ipython.configurables.remove(project.settings)
    for callback in project.cell_callbacks:
        with contextlib.suppress(ValueError):
            ipython.events.unregister(_POST_RUN_CELL, callback)
    project.cell_callbacks = []
    if project.session is not None:
        project.session.close()
