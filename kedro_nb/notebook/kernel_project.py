"""The project a kernel works on: which session is current, how it was made, what it injected.

One :class:`NotebookProject` per IPython shell, created by ``load_ipython_extension`` and handed to
every magic class, so the magics share state without module globals. It builds sessions through
``kedro_nb.project.KedroNbSession`` (imported when first needed) and writes the variables into the
user namespace; the session itself knows nothing about IPython.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_nb.notebook import locate
from kedro_nb.notebook.errors import NoSessionError
from kedro_nb.notebook.names import (
    CATALOG_VAR,
    CONTEXT_VAR,
    INJECTED_VARS,
    PARAMS_VAR,
    PIPELINES_VAR,
    RELOAD_PROJECT_MAGIC,
    SESSION_VAR,
)
from kedro_nb.notebook.params_view import ParamsView
from kedro_nb.notebook.settings import KedroNb

if TYPE_CHECKING:
    from kedro_nb.project import KedroNbSession

#: How many executed cells are remembered for the staleness check (their sources only).
MAX_REMEMBERED_CELLS = 500


@dataclass
class SessionOptions:
    """What a session was created from, kept so ``%reload_project`` and ``--params`` can redo it."""

    project_path: Path | None = None
    env: str | None = None
    conf_source: str | None = None
    runtime_params: dict[str, Any] = field(default_factory=dict)


class NotebookProject:
    """The kernel's current session and the bookkeeping around it."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.session: Any = None
        #: the kernel's catalog: the injected ``catalog``, which keeps runs' in-memory results
        self.catalog: Any = None
        self.settings = KedroNb(parent=shell)
        self._memory: Any = None  # the KernelMemory hook of ``catalog``, made at the first run
        self.options = SessionOptions()
        self.run_lock = threading.Lock()
        self.background_run: threading.Thread | None = None
        #: ``(time.time(), source)`` of the cells executed lately, oldest first (see
        #: :meth:`note_cell_executed`): what tells whether the saved notebook is behind.
        self.executed_cells: deque[tuple[float, str]] = deque(maxlen=MAX_REMEMBERED_CELLS)
        #: ``post_run_cell`` callbacks the extension registered (removed by ``%unload_ext``).
        self.cell_callbacks: list[Callable[..., None]] = []

    # -- where -------------------------------------------------------------------------------
    def notebook_path(self) -> Path | None:
        """The notebook file this kernel runs, if the front end says so."""
        return locate.notebook_path(self.shell.user_ns)

    def start_dir(self) -> Path:
        """Where the project search starts: the notebook's folder, else the working directory."""
        return locate.start_dir(self.shell.user_ns)

    def note_cell_executed(self, result: Any = None, *_: Any) -> None:
        """``post_run_cell`` callback: remember when the kernel executed which source."""
        source = getattr(getattr(result, "info", None), "raw_cell", None)
        if isinstance(source, str):
            self.executed_cells.append((time.time(), source))

    def cells_run_since(self, moment: float) -> list[str]:
        """Sources of the cells executed after ``moment`` (a ``time.time()``), oldest first."""
        return [source for when, source in self.executed_cells if when > moment]

    # -- sessions ----------------------------------------------------------------------------
    def create_session(self, options: SessionOptions) -> Any:
        """A new session from ``options``; project found upward from the notebook if no path."""
        from kedro_nb.project import KedroNbSession

        return KedroNbSession.create(
            options.project_path,
            start_dir=None if options.project_path else self.start_dir(),
            env=options.env,
            conf_source=options.conf_source,
            runtime_params=dict(options.runtime_params) or None,
        )

    def load(self, options: SessionOptions | None = None) -> Any:
        """Create a session, make it current and inject its variables; returns the session.

        Catalog and parameters are read before anything changes, so a configuration error
        leaves the previous session and variables in place.
        """
        options = options or SessionOptions()
        session = self.create_session(options)
        variables = self.variables(session)
        self.configure_logging(session)
        previous, self.session, self.options = self.session, session, options
        if self._memory is not None:
            self._memory.close()
        self.catalog, self._memory = variables[CATALOG_VAR], None  # a new project forgets all
        self.shell.push(variables)
        if previous is not None:
            previous.close()
        return session

    @staticmethod
    def configure_logging(session: KedroNbSession) -> None:
        """Logging as ``%load_ext kedro.ipython`` sets it up: the project package's loggers at
        INFO, ``$KEDRO_LOGGING_CONFIG`` or the project's ``conf/logging.yml`` honoured; kedro-nb's
        own INFO lines stay out, the progress display already says what they say."""
        from kedro_nb.project.logs import configure_logging

        configure_logging(
            session.project_path if session.is_project else None, session.package_name
        )

    def variables(self, session: KedroNbSession) -> dict[str, Any]:
        """``catalog``, ``params``, ``session`` and ``pipelines`` of ``session``, by name;
        ``pipelines`` also lists this notebook's own node cells under the notebook's name."""
        from kedro_nb.notebook.kernel_pipelines import KernelPipelines

        return {
            CATALOG_VAR: session.catalog,
            PARAMS_VAR: ParamsView(session.params),
            SESSION_VAR: session,
            CONTEXT_VAR: session,  # Kedro's name; session.load_context() is the session
            PIPELINES_VAR: KernelPipelines(session.pipelines, self.notebook_path()),
        }

    def share_memory(self, session: KedroNbSession) -> Any:
        """Have ``session``'s runs share the kernel catalog's memory datasets (see
        :mod:`kedro_nb.notebook.kernel_memory`); returns the hook. Registered once per session,
        at its first run, so loading the extension stays cheap."""
        from kedro_nb.hooks import register_hooks
        from kedro_nb.notebook.kernel_memory import KernelMemory

        if self._memory is None:
            self._memory = KernelMemory(self.catalog, self.settings)
        if not session.hook_manager.is_registered(self._memory):
            register_hooks(session.hook_manager, [self._memory])
        return self._memory

    def remove_injected(self) -> None:
        """Take the injected variables out of the user namespace (``%unload_ext``)."""
        for name in (*INJECTED_VARS, CONTEXT_VAR):
            self.shell.user_ns.pop(name, None)

    def require_session(self) -> Any:
        """The current session, or :class:`NoSessionError` saying how to get one."""
        if self.session is None:
            raise NoSessionError(
                f"No project is loaded (loading failed earlier); fix the error shown then and "
                f"run %{RELOAD_PROJECT_MAGIC} [PATH]."
            )
        return self.session

    def describe(self) -> str:
        """One short line: what was loaded from where, and the variables it gave."""
        session = self.session
        root = Path(session.project_path)
        variables = ", ".join(INJECTED_VARS)
        if session.is_project:
            what = f"project {session.package_name or root.name!r} (env {session.env!r})"
        else:
            what = "no project found; embedded default"
        return f"kedro-nb: {what} from {root} -> {variables}"
