"""Register the rich displays with IPython, by class *name*.

``for_type_by_name`` lets IPython match a class the first time an object of it is displayed,
without this module importing it: loading the extension imports neither the catalog, the pipeline
nor the session, and those classes stay free of any notebook code. The table below is checked
against the real classes by ``tests/notebook/test_displays.py`` so a moved class cannot silently
lose its display.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from kedro_nb.notebook.params_view import ParamsView

HTML = "text/html"
PLAIN = "text/plain"
_RENDERERS = "kedro_nb.notebook.displays"

# (module, class name) of the displayed class -> (renderer module, html function, text function).
# Renderer modules are imported at the first display, not when the extension loads.
DISPLAYS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("kedro_nb.io.catalog", "DataCatalog"): ("catalog", "catalog_html", "catalog_text"),
    ("kedro_nb.pipeline._pipeline", "Pipeline"): ("pipeline", "pipeline_html", "pipeline_text"),
    # A project importing Kedro's own ``Pipeline`` (as Kedro projects do) shows the same way.
    ("kedro.pipeline.pipeline", "Pipeline"): ("pipeline", "pipeline_html", "pipeline_text"),
    ("kedro_nb.project.session", "KedroNbSession"): ("session", "session_html", "session_text"),
    ("kedro_nb.project.registry", "ProjectPipelines"): (
        "pipelines",
        "pipelines_html",
        "pipelines_text",
    ),
    ("kedro_nb.notebook.kernel_pipelines", "KernelPipelines"): (
        "pipelines",
        "pipelines_html",
        "pipelines_text",
    ),
    (ParamsView.__module__, ParamsView.__name__): ("params", "params_html", "params_text"),
}


def _renderer(module: str, function: str) -> Callable[[Any], str]:
    def render(obj: Any) -> str:
        text: str = getattr(import_module(f"{_RENDERERS}.{module}"), function)(obj)
        return text

    render.__qualname__ = f"{module}.{function}"
    return render


def _pretty(render: Callable[[Any], str]) -> Callable[[Any, Any, bool], None]:
    """Adapt a ``str`` renderer to IPython's pretty-printer signature ``(obj, p, cycle)``."""

    def printer(obj: Any, p: Any, cycle: bool) -> None:
        p.text(render(obj))

    return printer


def register_formatters(shell: Any) -> None:
    """Add our HTML and plain-text displays to ``shell``'s display formatter."""
    formatters = shell.display_formatter.formatters
    for (module, name), (renderer, to_html, to_text) in DISPLAYS.items():
        formatters[HTML].for_type_by_name(module, name, _renderer(renderer, to_html))
        formatters[PLAIN].for_type_by_name(module, name, _pretty(_renderer(renderer, to_text)))
