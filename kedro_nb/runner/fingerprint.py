"""Code and parameter fingerprints of a node, for incremental runs.

**Code.** A node's code fingerprint is a mapping of parts to digests, so a change can be
named: ``"function"`` (the node's own function), ``"helper `clean_names`"`` (a project-local
function or class it references, transitively), ``"global `THRESHOLD`"`` (a plain constant it
reads), ``"closure `k`"`` / ``"partial `k`"`` (values it closes over or was bound with). Source
is normalised through the AST: comments, docstrings, blank lines and line numbers do not count.
A function built from a notebook cell carries its cell's code (``cells[0].lines``, see
``kedro_nb.convert.located``); the setup cells it uses are reached as the helpers and constants
it references in their shared globals. A ``code_version-<v>`` tag, or a ``code_version``
attribute on the function, replaces all of this with ``{"code_version": v}``.

"Project-local" means defined outside the standard library, installed packages and kedro-nb:
a notebook, the project's ``src``, a script beside it. Library code is taken as fixed (its
version is in the run record's packages).

**Parameters.** Only the subtree a node consumes counts, flattened to its leaves
(``model_options.test_size``), each as canonical JSON: ``1`` and ``"1"`` differ, key order does
not.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import json
import os
import pickle
import sysconfig
import textwrap
import types
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kedro_nb.shared import PARAMS_PREFIX

if TYPE_CHECKING:
    from kedro_nb.pipeline import Node

__all__ = ["CODE_VERSION_TAG", "code_fingerprint", "digest", "params_fingerprint"]

#: a node tag ``code_version-<v>`` pins its code fingerprint by hand (tags allow no colon)
CODE_VERSION_TAG = "code_version-"
FUNCTION_PART = "function"
_PARAMETERS = "parameters"
_SIMPLE = (int, float, str, bytes, bool, complex, type(None))
_LIBRARY_DIRS = tuple(
    {os.path.dirname(os.path.abspath(__file__ + "/..")) + os.sep}
    | {
        os.path.abspath(sysconfig.get_path(key)) + os.sep
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
    }
)


def digest(text: str | bytes) -> str:
    """16 hex digits of BLAKE2b over ``text``."""
    data = text.encode() if isinstance(text, str) else text
    return hashlib.blake2b(data, digest_size=8).hexdigest()


# -- code -------------------------------------------------------------------------------------
class _DropDocstrings(ast.NodeTransformer):
    def _strip(self, node: Any) -> Any:
        self.generic_visit(node)
        body = node.body
        if (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
        return node

    visit_Module = visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _strip


def _canonical(value: Any) -> str:
    """An AST as text, with every empty field left out: fields that a newer Python adds empty
    (``type_params`` in 3.12) or that ``ast.dump`` stopped printing (3.13) leave it unchanged,
    so upgrading Python does not make every node look edited."""
    if isinstance(value, ast.AST):
        fields = [
            f"{name}={_canonical(item)}"
            for name, item in ast.iter_fields(value)
            if item is not None and item != [] and name != "type_comment"
        ]
        return f"{type(value).__name__}({','.join(fields)})"
    if isinstance(value, list):
        return "[" + ",".join(_canonical(item) for item in value) + "]"
    return f"{type(value).__name__}:{value!r}"


def normalised_source(source: str) -> str | None:
    """``source`` as canonical AST text without docstrings, comments or positions (None when
    it does not parse)."""
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return None
    return _canonical(_DropDocstrings().visit(tree))


def _code_object_text(code: types.CodeType, doc: str | None = None) -> str:
    """A stand-in for source that cannot be found: the code object's instructions, names
    and constants (nested code objects included, the docstring left out)."""
    parts = [code.co_code.hex(), repr(code.co_names), repr(code.co_varnames)]
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            parts.append(_code_object_text(constant))
        elif not (doc is not None and constant == doc):
            parts.append(repr(constant))
    return "\0".join(parts)


def _is_local_file(filename: str | None) -> bool:
    if not filename:
        return False
    if filename.startswith("<frozen"):  # the standard library's frozen modules
        return False
    if filename.startswith("<"):  # a notebook cell, IPython input, exec'd string
        return True
    return not os.path.abspath(filename).startswith(_LIBRARY_DIRS)


def _is_local(obj: Any) -> bool:
    if isinstance(obj, types.ModuleType):
        return _is_local_file(getattr(obj, "__file__", None))
    code = getattr(obj, "__code__", None)
    if code is not None:
        return _is_local_file(code.co_filename)
    module = getattr(obj, "__module__", None)
    if module in (None, "builtins"):
        return False
    import sys

    found = sys.modules.get(module)
    if found is None:
        return str(module).startswith("__")  # a notebook's synthetic namespace
    return _is_local_file(getattr(found, "__file__", None) or "<module>")


def _source_text(obj: Any) -> str:
    cells = getattr(obj, "cells", None)
    if cells and hasattr(cells[0], "lines"):  # a function built from a notebook cell
        text = normalised_source("\n".join(cells[0].lines))
        if text is not None:
            return text
    try:
        text = normalised_source(inspect.getsource(obj))
    except (OSError, TypeError):
        text = None
    if text is not None:
        return text
    code = getattr(inspect.unwrap(obj), "__code__", None) if callable(obj) else None
    if code is not None:
        return _code_object_text(code, getattr(obj, "__doc__", None))
    return repr(obj)


def _value_text(value: Any) -> str | None:
    """Canonical text of a value a function closes over or is bound with (None: unknown)."""
    try:
        return "json:" + json.dumps(value, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        pass
    try:
        return "pickle:" + digest(pickle.dumps(value, protocol=5))
    except Exception:
        return None


def _referenced_names(code: types.CodeType) -> list[str]:
    names: dict[str, None] = dict.fromkeys(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names.update(dict.fromkeys(_referenced_names(constant)))
    return list(names)


class _CodeWalker:
    def __init__(self) -> None:
        self.parts: dict[str, str] = {}
        self._seen: set[int] = set()

    def function(self, func: Any, label: str) -> None:
        if id(func) in self._seen:
            return
        self._seen.add(id(func))
        if isinstance(func, functools.partial):
            self.function(func.func, label)
            for i, arg in enumerate(func.args):
                self._value(arg, f"partial `{i}`")
            for key, arg in sorted(func.keywords.items()):
                self._value(arg, f"partial `{key}`")
            return
        self.parts[label] = digest(_source_text(func))
        inner = getattr(func, "func", None) if getattr(func, "cells", None) else None
        target = inspect.unwrap(inner or func) if callable(inner or func) else func
        if isinstance(target, type):
            for member in vars(target).values():
                if isinstance(member, (staticmethod, classmethod)):
                    member = member.__func__
                if isinstance(member, types.FunctionType):
                    self._references(member)
            return
        if not isinstance(target, types.FunctionType):
            call = inspect.getattr_static(type(target), "__call__", None)
            if isinstance(call, types.FunctionType) and _is_local(type(target)):
                self.function(type(target), f"helper `{type(target).__qualname__}`")
            return
        self._references(target)

    def _references(self, func: types.FunctionType) -> None:
        for name, cell in zip(func.__code__.co_freevars, func.__closure__ or (), strict=False):
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell (a name assigned later)
                continue
            self._value(value, f"closure `{name}`")
        names = _referenced_names(func.__code__)
        scope = func.__globals__
        for name in names:
            if name not in scope:
                continue
            value = scope[name]
            if isinstance(value, types.ModuleType):
                if _is_local(value):
                    for attribute in names:
                        member = getattr(value, attribute, None)
                        if callable(member) and _is_local(member):
                            self.function(member, f"helper `{value.__name__}.{attribute}`")
                continue
            if callable(value) and (inspect.isfunction(value) or inspect.isclass(value)):
                if _is_local(value):
                    self.function(value, f"helper `{getattr(value, '__qualname__', name)}`")
            elif isinstance(value, functools.partial):
                self.function(value, f"helper `{name}`")
            elif _is_plain(value):
                self.parts[f"global `{name}`"] = digest(repr(value))

    def _value(self, value: Any, label: str) -> None:
        if callable(value) and (inspect.isfunction(value) or isinstance(value, functools.partial)):
            if _is_local(value) or isinstance(value, functools.partial):
                self.function(value, label)
            return
        text = _value_text(value)
        self.parts[label] = digest(text) if text is not None else f"unknown:{id(value)}"


def _is_plain(value: Any) -> bool:
    if isinstance(value, _SIMPLE):
        return True
    if isinstance(value, (tuple, frozenset)):
        return all(_is_plain(item) for item in value)
    return False


def code_version(node: Node) -> str | None:
    """The hand-set code version of ``node``: a ``code_version-<v>`` tag, else a
    ``code_version`` attribute of its function."""
    for tag in sorted(getattr(node, "tags", ()) or ()):
        if tag.startswith(CODE_VERSION_TAG):
            return str(tag)[len(CODE_VERSION_TAG) :]
    value = getattr(getattr(node, "func", None), "code_version", None)
    return None if value is None else str(value)


def code_fingerprint(node: Node) -> dict[str, str]:
    """Part label to digest: the node's function, and every project-local helper, constant,
    closure value and ``partial`` argument it depends on (see the module docs)."""
    pinned = code_version(node)
    if pinned is not None:
        return {"code_version": pinned}
    walker = _CodeWalker()
    walker.function(node.func, FUNCTION_PART)
    return walker.parts


# -- parameters -------------------------------------------------------------------------------
def _leaves(value: Any, prefix: str, out: dict[str, str]) -> None:
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            _leaves(item, f"{prefix}.{key}" if prefix else str(key), out)
        return
    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=True)
    except (TypeError, ValueError):
        text = f"{type(value).__qualname__}:{value!r}"
    out[prefix] = digest(text)


def params_fingerprint(inputs: list[str], load: Callable[[str], Any]) -> dict[str, str]:
    """Leaf parameter key to the digest of its canonical JSON, for the parameters among a
    node's ``inputs`` (``params:<key>`` or ``parameters``), their values read with ``load``."""
    out: dict[str, str] = {}
    for name in inputs:
        if name.startswith(PARAMS_PREFIX):
            _leaves(load(name), name[len(PARAMS_PREFIX) :], out)
        elif name == _PARAMETERS:
            _leaves(load(name), "", out)
    return out


def is_parameter(name: str) -> bool:
    """Whether dataset ``name`` is a parameter input (``params:<key>`` or ``parameters``)."""
    return name == _PARAMETERS or name.startswith(PARAMS_PREFIX)
