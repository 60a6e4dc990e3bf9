"""Register the rich displays with IPython, by class *name*.

``for_type_by_name`` lets IPython match a class the first time an object of it is displayed,
without this module importing it: loading the extension imports neither the catalog, the pipeline
nor the session, and those classes stay free of any notebook code. The table below is checked
against the real classes by ``tests/notebook/test_displays.py`` so a moved class cannot silently
lose its display.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kedro_nb.notebook.displays import catalog, params, pipeline, session
from kedro_nb.notebook.params_view import ParamsView

HTML = "text/html"
PLAIN = "text/plain"

# (module, class name) -> (html renderer, text renderer)
DISPLAYS: dict[tuple[str, str], tuple[Callable[[Any], str], Callable[[Any], str]]] = {
    ("kedro_nb.io.catalog", "DataCatalog"): (catalog.catalog_html, catalog.catalog_text),
    ("kedro_nb.pipeline._pipeline", "Pipeline"): (pipeline.pipeline_html, pipeline.pipeline_text),
    ("kedro_nb.project.session", "KedroNbSession"): (session.session_html, session.session_text),
}


def _pretty(render: Callable[[Any], str]) -> Callable[[Any, Any, bool], None]:
    """Adapt a ``str`` renderer to IPython's pretty-printer signature ``(obj, p, cycle)``."""

    def printer(obj: Any, p: Any, cycle: bool) -> None:
        p.text(render(obj))

    return printer


def register_formatters(shell: Any) -> None:
    """Add our HTML and plain-text displays to ``shell``'s display formatter."""
    formatters = shell.display_formatter.formatters
    for (module, name), (to_html, to_text) in DISPLAYS.items():
        formatters[HTML].for_type_by_name(module, name, to_html)
        formatters[PLAIN].for_type_by_name(module, name, _pretty(to_text))
    formatters[HTML].for_type(ParamsView, params.params_html)
    formatters[PLAIN].for_type(ParamsView, _pretty(params.params_text))
