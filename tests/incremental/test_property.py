"""Property test of incremental runs: over random pipelines and random edit sequences (code,
parameters, input files, deleted outputs), the nodes ``--incremental`` runs are exactly those a
reference rule picks, and the outputs always equal a full computation's.

Node functions are compiled from source text (as a notebook's cells are), so an edit of a node's
code is an edit of its source. Values are small integers under a modulus, so an upstream node
that re-runs often writes the same bytes again: the early cut-off is exercised constantly.
"""

from __future__ import annotations

import linecache
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kedro_nb.io import DataCatalog, MemoryDataset
from kedro_nb.io.datasets.json import JSONDataset
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.project.records import RunStore
from kedro_nb.runner import SequentialRunner
from kedro_nb.runner.incremental import Incremental

MOD = 3  # small: different inputs often give the same output (early cut-off)


@dataclass
class Spec:
    """A random pipeline: per node, its parents (earlier nodes) and free inputs, whether its
    output is persisted, its code constant and its parameter."""

    parents: list[list[int]]
    free: list[list[int]]
    persisted: list[bool]
    n_inputs: int
    code: list[int] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    n = draw(st.integers(2, 7))
    n_inputs = draw(st.integers(1, 3))
    parents, free = [], []
    for i in range(n):
        parents.append(sorted(draw(st.sets(st.integers(0, i - 1), max_size=2)) if i else []))
        free.append(sorted(draw(st.sets(st.integers(0, n_inputs - 1), max_size=2))))
        if not parents[-1] and not free[-1]:
            free[-1] = [0]
    persisted = [draw(st.booleans()) for _ in range(n)]
    spec = Spec(parents, free, persisted, n_inputs)
    spec.code = [draw(st.integers(0, 2)) for _ in range(n)]
    spec.params = [draw(st.integers(0, 2)) for _ in range(n)]
    spec.inputs = [draw(st.integers(0, 4)) for _ in range(n_inputs)]
    return spec


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["code", "param", "param_type", "input", "delete", "nothing"]),
        st.integers(0, 100),
        st.integers(0, 4),
    ),
    min_size=1,
    max_size=6,
)


def _function(i: int, constant: int) -> Any:
    """Node ``i``'s function, compiled from its source (its code is ``constant``)."""
    filename = f"<property node {i} v{constant}>"
    source = f"def node_{i}(p, *xs):\n    return (sum(xs) + int(p) * {constant}) % {MOD}\n"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    scope: dict[str, Any] = {}
    exec(compile(source, filename, "exec"), scope)
    return scope[f"node_{i}"]


def _evaluate(spec: Spec) -> list[int]:
    values: list[int] = []
    for i in range(len(spec.parents)):
        xs = [spec.inputs[k] for k in spec.free[i]] + [values[p] for p in spec.parents[i]]
        values.append((sum(xs) + int(spec.params[i]) * spec.code[i]) % MOD)
    return values


class Reference:
    """The rule, written independently of the implementation, over values instead of
    fingerprints: a node runs when it never ran, its code or parameter (with its type) changed,
    an input value changed (in-memory inputs: when the producing node's key changed), a
    persisted output is missing or not what it wrote, its in-memory output is a free output, or
    a node that runs needs its in-memory output."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.records: dict[int, tuple[Any, ...]] = {}
        self.stored: dict[int, int] = {}  # persisted outputs on disk

    def consumers(self, i: int) -> list[int]:
        return [j for j, parents in enumerate(self.spec.parents) if i in parents]

    def step(self) -> set[int]:
        spec, n = self.spec, len(self.spec.parents)
        values = _evaluate(spec)
        keys: list[Any] = [None] * n
        runs: set[int] = set()
        for i in range(n):
            seen = tuple(("in", k, spec.inputs[k]) for k in spec.free[i]) + tuple(
                ("p", p, self.stored.get(p) if spec.persisted[p] else keys[p])
                for p in spec.parents[i]
            )
            keys[i] = (spec.code[i], repr(spec.params[i]), seen)
            last = self.records.get(i)
            if spec.persisted[i]:
                out_ok = last is not None and self.stored.get(i) == last[1]
            else:
                out_ok = bool(self.consumers(i))
            if last is None or last[0] != keys[i] or not out_ok:
                runs.add(i)
                if spec.persisted[i]:
                    self.stored[i] = values[i]
                self.records[i] = (keys[i], self.stored.get(i))
        todo = list(runs)
        while todo:  # in-memory outputs a running node needs
            j = todo.pop()
            for p in spec.parents[j]:
                if not spec.persisted[p] and p not in runs:
                    runs.add(p)
                    todo.append(p)
        return runs


class Project:
    """The same pipeline on real files, run by kedro-nb incrementally."""

    def __init__(self, spec: Spec, root: Path) -> None:
        self.spec, self.root = spec, root
        self.store = RunStore(root / "runs.sqlite")
        for k, value in enumerate(spec.inputs):
            self.dataset(f"in{k}").save(value)

    def dataset(self, name: str) -> JSONDataset:
        return JSONDataset(filepath=str(self.root / f"{name}.json"))

    def pipeline(self) -> Pipeline:
        spec = self.spec
        nodes = []
        for i in range(len(spec.parents)):
            inputs = [f"params:p{i}"] + [f"in{k}" for k in spec.free[i]]
            inputs += [f"out{p}" for p in spec.parents[i]]
            nodes.append(node(_function(i, spec.code[i]), inputs, f"out{i}", name=f"n{i}"))
        return Pipeline(nodes)

    def catalog(self) -> DataCatalog:
        spec = self.spec
        datasets: dict[str, Any] = {f"in{k}": self.dataset(f"in{k}") for k in range(spec.n_inputs)}
        for i, persisted in enumerate(spec.persisted):
            datasets[f"out{i}"] = self.dataset(f"out{i}") if persisted else MemoryDataset()
            datasets[f"params:p{i}"] = MemoryDataset(spec.params[i])
        return DataCatalog(datasets)

    def run(self) -> tuple[set[int], DataCatalog]:
        catalog = self.catalog()
        options = Incremental(store=self.store)
        SequentialRunner().run(self.pipeline(), catalog, incremental=options)
        return {int(name[1:]) for name in options.ran}, catalog


def _apply(spec: Spec, project: Project, reference: Reference, edit: tuple[str, int, int]) -> None:
    kind, where, value = edit
    n = len(spec.parents)
    i = where % n
    if kind == "code":
        spec.code[i] = value % 3
    elif kind == "param":
        spec.params[i] = value % 3
    elif kind == "param_type":  # 1 and "1" are different parameters
        spec.params[i] = (
            str(spec.params[i]) if isinstance(spec.params[i], int) else int(spec.params[i])
        )
    elif kind == "input":
        k = where % spec.n_inputs
        spec.inputs[k] = value
        project.dataset(f"in{k}").save(value)  # same value: new mtime, same bytes
    elif kind == "delete":
        path = project.root / f"out{i}.json"
        if path.exists():
            path.unlink()
            reference.stored.pop(i, None)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(spec=specs(), edits=EDITS)
def test_incremental_runs_match_the_reference_rule(spec: Spec, edits: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = Project(spec, Path(folder))
        reference = Reference(spec)
        for edit in [("nothing", 0, 0), *edits]:
            _apply(spec, project, reference, edit)
            expected = reference.step()
            ran, catalog = project.run()
            assert ran == expected, f"after {edit}: ran {sorted(ran)}, rule {sorted(expected)}"
            values = _evaluate(spec)
            for i, persisted in enumerate(spec.persisted):
                if persisted:
                    assert project.dataset(f"out{i}").load() == values[i]
                elif i in ran and not reference.consumers(i):
                    assert catalog.load(f"out{i}") == values[i]
