"""The inline DAG picture's geometry: no edge passes over a box it does not connect.

The SVG is parsed back (it is XML), each edge's path sampled along its lines and curves, and
every sample checked against every box the edge does not start or end at.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from kedro_nb.notebook.displays.dag import BOX_H, BOX_W, NodeShape, dag_svg

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = r"-?\d+(?:\.\d+)?"

DIAMOND: list[NodeShape] = [
    ("split", ["raw"], ["left", "right"]),
    ("left_side", ["left"], ["l2"]),
    ("right_side", ["right"], ["r2"]),
    ("join", ["l2", "r2"], ["joined"]),
]
FAN_IN: list[NodeShape] = [(f"source_{i}", [], [f"part_{i}"]) for i in range(5)] + [
    ("combine", [f"part_{i}" for i in range(5)], ["whole"])
]
# The shape the old hand-made layout drew wrong: enrich -> build_report ran behind summarise.
SKIP_A_STEP: list[NodeShape] = [
    ("prepare", ["raw"], ["clean"]),
    ("enrich", ["clean"], ["enriched"]),
    ("summarise", ["enriched"], ["summary"]),
    ("build_report", ["enriched", "summary"], ["report"]),
]
# Long edges over several layers, from both ends of a wide layer, plus an unconnected part.
WIDE: list[NodeShape] = [
    ("a", [], ["x"]),
    ("b", ["x"], ["y1", "y2", "y3"]),
    ("c1", ["y1"], ["z1"]),
    ("c2", ["y2"], ["z2"]),
    ("c3", ["y3"], ["z3"]),
    ("d", ["z1", "z2"], ["w"]),
    ("e", ["w", "x", "z3"], ["out"]),
    ("f", ["x", "out"], ["final"]),
    ("alone", ["p"], ["q"]),
]


def _points(d: str) -> list[tuple[float, float]]:
    """Samples along an SVG path made of M, L and C commands."""
    tokens = re.findall(rf"[MLC]|{NUMBER}", d)
    samples: list[tuple[float, float]] = []
    pos = (0.0, 0.0)
    i = 0
    while i < len(tokens):
        command = tokens[i]
        i += 1
        count = {"M": 2, "L": 2, "C": 6}[command]
        values = [float(v) for v in tokens[i : i + count]]
        i += count
        if command == "M":
            pos = (values[0], values[1])
            samples.append(pos)
        elif command == "L":
            end = (values[0], values[1])
            samples += [_lerp(pos, end, k / 50) for k in range(1, 51)]
            pos = end
        else:
            c1, c2, end = (values[0], values[1]), (values[2], values[3]), (values[4], values[5])
            samples += [_bezier(pos, c1, c2, end, k / 50) for k in range(1, 51)]
            pos = end
    return samples


def _lerp(a, b, t):
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _bezier(p0, p1, p2, p3, t):
    u = 1 - t
    return tuple(
        u**3 * p0[k] + 3 * u * u * t * p1[k] + 3 * u * t * t * p2[k] + t**3 * p3[k]
        for k in range(2)
    )


def _picture(nodes: list[NodeShape]) -> tuple[dict[str, tuple[float, float]], list[ET.Element]]:
    root = ET.fromstring(dag_svg(nodes))
    boxes = {}
    for group in root.iter(f"{SVG}g"):
        rect = group.find(f"{SVG}rect")
        boxes[group.find(f"{SVG}title").text] = (float(rect.get("x")), float(rect.get("y")))
    paths = [p for p in root.iter(f"{SVG}path") if p.get("data-from")]
    return boxes, paths


@pytest.mark.parametrize(
    "nodes", [DIAMOND, FAN_IN, SKIP_A_STEP, WIDE], ids=["diamond", "fan-in-5", "skip", "wide"]
)
def test_no_edge_crosses_a_box_it_does_not_connect(nodes: list[NodeShape]) -> None:
    boxes, paths = _picture(nodes)
    assert set(boxes) == {name for name, _, _ in nodes}
    expected = {(a, b) for a, b in _expected_edges(nodes)}
    assert {(p.get("data-from"), p.get("data-to")) for p in paths} == expected
    for path in paths:
        ends = {path.get("data-from"), path.get("data-to")}
        for x, y in _points(path.get("d")):
            for name, (bx, by) in boxes.items():
                if name in ends:
                    continue
                inside = bx - 1 < x < bx + BOX_W + 1 and by - 1 < y < by + BOX_H + 1
                assert not inside, f"edge {ends} passes over box {name!r} at ({x:.0f}, {y:.0f})"


def test_boxes_do_not_overlap_and_fit_in_the_picture() -> None:
    for nodes in (DIAMOND, FAN_IN, SKIP_A_STEP, WIDE):
        root = ET.fromstring(dag_svg(nodes))
        width, height = float(root.get("width")), float(root.get("height"))
        boxes = list(_picture(nodes)[0].values())
        for i, (x, y) in enumerate(boxes):
            assert x >= 0 and x + BOX_W <= width and y >= 0 and y + BOX_H <= height
            for ox, oy in boxes[i + 1 :]:
                assert abs(x - ox) >= BOX_W or abs(y - oy) >= BOX_H


def test_edges_start_at_the_producer_and_end_at_the_consumer() -> None:
    boxes, paths = _picture(SKIP_A_STEP)
    for path in paths:
        points = _points(path.get("d"))
        (sx, sy), (tx, ty) = boxes[path.get("data-from")], boxes[path.get("data-to")]
        assert points[0] == pytest.approx((sx + BOX_W, sy + BOX_H / 2))
        assert points[-1] == pytest.approx((tx, ty + BOX_H / 2))


def test_layers_run_left_to_right_in_dependency_order() -> None:
    boxes, _ = _picture(SKIP_A_STEP)
    xs = [boxes[name][0] for name in ("prepare", "enrich", "summarise", "build_report")]
    assert xs == sorted(xs) and len(set(xs)) == 4


def _expected_edges(nodes: list[NodeShape]) -> set[tuple[str, str]]:
    producer = {out: name for name, _, outs in nodes for out in outs}
    return {(producer[i], name) for name, ins, _ in nodes for i in ins if i in producer}
