"""kedro-nb: Kedro-style, reproducible data pipelines inside Jupyter notebooks.

The top-level package stays import-light: ``%load_ext kedro_nb`` and the ``kedro-nb`` command both
start here, so nothing heavy (pandas, nbformat, the engine) is imported until it is used.
"""

from __future__ import annotations

TYPE_CHECKING = False  # importing typing costs the git filter (a process per file) milliseconds
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_ipython_extension", "unload_ipython_extension"]


def load_ipython_extension(ipython: Any) -> None:
    """Entry point of ``%load_ext kedro_nb``; the work lives in :mod:`kedro_nb.notebook`."""
    from kedro_nb.notebook import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """Entry point of ``%unload_ext kedro_nb``."""
    from kedro_nb.notebook import unload_ipython_extension as _unload

    _unload(ipython)
