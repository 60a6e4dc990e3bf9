"""Keep IPython's plain-text formatter when importing Kedro's logging swaps it for rich's.

Kedro projects import Kedro (``kedro.framework.project``), whose logging handler calls
``rich.pretty.install()`` on import: that replaces the shell's ``text/plain`` formatter with one
that ignores every registered printer, so the terminal displays of catalog, params, pipelines
and sessions would silently turn into plain reprs. This guard undoes exactly that swap, once, when
it happened together with the first import of Kedro's logging module; a user who installs rich's
formatter on purpose keeps it.
"""

from __future__ import annotations

import sys
from typing import Any

PLAIN = "text/plain"
KEDRO_LOGGING = "kedro.logging"
RICH_PRETTY = "rich.pretty"


class PlainTextGuard:
    """Remembers the shell's plain-text formatter and restores it after Kedro's import swap."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.formatter = shell.display_formatter.formatters[PLAIN]
        self.done = KEDRO_LOGGING in sys.modules  # imported before us: not our business

    def check(self, *_: Any) -> None:
        """``post_run_cell`` callback (also called right after loading the project)."""
        if self.done or KEDRO_LOGGING not in sys.modules:
            return
        self.done = True
        formatters = self.shell.display_formatter.formatters
        current = formatters[PLAIN]
        if current is not self.formatter and type(current).__module__ == RICH_PRETTY:
            formatters[PLAIN] = self.formatter
