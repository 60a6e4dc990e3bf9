"""Tables as HTML and as aligned text, the two forms every display produces.

Every cell passes through :func:`html.escape` here, so dataset names, parameter values or error
messages can never inject markup into the notebook.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

MAX_CELL_CHARS = 80  # longer values are cut with an ellipsis; tables stay compact
# The title is a line of its own above the table, not a <caption>: a caption is as wide as its
# table, so a narrow table (a run summary's two columns) wrapped its title onto several lines.
# Colours are left to the front end's theme (light or dark); only spacing is set here, with
# text-align marked important: JupyterLab's own table rules right-align cells. Cells do not wrap
# (run ids broke at their hyphens) but the last column (errors); ``shorten`` cuts long values.
_STYLE = (
    "<style>table.kedro-nb td,table.kedro-nb th{text-align:left!important;padding:1px 8px;"
    "vertical-align:top;white-space:nowrap}table.kedro-nb td:last-child{white-space:normal}"
    ".kedro-nb-title{font-weight:bold;margin:2px 0}"
    ".kedro-nb-note{margin:2px 0;font-size:0.9em}</style>"
)


def shorten(value: Any, limit: int = MAX_CELL_CHARS) -> str:
    """``str(value)`` on one line, cut to ``limit`` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def html_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A compact HTML table; every header and cell escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(shorten(cell))}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return (
        f'{_STYLE}<div class="kedro-nb-title">{html.escape(caption)}</div>'
        f'<table class="kedro-nb"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def html_notes(lines: Sequence[str]) -> str:
    """Lines of text under a table, each escaped."""
    return "".join(f'<div class="kedro-nb-note">{html.escape(line)}</div>' for line in lines)


def text_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """The same table as aligned plain text for terminals."""
    cells = [[shorten(h) for h in headers]] + [[shorten(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [caption]
    for index, row in enumerate(cells):
        lines.append(
            "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        )
        if index == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def yes_no(flag: bool | None) -> str:
    """``yes``/``no``, or ``?`` when it could not be told."""
    return "?" if flag is None else ("yes" if flag else "no")
