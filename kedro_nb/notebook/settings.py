"""kedro-nb's kernel settings, set the IPython way: ``%config KedroNb.keep_results = False``
in a cell, or ``c.KedroNb.keep_results = False`` in ``ipython_config.py``."""

from __future__ import annotations

from traitlets import Bool
from traitlets.config import Configurable


class KedroNb(Configurable):
    """Settings of kedro-nb in this kernel (``%config KedroNb`` lists them)."""

    keep_results = Bool(
        True,
        help=(
            "Keep the in-memory datasets runs produce in the kernel's catalog, so later runs "
            "(--from-nodes) and catalog.load use them until catalog.release(name) or "
            "%reload_project. False: every run starts from nothing and frees its in-memory "
            "data, as a script does."
        ),
    ).tag(config=True)
