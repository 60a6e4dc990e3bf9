"""Build the same pipeline with Kedro 1.7 and kedro_nb from one random description, and
compare everything observable. Shared by the differential tests."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import kedro.pipeline as kp
from hypothesis import strategies as st

import kedro_nb.pipeline as np_

LIBS = {"kedro": kp, "ours": np_}
NAMESPACES = [None, "ns", "ns.sub", "other", "ns.other"]
TAGS = ["t1", "t2", "t3"]
FREE = ["free_a", "free_b", "ext.c"]
PARAMS = ["params:alpha", "params:beta.gamma", "parameters"]
FORMATS = ["pandas", "spark"]


def any_args(*args: Any, **kwargs: Any) -> None:
    """Accepts any inputs; the differential tests never run it."""


def two_args(first: Any, second: Any) -> None:
    """Takes exactly two inputs, to compare signature errors."""


def kw_only(*, alpha: Any, beta: Any = None) -> None:
    """Takes keyword inputs only."""


FUNCS = [any_args, any_args, any_args, two_args, kw_only]


@dataclass
class NodeSpec:
    func: Any
    inputs: Any
    outputs: Any
    name: str | None
    tags: list[str]
    namespace: str | None
    confirms: Any = None

    def build(self, lib: Any) -> Any:
        return lib.node(
            self.func,
            self.inputs,
            self.outputs,
            name=self.name,
            tags=self.tags,
            namespace=self.namespace,
            confirms=self.confirms,
        )


@dataclass
class PipeSpec:
    nodes: list[NodeSpec] = field(default_factory=list)

    def build(self, lib: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return lib.Pipeline([n.build(lib) for n in self.nodes])


def _shape(draw: Any, names: list[str], kind: str) -> Any:
    if not names:
        return draw(st.sampled_from([None, [], {}])) if kind == "in" else None
    form = draw(st.sampled_from(["str", "list", "dict"] if len(names) == 1 else ["list", "dict"]))
    if form == "str":
        return names[0]
    if form == "list":
        return list(names)
    return {f"k{i}": n for i, n in enumerate(names)}


@st.composite
def pipe_specs(
    draw: Any,
    *,
    invalid: bool = False,
    prefix: str = "d",
    max_nodes: int = 8,
    transcode_one_in: int = 3,
) -> PipeSpec:
    """Random DAG-shaped pipelines; ``invalid`` lets cycles, clashes and bad names in;
    about one dataset in ``transcode_one_in`` is used with ``@format`` suffixes."""
    count = draw(st.integers(1, max_nodes))
    transcoded: dict[str, bool] = {}
    produced: list[str] = []
    specs = []
    for i in range(count):
        outs = [f"{prefix}{i}_{k}" for k in range(draw(st.integers(0, 3)))]
        for out in outs:
            transcoded[out] = draw(st.integers(1, transcode_one_in)) == 1
        pool = produced + FREE + PARAMS
        if invalid and draw(st.integers(0, 3)) == 0:
            pool = pool + [f"{prefix}{j}_0" for j in range(count)] + ["free_a@pandas"]
        ins = draw(st.lists(st.sampled_from(pool), max_size=3, unique=True))
        if invalid and draw(st.integers(0, 9)) == 0 and produced:
            outs.append(draw(st.sampled_from(produced)))  # second writer or self-loop
        produced += [o for o in outs if o not in produced]

        def ref(name: str) -> str:
            if transcoded.get(name) and not (invalid and draw(st.integers(0, 9)) == 0):
                return f"{name}@{draw(st.sampled_from(FORMATS))}"
            return name

        in_names = [ref(n) for n in ins]
        out_names = list(dict.fromkeys(ref(n) for n in outs))
        if not in_names and not out_names:
            out_names = [f"{prefix}{i}_solo"]

        def rare() -> bool:
            return invalid and draw(st.integers(0, 9)) == 0

        func = draw(st.sampled_from(FUNCS)) if rare() else any_args
        name_pool = [None, None, f"n{i}", f"node_{i}", f"x.n{i}"]
        if rare():
            name_pool = ["n0", "bad name", "dup", "dup"]
        specs.append(
            NodeSpec(
                func=func,
                inputs=_shape(draw, in_names, "in"),
                outputs=_shape(draw, out_names, "out"),
                name=draw(st.sampled_from(name_pool)) or (None if out_names else f"sink{i}"),
                tags=draw(
                    st.lists(
                        st.sampled_from(TAGS + (["bad tag"] if rare() else [])),
                        max_size=2,
                        unique=True,
                    )
                ),
                namespace=draw(st.sampled_from(NAMESPACES)),
                confirms=draw(st.sampled_from([f"conf{i}", "shared_conf"])) if rare() else None,
            )
        )
    return PipeSpec(specs)


def attempt(fn: Any, *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """``(True, result)`` or ``(False, exception)``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return True, fn(*args, **kwargs)
        except Exception as exc:
            return False, exc


def node_view(n: Any) -> tuple:
    return (
        n.name,
        str(n),
        list(n.inputs),
        list(n.outputs),
        sorted(n.tags),
        n.namespace,
        list(n.confirms),
        n.short_name,
    )


def pipeline_view(p: Any) -> dict[str, Any]:
    """Everything observable about a pipeline, in comparable form."""
    groups = {
        mode: sorted((g.name, g.type, g.nodes, g.dependencies) for g in p.group_nodes_by(mode))
        for mode in ("namespace", None)
    }
    return {
        "order": [n.name for n in p.nodes],
        "groups": [[n.name for n in g] for g in p.grouped_nodes],
        "nodes": [node_view(n) for n in p.nodes],
        "inputs": p.inputs(),
        "outputs": p.outputs(),
        "all_inputs": p.all_inputs(),
        "all_outputs": p.all_outputs(),
        "datasets": p.datasets(),
        "describe": p.describe(),
        "describe_full": p.describe(names_only=False),
        "group_nodes_by": groups,
        "dependencies": {
            c.name: sorted(x.name for x in parents) for c, parents in p.node_dependencies.items()
        },
    }
