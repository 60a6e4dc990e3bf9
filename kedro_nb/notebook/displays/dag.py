"""A small picture of a pipeline: nodes in layers left to right, as inline SVG.

The layout is grandalf's Sugiyama layout (the layered "dot" drawing; ``dvc dag`` draws with it):
it ranks the nodes, inserts a dummy vertex wherever an edge skips a layer, and orders each layer
to reduce crossings. An edge is then drawn through its dummies: straight across a layer's column
(at the dummy's place, which the layout keeps clear of boxes) and as a curve in the gap between
two columns, where no box is. So no edge passes behind a box it does not connect, and an edge that
skips a step (``enrich -> build_report`` past ``summarise``) is visibly a separate line.

No JavaScript, no network. Every label is escaped; the full node name and the datasets on an edge
are in ``<title>`` tooltips. grandalf is imported when a picture is first drawn.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 150, 26, 60, 14, 8
LABEL_CHARS = 20
MAX_PICTURE_NODES = 80  # beyond this the picture stops being readable; the table remains
COMPONENT_GAP = 2 * GAP_Y  # between unconnected parts of a pipeline, stacked top to bottom

# (name, inputs, outputs) of each node, in any order.
NodeShape = tuple[str, Sequence[str], Sequence[str]]
Point = tuple[float, float]


def layers(nodes: Sequence[NodeShape]) -> list[list[str]]:
    """Node names grouped by depth: layer 0 needs no other node's output, layer k+1 needs one of
    layer k. Assumes no cycles (pipelines refuse them). The picture uses the same ranks."""
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
            if dataset in producer and producer[dataset] != name:
                found.setdefault((producer[dataset], name), []).append(dataset)
    return found


@dataclass
class Layout:
    """Where everything goes: box top-left corners, and each edge as its way points.

    An edge's ``route`` is ``[start, (enter, leave) for each layer it crosses ..., end]``
    flattened: the start on the producer's right side, then for each skipped layer the points
    where it enters and leaves that column (same height), then the end on the consumer's left.
    """

    width: float
    height: float
    boxes: dict[str, Point] = field(default_factory=dict)
    routes: dict[tuple[str, str], list[Point]] = field(default_factory=dict)


class _View:
    """The size grandalf reads, in its own frame (layers stacked along y): a box's height in
    that frame is its width in ours, since the picture is turned to run left to right."""

    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy: Point = (0.0, 0.0)


def layout(nodes: Sequence[NodeShape]) -> Layout:
    """Lay ``nodes`` out with grandalf's Sugiyama layout, turned to read left to right."""
    from grandalf.graphs import Edge, Graph, Vertex
    from grandalf.layouts import SugiyamaLayout

    links = edges(nodes)
    vertex = {name: Vertex(name) for name, _, _ in nodes}
    for v in vertex.values():
        v.view = _View(BOX_H, BOX_W)
    graph = Graph(list(vertex.values()), [Edge(vertex[a], vertex[b]) for a, b in links])
    rank = {name: i for i, names in enumerate(layers(nodes)) for name in names}
    centre: dict[str, Point] = {}  # ours: x along layers, y within a layer
    dummies: dict[tuple[str, str], list[Point]] = {}
    top = float(PAD)
    for component in graph.C:
        sugiyama = SugiyamaLayout(component)
        sugiyama.xspace, sugiyama.yspace = GAP_Y, GAP_X
        roots = [v for v in component.sV if not v.e_in()]
        sugiyama.init_all(roots=roots, inverted_edges=[])
        sugiyama.draw(3)
        # grandalf's x runs within a layer; negated, the first node given comes out on top.
        # The extent counts the dummies too: an edge may run above or below every box.
        across = [-v.view.xy[0] for layer in sugiyama.layers for v in layer]
        low, high = min(across) - BOX_H / 2, max(across) + BOX_H / 2
        for v in component.sV:
            centre[v.data] = (_column(rank[v.data]), top - v.view.xy[0] - low)
        for e in component.sE:
            ctrl = sugiyama.ctrls.get(e, {})
            dummies[(e.v[0].data, e.v[1].data)] = [
                (_column(r), top - ctrl[r].view.xy[0] - low)
                for r in sorted(ctrl)
                if ctrl[r] not in e.v
            ]
        top += high - low + COMPONENT_GAP
    found = Layout(
        width=PAD * 2 + (max(rank.values()) + 1) * (BOX_W + GAP_X) - GAP_X,
        height=top - COMPONENT_GAP + PAD,
    )
    found.boxes = {name: (x - BOX_W / 2, y - BOX_H / 2) for name, (x, y) in centre.items()}
    for (source, target), way in dummies.items():
        (sx, sy), (tx, ty) = centre[source], centre[target]
        route = [(sx + BOX_W / 2, sy)]
        for x, y in way:
            route += [(x - BOX_W / 2, y), (x + BOX_W / 2, y)]
        route.append((tx - BOX_W / 2, ty))
        found.routes[(source, target)] = route
    return found


def _column(rank: int) -> float:
    """The x of the centre of layer ``rank``'s column."""
    return PAD + rank * (BOX_W + GAP_X) + BOX_W / 2


def path_data(route: Sequence[Point]) -> str:
    """SVG path ``d`` of a route: curves between columns, straight runs across them."""
    (x, y), rest = route[0], route[1:]
    parts = [f"M{x:.1f},{y:.1f}"]
    for index, (nx, ny) in enumerate(rest):
        if index % 2 == 0:  # across a gap: a curve with level ends, inside the gap
            mid = (x + nx) / 2
            parts.append(f"C{mid:.1f},{y:.1f} {mid:.1f},{ny:.1f} {nx:.1f},{ny:.1f}")
        else:  # across a skipped column, level
            parts.append(f"L{nx:.1f},{ny:.1f}")
        x, y = nx, ny
    return " ".join(parts)


def _label(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "\u2026"


def dag_svg(nodes: Sequence[NodeShape]) -> str:
    """The SVG picture; an empty string when there is nothing (or too much) to draw."""
    if not nodes or len(nodes) > MAX_PICTURE_NODES:
        return ""
    placed = layout(nodes)
    width, height = round(placed.width), round(placed.height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kedro-nb-dag" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
        'font-size="11">',
        '<defs><marker id="kedro-nb-arrow" viewBox="0 0 6 6" refX="6" refY="3" '
        'markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L6,3L0,6z" fill="#888"/>'
        "</marker></defs>",
    ]
    datasets = edges(nodes)
    for (source, target), route in placed.routes.items():
        parts.append(
            f'<path d="{path_data(route)}" fill="none" stroke="#888" '
            f'data-from="{html.escape(source)}" data-to="{html.escape(target)}" '
            f'marker-end="url(#kedro-nb-arrow)"><title>'
            f"{html.escape(', '.join(datasets[(source, target)]))}</title></path>"
        )
    for name, (x, y) in placed.boxes.items():
        parts.append(
            f'<g><title>{html.escape(name)}</title><rect x="{x:.1f}" y="{y:.1f}" '
            f'width="{BOX_W}" height="{BOX_H}" rx="5" fill="#eef3fb" stroke="#5a7bb5"/>'
            f'<text x="{x + BOX_W / 2:.1f}" y="{y + BOX_H / 2 + 4:.1f}" text-anchor="middle" '
            f'fill="#1d2a3f">{html.escape(_label(name))}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
