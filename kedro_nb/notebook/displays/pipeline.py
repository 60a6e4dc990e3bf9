"""How a ``Pipeline`` shows: its nodes with inputs -> outputs, and a layered DAG picture."""

from __future__ import annotations

from typing import Any

from kedro_nb.notebook.displays.dag import NodeShape, dag_svg, layers
from kedro_nb.notebook.displays.tables import html_table

HEADERS = ("layer", "node", "inputs", "outputs", "tags")


def node_shapes(pipeline: Any) -> list[NodeShape]:
    """``(name, inputs, outputs)`` of each node, in the pipeline's (topological) order."""
    return [(n.name, list(n.inputs), list(n.outputs)) for n in pipeline.nodes]


def _rows(pipeline: Any) -> list[tuple[str, ...]]:
    shapes = node_shapes(pipeline)
    layer_of = {name: i for i, names in enumerate(layers(shapes)) for name in names}
    return [
        (
            str(layer_of[node.name]),
            node.name,
            ", ".join(node.inputs) or "-",
            ", ".join(node.outputs) or "-",
            ", ".join(sorted(node.tags)),
        )
        for node in sorted(pipeline.nodes, key=lambda n: (layer_of[n.name], n.name))
    ]


def _caption(pipeline: Any) -> str:
    count = len(pipeline.nodes)
    return f"Pipeline: {count} node{'s' if count != 1 else ''}"


def pipeline_html(pipeline: Any) -> str:
    """The ``text/html`` form: the picture (when small enough to read) above the node table."""
    picture = dag_svg(node_shapes(pipeline))
    table = html_table(_caption(pipeline), HEADERS, _rows(pipeline))
    return f"<div>{picture}</div>{table}" if picture else table


def pipeline_text(pipeline: Any) -> str:
    """The ``text/plain`` form: one line per node, by layer: ``name: inputs -> outputs``."""
    lines = [_caption(pipeline)]
    for layer, name, inputs, outputs, tags in _rows(pipeline):
        suffix = f"  [{tags}]" if tags else ""
        lines.append(f"  {layer:>3}  {name}: {inputs} -> {outputs}{suffix}")
    return "\n".join(lines)
