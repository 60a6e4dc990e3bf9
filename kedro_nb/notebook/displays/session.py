"""How a session shows: where the project is, and its latest run records."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from kedro_nb.notebook.displays.tables import html_table, text_table

if TYPE_CHECKING:
    from kedro_nb.project import KedroNbSession

HEADERS = ("run", "started", "pipeline", "status", "nodes", "seconds", "error")
SHOWN_RUNS = 10


def _as_datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def _when(value: Any) -> str:
    value = _as_datetime(value)
    if isinstance(value, (int, float)):
        value = dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return str(value or "")


def _seconds(record: Any) -> str:
    start, end = _as_datetime(record.started_at), _as_datetime(record.ended_at)
    try:
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
            return f"{(end - start).total_seconds():.2f}"
        return f"{float(end) - float(start):.2f}"
    except (TypeError, ValueError):
        return ""


def run_row(record: Any) -> tuple[str, ...]:
    """One run record as a table row (errors cut to their first line)."""
    error = (record.error or "").strip().splitlines()
    return (
        str(record.run_id),  # in full: runs started in one second differ after it
        _when(record.started_at),
        record.pipeline_name or "(pipeline object)",  # a notebook or an unregistered pipeline
        record.status,
        str(len(record.node_timings or {})),
        _seconds(record),
        error[0] if error else "",
    )


def _caption(session: KedroNbSession) -> str:
    kind = (
        f"project {session.package_name!r}, env {session.env!r}"
        if session.is_project
        else "embedded default (no project)"
    )
    return f"KedroNbSession: {kind} at {session.project_path}"


def _rows(session: KedroNbSession) -> list[tuple[str, ...]]:
    try:
        return [run_row(record) for record in session.runs(limit=SHOWN_RUNS)]
    except Exception:  # a display must not fail when the run store is unreadable
        return []


def session_html(session: KedroNbSession) -> str:
    """The ``text/html`` form: caption plus the last runs."""
    return html_table(_caption(session) + " - latest runs", HEADERS, _rows(session))


def session_text(session: KedroNbSession) -> str:
    """The ``text/plain`` form."""
    return text_table(_caption(session) + " - latest runs", HEADERS, _rows(session))
