"""How ``params`` shows: one row per leaf parameter, nested keys dotted (``model.alpha``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kedro_nb.notebook.displays.tables import html_table, text_table

HEADERS = ("parameter", "value", "type")


def flatten(params: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``(dotted_key, value)`` for each leaf; empty dicts are leaves too."""
    for key, value in params.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            yield from flatten(value, dotted + ".")
        else:
            yield dotted, value


def _rows(params: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    return [(key, repr(value), type(value).__name__) for key, value in flatten(params)]


def _caption(rows: list[tuple[str, str, str]]) -> str:
    return f"Parameters: {len(rows)}"


def params_html(params: Mapping[str, Any]) -> str:
    """The ``text/html`` form."""
    rows = _rows(params)
    return html_table(_caption(rows), HEADERS, rows)


def params_text(params: Mapping[str, Any]) -> str:
    """The ``text/plain`` form."""
    rows = _rows(params)
    return text_table(_caption(rows), HEADERS, rows)
