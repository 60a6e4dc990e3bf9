"""The Jupyter server extension: authenticated REST endpoints under ``/kedro-nb/`` that the
JupyterLab extension calls (analysis of cells, project pipelines, conversion, check, strip).

A front door: each handler validates its request, calls ``kedro_nb.convert`` / the project
session / ``kedro_nb.strip``, and turns the answer into JSON. Enabled by the
``jupyter_server_config.d/kedro_nb.json`` file the wheel installs.
"""

from __future__ import annotations

from typing import Any

from kedro_nb.server.routes import API_NAMESPACE

__all__ = ["API_NAMESPACE"]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "kedro_nb.server"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    """Add the handlers to the running server (called by jupyter_server at start-up)."""
    from kedro_nb.server.handlers import setup_handlers

    setup_handlers(server_app.web_app)
    server_app.log.info("kedro-nb server extension loaded (/%s/)", API_NAMESPACE)
