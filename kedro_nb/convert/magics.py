"""IPython syntax in cells: translate it into plain Python without moving any line.

Analysis and code generation need ``ast``, and node functions run where IPython is absent
(generated ``nodes.py``, ``kedro-nb run --notebook``, process and Dask workers). A cell with
``%time``, ``!ls`` or ``%%bash`` is not Python, and IPython's own translation calls
``get_ipython()``, which fails there with ``NameError``. :func:`clean_ipython` therefore
translates every piece of IPython syntax into plain Python, line for line (a line stays the line
it was in the cell, so errors point at the cell's own lines):

- ``%time stmt``, ``%timeit [options] stmt``, ``%prun [options] stmt`` become ``stmt``: it runs
  once (``x = %time f()`` becomes ``x = f()``); ``%%time``, ``%%timeit``, ``%%prun`` and
  ``%%capture`` keep their cell's body (``%%timeit``'s setup statement runs first);
- display-only magics (:data:`DISPLAY_ONLY`, e.g. ``%matplotlib``, ``%load_ext``, ``%config``,
  ``obj?``) and display-only cell magics (``%%html``, ``%%markdown``, ...) are dropped;
- anything else (``!cmd``, ``x = !cmd``, ``%run``, ``%pip``, ``%cd``, ``%%bash``,
  ``%%capture out`` (``out`` would hold IPython's captured output),
  ``%%writefile``, an unknown magic, a ``get_ipython()`` call) has no plain-Python meaning: it is
  reported in ``untranslatable`` with its line, and the analysis refuses such a node cell.

IPython decides what is IPython syntax (its token transformers find ``%`` only where a statement
starts, never a ``%`` operator on a continuation line); this module only maps IPython's
``get_ipython().run_line_magic(...)`` calls to plain statements.
"""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass, field

#: line magics kept as their statement, run once: magic -> (options taking a value, flags)
TIMING = {"time": ("", ""), "timeit": ("nrp", "tcqo"), "prun": ("DlsT", "rq")}
#: line magics that only change what the kernel displays or how it reloads: dropped
DISPLAY_ONLY = frozenset(
    {
        "aimport",
        "autoawait",
        "autocall",
        "automagic",
        "autoreload",
        "colors",
        "config",
        "doctest_mode",
        "history",
        "load_ext",
        "lsmagic",
        "magic",
        "matplotlib",
        "page",
        "pdb",
        "pdef",
        "pdoc",
        "pfile",
        "pinfo",
        "pinfo2",
        "pprint",
        "precision",
        "psearch",
        "psource",
        "quickref",
        "reload_ext",
        "unload_ext",
        "who",
        "whos",
        "xmode",
    }
)
#: cell magics whose body is Python that runs as it is (the first line goes)
BODY_KEPT = frozenset({"time", "timeit", "prun", "capture"})
#: cell magics that only display their body: the whole cell goes
DISPLAY_ONLY_CELL = frozenset({"html", "javascript", "js", "latex", "markdown", "svg"})

_CELL_MAGIC = re.compile(r"^%%(\w+)(.*)$")
_TRANSFORM_LIMIT = 1000


@dataclass(frozen=True)
class Untranslatable:
    """A line of IPython syntax with no plain-Python meaning (1-based ``line`` in the cell)."""

    line: int
    text: str
    reason: str

    def advice(self) -> str:
        """How to fix it, for the message that refuses the node cell."""
        if "pip" in self.text or "conda" in self.text:
            return "install packages into the environment instead (and list them in requirements)"
        return "move it to an untagged cell, or write it in Python (subprocess, pathlib, os)"


@dataclass
class PlainCell:
    """A cell translated to Python: ``source`` keeps the cell's line numbers."""

    source: str
    tree: ast.Module
    #: (line, what was translated or dropped), for the ``ipython`` notes of the analysis
    notes: list[tuple[int, str]] = field(default_factory=list)
    untranslatable: list[Untranslatable] = field(default_factory=list)
    #: a statement that shows a value other than a literal (``df``, a loop) was dropped: the
    #: cell is not a setup cell, though what is left may look like one
    shows_values: bool = False


class IPythonSyntax(Exception):
    """Internal: a cell that is not Python even after IPython syntax is translated."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def clean_ipython(source: str) -> PlainCell:
    """Translate ``source`` (one cell) into plain Python, keeping its line numbers.

    Plain Python without ``get_ipython()`` is returned untouched. Raises :class:`IPythonSyntax`
    when the translated cell is still not Python.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        first_error: SyntaxError | None = exc
    else:
        if "get_ipython" not in source and "display" not in source and not _shown_only(tree):
            return PlainCell(source, tree)
        first_error = None
    lines = source.split("\n")
    notes: list[tuple[int, str]] = []
    untranslatable: list[Untranslatable] = []
    _cell_magic(lines, notes, untranslatable)
    lines = _escaped_lines(lines)
    text = "\n".join(lines)
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        error = first_error or exc
        raise IPythonSyntax(error.lineno, error.msg) from error
    _translate_calls(tree, lines, source.split("\n"), notes, untranslatable)
    shows_values = _drop_display_calls(tree, lines, notes)
    text = "\n".join(lines)
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:  # a translated statement that is not Python after all
        raise IPythonSyntax(exc.lineno, exc.msg) from exc
    notes.sort()
    untranslatable.sort(key=lambda u: u.line)
    return PlainCell(text, tree, notes, untranslatable, shows_values)


def _defines_display(tree: ast.Module) -> bool:
    return any(
        (isinstance(n, ast.Name) and n.id == "display" and not isinstance(n.ctx, ast.Load))
        or (isinstance(n, ast.alias) and (n.asname or n.name.split(".")[-1]) == "display")
        or (isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "display")
        for n in ast.walk(tree)
    )


def _is_display_call(statement: ast.AST) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Name)
        and statement.value.func.id == "display"
    )


def _inert(value: ast.expr | None) -> bool:
    """Whether evaluating ``value`` does nothing but read: names, attribute access, literals,
    comparisons, subscripts and tuples/lists/sets of those (no call, await, yield, operator)."""
    if value is None or isinstance(value, ast.Name):
        return True
    if isinstance(value, ast.Constant):
        return value.value is not Ellipsis
    if isinstance(value, ast.Attribute):
        return _inert(value.value)
    if isinstance(value, ast.Subscript):
        return _inert(value.value) and _inert(value.slice)
    if isinstance(value, ast.Slice):
        return all(_inert(part) for part in (value.lower, value.upper, value.step))
    if isinstance(value, ast.Compare):
        return _inert(value.left) and all(_inert(c) for c in value.comparators)
    if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        return all(_inert(element) for element in value.elts)
    return False


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the statements in docstring position (first of a cell, def or class)."""
    bodies = [tree.body] + [
        n.body
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    ]
    return {
        id(body[0])
        for body in bodies
        if body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    }


def _shown_only(tree: ast.Module) -> bool:
    """Whether the cell has a statement that only shows a value (see :func:`_inert`)."""
    docstrings = _docstrings(tree)
    return any(
        isinstance(n, ast.Expr) and id(n) not in docstrings and _inert(n.value)
        for n in ast.walk(tree)
    )


_LOOP_NOTE = "loop removed: its body only showed values"
_DISPLAY_NOTE = "display(...) removed (IPython's display changes no value)"
#: calls that only make something to iterate over, so a loop over them that does nothing goes
_ITERATING = frozenset({"range", "enumerate", "zip", "sorted", "reversed", "list", "tuple"})
_ITERATING_METHODS = frozenset({"items", "keys", "values"})


def _iterable(value: ast.expr) -> bool:
    if isinstance(value, ast.Call) and not value.keywords:
        func = value.func
        known = (isinstance(func, ast.Name) and func.id in _ITERATING) or (
            isinstance(func, ast.Attribute)
            and func.attr in _ITERATING_METHODS
            and not value.args
            and _inert(func.value)
        )
        return known and all(_iterable(arg) for arg in value.args)
    return _inert(value)


def _drop_display_calls(tree: ast.Module, lines: list[str], notes: list[tuple[int, str]]) -> bool:
    """Comment out, line for line, each statement that only shows a value in a notebook:

    - a call of IPython's ``display(...)`` (a builtin of the kernel, undefined in plain
      Python), unless the cell binds ``display`` itself (an import, a def);
    - an expression statement that only reads (``report``, ``df.shape``, ``x == y``, ``42``:
      what ruff's B018/B015 call useless), kept in a cell for the kernel to show its value;
      a string in docstring position stays;
    - a ``for`` loop left with nothing but such statements, over names or ``range``/
      ``enumerate``/``zip``/``.items()``..., whose variables the cell reads nowhere else (its
      variables would be unused, ruff's B007).

    Each shows a value and changes none, so a node runs without it. An indented statement
    becomes ``pass  # ...`` so that no block is left empty. Returns whether a dropped
    expression or loop was more than a literal (see ``PlainCell.shows_values``).
    """
    display = not _defines_display(tree)
    docstrings = _docstrings(tree)
    dropped: dict[int, str] = {}
    for statement in ast.walk(tree):
        if display and _is_display_call(statement):
            dropped[id(statement)] = _DISPLAY_NOTE
        elif (
            isinstance(statement, ast.Expr)
            and id(statement) not in docstrings
            and _inert(statement.value)
        ):
            dropped[id(statement)] = ""  # no note: a notebook is full of them
    if not dropped:
        return False
    names_read = [n for n in ast.walk(tree) if isinstance(n, ast.Name)]

    def empty(body: list[ast.stmt]) -> bool:
        return all(id(s) in dropped for s in body)

    loops = [n for n in ast.walk(tree) if isinstance(n, (ast.For, ast.AsyncFor)) and not n.orelse]
    for loop in reversed(loops):  # inner loops first: an outer one may empty in turn
        plain_target = all(
            isinstance(n, (ast.Name, ast.Tuple, ast.List, ast.Store)) for n in ast.walk(loop.target)
        )
        if not plain_target or not empty(loop.body) or not _iterable(loop.iter):
            continue
        own = {id(n) for n in ast.walk(loop)}
        targets = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
        if any(n.id in targets and id(n) not in own for n in names_read):
            continue  # a loop variable is read (or bound) elsewhere: the loop stays
        dropped[id(loop)] = _LOOP_NOTE
    inside: set[int] = set()
    shows_values = False
    for statement in ast.walk(tree):
        if not isinstance(statement, ast.stmt):
            continue
        if id(statement) in dropped and id(statement) not in inside:
            if _comment_out(statement, lines):
                if dropped[id(statement)]:
                    notes.append((statement.lineno, dropped[id(statement)]))
                shows_values = shows_values or not (
                    isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
                )
            inside.update(id(n) for n in ast.walk(statement) if n is not statement)
    return shows_values


def _comment_out(statement: ast.stmt, lines: list[str]) -> bool:
    """Comment out ``statement``'s lines in place (``pass  # `` when indented); False when it
    shares its line with another statement (left as is)."""
    row = statement.lineno - 1
    line = lines[row]
    indent = line[: len(line) - len(line.lstrip())]
    if line[len(indent) :].startswith(("pass  # ", "# ")) or statement.col_offset != len(indent):
        return False  # already dropped, or one of several statements on the line
    end = statement.end_lineno or statement.lineno
    rest = lines[end - 1].encode()[statement.end_col_offset or 0 :].decode(errors="replace")
    if rest.strip() and not rest.strip().startswith("#"):
        return False  # another statement follows on its last line
    for extra in range(row + 1, end):
        lines[extra] = _comment(lines[extra])
    lines[row] = indent + ("pass  # " if indent else "# ") + line.strip()
    return True


def _comment(line: str) -> str:
    indent = len(line) - len(line.lstrip())
    return line[:indent] + "# " + line[indent:] if line.strip() else line


def _cell_magic(
    lines: list[str], notes: list[tuple[int, str]], untranslatable: list[Untranslatable]
) -> None:
    """Handle a ``%%magic`` first line in place (a cell magic owns the whole cell)."""
    match = _CELL_MAGIC.match(lines[0].strip()) if lines else None
    if match is None:
        return
    name, rest = match.group(1), match.group(2).strip()
    original = lines[0]
    captured = [w for w in rest.split() if not w.startswith("-")] if name == "capture" else []
    if captured:  # %%capture out: ``out`` holds what IPython captured, nothing else has it
        lines[:] = [_comment(line) for line in lines]
        untranslatable.append(
            Untranslatable(
                1,
                original.strip(),
                f"%%capture {captured[0]} binds {captured[0]!r} to output only IPython captures",
            )
        )
    elif name in BODY_KEPT:
        statement = _statement(name, rest) if name == "timeit" else ""
        lines[0] = statement if statement else _comment(original)
        kept = "setup statement and body kept" if statement else "body kept"
        notes.append((1, f"cell magic %%{name} removed, {kept} (runs once without IPython)"))
    elif name in DISPLAY_ONLY_CELL:
        lines[:] = [_comment(line) for line in lines]
        notes.append((1, f"cell magic %%{name} dropped with its body (display only)"))
    else:
        lines[:] = [_comment(line) for line in lines]
        untranslatable.append(
            Untranslatable(1, original.strip(), f"the cell magic %%{name} runs only in IPython")
        )


def _escaped_lines(lines: list[str]) -> list[str]:
    """Run IPython's token transformers (``%``, ``!``, ``?`` syntax), keeping the line count:
    a magic continued over several lines becomes one line followed by blank ones."""
    from IPython.core.inputtransformer2 import TransformerManager

    manager = TransformerManager()
    current = [line + "\n" for line in lines]
    for _ in range(_TRANSFORM_LIMIT):
        changed, new = manager.do_one_token_transform(current)
        if not changed:
            break
        start = next(
            (i for i, (a, b) in enumerate(zip(current, new, strict=False)) if a != b),
            min(len(current), len(new)) - 1,
        )
        new[start + 1 : start + 1] = ["\n"] * (len(current) - len(new))
        current = new
    return [line[:-1] if line.endswith("\n") else line for line in current]


def _ipython_call(node: ast.AST) -> tuple[str, list[ast.expr]] | None:
    """``get_ipython().method(args)`` -> ``(method, args)``."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Call)
        and isinstance(node.func.value.func, ast.Name)
        and node.func.value.func.id == "get_ipython"
    ):
        return node.func.attr, node.args
    return None


def _constant(args: list[ast.expr], position: int) -> str | None:
    if len(args) > position and isinstance(args[position], ast.Constant):
        value = args[position].value  # type: ignore[attr-defined]
        return value if isinstance(value, str) else None
    return None


def _statement(magic: str, argument: str) -> str:
    """The statement of ``%time``/``%timeit``/``%prun`` with the magic's options removed."""
    with_value, flags = TIMING[magic]
    rest = argument.strip()
    while rest.startswith("-") and len(rest) > 1 and rest[1] in with_value + flags:
        letter, rest = rest[1], rest[2:]
        if letter in with_value:
            rest = rest.lstrip()
            try:  # the option's value: one word, possibly quoted
                value = shlex.split(rest, posix=False)[0] if rest else ""
            except ValueError:
                value = rest.split(maxsplit=1)[0] if rest else ""
            rest = rest[len(value) :]
        elif rest and not rest[0].isspace():  # grouped flags, as in -qo
            rest = "-" + rest
            continue
        rest = rest.lstrip()
    return rest


def _translate_calls(
    tree: ast.Module,
    lines: list[str],
    original: list[str],
    notes: list[tuple[int, str]],
    untranslatable: list[Untranslatable],
) -> None:
    """Replace each statement holding a ``get_ipython()`` call by its plain-Python meaning."""
    handled: set[int] = set()
    for statement in ast.walk(tree):
        if not isinstance(statement, ast.stmt) or isinstance(
            statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)
        ):
            continue
        calls = [
            c
            for c in _own_expressions(statement)
            for c in ast.walk(c)
            if isinstance(c, ast.Call) and _ipython_call(c) is not None
        ]
        if not calls or statement.lineno in handled:
            continue
        handled.add(statement.lineno)
        row = statement.lineno - 1
        shown = original[row].strip() if row < len(original) else lines[row].strip()
        replacement, note, reason = _meaning(statement, calls, lines[row])
        if hasattr(statement, "body"):  # get_ipython() in an if/for/with header: left as is
            untranslatable.append(Untranslatable(statement.lineno, shown, reason or note))
            continue
        indent = lines[row][: len(lines[row]) - len(lines[row].lstrip())]
        for extra in range(row + 1, (statement.end_lineno or statement.lineno)):
            lines[extra] = ""
        # a dropped line leaves a comment, or a ``pass`` where a block needs a statement
        dropped = indent + ("pass  # " if indent else "# ") + shown
        if reason is not None:
            untranslatable.append(Untranslatable(statement.lineno, shown, reason))
            lines[row] = dropped
        elif replacement is None:
            lines[row] = dropped
            notes.append((statement.lineno, note))
        else:
            lines[row] = indent + replacement
            notes.append((statement.lineno, note))


def _own_expressions(statement: ast.stmt) -> list[ast.AST]:
    """The expressions of ``statement`` itself, not of the statements nested in its body."""
    nested = {"body", "orelse", "finalbody", "handlers", "cases"}
    return [
        value
        for name, value in ast.iter_fields(statement)
        if name not in nested and isinstance(value, ast.AST)
    ] + [
        item
        for name, value in ast.iter_fields(statement)
        if name not in nested and isinstance(value, list)
        for item in value
        if isinstance(item, ast.AST)
    ]


def _meaning(
    statement: ast.stmt, calls: list[ast.Call], line: str
) -> tuple[str | None, str, str | None]:
    """``(replacement, note, reason)``: the plain statement (``None``: drop it), the note
    saying so, or the reason it has no plain-Python meaning."""
    method, args = _ipython_call(calls[0])  # type: ignore[misc]
    magic = _constant(args, 0) if method == "run_line_magic" else None
    argument = _constant(args, 1) if method == "run_line_magic" else None
    single = len(calls) == 1
    if method in ("system", "getoutput"):
        return None, "", "a shell command (!) runs only in IPython"
    if method == "run_cell_magic":
        return None, "", f"the cell magic %%{magic or _constant(args, 0)} runs only in IPython"
    if magic is None or argument is None or not single:
        return None, "", "get_ipython() exists only in IPython"
    if isinstance(statement, ast.Expr) and statement.value is calls[0]:
        if magic in TIMING:
            plain = _statement(magic, argument)
            if not plain:
                return None, f"magic %{magic} without a statement dropped", None
            return (
                plain,
                f"magic %{magic} removed, statement kept (runs once without IPython)",
                None,
            )
        if magic in DISPLAY_ONLY or (magic == "env" and not argument.strip()):
            return None, f"magic %{magic} dropped (display only)", None
    if (
        magic == "time"
        and isinstance(statement, (ast.Assign, ast.AnnAssign))
        and statement.value is calls[0]
    ):
        target = line.encode()[: calls[0].col_offset].decode().rstrip()
        return f"{target} {_statement(magic, argument)}", "magic %time removed (runs once)", None
    return None, "", f"the magic %{magic} runs only in IPython"
