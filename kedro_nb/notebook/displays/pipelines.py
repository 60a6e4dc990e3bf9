"""How ``pipelines`` shows: every pipeline name, whether it is loaded, its node count.

Listing names imports nothing a project keeps in ``pipelines/<name>/`` folders; with a custom
``pipeline_registry.py`` it calls ``register_pipelines()`` as Kedro does. Pipelines not built
yet are listed as such, never imported by the display; the notebook's own pipeline is counted
from its saved file's node cells without running any of its code.
"""

from __future__ import annotations

from typing import Any

from kedro_nb.notebook.displays.tables import html_notes, html_table, text_table

HEADERS = ("pipeline", "from", "nodes", "loaded")


def _notebook_nodes(path: Any) -> str:
    from kedro_nb.convert import analyze_notebook
    from kedro_nb.convert.cells import read_notebook

    try:
        return str(len(analyze_notebook(read_notebook(path)).nodes))
    except Exception:  # unreadable file: the run will say why
        return "?"


def _rows(pipelines: Any) -> tuple[list[tuple[str, ...]], list[str]]:
    project = getattr(pipelines, "project", pipelines)
    own = getattr(pipelines, "notebook_name", None)
    notes: list[str] = []
    try:
        names = list(project)
    except Exception as exc:  # a failing registry: say so rather than fail the display
        names = []
        notes.append(f"the pipeline registry failed: {type(exc).__name__}: {exc}")
    loaded = set(project.loaded()) if callable(getattr(project, "loaded", None)) else set()
    rows: list[tuple[str, ...]] = []
    for name in names:
        count = str(len(project[name].nodes)) if name in loaded else "-"
        rows.append((name, "project", count, "yes" if name in loaded else "no (on first use)"))
    if own is not None:
        where = f"notebook {pipelines.notebook.name} (saved file)"
        rows.append((own, where, _notebook_nodes(pipelines.notebook), "read on use"))
    failures = getattr(project, "failures", {}) or {}
    notes += [f"{name}: failed to import: {error}" for name, error in sorted(failures.items())]
    if not rows and not notes:
        notes.append(
            "no pipelines: tag notebook cells 'node:<name>' or add src/<package>/pipelines/"
        )
    return rows, notes


def _caption(rows: list[tuple[str, ...]]) -> str:
    return f"Pipelines: {len(rows)}"


def pipelines_html(pipelines: Any) -> str:
    """The ``text/html`` form."""
    rows, notes = _rows(pipelines)
    return html_table(_caption(rows), HEADERS, rows) + html_notes(notes)


def pipelines_text(pipelines: Any) -> str:
    """The ``text/plain`` form."""
    rows, notes = _rows(pipelines)
    return "\n".join([text_table(_caption(rows), HEADERS, rows), *notes])
