"""Which notebook file runs in this kernel, and where to start looking for its project.

Plain functions over a namespace and an environment mapping, so they run (and are tested) without
IPython. The front ends tell us the notebook in different ways: jupyter-server sets
``JPY_SESSION_NAME`` in the kernel's environment, VS Code puts ``__vsc_ipynb_file__`` in the user
namespace. Neither is guaranteed (a plain ``ipython`` has none), so every answer may be ``None``
and callers fall back to the working directory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kedro_nb.notebook.names import JUPYTER_NOTEBOOK_ENV, VSCODE_NOTEBOOK_VAR

NOTEBOOK_SUFFIX = ".ipynb"


def _existing_notebook(candidate: str | os.PathLike[str], cwd: Path) -> Path | None:
    path = Path(candidate).expanduser()
    tries = [path] if path.is_absolute() else [cwd / path, cwd / path.name]
    for attempt in tries:
        if attempt.suffix == NOTEBOOK_SUFFIX and attempt.is_file():
            return attempt.resolve()
    return None


def notebook_path(
    user_ns: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Path | None:
    """The notebook file this kernel executes, when the front end says so and the file exists.

    VS Code's variable wins over ``JPY_SESSION_NAME`` (VS Code may inherit a stale one from a
    server). A relative ``JPY_SESSION_NAME`` is tried against ``cwd`` and, since the kernel starts
    in the notebook's folder, by its file name alone.
    """
    environ = os.environ if environ is None else environ
    cwd = Path.cwd() if cwd is None else cwd
    for candidate in (user_ns.get(VSCODE_NOTEBOOK_VAR), environ.get(JUPYTER_NOTEBOOK_ENV)):
        if isinstance(candidate, (str, os.PathLike)) and str(candidate):
            found = _existing_notebook(candidate, cwd)
            if found is not None:
                return found
    return None


def start_dir(
    user_ns: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Path:
    """The folder to search upward from for a project: the notebook's own folder, else ``cwd``."""
    cwd = Path.cwd() if cwd is None else cwd
    found = notebook_path(user_ns, environ, cwd)
    return found.parent if found is not None else cwd.resolve()
