"""Turn a node function's return value into ``{output name: value}``.

Kept apart from ``Node`` so the shape rules (``None``/``str``/``list``/``dict`` outputs, and
generator functions yielding chunks) read in one place.
"""

from __future__ import annotations

import inspect
import itertools
import warnings
from operator import itemgetter
from typing import Any

from kedro_nb.pipeline._errors import NodeOutputError


def shape_outputs(node_name: str, spec: Any, result: Any) -> dict[str, Any]:
    """Map ``result`` onto the declared outputs ``spec`` of node ``node_name``.

    A generator result feeding list/dict outputs is split lazily: each output gets an
    iterator over its part of every yielded chunk (the first chunk is checked eagerly).

    Raises:
        NodeOutputError: ``result`` does not have the declared shape.
    """
    if spec is None or spec == [] or spec == {}:
        if result is not None:
            warnings.warn(
                f"Node '{node_name}' returned a {type(result).__name__} but declares no "
                "outputs, so the value is dropped. Declare outputs to keep it.",
                UserWarning,
                stacklevel=4,
            )
        return {}
    if isinstance(spec, str):
        return {spec: result}
    first, lazy = result, None
    if inspect.isgenerator(result):
        try:
            first = next(result)
        except StopIteration:
            raise NodeOutputError(
                f"Node '{node_name}' is a generator that yielded nothing; it must yield "
                f"values shaped like its outputs {spec!r}."
            ) from None
        lazy = itertools.chain([first], result)
    keys: list[Any]
    if isinstance(spec, dict):
        if not isinstance(first, dict):
            raise _shape_error(node_name, spec, f"a dict with keys {sorted(spec)}", first)
        if set(first) != set(spec):
            raise NodeOutputError(
                f"Node '{node_name}' returned a dict with keys {sorted(map(str, first))}, "
                f"but its outputs declare keys {sorted(spec)}. Return exactly those keys."
            )
        keys, names = list(spec), list(spec.values())
    else:
        if not isinstance(first, (list, tuple)):
            raise _shape_error(node_name, spec, f"a list or tuple of {len(spec)} values", first)
        if len(first) != len(spec):
            raise NodeOutputError(
                f"Node '{node_name}' returned {len(first)} value(s), but declares "
                f"{len(spec)} output(s) {spec}. Return one value per output."
            )
        keys, names = list(range(len(spec))), list(spec)
    if lazy is None:
        return {name: first[key] for key, name in zip(keys, names, strict=True)}
    streams = itertools.tee(lazy, len(keys))
    pairs = zip(keys, names, streams, strict=True)
    return {name: map(itemgetter(key), stream) for key, name, stream in pairs}  # type: ignore[arg-type]


def _shape_error(node_name: str, spec: Any, expected: str, got: Any) -> NodeOutputError:
    return NodeOutputError(
        f"Node '{node_name}' returned {type(got).__name__}, but its outputs {spec!r} need "
        f"{expected}. Change the return value or the outputs."
    )
