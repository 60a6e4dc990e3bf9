"""The IPython extension: ``%load_ext kedro_nb``, the magics and the rich displays."""

from kedro_nb.notebook.extension import load_ipython_extension, unload_ipython_extension

__all__ = ["load_ipython_extension", "unload_ipython_extension"]
