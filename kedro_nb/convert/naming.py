"""Names and docstrings derived from notebook content: identifiers for datasets and pipelines,
and the docstring of a node (its cell's leading comment, or the markdown cell above it)."""

from __future__ import annotations

import keyword
import re
from typing import TYPE_CHECKING, Any

from kedro_nb.convert import cells as cellconv
from kedro_nb.convert.scan import ALL_PARAMETERS, PARAMS_NAME, Rewrite, segment
from kedro_nb.shared import PARAMS_PREFIX

if TYPE_CHECKING:
    from kedro_nb.convert.analysis import NodeCell


def identifier(name: str) -> str:
    """A Python identifier for a dataset or parameter name (``raw.cars`` -> ``raw_cars``)."""
    text = re.sub(r"\W", "_", name)
    if not text or text[0].isdigit() or keyword.iskeyword(text):
        text = "_" + text
    return text


def notebook_name(path_stem: str) -> str:
    """The default pipeline / module name of a notebook file stem."""
    return identifier(path_stem.lower().replace("-", "_").replace(" ", "_"))


def leading_comment(source: str) -> tuple[str | None, int]:
    """The cell's leading ``#`` comment block as text, and the 1-based line where code starts."""
    lines = source.split("\n")
    taken: list[str] = []
    for line in lines:
        if not line.startswith("#") or line.startswith("#!") or line.startswith("# %"):
            break
        taken.append(line[1:].strip())
    body_start = len(taken) + 1
    while body_start <= len(lines) and not lines[body_start - 1].strip() and taken:
        body_start += 1
    return ("\n".join(taken).strip() or None), body_start


def markdown_doc(cell: dict[str, Any]) -> str | None:
    """A markdown cell's text with heading marks removed (headings become their own paragraph)."""
    text = cellconv.cell_source(cell).strip()
    lines = [
        re.sub(r"^#+\s*", "", line) + ("\n" if line.startswith("#") else "")
        for line in text.split("\n")
    ]
    return "\n".join(lines).strip() or None


def name_arguments(node: NodeCell, setup_names: set[str]) -> None:
    """Give every input a function argument and record the source rewrites that use them."""
    taken = set(node.scan.binds) | set(node.scan.reads) | setup_names
    args: list[str] = []
    for dataset in node.inputs:
        if dataset.startswith(PARAMS_PREFIX):
            key = dataset[len(PARAMS_PREFIX) :]
            arg = identifier(key.split(".")[-1])
            if arg in taken or arg in args:
                arg = identifier(key.replace(".", "_"))
            while arg in taken or arg in args:
                arg = "param_" + arg
            for span in node.scan.param_refs.get(key, []):
                node.rewrites.append(Rewrite(span, arg))
        elif dataset == ALL_PARAMETERS and dataset not in node.scan.reads:
            arg = PARAMS_NAME
        else:  # a variable the cell reads keeps its name; catalog.load("x") becomes x
            arg = node.input_variables.get(dataset) or identifier(dataset)
            while arg in args:
                arg = "loaded_" + arg
            for span in node.scan.catalog_loads.get(dataset, []):
                node.rewrites.append(Rewrite(span, arg))
        args.append(arg)
    node.args = args
    for dataset, call, value, _line in node.scan.catalog_saves:
        text = segment(node.scan.source, value)
        node.rewrites.append(Rewrite(call, f"{identifier(dataset)} = {text}"))
    node.rewrites.sort(key=lambda r: (r.span.line, r.span.col))
