"""Renaming rules of modular pipelines: ``pipeline(pipe, inputs=, outputs=, parameters=,
namespace=)``.

For each dataset name of each node, the first rule that applies wins:
1. the name is listed in ``inputs``/``outputs``/``parameters`` -> its mapped name;
2. ``parameters`` (all parameters) -> unchanged;
3. ``base@format`` whose base is listed -> ``mapped@format``;
4. with a namespace (and prefixing on): ``params:x`` -> ``params:<ns>.x``;
5. with a namespace (and prefixing on): ``x`` -> ``<ns>.x``;
otherwise unchanged. Nodes move into ``<namespace>.<their namespace>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kedro_nb.pipeline._errors import ModularPipelineError, UnknownDatasetError
from kedro_nb.pipeline._node import DatasetSpec, Node
from kedro_nb.pipeline._transcoding import TRANSCODING_SEPARATOR, strip_transcoding, transcode_split
from kedro_nb.shared import PARAMS_PREFIX, did_you_mean

if TYPE_CHECKING:
    from kedro_nb.pipeline._pipeline import Pipeline

Names = str | set[str] | dict[str, str] | None
_ALL_PARAMS = "parameters"


def _as_mapping(names: Any) -> dict[str, str]:
    if names is None:
        return {}
    if isinstance(names, str):
        return {names: names}
    if isinstance(names, dict):
        return dict(names)
    return {name: name for name in names}


def _param_mapping(names: Any) -> dict[str, str]:
    def with_prefix(name: str) -> str:
        return name if name.startswith(PARAMS_PREFIX) else f"{PARAMS_PREFIX}{name}"

    mapping = {}
    for old, new in _as_mapping(names).items():
        if old == _ALL_PARAMS:
            mapping[old] = old
        else:
            mapping[with_prefix(old)] = with_prefix(new)
    return mapping


def _is_param(name: str) -> bool:
    return name == _ALL_PARAMS or name.startswith(PARAMS_PREFIX)


def _validate(
    pipe: Pipeline, inputs: dict[str, Any], outputs: dict[str, Any], parameters: dict[str, Any]
) -> None:
    ins = {strip_transcoding(k) for k in inputs}
    outs = {strip_transcoding(k) for k in outputs}
    known = {strip_transcoding(d) for d in pipe.datasets()}
    missing = sorted((ins | outs | set(parameters)) - known)
    if missing:
        hint = did_you_mean(missing, sorted(known))
        raise UnknownDatasetError(
            f"Cannot map datasets/parameters onto the pipeline: {missing} "
            f"{'is' if len(missing) == 1 else 'are'} not used by any of its nodes.{hint}"
        )
    if any(_is_param(i) for i in ins):
        raise ModularPipelineError(
            f"Parameters {sorted(i for i in ins if _is_param(i))} were given in 'inputs'; "
            "list them in the 'parameters' argument instead."
        )
    free = {strip_transcoding(i) for i in pipe.inputs()}
    if not ins <= free:
        raise ModularPipelineError(
            f"'inputs' may only list free inputs, but {sorted(ins - free)} are produced by "
            "nodes of this pipeline; list them in 'outputs' to expose them."
        )
    if outs & free:
        raise ModularPipelineError(
            f"'outputs' lists {sorted(outs & free)}, which no node of this pipeline produces; "
            "list them in 'inputs' instead."
        )


class _Renamer:
    def __init__(self, mapping: dict[str, str], namespace: str | None, prefix: bool) -> None:
        self.mapping = mapping
        self.namespace = namespace
        self.prefix = prefix and bool(namespace)

    def name(self, name: str) -> str:
        mapping = self.mapping
        if name in mapping:
            return mapping[name]
        if name == _ALL_PARAMS:
            return name
        base, fmt = transcode_split(name)
        if base in mapping:
            return f"{mapping[base]}{TRANSCODING_SEPARATOR}{fmt}"
        if self.prefix:
            if name.startswith(PARAMS_PREFIX):
                rest = name[len(PARAMS_PREFIX) :]
                if PARAMS_PREFIX in rest:
                    raise ModularPipelineError(
                        f"Cannot namespace parameter '{name}': 'params:' appears twice."
                    )
                return f"{PARAMS_PREFIX}{self.namespace}.{rest}"
            return f"{self.namespace}.{name}"
        return name

    def spec(self, spec: DatasetSpec) -> DatasetSpec:
        if spec is None:
            return None
        if isinstance(spec, str):
            return self.name(spec)
        if isinstance(spec, list):
            return [self.name(n) for n in spec]
        return {key: self.name(n) for key, n in spec.items()}

    def node(self, node: Node) -> Node:
        namespace = node.namespace
        if self.namespace:
            namespace = f"{self.namespace}.{namespace}" if namespace else self.namespace
        return node._copy(
            inputs=self.spec(node._inputs),
            outputs=self.spec(node._outputs),
            confirms=self.spec(node._confirms),
            namespace=namespace,
        )


def map_nodes(
    pipe: Pipeline,
    *,
    inputs: Names,
    outputs: Names,
    parameters: Names,
    namespace: str | None,
    prefix_datasets_with_namespace: bool,
) -> Iterable[Node]:
    """Return ``pipe``'s nodes renamed by the rules in this module's docstring."""
    ins, outs, params = _as_mapping(inputs), _as_mapping(outputs), _param_mapping(parameters)
    _validate(pipe, ins, outs, params)
    renamer = _Renamer({**ins, **outs, **params}, namespace, prefix_datasets_with_namespace)
    return [renamer.node(n) for n in pipe.nodes]
