"""Tornado handlers of the ``/kedro-nb/`` endpoints.

Every verb is ``@tornado.web.authenticated`` (a token or login cookie) and ``@authorized``
(the server's authorizer, on the ``contents`` resource: the endpoints read and write notebook
folders). ``APIHandler`` checks the XSRF token of cookie-authenticated POSTs. Bodies are parsed
by :mod:`kedro_nb.server.requests` (400/403/404 with a JSON ``message``); the work runs in a
thread (:func:`asyncio.to_thread`) so the server stays responsive; errors of the notebook or
project itself come back as 422 with the one-line message the UI shows, a notebook file the one
reader (:mod:`kedro_nb.nbfile`) refuses as 400 with its line; a conversion refused
because it would overwrite hand edits comes back as 409, which the UI answers by offering to
convert anyway (``force``).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from kedro_nb.server import routes, views
from kedro_nb.server.requests import (
    RequestError,
    parse_analysis,
    parse_convert,
    parse_notebook_path,
    resolve_notebook,
)

#: failures of the user's notebook or project (not of the request): answered 422, not 500
UNPROCESSABLE = 422
#: a conversion refused because it would overwrite hand edits: the UI offers to force it
CONFLICT = 409


class KedroNbHandler(APIHandler):
    """Base of the endpoints: JSON body reading, the root directory, error mapping."""

    auth_resource = "contents"

    @property
    def root_dir(self) -> Path:
        return Path(self.settings.get("server_root_dir") or ".").expanduser().resolve()

    def body(self) -> Any:
        """The JSON body, parsed by the one notebook reader's parser (:mod:`kedro_nb.nbfile`):
        bad UTF-8, truncation and nesting too deep for Python are each one 400 line."""
        from kedro_nb.nbfile import NotebookFileError, parse_json

        try:
            return parse_json(self.request.body or b"null", "request body")[0]
        except NotebookFileError as exc:
            where = f" at line {exc.line}, column {exc.column}" if exc.line else ""
            raise web.HTTPError(400, f"Request body is not JSON{where}: {exc.reason}.") from None

    def bad_file(self, exc: Exception) -> web.HTTPError:
        """400 for a notebook file the one reader refused (truncated, not JSON, not a
        notebook...): its one line, the path shown relative to the server root."""
        root = f"{self.root_dir}{os.sep}"
        return web.HTTPError(400, str(exc).replace(root, ""))

    async def answer(self, work: Callable[[], dict[str, Any]]) -> None:
        """Run ``work`` in a thread and write its dict; map our errors to HTTP answers."""
        from kedro_nb.convert.errors import ConvertError, HandEditError
        from kedro_nb.nbfile import NotebookFileError

        try:
            result = await asyncio.to_thread(work)
        except RequestError as exc:
            raise web.HTTPError(exc.status, exc.message) from None
        except NotebookFileError as exc:  # every notebook read goes through kedro_nb.nbfile
            raise self.bad_file(exc) from None
        except HandEditError as exc:
            raise web.HTTPError(CONFLICT, str(exc)) from None
        except (ConvertError, OSError) as exc:
            raise web.HTTPError(UNPROCESSABLE, str(exc)) from None
        except Exception as exc:  # the project's own code (settings, registry) or a strip error
            self.log.warning("kedro-nb: %s failed: %s", self.request.path, exc)
            raise web.HTTPError(UNPROCESSABLE, f"{type(exc).__name__}: {exc}") from None
        self.finish(json.dumps(result))

    def parsed(self, parse: Callable[[Any, Path], Any]) -> Any:
        try:
            return parse(self.body(), self.root_dir)
        except RequestError as exc:
            raise web.HTTPError(exc.status, exc.message) from None


class AnalysisHandler(KedroNbHandler):
    """POST ``{path, cells}``: the nodes, inputs, outputs and warnings of those cells."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        request = self.parsed(parse_analysis)
        await self.answer(lambda: views.analysis(request))


class PipelinesHandler(KedroNbHandler):
    """GET ``?path=<notebook>``: the pipelines of the project around that notebook."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        given = self.get_query_argument("path", "")
        try:
            notebook = resolve_notebook(self.root_dir, given, must_exist=False)
        except RequestError as exc:
            raise web.HTTPError(exc.status, exc.message) from None
        await self.answer(lambda: views.pipelines(notebook))


class ConvertHandler(KedroNbHandler):
    """POST ``{path, action: preview|write, target, pipeline, force}``: the conversion's
    files (409 when a write would overwrite hand edits and ``force`` is not set)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        request = self.parsed(parse_convert)
        await self.answer(lambda: views.convert(request, self.root_dir))


class CheckHandler(KedroNbHandler):
    """POST ``{path}``: the static isolation check of the saved notebook."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        path = self.parsed(parse_notebook_path)
        await self.answer(lambda: views.check(path))


class StripHandler(KedroNbHandler):
    """POST ``{path}``: strip the saved notebook's outputs in place."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        path = self.parsed(parse_notebook_path)
        await self.answer(lambda: views.strip(path))


default_handlers: list[tuple[str, type[KedroNbHandler]]] = [
    (routes.ANALYSIS, AnalysisHandler),
    (routes.PIPELINES, PipelinesHandler),
    (routes.CONVERT, ConvertHandler),
    (routes.CHECK, CheckHandler),
    (routes.STRIP, StripHandler),
]


def setup_handlers(web_app: Any) -> None:
    """Join each endpoint to the server's ``base_url`` under ``/kedro-nb/``."""
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base_url, routes.API_NAMESPACE, name), handler)
            for name, handler in default_handlers
        ],
    )
