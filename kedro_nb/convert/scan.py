"""What one cell reads, binds and touches: a line-preserving IPython clean-up plus an ``ast`` scan.

The scan knows nothing about other cells; :mod:`kedro_nb.convert.analysis` combines the scans of a
notebook into nodes. Positions are kept so code generation can rewrite ``params["x"]`` or
``catalog.load("x")`` in place without reformatting the user's code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from kedro_nb.convert.magics import Untranslatable, clean_ipython

PARAMS_NAME = "params"
CATALOG_NAME = "catalog"
ALL_PARAMETERS = "parameters"
_DICT_METHODS = frozenset({"keys", "items", "values", "get", "copy", "__getitem__"})
MUTATING_METHODS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "pop",
        "remove",
        "clear",
        "sort",
        "reverse",
        "update",
        "add",
        "discard",
        "setdefault",
        "popitem",
        "difference_update",
        "intersection_update",
        "symmetric_difference_update",
        # numpy arrays changed in place
        "fill",
        "resize",
        "put",
        # estimators (scikit-learn and alike) learn into themselves
        "fit",
        "partial_fit",
        "fit_transform",
        "fit_predict",
        "set_params",
    }
)


@dataclass(frozen=True)
class Span:
    """A source range in cell coordinates: lines 1-based, columns 0-based (as in ``ast``)."""

    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def of(cls, node: ast.AST) -> Span:
        return cls(node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Rewrite:
    """Replace ``span`` by ``text`` when the cell becomes a function body."""

    span: Span
    text: str


@dataclass
class CellScan:
    """Names a cell reads before binding, binds, and the parameter / catalog uses it makes."""

    source: str
    tree: ast.Module
    reads: dict[str, int] = field(default_factory=dict)
    #: names read inside a function the cell defines and assigned by the cell only after the
    #: definition: inputs when a node above assigns them, else nothing
    soft_reads: dict[str, int] = field(default_factory=dict)
    binds: dict[str, int] = field(default_factory=dict)
    param_refs: dict[str, list[Span]] = field(default_factory=dict)
    uses_all_params: bool = False
    catalog_loads: dict[str, list[Span]] = field(default_factory=dict)
    catalog_saves: list[tuple[str, Span, Span, int]] = field(default_factory=list)
    mutations: list[tuple[str, int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    untranslatable: list[Untranslatable] = field(default_factory=list)
    catalog_notes: list[tuple[int, str]] = field(default_factory=list)
    #: see ``PlainCell.shows_values``: a dropped line showed a value, so not a setup cell
    shows_values: bool = False


def _param_chain(node: ast.AST) -> list[str] | None:
    """``params["a"]["b"]`` / ``params.a.b`` -> ``["a", "b"]``; ``None`` when not a pure chain."""
    keys: list[str] = []
    while True:
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            keys.append(node.slice.value)
            node = node.value
        elif isinstance(node, ast.Attribute) and node.attr not in _DICT_METHODS:
            keys.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name) and node.id == PARAMS_NAME and keys:
            return keys[::-1]
        else:
            return None


def _base_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _str_arg(call: ast.Call, position: int = 0) -> str | None:
    if len(call.args) > position and isinstance(call.args[position], ast.Constant):
        value = call.args[position].value  # type: ignore[attr-defined]
        return value if isinstance(value, str) else None
    return None


def _local_names(body: list[ast.stmt], args: ast.arguments | None) -> set[str]:
    """Names bound in a function / class / comprehension scope, nested scopes excluded."""
    names: set[str] = set()
    if args is not None:
        every = (
            args.posonlyargs
            + args.args
            + args.kwonlyargs
            + [a for a in (args.vararg, args.kwarg) if a]
        )
        names.update(arg.arg for arg in every)
    declared_global: set[str] = set()
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(
            node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
        ):
            continue
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            declared_global.update(node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        stack.extend(ast.iter_child_nodes(node))
    return names - declared_global


def _annotations(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    """The argument and return annotations of a function definition."""
    arguments = node.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    found = [a.annotation for a in every if a.annotation is not None]
    return found + ([node.returns] if node.returns is not None else [])


class _Scanner(ast.NodeVisitor):
    """Walks top-level statements in execution order, tracking what is bound so far."""

    def __init__(self, scan: CellScan) -> None:
        self.scan = scan
        self.bound: set[str] = set()
        self.scopes: list[set[str]] = []
        self.function_depth = 0
        #: first line of the outermost function being visited
        self.function_line = 0
        #: reads inside functions: (name, line, first line of the outermost function)
        self.deferred: list[tuple[str, int, int]] = []

    # -- names -------------------------------------------------------------------------------
    def _load(self, name: str, line: int) -> None:
        if any(name in scope for scope in self.scopes):
            return
        if name == PARAMS_NAME:
            self.scan.uses_all_params = True
            return
        if self.function_depth:
            self.deferred.append((name, line, self.function_line))
        elif name not in self.bound:
            self.scan.reads.setdefault(name, line)

    def _bind(self, name: str, line: int) -> None:
        if self.scopes:
            self.scopes[-1].add(name)
        else:
            self.bound.add(name)
            self.scan.binds.setdefault(name, line)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self._load(node.id, node.lineno)
        else:
            self._bind(node.id, node.lineno)

    def finish(self) -> None:
        for name, line, defined_at in self.deferred:
            bound_at = self.scan.binds.get(name)
            if bound_at is None:
                self.scan.reads.setdefault(name, line)
            elif bound_at >= defined_at and name not in self.scan.reads:
                # the cell assigns the name only where or after it defines the function: a
                # call before the assignment reads the value from above (the kernel's global)
                self.scan.soft_reads.setdefault(name, line)

    # -- statements in evaluation order ------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self._target(target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
        self._target(node.target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        if isinstance(node.target, ast.Name):
            self._load(node.target.id, node.lineno)
            self._bind(node.target.id, node.lineno)
        else:
            self._target(node.target)

    def _target(self, target: ast.expr) -> None:
        if isinstance(target, (ast.Subscript, ast.Attribute)):
            base = _base_name(target)
            if base:
                kind = (
                    "item assignment"
                    if isinstance(target, ast.Subscript)
                    else "attribute assignment"
                )
                self._mutation(base, target.lineno, kind)
        self.visit(target)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if isinstance(target, (ast.Subscript, ast.Attribute)):
                base = _base_name(target)
                if base:
                    self._mutation(base, node.lineno, "item deletion")
            self.visit(target)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self.visit(node.target)
        for statement in node.body + node.orelse:
            self.visit(statement)

    visit_AsyncFor = visit_For

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name != "*":
                self._bind((alias.asname or alias.name).split(".")[0], node.lineno)

    visit_ImportFrom = visit_Import

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self._bind(node.name, node.lineno)
        for statement in node.body:
            self.visit(statement)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name:
            self._bind(node.name, node.lineno)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self._bind(node.name, node.lineno)

    # -- scopes --------------------------------------------------------------------------------
    def _type_params(self, node: ast.AST) -> bool:
        """Open the scope of a generic's type parameters (``def f[T]``, ``class C[T]``,
        ``type A[T] = ...``, Python 3.12+): ``T`` is bound there, not read from the notebook.
        Bounds, constraints and defaults are read inside it. False when there are none."""
        params = getattr(node, "type_params", None)
        if not params:
            return False
        self.scopes.append({param.name for param in params})
        for param in params:
            for expr in (getattr(param, "bound", None), getattr(param, "default_value", None)):
                if expr is not None:
                    self.visit(expr)
        return True

    def visit_TypeAlias(self, node: ast.AST) -> None:
        """``type Name[T] = value`` (Python 3.12+): binds ``Name``; the value reads names."""
        generic = self._type_params(node)
        self.visit(node.value)  # type: ignore[attr-defined]
        if generic:
            self.scopes.pop()
        self.visit(node.name)  # type: ignore[attr-defined]

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        for expr in node.args.defaults + [d for d in node.args.kw_defaults if d]:
            self.visit(expr)
        body: list[ast.stmt] = node.body if isinstance(node.body, list) else [ast.Expr(node.body)]
        if not isinstance(node, ast.Lambda):
            for decorator in node.decorator_list:
                self.visit(decorator)
        generic = self._type_params(node)
        if not isinstance(node, ast.Lambda):
            # annotations are read where the function is defined (a setup helper annotated
            # `pd.Series` needs `import pandas as pd` in nodes.py even if no node uses `pd`)
            for annotation in _annotations(node):
                self.visit(annotation)
        self.scopes.append(_local_names(body, node.args))
        if not self.function_depth:
            self.function_line = node.lineno
        self.function_depth += 1
        for statement in body:
            self.visit(statement)
        self.function_depth -= 1
        self.scopes.pop()
        if generic:
            self.scopes.pop()
        if not isinstance(node, ast.Lambda):
            self._bind(node.name, node.lineno)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in node.decorator_list:
            self.visit(expr)
        generic = self._type_params(node)  # a generic class's bases may name its parameters
        for expr in node.bases + [k.value for k in node.keywords]:
            self.visit(expr)
        self.scopes.append(_local_names(node.body, None))
        for statement in node.body:
            self.visit(statement)
        self.scopes.pop()
        if generic:
            self.scopes.pop()
        self._bind(node.name, node.lineno)

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
    ) -> None:
        scope: set[str] = set()
        for generator in node.generators:
            scope.update(n.id for n in ast.walk(generator.target) if isinstance(n, ast.Name))
        self.visit(node.generators[0].iter)
        self.scopes.append(scope)
        for number, generator in enumerate(node.generators):
            if number:
                self.visit(generator.iter)
            for condition in generator.ifs:
                self.visit(condition)
        for part in (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,):
            self.visit(part)
        self.scopes.pop()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    # -- params / catalog ----------------------------------------------------------------------
    def _shadowed(self, name: str) -> bool:
        return name in self.bound or any(name in scope for scope in self.scopes)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self._maybe_param(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._maybe_param(node)

    def _maybe_param(self, node: ast.Subscript | ast.Attribute) -> None:
        keys = None if self._shadowed(PARAMS_NAME) else _param_chain(node)
        if keys is None or not isinstance(node.ctx, ast.Load):
            self.generic_visit(node)
            return
        self.scan.param_refs.setdefault(".".join(keys), []).append(Span.of(node))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner, method = func.value.id, func.attr
            if (
                owner == PARAMS_NAME
                and method == "get"
                and _str_arg(node)
                and len(node.args) == 1  # with a default, the key may be absent: the node
                and not node.keywords  # reads all parameters, as the kernel's params.get does
                and not self._shadowed(owner)
            ):
                self.scan.param_refs.setdefault(_str_arg(node), []).append(Span.of(node))  # type: ignore[arg-type]
                return
            if owner == CATALOG_NAME and not self._shadowed(owner):
                dataset = _str_arg(node)
                if method == "load" and dataset:
                    self.scan.catalog_loads.setdefault(dataset, []).append(Span.of(node))
                    return
                if method == "save" and dataset and len(node.args) == 2:
                    self.scan.catalog_saves.append(
                        (dataset, Span.of(node), Span.of(node.args[1]), node.lineno)
                    )
                    self.visit(node.args[1])
                    return
                self.scan.catalog_notes.append(
                    (node.lineno, f"catalog.{method}(...) cannot become a node input or output")
                )
            if method in MUTATING_METHODS:
                self._mutation(owner, node.lineno, f".{method}()")
        if any(
            k.arg == "inplace" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in node.keywords
        ):
            base = _base_name(func)
            if base:
                self._mutation(base, node.lineno, "inplace=True")
        self.generic_visit(node)

    def _mutation(self, name: str, line: int, kind: str) -> None:
        if not self.scopes and name not in self.bound:
            self.scan.mutations.append((name, line, kind))


def scan_cell(source: str) -> CellScan:
    """Scan one cell's source; raises :class:`IPythonSyntax` when it is not Python."""
    plain = clean_ipython(source)
    scan = CellScan(
        source=plain.source,
        tree=plain.tree,
        notes=plain.notes,
        untranslatable=plain.untranslatable,
        shows_values=plain.shows_values,
    )
    scanner = _Scanner(scan)
    for statement in plain.tree.body:
        scanner.visit(statement)
    scanner.finish()
    for name in (PARAMS_NAME, CATALOG_NAME):
        scan.reads.pop(name, None)
    return scan


def scan_statement(statement: ast.stmt) -> tuple[dict[str, int], dict[str, int]]:
    """Return ``(reads, binds)`` of one top-level statement (used for setup definitions)."""
    scan = CellScan(source="", tree=ast.Module(body=[statement], type_ignores=[]))
    scanner = _Scanner(scan)
    scanner.visit(statement)
    scanner.finish()
    return scan.reads, scan.binds


#: the statements whose functions can change module state when called
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def declared_globals(statement: ast.stmt) -> dict[str, int]:
    """Names a ``def`` (or the methods of a ``class``) declares ``global`` and assigns: module
    state it creates or changes (``global calls; calls += 1``) -> line of the declaration."""
    found: dict[str, int] = {}
    if not isinstance(statement, DEFINITIONS):
        return found
    for function in ast.walk(statement):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        declared = {
            name: node.lineno
            for node in ast.walk(function)
            if isinstance(node, ast.Global)
            for name in node.names
        }
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, (ast.Store, ast.Del))
                and node.id in declared
            ):
                found.setdefault(node.id, declared[node.id])
    return found


def module_state_changes(statement: ast.stmt) -> dict[str, int]:
    """Module-level names the functions of ``statement`` change when called: names declared
    ``global`` and assigned, and non-local names changed in place (``cache[k] = v``,
    ``seen.append(x)``) -> line of the first change."""
    changes = dict(declared_globals(statement))
    if not isinstance(statement, DEFINITIONS):
        return changes
    for function in ast.walk(statement):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        local = _local_names(function.body, function.args)
        for node in ast.walk(function):
            base: str | None = None
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
                targets = (
                    node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                )
                for target in targets:
                    if isinstance(target, (ast.Subscript, ast.Attribute)):
                        base = _base_name(target)
                        if base and base not in local:
                            changes.setdefault(base, node.lineno)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in MUTATING_METHODS
            ):
                base = _base_name(node.func.value)
                if base and base not in local:
                    changes.setdefault(base, node.lineno)
    return changes


def segment(source: str, span: Span) -> str:
    """The text of ``span`` in ``source`` (columns are UTF-8 byte offsets, as ``ast`` reports)."""
    lines = source.split("\n")[span.line - 1 : span.end_line]
    encoded = [line.encode() for line in lines]
    if len(encoded) == 1:
        return encoded[0][span.col : span.end_col].decode()
    encoded[0] = encoded[0][span.col :]
    encoded[-1] = encoded[-1][: span.end_col]
    return b"\n".join(encoded).decode()


def apply_rewrites(source: str, rewrites: list[Rewrite]) -> str:
    """Apply ``rewrites`` (non-overlapping) to ``source``; line structure outside them is kept."""
    lines = [line.encode() for line in source.split("\n")]
    for rewrite in sorted(rewrites, key=lambda r: (r.span.line, r.span.col), reverse=True):
        span = rewrite.span
        head = lines[span.line - 1][: span.col]
        tail = lines[span.end_line - 1][span.end_col :]
        lines[span.line - 1 : span.end_line] = [head + rewrite.text.encode() + tail]
    return "\n".join(line.decode() for line in lines)
