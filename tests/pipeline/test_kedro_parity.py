"""Differential tests: random pipelines and random slicing against the real Kedro 1.7.

Each example builds the same pipeline with both libraries, applies the same operations, and
requires the same outcome: both raise, or both return pipelines equal in every observable
respect (node order, groups, names, str(), inputs/outputs, datasets, describe(), grouping).
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import kedro.pipeline as kp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import kedro_nb.pipeline as np_
from kedro_nb.pipeline import PipelineError

from ._kedro_mirror import NAMESPACES, TAGS, attempt, pipe_specs, pipeline_view

# KEDRO_NB_PARITY_SCALE=20 runs twenty times more random examples (a deeper, slower check)
SCALE = float(os.environ.get("KEDRO_NB_PARITY_SCALE", "1"))
SETTINGS = settings(
    max_examples=int(250 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
SLICES = [
    "only_nodes",
    "from_nodes",
    "to_nodes",
    "from_inputs",
    "to_outputs",
    "only_nodes_with_inputs",
    "only_nodes_with_outputs",
    "only_nodes_with_tags",
    "only_nodes_with_namespaces",
    "filter",
    "tag",
]
BINARY = ["add", "sub", "and", "or"]
NAMESPACE_ARGS = [[ns] for ns in NAMESPACES if ns] + [["ns", "other"], ["missing"], []]


def _datasets(pipe: Any) -> list[str]:
    names = set(pipe.datasets())
    names |= {n.split("@")[0] for n in names}
    return [*sorted(names), "missing_ds", "free_a@spark"]


@st.composite
def slice_ops(draw: Any, pipe: Any) -> tuple[str, Any]:
    """A slicing operation with arguments drawn from ``pipe``'s own names (plus typos)."""
    op = draw(st.sampled_from(SLICES))
    node_names = [n.name for n in pipe.nodes] + ["missing_node", "n0"]

    def names(pool: list[str]) -> list[str]:
        least = 0 if draw(st.integers(0, 9)) == 0 else 1
        return draw(st.lists(st.sampled_from(pool), min_size=least, max_size=3, unique=True))

    if op in ("only_nodes", "from_nodes", "to_nodes"):
        return op, names(node_names)
    if op in ("from_inputs", "to_outputs", "only_nodes_with_inputs", "only_nodes_with_outputs"):
        return op, names(_datasets(pipe))
    if op in ("only_nodes_with_tags", "tag"):
        return op, names([*TAGS, "t_other"])
    if op == "only_nodes_with_namespaces":
        return op, draw(st.sampled_from(NAMESPACE_ARGS))
    kwargs = {}
    for key, pool in (
        ("tags", TAGS),
        ("from_nodes", node_names),
        ("to_nodes", node_names),
        ("node_names", node_names),
        ("from_inputs", _datasets(pipe)),
        ("to_outputs", _datasets(pipe)),
    ):
        if draw(st.integers(0, 3)) == 0:
            kwargs[key] = names(pool)
    if draw(st.integers(0, 4)) == 0:
        kwargs["node_namespaces"] = draw(st.sampled_from(NAMESPACE_ARGS))
    return op, kwargs


def apply_slice(pipe: Any, op: str, args: Any) -> Any:
    if op == "filter":
        return pipe.filter(**args)
    if op == "only_nodes_with_namespaces":
        return pipe.only_nodes_with_namespaces(args)
    if op == "tag":
        return pipe.tag(args)
    return getattr(pipe, op)(*args)


def apply_binary(op: str, left: Any, right: Any) -> Any:
    if op == "add":
        return left + right
    if op == "sub":
        return left - right
    if op == "and":
        return left & right
    return left | right


def assert_same_outcome(ours: tuple[bool, Any], theirs: tuple[bool, Any]) -> None:
    assert ours[0] == theirs[0], f"kedro: {theirs[1]!r}\nkedro_nb: {ours[1]!r}"
    with contextlib.suppress(InvalidArgument):  # event() only works inside @given
        event(
            f"raised {type(theirs[1]).__name__}"
            if not ours[0]
            else f"ok, {min(len(ours[1].nodes), 3)}+ nodes"
        )
    if not ours[0]:
        assert isinstance(ours[1], (PipelineError, TypeError)), repr(ours[1])
    else:
        assert pipeline_view(ours[1]) == pipeline_view(theirs[1])


@SETTINGS
@given(spec=pipe_specs(invalid=True))
def test_construction_matches_kedro(spec):
    assert_same_outcome(attempt(spec.build, np_), attempt(spec.build, kp))


@settings(SETTINGS, max_examples=int(100 * SCALE))
@given(
    specs=st.lists(pipe_specs(max_nodes=4), min_size=1, max_size=3),
    tags=st.sampled_from([None, "t1", ["t2", "t3"]]),
)
def test_nested_construction_with_tags_matches_kedro(specs, tags):
    """Pipeline([pipeline, pipeline, node...], tags=...): nodes are taken over and tagged;
    the same node reached twice is a duplicate in both libraries."""

    def build(lib: Any) -> Any:
        parts = [s.build(lib) for s in specs]
        return lib.Pipeline([*parts, *parts[0].nodes[:1]], tags=tags)

    assert_same_outcome(attempt(build, np_), attempt(build, kp))

    def build_distinct(lib: Any) -> Any:
        return lib.Pipeline([s.build(lib) for s in specs[:1]], tags=tags)

    assert_same_outcome(attempt(build_distinct, np_), attempt(build_distinct, kp))


@SETTINGS
@given(spec=pipe_specs(), data=st.data())
def test_slicing_chains_match_kedro(spec, data):
    check_slicing_chain(spec, data)


@settings(SETTINGS, max_examples=int(40 * SCALE))
@given(spec=pipe_specs(max_nodes=40), data=st.data())
def test_slicing_chains_on_larger_pipelines_match_kedro(spec, data):
    check_slicing_chain(spec, data)


DATASET_SLICES = ["from_inputs", "to_outputs", "only_nodes_with_inputs", "only_nodes_with_outputs"]


@settings(SETTINGS, max_examples=int(150 * SCALE))
@given(spec=pipe_specs(transcode_one_in=1), data=st.data())
def test_dataset_slicing_with_transcoding_matches_kedro(spec, data):
    theirs, ours = spec.build(kp), spec.build(np_)
    transcoded = sorted(d for d in theirs.datasets() if "@" in d)
    pool = transcoded + _datasets(theirs) if transcoded else _datasets(theirs)
    op = data.draw(st.sampled_from(DATASET_SLICES))
    args = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True))
    assert_same_outcome(
        attempt(apply_slice, ours, op, args), attempt(apply_slice, theirs, op, args)
    )


def test_transcoded_names_select_exact_readers_and_writers():
    def build(lib: Any) -> Any:
        def f(*args: Any) -> None:
            return None

        return lib.Pipeline(
            [
                lib.node(f, "raw", "table@pandas", name="write"),
                lib.node(f, "table@pandas", "a", name="read_pandas"),
                lib.node(f, "table@spark", "b", name="read_spark"),
            ]
        )

    theirs, ours = build(kp), build(np_)
    for op in DATASET_SLICES:
        for name in ("table", "table@pandas", "table@spark", "table@csv"):
            assert_same_outcome(
                attempt(apply_slice, ours, op, [name]), attempt(apply_slice, theirs, op, [name])
            )
    assert [n.name for n in ours.from_inputs("table@spark").nodes] == ["read_spark"]
    assert [n.name for n in ours.only_nodes_with_outputs("table@spark").nodes] == []


def check_slicing_chain(spec: Any, data: Any) -> None:
    theirs, ours = spec.build(kp), spec.build(np_)
    assert pipeline_view(ours) == pipeline_view(theirs)
    for _ in range(data.draw(st.integers(1, 3))):
        op, args = data.draw(slice_ops(theirs))
        result_theirs = attempt(apply_slice, theirs, op, args)
        result_ours = attempt(apply_slice, ours, op, args)
        assert_same_outcome(result_ours, result_theirs)
        if not result_ours[0]:
            return
        theirs, ours = result_theirs[1], result_ours[1]


@SETTINGS
@given(spec=pipe_specs(), other=pipe_specs(prefix="e", invalid=True), data=st.data())
def test_operators_match_kedro(spec, other, data):
    theirs, ours = spec.build(kp), spec.build(np_)
    op = data.draw(st.sampled_from(BINARY))
    if data.draw(st.booleans()):  # a slice of the same pipeline
        sop, sargs = data.draw(slice_ops(theirs))
        right_theirs = attempt(apply_slice, theirs, sop, sargs)
        right_ours = attempt(apply_slice, ours, sop, sargs)
    else:  # an unrelated pipeline, whose names may clash
        right_theirs, right_ours = attempt(other.build, kp), attempt(other.build, np_)
    assert right_theirs[0] == right_ours[0]
    if not right_ours[0]:
        return
    assert_same_outcome(
        attempt(apply_binary, op, ours, right_ours[1]),
        attempt(apply_binary, op, theirs, right_theirs[1]),
    )
    assert_same_outcome(
        attempt(apply_binary, op, right_ours[1], ours),
        attempt(apply_binary, op, right_theirs[1], theirs),
    )


@SETTINGS
@given(
    specs=st.lists(
        st.sampled_from("def").flatmap(lambda p: pipe_specs(prefix=p, max_nodes=4)),
        min_size=1,
        max_size=5,
    )
)
def test_sum_matches_kedro(specs):
    # datasets/names of different specs may clash on purpose: errors must match too
    built = [(attempt(s.build, kp), attempt(s.build, np_)) for s in specs]
    assert all(t[0] == o[0] for t, o in built)
    if not all(t[0] for t, _ in built):
        return
    assert_same_outcome(
        attempt(sum, [o[1] for _, o in built]), attempt(sum, [t[1] for t, _ in built])
    )


@st.composite
def cyclic_specs(draw: Any) -> tuple[list[Any], int]:
    """A ring of nodes ``c0 -> c1 -> ... -> c0`` plus unrelated nodes, shuffled."""
    from ._kedro_mirror import NodeSpec, any_args

    size = draw(st.integers(2, 6))
    ring = [
        NodeSpec(
            any_args,
            [f"c{(i - 1) % size}", "free_a"],
            f"c{i}",
            name=draw(st.sampled_from([None, f"r{i}"])),
            tags=[],
            namespace=draw(st.sampled_from(NAMESPACES)),
        )
        for i in range(size)
    ]
    extra = draw(pipe_specs(max_nodes=4)).nodes
    return draw(st.permutations(ring + extra)), size


@SETTINGS
@given(case=cyclic_specs(), split=st.integers(0, 10))
def test_cycles_raise_in_both_and_are_named(case, split):
    from ._kedro_mirror import PipeSpec

    specs, size = case
    theirs = attempt(PipeSpec(specs).build, kp)
    ours = attempt(PipeSpec(specs).build, np_)
    assert not theirs[0] and not ours[0]
    assert isinstance(ours[1], np_.CircularDependencyError)
    assert type(theirs[1]).__name__ == "CircularDependencyError"
    message = str(ours[1])
    assert all(f"-[c{i}]->" in message for i in range(size)), message
    # the same ring cut in two acyclic halves must fail when the halves are added
    cut = split % len(specs)
    halves = [PipeSpec(specs[:cut]), PipeSpec(specs[cut:])]
    parts_theirs = [attempt(h.build, kp) for h in halves]
    parts_ours = [attempt(h.build, np_) for h in halves]
    assert [p[0] for p in parts_theirs] == [p[0] for p in parts_ours]
    if all(p[0] for p in parts_ours):
        added = attempt(apply_binary, "add", parts_ours[0][1], parts_ours[1][1])
        assert isinstance(added[1], np_.CircularDependencyError)
        assert not attempt(apply_binary, "add", parts_theirs[0][1], parts_theirs[1][1])[0]


@st.composite
def modular_args(draw: Any, pipe: Any) -> dict[str, Any]:
    """Random ``pipeline(...)`` arguments drawn from the pipeline's own dataset names."""

    def strip(name: str) -> str:
        return name.split("@")[0]

    raw = draw(st.booleans())  # names as written ('a@pandas') or as datasets ('a')
    free = sorted({i if raw else strip(i) for i in pipe.inputs() if not i.startswith("param")})
    produced = sorted({o if raw else strip(o) for o in pipe.all_outputs()})
    params = sorted(
        {
            i[len("params:") :] if draw(st.booleans()) else i
            for i in pipe.all_inputs()
            if i.startswith("params:")
        }
    )
    params += ["parameters"] if "parameters" in pipe.all_inputs() else []

    def names(pool: list[str], typo_pool: list[str]) -> Any:
        if not pool or draw(st.integers(0, 2)) == 0:
            return None
        chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True))
        if draw(st.integers(0, 7)) == 0:
            chosen.append(draw(st.sampled_from(typo_pool)))
        form = draw(st.sampled_from(["str", "set", "dict"]))
        if form == "str":
            return chosen[0]
        if form == "set":
            return set(chosen)
        return {c: f"new_{c.replace(':', '_').replace('.', '_')}" for c in chosen}

    return {
        "inputs": names(free, [*produced, "missing", "params:alpha"]),
        "outputs": names(produced, [*free, "missing"]),
        "parameters": names(params, ["missing", "params:missing"]),
        "namespace": draw(st.sampled_from([None, "mod", "mod.inner", "ns"])),
        "tags": draw(st.sampled_from([None, "t1", ["t2", "t3"]])),
        "prefix_datasets_with_namespace": draw(st.booleans()),
    }


@SETTINGS
@given(spec=pipe_specs(), data=st.data())
def test_modular_pipelines_match_kedro(spec, data):
    theirs, ours = spec.build(kp), spec.build(np_)
    for _ in range(data.draw(st.integers(1, 2))):  # nesting applies the rules twice
        kwargs = data.draw(modular_args(theirs))
        result_theirs = attempt(kp.pipeline, theirs, **kwargs)
        result_ours = attempt(np_.pipeline, ours, **kwargs)
        assert_same_outcome(result_ours, result_theirs)
        if not result_ours[0]:
            return
        theirs, ours = result_theirs[1], result_ours[1]


@settings(SETTINGS, max_examples=int(80 * SCALE))
@given(spec=pipe_specs())
def test_to_json_carries_kedros_node_records(spec):
    import json

    def records(text: str) -> list[tuple]:
        return sorted(
            (r["name"], r["inputs"], r["outputs"], sorted(r["tags"]))
            for r in json.loads(text)["pipeline"]
        )

    ours = spec.build(np_)
    assert records(ours.to_json()) == records(spec.build(kp).to_json())
    # ours is reproducible: execution order and sorted tags
    assert [r["name"] for r in json.loads(ours.to_json())["pipeline"]] == [
        n.name for n in ours.nodes
    ]


@SETTINGS
@given(spec=pipe_specs(max_nodes=10))
def test_interrupted_namespace_warnings_match_kedro(spec):
    import re
    import warnings

    def warned(lib: Any) -> set[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.Pipeline([n.build(lib) for n in spec.nodes])
        found = (re.match(r"Namespace '([^']+)' is interrupted", str(w.message)) for w in caught)
        return {m.group(1) for m in found if m}

    assert warned(np_) == warned(kp)
