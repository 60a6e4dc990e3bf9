"""Carry edits made in a generated ``nodes.py`` back into the notebook cells they came from.

Each generated function is preceded by ``# kedro-nb: cell=<id> source=<hash> body=<hash>``: the
hash of the cell source and of the function text at the last conversion. For each function:

- only the function changed: its body is mapped back into the cell, line by line (unchanged lines
  keep the cell's original text, magics included; changed lines are de-indented and parameter /
  catalog arguments are turned back into ``params[...]`` / ``catalog.load(...)``);
- only the cell changed: nothing to carry back (``kedro-nb convert`` regenerates the file);
- both changed: a conflict. Every conflict is reported at once and nothing is written.

The notebook and the regenerated sources are then written together.
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import os
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kedro_nb.convert.analysis import PARAMS_PREFIX, NodeCell, identifier
from kedro_nb.convert.cells import read_notebook, set_cell_source
from kedro_nb.convert.codegen import MARKER, digest, node_body
from kedro_nb.convert.converter import plan_conversion
from kedro_nb.convert.errors import GeneratedFileError, SyncConflictError
from kedro_nb.convert.scan import segment
from kedro_nb.convert.writer import write_files

_MARKER = re.compile(rf"^{re.escape(MARKER)} cell=(\S+) source=(\w+) body=(\w+)\s*$")


@dataclass
class SyncResult:
    """What ``sync_notebook`` did: node names carried back, and notes for the user."""

    updated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class GeneratedFunction:
    """One function of a generated ``nodes.py`` with the hashes of its marker."""

    cell_id: str
    source_hash: str
    body_hash: str
    name: str
    text: str
    node: ast.FunctionDef


def generated_functions(path: Path) -> list[GeneratedFunction]:
    """The marked functions of a generated ``nodes.py``."""
    if not path.is_file():
        raise GeneratedFileError(
            f"{path} does not exist: run `kedro-nb convert` first, then edit the generated file."
        )
    try:
        return _functions_in(path.read_text(encoding="utf-8"))
    except SyntaxError as exc:
        raise GeneratedFileError(
            f"{path} line {exc.lineno} is not valid Python ({exc.msg}); fix it before syncing."
        ) from exc


def _functions_in(text: str) -> list[GeneratedFunction]:
    tree = ast.parse(text)
    lines = text.split("\n")
    found = []
    for statement in tree.body:
        if not isinstance(statement, ast.FunctionDef) or statement.lineno < 2:
            continue
        match = _MARKER.match(lines[statement.lineno - 2])
        if match:
            body = "\n".join(lines[statement.lineno - 1 : statement.end_lineno]) + "\n"
            found.append(GeneratedFunction(*match.groups(), statement.name, body, statement))
    return found


def _function_body(function: GeneratedFunction, node: NodeCell) -> tuple[list[str], list[str]]:
    """(body lines, notes): the function's lines minus the docstring and generated return."""
    lines = function.text.rstrip("\n").split("\n")
    statements = function.node.body
    first = function.node.lineno
    start = statements[0].lineno - first if statements else len(lines)
    first_statement = statements[0] if statements else None
    if isinstance(first_statement, ast.Expr) and isinstance(first_statement.value, ast.Constant):
        start = (first_statement.end_lineno or first_statement.lineno) - first + 1
    end = len(lines)
    notes = []
    expected = (
        "    return " + ", ".join(identifier(o) for o in node.outputs) if node.outputs else None
    )
    if expected and lines[-1] == expected:
        end -= 1
    elif expected:
        notes.append(f"node {node.name!r}: the return line changed; outputs are not synced back")
    return lines[start:end], notes


def _original_expressions(node: NodeCell) -> dict[str, str]:
    """Argument name -> the cell expression it replaced (``alpha`` -> ``params["alpha"]``)."""
    original: dict[str, str] = {}
    for rewrite in node.rewrites:
        if "=" not in rewrite.text:
            original.setdefault(rewrite.text, segment(node.scan.source, rewrite.span))
    for dataset, arg in zip(node.inputs, node.args, strict=True):
        if dataset.startswith(PARAMS_PREFIX) and arg not in original:
            keys = dataset[len(PARAMS_PREFIX) :].split(".")
            original[arg] = "params" + "".join(f"[{k!r}]" for k in keys)
    return original


def _reverse_line(line: str, original: dict[str, str], saves: dict[str, str]) -> str:
    line = line[4:] if line.startswith("    ") else line.lstrip(" ")
    match = re.match(r"^(\s*)(\w+) = (.*)$", line)
    if match and match.group(2) in saves:
        return f"{match.group(1)}catalog.save({saves[match.group(2)]!r}, {match.group(3)})"
    if not original:
        return line
    spans: list[tuple[int, int, str]] = []
    previous = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(line).readline):
            if token.type == tokenize.NAME and token.string in original and previous != ".":
                spans.append((token.start[1], token.end[1], original[token.string]))
            if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                previous = token.string
    except (tokenize.TokenError, IndentationError):
        pass  # a line of a longer statement: the tokens read so far are enough
    for start, end, text in reversed(spans):
        line = line[:start] + text + line[end:]
    return line


def _outside_functions(text: str) -> str:
    """``text`` without the marked node functions (what setup cells generate)."""
    try:
        functions = _functions_in(text)
    except SyntaxError:
        return text
    lines = text.split("\n")
    for function in sorted(functions, key=lambda f: f.node.lineno, reverse=True):
        del lines[function.node.lineno - 2 : function.node.end_lineno]
    return "\n".join(line for line in lines if line.strip())


def cell_from_function(node: NodeCell, function: GeneratedFunction) -> tuple[str, list[str]]:
    """The new cell source for an edited generated function, and notes."""
    new_lines, notes = _function_body(function, node)
    base = node_body(node)
    cell_lines = node.source.split("\n")
    first_body = node.body_start
    while first_body <= len(cell_lines) and not cell_lines[first_body - 1].strip():
        first_body += 1
    aligned = len(node.scan.source.split("\n")) == len(cell_lines)
    original = _original_expressions(node)
    saves = {identifier(dataset): dataset for dataset, *_ in node.scan.catalog_saves}
    result = cell_lines[: first_body - 1]
    matcher = difflib.SequenceMatcher(a=base, b=new_lines, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal" and aligned:
            result.extend(cell_lines[first_body - 1 + a0 : first_body - 1 + a1])
        elif tag != "delete":
            result.extend(_reverse_line(line, original, saves) for line in new_lines[b0:b1])
    while result and not result[-1].strip():
        result.pop()
    return "\n".join(result), notes


def sync_notebook(notebook: str | os.PathLike[str], **options: Any) -> SyncResult:
    """Carry edits of the generated ``nodes.py`` file(s) back into ``notebook``.

    ``options`` are those of ``plan_conversion`` (``pipeline``, ``project``, ``target``).
    Raises :class:`SyncConflictError` (nothing written) when a function and its cell both changed.
    """
    path = Path(notebook).resolve()
    nb = read_notebook(path)
    plan = plan_conversion(path, nb=nb, with_catalog=False, **options)
    result = SyncResult()
    conflicts: list[str] = []
    edited: list[GeneratedFunction] = []
    by_id = {node.cell_id: node for nodes in plan.groups.values() for node in nodes}
    for name in plan.groups:
        nodes_file = plan.package_dir(name) / "nodes.py"
        functions = generated_functions(nodes_file)
        on_disk = nodes_file.read_text(encoding="utf-8")
        if _outside_functions(on_disk) != _outside_functions(plan.sources[nodes_file]):
            result.notes.append(
                f"{nodes_file.name}: edits outside the node functions (imports, setup code) are "
                "not carried back; make them in the notebook's setup cells"
            )
        for function in functions:
            node = by_id.get(function.cell_id)
            if node is None:
                result.notes.append(
                    f"{nodes_file.name}: function {function.name!r} comes from cell "
                    f"{function.cell_id}, which is no longer a node cell; not synced"
                )
                continue
            file_changed = digest(function.text) != function.body_hash
            cell_changed = digest(node.source) != function.source_hash
            if file_changed and cell_changed:
                conflicts.append(
                    f"- node {node.name!r}: cell {node.cell_index} (id {node.cell_id}) and "
                    f"function {function.name!r} in {nodes_file} both changed"
                )
            elif file_changed:
                source, notes = cell_from_function(node, function)
                set_cell_source(nb["cells"][node.cell_index], source)
                result.updated.append(node.name)
                edited.append(function)
                result.notes.extend(notes)
    if conflicts:
        raise SyncConflictError(
            "Cannot sync: both sides changed since the last conversion:\n"
            + "\n".join(conflicts)
            + "\nKeep one side: copy the edit by hand, then run `kedro-nb convert` "
            "(notebook wins) or revert the cell and run `kedro-nb sync` (file wins)."
        )
    if not result.updated:
        return result
    regenerated = plan_conversion(path, nb=nb, with_catalog=False, **options)
    notebook_text = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    for name in regenerated.groups:
        text = regenerated.sources[regenerated.package_dir(name) / "nodes.py"]
        fresh = {f.name: f.text for f in _functions_in(text)}
        for function in edited:
            if function.name in fresh and fresh[function.name] != function.text:
                result.notes.append(
                    f"node {function.name!r}: edits outside the body (docstring, signature, "
                    "return) are regenerated from the notebook"
                )
    result.written = write_files({path: notebook_text, **regenerated.sources})
    return result
