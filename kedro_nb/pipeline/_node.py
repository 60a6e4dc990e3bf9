"""``Node``: one function call in a pipeline, with named inputs and outputs.

A node is immutable (except ``func``, which hooks may wrap), hashable and equal to any node with
the same name, inputs and outputs, like Kedro's. Everything is validated in the constructor so a
mistake surfaces at the ``node(...)`` line, not when the pipeline runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import re
import warnings
import weakref
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from kedro_nb.pipeline._errors import NodeDefinitionError, NodeInputsError, NodeSignatureError
from kedro_nb.pipeline._outputs import shape_outputs
from kedro_nb.pipeline._transcoding import TRANSCODING_SEPARATOR, strip_transcoding
from kedro_nb.shared import PARAMS_PREFIX

PLAIN_REF, TRANSCODED_REF = 1, 2  # how a node refers to a dataset: 'a' or 'a@fmt'

DatasetSpec = str | list[str] | dict[str, str] | None
"""Accepted forms of node inputs/outputs: one name, a list of names, a mapping or ``None``."""

_VALID_NAME = re.compile(r"[\w.-]+")
_FORMAT_HINT = "Expected form: node(func, inputs, outputs, name=None, tags=None)."


def to_name_list(spec: str | Iterable[str] | dict[str, str] | None) -> list[str]:
    """Flatten a dataset/tag spec to a list of names (dict -> its values)."""
    if spec is None:
        return []
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, dict):
        return list(spec.values())
    return list(spec)


def readable_func_name(func: Callable[..., Any]) -> str:
    """The function's ``__name__``, or a readable stand-in for callables without one."""
    name = getattr(func, "__name__", None)
    if isinstance(name, str):
        return name
    if isinstance(func, partial):
        return f"partial({readable_func_name(func.func)})"
    return type(func).__name__


def _check_spec(kind: str, spec: Any, namespace: str | None) -> list[str]:
    if spec and not isinstance(spec, (str, list, dict)):
        raise NodeDefinitionError(
            f"Invalid node: '{kind}' must be None, a str, a list of str or a dict of str, "
            f"got {type(spec).__name__} ({spec!r}). {_FORMAT_HINT}"
        )
    names = to_name_list(spec)
    for item in names:
        if not isinstance(item, str):
            raise NodeDefinitionError(
                f"Invalid node: every name in '{kind}' must be a str, got {item!r} "
                f"({type(item).__name__}) in {spec!r}."
            )
        if "." in item and not item.startswith(PARAMS_PREFIX):
            _warn_dotted_name(item, namespace)
    return names


def _warn_dotted_name(name: str, namespace: str | None) -> None:
    prefix = name.rpartition(".")[0]
    if namespace and prefix.startswith(namespace.split(".")[0]):
        return
    warnings.warn(
        f"Dataset name '{name}' contains '.', which is reserved for namespaces "
        "(see pipeline(..., namespace=)). Consider '_' instead.",
        UserWarning,
        stacklevel=5,
    )


_SIGNATURES: weakref.WeakKeyDictionary[Any, inspect.Signature | None] = (
    weakref.WeakKeyDictionary()
)  # one function usually makes many nodes; reading its signature dominates node()


def _signature(func: Callable[..., Any]) -> inspect.Signature | None:
    """The signature to bind inputs to; builtins are checked too when they expose one."""
    try:
        return _SIGNATURES[func]
    except (KeyError, TypeError):  # not cached yet, or not weak-referenceable/hashable
        pass
    try:
        sig: inspect.Signature | None = inspect.signature(func, follow_wrapped=False)
    except (TypeError, ValueError):  # some C callables expose no signature
        sig = None
    with contextlib.suppress(TypeError):
        _SIGNATURES[func] = sig
    return sig


def _bind_order(func: Callable[..., Any], inputs: DatasetSpec) -> list[str]:
    """Check ``inputs`` bind to ``func`` and return the input names in call order."""
    sig = _signature(func)
    if isinstance(inputs, dict):
        args: list[str] = []
        kwargs = dict(inputs)
    else:
        args, kwargs = to_name_list(inputs), {}
    if sig is None:
        return args + list(kwargs.values())
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as exc:
        raise NodeSignatureError(
            f"Inputs of '{readable_func_name(func)}' do not fit its signature: the function "
            f"takes {list(sig.parameters)}, the node gives {inputs!r} ({exc}). Pass one name "
            "per positional parameter, or a dict {parameter: dataset}."
        ) from exc
    return [*bound.args, *bound.kwargs.values()]


def _copied(spec: DatasetSpec) -> DatasetSpec:
    if isinstance(spec, list):
        return list(spec)
    if isinstance(spec, dict):
        return dict(spec)
    return spec


def _hashable(spec: DatasetSpec) -> Any:
    if isinstance(spec, dict):
        return tuple(sorted(spec.items()))
    if isinstance(spec, list):
        return tuple(spec)
    return spec


class Node:
    """A function call with named inputs and outputs; build it with :func:`node`."""

    __slots__ = (
        "_confirms", "_func", "_hash", "_in_bases", "_input_list", "_inputs", "_key", "_name",
        "_namespace", "_out_bases", "_output_list", "_outputs", "_qualified_name", "_refs",
        "_tags",
    )  # fmt: skip

    def __init__(
        self,
        func: Callable[..., Any],
        inputs: DatasetSpec,
        outputs: DatasetSpec,
        *,
        name: str | None = None,
        tags: str | Iterable[str] | None = None,
        confirms: str | list[str] | None = None,
        namespace: str | None = None,
    ) -> None:
        """See :func:`node`."""
        if not callable(func):
            raise NodeDefinitionError(
                f"Invalid node: the first argument must be a function, got "
                f"{type(func).__name__} ({func!r}). {_FORMAT_HINT}"
            )
        _check_spec("inputs", inputs, namespace)
        output_list = _check_spec("outputs", outputs, namespace)
        if not inputs and not outputs:
            raise NodeDefinitionError(
                f"Invalid node for '{readable_func_name(func)}': it has neither inputs nor "
                f"outputs; give at least one. {_FORMAT_HINT}"
            )
        input_list = _bind_order(func, inputs)
        if name and not _VALID_NAME.fullmatch(name):
            raise NodeDefinitionError(
                f"'{name}' is not a valid node name: use only letters, digits, '_', '-' and '.'."
            )
        tag_set = frozenset(to_name_list(tags))
        for tag in tag_set:
            if not isinstance(tag, str) or not _VALID_NAME.fullmatch(tag):
                raise NodeDefinitionError(
                    f"{tag!r} is not a valid node tag: use only letters, digits, '_', '-' and '.'."
                )
        self._func = func
        self._inputs = _copied(inputs)  # the caller may mutate its list/dict later
        self._outputs = _copied(outputs)
        self._name = name
        self._namespace = namespace
        self._tags = tag_set
        self._confirms = confirms
        self._input_list = tuple(input_list)
        self._output_list = tuple(output_list)
        base = self._name or self._generated_name()
        self._qualified_name = f"{namespace}.{base}" if namespace else base
        self._key = (self._qualified_name, _hashable(inputs), _hashable(outputs))
        self._hash = hash(self._key)
        self._check_outputs()

    def _generated_name(self) -> str:
        func = self._func
        inputs, outputs = list(self._input_list), list(self._output_list)
        if isinstance(func, partial):
            base = f"partial({readable_func_name(func.func)})"
            key = f"{base}|{inputs}|{outputs}"
        else:
            base = readable_func_name(func)
            module = getattr(func, "__module__", None)
            key = f"{module}.{base}|{inputs}|{outputs}"
        return f"{base}__{hashlib.sha256(key.encode()).hexdigest()[:8]}"

    def _check_outputs(self) -> None:
        outs = self._output_list
        if len(outs) > 1 and len(set(outs)) != len(outs):
            dupes = sorted({o for o in outs if outs.count(o) > 1})
            raise NodeDefinitionError(
                f"Invalid node '{self}': outputs {dupes} appear more than once; each output "
                "name must be unique."
            )
        self._in_bases = tuple(dict.fromkeys(map(strip_transcoding, self._input_list)))
        self._out_bases = tuple(map(strip_transcoding, outs))
        if self._in_bases and not set(self._in_bases).isdisjoint(self._out_bases):
            common = sorted(set(self._in_bases).intersection(self._out_bases))
            raise NodeDefinitionError(
                f"Invalid node '{self}': {common} are both input and output (transcoded "
                "forms count as the same dataset). Write the result to a new dataset name."
            )
        refs: dict[str, int] = {}
        for raw in (*self._input_list, *outs):
            if TRANSCODING_SEPARATOR in raw:
                base, kind = strip_transcoding(raw), TRANSCODED_REF
            else:
                base, kind = raw, PLAIN_REF
            refs[base] = refs.get(base, 0) | kind
        self._refs = tuple(refs.items())

    # -- identity ---------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return self._hash == other._hash and self._key == other._key

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return self._key < other._key

    def __hash__(self) -> int:
        return self._hash

    def __str__(self) -> str:
        ins = f"[{';'.join(self._input_list)}]" if self._inputs else "None"
        outs = f"[{';'.join(self._output_list)}]" if self._outputs else "None"
        prefix = f"{self._name}: " if self._name else ""
        return f"{prefix}{readable_func_name(self._func)}({ins}) -> {outs}"

    def __repr__(self) -> str:
        return (
            f"Node({readable_func_name(self._func)}, {self._inputs!r}, {self._outputs!r}, "
            f"{self._name!r})"
        )

    # -- public attributes ------------------------------------------------------------------
    @property
    def name(self) -> str:
        """Full node name: ``namespace.name``; unnamed nodes get ``func__<hash>``."""
        return self._qualified_name

    @property
    def short_name(self) -> str:
        """The given name without namespace, or a title made from the function name."""
        if self._name:
            return self._name
        return readable_func_name(self._func).replace("_", " ").title()

    @property
    def func(self) -> Callable[..., Any]:
        """The function the node calls."""
        return self._func

    @func.setter
    def func(self, func: Callable[..., Any]) -> None:
        """Replace the function (hooks use this to wrap it); name and identity stay."""
        self._input_list = tuple(_bind_order(func, self._inputs))
        self._func = func

    @property
    def inputs(self) -> list[str]:
        """Input dataset names, in the order they bind to the function's parameters."""
        return list(self._input_list)

    @property
    def outputs(self) -> list[str]:
        """Output dataset names, in declaration order."""
        return list(self._output_list)

    @property
    def tags(self) -> set[str]:
        """A copy of the node's tags."""
        return set(self._tags)

    @property
    def namespace(self) -> str | None:
        """The node's namespace (``outer.inner``), or ``None``."""
        return self._namespace

    @property
    def namespace_prefixes(self) -> list[str]:
        """Every enclosing namespace, shortest first: ``a.b.c`` -> ``['a', 'a.b', 'a.b.c']``."""
        parts = (self._namespace or "").split(".")
        return [".".join(parts[: i + 1]) for i in range(len(parts))]

    @property
    def confirms(self) -> list[str]:
        """Datasets whose ``confirm()`` the runner calls after this node succeeds."""
        return to_name_list(self._confirms)

    def tag(self, tags: str | Iterable[str]) -> Node:
        """Return a copy of this node with ``tags`` added."""
        return self._copy(tags=self._tags | set(to_name_list(tags)))

    def _copy(self, **overrides: Any) -> Node:
        params: dict[str, Any] = {
            "func": self._func,
            "inputs": self._inputs,
            "outputs": self._outputs,
            "name": self._name,
            "namespace": self._namespace,
            "tags": self._tags,
            "confirms": self._confirms,
        }
        params.update(overrides)
        return Node(**params)

    # -- execution --------------------------------------------------------------------------
    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        """Run the node with inputs given as keyword arguments."""
        return self.run(kwargs)

    def run(self, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
        """Call the function with ``inputs`` (dataset name -> value) and return a dict
        mapping each output name to its value.

        Raises:
            NodeInputsError: ``inputs`` is not a dict or its keys differ from the node's inputs.
            NodeOutputError: the function's result does not fit the declared outputs.
        """
        if inputs is None:
            inputs = {}
        if not isinstance(inputs, dict):
            raise NodeInputsError(
                f"Node.run() of '{self.name}' takes a dict of inputs, got {type(inputs).__name__}."
            )
        expected = set(self._input_list)
        if set(inputs) != expected:
            raise NodeInputsError(
                f"Node '{self.name}' expected inputs {sorted(expected)}, got {sorted(inputs)}. "
                f"Missing: {sorted(expected - set(inputs))}; "
                f"unexpected: {sorted(set(inputs) - expected)}."
            )
        spec = self._inputs
        if isinstance(spec, dict):
            result = self._func(**{arg: inputs[ds] for arg, ds in spec.items()})
        else:
            result = self._func(*(inputs[ds] for ds in self._input_list))
        return shape_outputs(self.name, self._outputs, result)


def node(
    func: Callable[..., Any],
    inputs: DatasetSpec,
    outputs: DatasetSpec,
    *,
    name: str | None = None,
    tags: str | Iterable[str] | None = None,
    confirms: str | list[str] | None = None,
    namespace: str | None = None,
) -> Node:
    """Create a :class:`Node` calling ``func``.

    Args:
        func: The function to call.
        inputs: ``None``, one dataset name, a list (positional arguments) or a dict
            ``{parameter: dataset}`` (keyword arguments). ``params:<key>`` reads a parameter.
        outputs: ``None``, one name (the whole return value), a list (the function returns a
            list/tuple of that length) or a dict ``{returned_key: dataset}``.
        name: Node name (letters, digits, ``_``, ``-``, ``.``); default ``func__<hash>``.
        tags: One tag or several, used to select nodes.
        confirms: Datasets to confirm after the node succeeds.
        namespace: Namespace prefixed to the node name (``ns.name``).

    Raises:
        NodeDefinitionError: the arguments do not describe a valid node.
        NodeSignatureError: ``inputs`` do not bind to ``func``'s signature.
    """
    return Node(func, inputs, outputs, name=name, tags=tags, confirms=confirms, namespace=namespace)
