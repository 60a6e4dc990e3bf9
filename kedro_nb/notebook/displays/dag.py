"""A small picture of a pipeline: nodes layered by topological depth, as inline SVG.

No JavaScript, no network, no layout library: a node's column is the length of the longest chain
of nodes feeding it, rows are filled top to bottom, edges are curves from producer to consumer.
Every label is escaped; the full node name and the datasets on an edge are in ``<title>`` tooltips.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 150, 26, 60, 14, 8
LABEL_CHARS = 20
MAX_PICTURE_NODES = 80  # beyond this the picture stops being readable; the table remains

# (name, inputs, outputs) of each node, in any order.
NodeShape = tuple[str, Sequence[str], Sequence[str]]


def layers(nodes: Sequence[NodeShape]) -> list[list[str]]:
    """Node names grouped by depth: layer 0 needs no other node's output, layer k+1 needs one of
    layer k. Assumes no cycles (pipelines refuse them)."""
    producer = {out: name for name, _, outputs in nodes for out in outputs}
    inputs = {name: list(ins) for name, ins, _ in nodes}
    depth: dict[str, int] = {}

    def depth_of(name: str, trail: tuple[str, ...] = ()) -> int:
        if name not in depth:
            parents = {producer[i] for i in inputs[name] if i in producer} - {name, *trail}
            depth[name] = 1 + max((depth_of(p, (*trail, name)) for p in parents), default=-1)
        return depth[name]

    grouped: dict[int, list[str]] = {}
    for name, _, _ in nodes:
        grouped.setdefault(depth_of(name), []).append(name)
    return [grouped[k] for k in sorted(grouped)]


def edges(nodes: Sequence[NodeShape]) -> dict[tuple[str, str], list[str]]:
    """``(producer, consumer) -> datasets`` passed between them."""
    producer = {out: name for name, _, outputs in nodes for out in outputs}
    found: dict[tuple[str, str], list[str]] = {}
    for name, ins, _ in nodes:
        for dataset in ins:
            if dataset in producer:
                found.setdefault((producer[dataset], name), []).append(dataset)
    return found


def _label(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "\u2026"


def dag_svg(nodes: Sequence[NodeShape]) -> str:
    """The SVG picture; an empty string when there is nothing (or too much) to draw."""
    if not nodes or len(nodes) > MAX_PICTURE_NODES:
        return ""
    grid = layers(nodes)
    position = {
        name: (PAD + col * (BOX_W + GAP_X), PAD + row * (BOX_H + GAP_Y))
        for col, names in enumerate(grid)
        for row, name in enumerate(names)
    }
    width = PAD * 2 + len(grid) * BOX_W + (len(grid) - 1) * GAP_X
    height = PAD * 2 + max(len(names) for names in grid) * (BOX_H + GAP_Y) - GAP_Y
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        '<defs><marker id="kedro-nb-arrow" viewBox="0 0 6 6" refX="6" refY="3" '
        'markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L6,3L0,6z" fill="#888"/>'
        "</marker></defs>",
    ]
    for (source, target), datasets in edges(nodes).items():
        x1, y1 = position[source][0] + BOX_W, position[source][1] + BOX_H / 2
        x2, y2 = position[target][0], position[target][1] + BOX_H / 2
        mid = (x1 + x2) / 2
        parts.append(
            f'<path d="M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}" fill="none" stroke="#888" '
            f'marker-end="url(#kedro-nb-arrow)"><title>{html.escape(", ".join(datasets))}'
            "</title></path>"
        )
    for name, (x, y) in position.items():
        parts.append(
            f'<g><title>{html.escape(name)}</title><rect x="{x}" y="{y}" width="{BOX_W}" '
            f'height="{BOX_H}" rx="5" fill="#eef3fb" stroke="#5a7bb5"/>'
            f'<text x="{x + BOX_W / 2}" y="{y + BOX_H / 2 + 4}" text-anchor="middle">'
            f"{html.escape(_label(name))}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
