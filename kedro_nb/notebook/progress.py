"""Live per-node progress of a run, as a hook implementation.

:class:`RunProgress` implements kedro-nb's progress hooks (``on_run_started``,
``on_node_started``, ``on_node_finished``), and redraws through a *sink*: an updatable display
(``DisplayHandle``) in Jupyter, plain lines in a terminal. The runner never prints; this is the
only place run progress becomes visible. Every runner (sequential, thread, parallel, Dask) calls
the progress hooks in the process that started the run, as nodes start and finish, so the live
view follows worker processes and Dask tasks too; the object itself never travels to a worker.
A ``--async`` run updates it from its background thread, so state changes hold a lock.

Node states are named as they are: ``not run`` (yet, or ever: after a failure the nodes that
never started keep it), ``running``, ``done``, ``failed``, ``skipped`` (``--only-missing-outputs``
found their outputs; the summary shows them). The table is first drawn when the runner starts
(``on_run_started``, after its checks), so a run refused up front (missing inputs, a bad
parameter) leaves no table behind.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from kedro_nb.hooks import hook_impl

if TYPE_CHECKING:
    from kedro_nb.convert.located import CellLocation
    from kedro_nb.pipeline import Node

NOT_RUN, RUNNING, DONE, FAILED, SKIPPED = "not run", "running", "done", "failed", "skipped"
STATES = (NOT_RUN, RUNNING, DONE, FAILED, SKIPPED)
#: the machine-readable copy of the live display, read by the JupyterLab pipeline panel
PROGRESS_MIMETYPE = "application/vnd.kedro-nb.run-progress+json"
_SYMBOL = {
    NOT_RUN: "\u00b7",
    RUNNING: "\u25b6",
    DONE: "\u2713",
    FAILED: "\u2717",
    SKIPPED: "\u21b7",
}


class RunProgress:
    """Node states of one run: name -> (state, seconds); redrawn on every change."""

    def __init__(self, sink: Callable[[RunProgress, str], None] | None, title: str) -> None:
        self.sink = sink
        self.title = title
        self.states: dict[str, tuple[str, float | None]] = {}
        #: failed node -> its error text and, when it ran notebook cell code, (cell, line)
        self.failures: dict[str, tuple[str, CellLocation | None]] = {}
        self._lock = threading.Lock()

    def _set(self, name: str, state: str, seconds: float | None = None) -> None:
        with self._lock:
            self.states[name] = (state, seconds)
            if self.sink is not None:
                self.sink(self, name)

    @property
    def counts(self) -> dict[str, int]:
        """How many nodes are in each state."""
        found = dict.fromkeys(STATES, 0)
        for state, _ in self.states.values():
            found[state] += 1
        return found

    @hook_impl
    def on_run_started(self, nodes: list[Node]) -> None:
        with self._lock:  # after the runner's checks: a refused run never gets here
            self.states = {node.name: (NOT_RUN, None) for node in nodes}
            if self.sink is not None and self.states:  # show every node as not run yet
                self.sink(self, next(iter(self.states)))

    @hook_impl
    def on_node_started(self, node: Node) -> None:
        self._set(node.name, RUNNING)

    @hook_impl
    def on_node_finished(self, node: Node, duration: float, error: BaseException | None) -> None:
        if error is not None:
            from kedro_nb.convert import cell_location

            self.failures[node.name] = (f"{type(error).__name__}: {error}", cell_location(error))
        self._set(node.name, DONE if error is None else FAILED, duration)


def progress_caption(progress: RunProgress) -> str:
    """One line: ``Run of ...: 2/5 nodes done, 1 failed``."""
    counts = progress.counts
    extra = "".join(f", {counts[state]} {state}" for state in (FAILED, SKIPPED) if counts[state])
    return f"{progress.title}: {counts[DONE]}/{len(progress.states)} nodes done{extra}"


def progress_html(progress: RunProgress) -> str:
    """An HTML table of the node states, for the live display."""
    from kedro_nb.notebook.displays.tables import html_table

    rows = [
        (_SYMBOL[state], name, state, "" if seconds is None else f"{seconds:.2f} s")
        for name, (state, seconds) in progress.states.items()
    ]
    return html_table(progress_caption(progress), ("", "node", "state", "time"), rows)


def progress_json(progress: RunProgress) -> dict[str, Any]:
    """The same state as data (:data:`PROGRESS_MIMETYPE`): per node its state and seconds,
    and for a failed node the error and the 0-based cell index and 1-based line it failed at."""
    nodes: dict[str, dict[str, Any]] = {}
    for name, (state, seconds) in progress.states.items():
        entry: dict[str, Any] = {"state": state, "seconds": seconds}
        if name in progress.failures:
            error, location = progress.failures[name]
            entry["error"] = error
            if location is not None:
                entry["cell"], entry["line"] = location.cell_index, location.line
        nodes[name] = entry
    return {"title": progress.title, "nodes": nodes}


def progress_text(progress: RunProgress) -> str:
    """The same state as plain text (the display's ``text/plain`` fallback)."""
    return progress_caption(progress)


class LiveDisplay:
    """One display that appears on its first update and is redrawn in place afterwards.

    Wraps IPython's ``display(..., display_id=True)``; nothing is shown until there is something
    to show, so a run refused up front leaves no empty or stale table behind.
    """

    def __init__(self) -> None:
        self._handle: Any = None

    @property
    def shown(self) -> bool:
        return self._handle is not None

    def update(self, bundle: dict[str, str], raw: bool = True) -> None:
        if self._handle is None:
            from IPython.display import display

            self._handle = display(bundle, raw=raw, display_id=True)
        else:
            self._handle.update(bundle, raw=raw)

    def clear(self) -> None:
        """Blank the display if it was shown (a run that stopped on a usage error)."""
        if self._handle is not None:
            self._handle.update({"text/plain": ""}, raw=True)


#: Least time between two redraws of the live table: each redraw sends the whole table, so big
#: pipelines of quick nodes would otherwise flood the front end.
MIN_REDRAW_SECONDS = 0.1


def display_sink(handle: Any) -> Callable[[RunProgress, str], None]:
    """A sink redrawing ``handle`` (an IPython ``DisplayHandle``) with the table; redraws come
    at most every :data:`MIN_REDRAW_SECONDS`, but a failure and the last node always show."""
    last = [float("-inf")]

    def redraw(progress: RunProgress, name: str) -> None:
        now = time.monotonic()
        state, _ = progress.states[name]
        finished = progress.counts[DONE] == len(progress.states)
        if now - last[0] < MIN_REDRAW_SECONDS and state != FAILED and not finished:
            return
        last[0] = now
        handle.update(
            {
                "text/html": progress_html(progress),
                "text/plain": progress_text(progress),
                PROGRESS_MIMETYPE: progress_json(progress),
            },
            raw=True,
        )

    return redraw


def line_sink(stream: TextIO | None = None) -> Callable[[RunProgress, str], None]:
    """A sink printing one line per node event (terminals, logs)."""

    def write(progress: RunProgress, name: str) -> None:
        state, seconds = progress.states[name]
        if state == NOT_RUN:
            return
        done = progress.counts[DONE]
        timing = "" if seconds is None else f" ({seconds:.2f} s)"
        out = stream or sys.stdout
        print(f"[{done}/{len(progress.states)}] {_SYMBOL[state]} {name} {state}{timing}", file=out)

    return write
