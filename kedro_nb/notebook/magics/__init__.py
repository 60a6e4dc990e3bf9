"""The magic classes, one per topic; ``load_ipython_extension`` registers all of them."""

from kedro_nb.notebook.magics.node import NodeMagics
from kedro_nb.notebook.magics.project import ReloadMagics
from kedro_nb.notebook.magics.run import RunMagics
from kedro_nb.notebook.magics.strip import StripMagics

MAGIC_CLASSES = (ReloadMagics, RunMagics, NodeMagics, StripMagics)

__all__ = ["MAGIC_CLASSES", "NodeMagics", "ReloadMagics", "RunMagics", "StripMagics"]
