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

from kedro_nb.convert.cells import read_notebook, set_cell_source
from kedro_nb.convert.codegen import digest, node_body
from kedro_nb.convert.converter import plan_conversion
from kedro_nb.convert.errors import SyncConflictError, UncarriedEditError
from kedro_nb.convert.generated import (
    GeneratedFunction,
    functions_in,
    generated_functions,
    hand_edits,
    outside_functions,
    recorded_stamp,
)
from kedro_nb.convert.model import NodeCell
from kedro_nb.convert.naming import identifier
from kedro_nb.convert.scan import segment
from kedro_nb.convert.verify import verify
from kedro_nb.convert.writer import write_files
from kedro_nb.shared import PARAMS_PREFIX


@dataclass
class SyncResult:
    """What ``sync_notebook`` did: node names carried back, and notes for the user."""

    updated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def _function_body(function: GeneratedFunction, node: NodeCell) -> tuple[list[str], list[str]]:
    """(body lines, uncarried edits): the function's lines minus docstring and generated return."""
    lines = function.text.rstrip("\n").split("\n")
    statements = function.node.body
    first = function.node.lineno
    start = statements[0].lineno - first if statements else len(lines)
    if _docstring_node(function) is not None:
        start = (statements[0].end_lineno or statements[0].lineno) - first + 1
    end = len(lines)
    uncarried = []
    expected = "    return " + ", ".join(node.returns) if node.outputs else None
    if expected and lines[-1] == expected:
        end -= 1
    elif expected:
        uncarried.append(
            f"node {node.name!r}: the return line changed (`{expected.strip()}` expected): the "
            "outputs are what later nodes read and the catalog declares; to choose them, set "
            "`outputs` in the cell's kedro_nb metadata"
        )
    return lines[start:end], uncarried


def _docstring_node(function: GeneratedFunction) -> ast.Expr | None:
    first = function.node.body[0] if function.node.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first
    return None


def _signature(node: NodeCell, function: GeneratedFunction) -> tuple[dict[str, str], list[str]]:
    """(renamed argument -> the argument it replaced, uncarried edits) of an edited signature.

    A renamed argument stands for the same input, so the cell keeps reading that dataset;
    defaults, annotations, decorators and ``*args``/``**kwargs`` have no place in a cell.
    """
    spec, name = function.node.args, node.name
    uncarried = []
    if spec.posonlyargs or spec.vararg or spec.kwonlyargs or spec.kwarg or spec.defaults:
        uncarried.append(
            f"node {name!r}: default values, keyword-only, `*args` and `**kwargs` arguments "
            "cannot be carried: a node's arguments are the datasets its cell reads"
        )
    if any(a.annotation for a in spec.args) or function.node.returns:
        uncarried.append(f"node {name!r}: type annotations cannot be carried into a cell")
    if function.node.decorator_list:
        uncarried.append(f"node {name!r}: decorators cannot be carried into a cell")
    new = [a.arg for a in spec.args]
    renamed = {}
    if len(new) == len(node.args):
        renamed = {n: old for n, old in zip(new, node.args, strict=True) if n != old}
    return renamed, uncarried


def _leading_comment(docstring: str | None) -> list[str]:
    """The cell comment lines that make ``docstring`` the node's docstring."""
    if not docstring:
        return []
    return [f"# {line}".rstrip() if line.strip() else "#" for line in docstring.split("\n")]


def _same_text(first: str | None, second: str | None) -> bool:
    """Equal up to line wrapping (codegen re-fills docstrings)."""
    return " ".join((first or "").split()) == " ".join((second or "").split())


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
    fstrings: list[str] = []  # the quotes of the f-strings being read (Python 3.12+ tokens)
    try:
        for token in tokenize.generate_tokens(io.StringIO(line).readline):
            if token.type == _FSTRING_START:
                fstrings.append(token.string[-1])
            elif token.type == _FSTRING_END and fstrings:
                fstrings.pop()
            elif token.type == tokenize.NAME and token.string in original and previous != ".":
                text = original[token.string]
                if fstrings:
                    text = _fit_quotes(text, fstrings[-1])
                spans.append((token.start[1], token.end[1], text))
            elif token.type == tokenize.STRING:  # before 3.12 an f-string is one token
                spans += _fstring_spans(token, original)
            if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                previous = token.string
    except (tokenize.TokenError, IndentationError):
        pass  # a line of a longer statement: the tokens read so far are enough
    for start, end, text in sorted(spans, reverse=True):
        line = line[:start] + text + line[end:]
    return line


_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)


def _fit_quotes(text: str, quote: str) -> str:
    """``text`` (a ``params[...]`` lookup) made to fit a replacement field of an f-string
    delimited by ``quote``: before Python 3.12 the field cannot hold that quote, so the lookup's
    quotes are swapped when it has only those."""
    other = '"' if quote == "'" else "'"
    return text.replace(quote, other) if quote in text and other not in text else text


def _fstring_spans(
    token: tokenize.TokenInfo, original: dict[str, str]
) -> list[tuple[int, int, str]]:
    """The argument names read in the replacement fields of a one-line f-string that Python
    before 3.12 tokenizes as one STRING, located with the AST (a position that does not point
    at the name is left out: the line then keeps the name and the check after sync says so)."""
    body = token.string.lstrip("rRbBuUfF")
    prefix = token.string[: len(token.string) - len(body)]
    if "f" not in prefix.lower() or token.start[0] != token.end[0]:
        return []
    try:
        tree = ast.parse(token.string, mode="eval")
    except SyntaxError:
        return []
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in original and node.end_col_offset:
            start, end = node.col_offset, node.end_col_offset
            if token.string[start:end] == node.id:
                text = _fit_quotes(original[node.id], body[0])
                spans.append((token.start[1] + start, token.start[1] + end, text))
    return spans


def cell_from_function(
    node: NodeCell, function: GeneratedFunction, generated_doc: str | None = None
) -> tuple[str, list[str]]:
    """The new cell source for an edited generated function, and the edits it cannot carry.

    Body lines go back line by line; a renamed argument goes back to the input it stood for;
    a docstring that differs from ``generated_doc`` (what convert wrote) becomes the cell's
    leading comment.
    """
    new_lines, uncarried = _function_body(function, node)
    renamed, signature_edits = _signature(node, function)
    uncarried += signature_edits
    base = node_body(node)
    cell_lines = node.source.split("\n")
    first_body = node.body_start
    while first_body <= len(cell_lines) and not cell_lines[first_body - 1].strip():
        first_body += 1
    aligned = len(node.scan.source.split("\n")) == len(cell_lines)
    original = _original_expressions(node)
    for new, old in renamed.items():
        original[new] = original.get(old, old)
    saves = {identifier(dataset): dataset for dataset, *_ in node.scan.catalog_saves}
    result = cell_lines[: first_body - 1]
    docstring = ast.get_docstring(function.node) if _docstring_node(function) else None
    if not _same_text(docstring, generated_doc):
        gap = [""] if docstring and any(not line.strip() for line in result) else []
        result = _leading_comment(docstring) + gap
    matcher = difflib.SequenceMatcher(a=base, b=new_lines, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal" and aligned and not renamed:
            result.extend(cell_lines[first_body - 1 + a0 : first_body - 1 + a1])
        elif tag != "delete":
            result.extend(_reverse_line(line, original, saves) for line in new_lines[b0:b1])
    while result and not result[-1].strip():
        result.pop()
    return "\n".join(result), uncarried


def _lost_in_regeneration(
    edited: GeneratedFunction, renamed: dict[str, str], fresh: GeneratedFunction
) -> list[str]:
    """Signature and docstring edits of ``edited`` that the regenerated ``fresh`` lacks
    (``renamed`` arguments went back to the inputs they stand for)."""
    name = edited.name
    lost = []
    new_args = [renamed.get(a.arg, a.arg) for a in edited.node.args.args]
    got = [a.arg for a in fresh.node.args.args]
    added = [a for a in new_args if a not in got]
    removed = [a for a in got if a not in new_args]
    if added:
        lost.append(
            f"node {name!r}: argument(s) {', '.join(added)} added, but the cell reads no "
            "dataset of that name: an earlier node must produce it or the catalog declare it "
            "(or list it in the cell's kedro_nb `inputs` metadata)"
        )
    if removed:
        lost.append(
            f"node {name!r}: argument(s) {', '.join(removed)} removed, but the cell still "
            "reads them: remove those reads from the body too"
        )
    if not added and not removed and new_args != got:
        lost.append(
            f"node {name!r}: the argument order cannot be carried (inputs keep the "
            "order in which the cell first reads them)"
        )
    doc = ast.get_docstring(edited.node) if _docstring_node(edited) else None
    if doc and not _same_text(doc, ast.get_docstring(fresh.node)):
        lost.append(f"node {name!r}: the docstring edit could not be carried")
    return lost


def sync_notebook(
    notebook: str | os.PathLike[str], *, force: bool = False, **options: Any
) -> SyncResult:
    """Carry edits of the generated ``nodes.py`` file(s) back into ``notebook``.

    ``options`` are those of ``plan_conversion`` (``pipeline``, ``project``, ``target``).
    Raises :class:`SyncConflictError` (nothing written) when a function and its cell both
    changed, and :class:`UncarriedEditError` (nothing written) when an edit cannot be carried
    back, unless ``force`` carries the rest and drops those.
    """
    path = Path(notebook).resolve()
    nb = read_notebook(path)
    plan = plan_conversion(path, nb=nb, with_catalog=False, **options)
    root = plan.layout.root
    result = SyncResult()
    conflicts: list[str] = []
    uncarried: list[str] = []
    edited: list[tuple[GeneratedFunction, dict[str, str]]] = []
    by_id = {node.cell_id: node for nodes in plan.groups.values() for node in nodes}
    for generated_file in sorted(plan.sources):
        edits = hand_edits(generated_file) if generated_file.name != "nodes.py" else None
        if edits is not None:
            uncarried.append(
                f"{edits.describe(root)}: this file is regenerated from the notebook; change "
                "the cells' tags or kedro_nb metadata instead"
            )
    for name in plan.groups:
        nodes_file = plan.package_dir(name) / "nodes.py"
        functions = generated_functions(nodes_file)
        planned = plan.sources[nodes_file]
        generated_docs = {f.name: ast.get_docstring(f.node) for f in functions_in(planned)}
        edits = hand_edits(nodes_file)
        if (edits is not None and edits.outside) or (
            not recorded_stamp(nodes_file.read_text(encoding="utf-8"))
            and outside_functions(nodes_file.read_text(encoding="utf-8"))
            != outside_functions(planned)
        ):
            uncarried.append(
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
            cell_changed = digest(node.source) != function.source_hash
            if function.edited and cell_changed:
                conflicts.append(
                    f"- node {node.name!r}: cell {node.cell_index + 1} (id {node.cell_id}) and "
                    f"function {function.name!r} in {nodes_file} both changed"
                )
            elif function.edited:
                source, lost = cell_from_function(node, function, generated_docs.get(node.name))
                set_cell_source(nb["cells"][node.cell_index], source)
                result.updated.append(node.name)
                edited.append((function, _signature(node, function)[0]))
                uncarried.extend(lost)
    if conflicts:
        raise SyncConflictError(
            "Cannot sync: both sides changed since the last conversion:\n"
            + "\n".join(conflicts)
            + "\nKeep one side: copy the edit by hand, then run "
            f"`{plan.command('convert', '--force')}` (notebook wins) or revert the cell and "
            f"run `{plan.command('sync')}` (file wins)."
        )
    if not result.updated:
        result.notes.extend(uncarried)  # nothing is written, so nothing is lost
        return result
    regenerated = plan_conversion(path, nb=nb, with_catalog=False, **options)
    verify(regenerated)
    for name in regenerated.groups:
        text = regenerated.sources[regenerated.package_dir(name) / "nodes.py"]
        fresh = {f.name: f for f in functions_in(text)}
        for function, renamed in edited:
            if function.name in fresh:
                uncarried.extend(_lost_in_regeneration(function, renamed, fresh[function.name]))
    if uncarried and not force:
        raise UncarriedEditError(
            f"Not syncing {path.name}: these edits cannot be carried back into the notebook, "
            "and regenerating the files would lose them:\n"
            + "\n".join(f"  {text}" for text in uncarried)
            + "\nNothing was written. Make them in the notebook instead, or run `kedro-nb sync "
            "--force` to carry the other edits and drop these."
        )
    result.notes.extend(f"dropped: {text}" for text in uncarried)
    notebook_text = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    result.written = write_files({path: notebook_text, **regenerated.sources})
    return result
