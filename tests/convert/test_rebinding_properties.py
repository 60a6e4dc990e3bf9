"""Property: for any sequence of node cells that assign, rebind, read and update in place a few
names, every node output of the notebook pipeline equals the value the cell left in its variable
when the cells run top to bottom as plain Python, and a catalog-declared name receives the
name's final value."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import nbformat
from convert_nbhelpers import build_notebook, code
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kedro_nb.convert import analyze_notebook, cells, notebook_pipeline
from kedro_nb.io import AbstractDataset, DataCatalog
from kedro_nb.runner import SequentialRunner

NAMES = ("a", "b", "c", "d")


@st.composite
def notebooks(draw: st.DrawFn) -> tuple[list[list[str]], set[str]]:
    """Cells of statements over lists; every read is of a name assigned above (in the cell or
    before). A statement assigns, rebinds, reads two names (or one, inside a function the cell
    defines), or updates a list in place."""
    defined: list[str] = []
    constant = iter(range(1, 10_000))
    cells_: list[list[str]] = []
    for _ in range(draw(st.integers(2, 6))):
        statements = []
        for _ in range(draw(st.integers(1, 3))):
            target = draw(st.sampled_from(NAMES))
            kinds = ["assign"] + (["rebind", "read", "update", "closure"] if defined else [])
            kind = draw(st.sampled_from(kinds))
            k = next(constant)
            if kind == "assign" or (kind in ("rebind", "update") and target not in defined):
                statements.append(f"{target} = [{k}]")
            elif kind == "rebind":
                statements.append(f"{target} = {target} + [{k}]")
            elif kind == "update":
                statements.append(
                    draw(
                        st.sampled_from(
                            [
                                f"{target}.append({k})",
                                f"{target}[0] = {k}",
                                f"{target}.extend([{k}, {k}])",
                                f"{target}.sort(reverse=True)",
                            ]
                        )
                    )
                )
            elif kind == "closure":  # a name read only inside a function the cell defines
                source = draw(st.sampled_from(defined))
                statements.append(f"{target} = (lambda: {source} + [{k}])()")
            else:
                left, right = draw(st.sampled_from(defined)), draw(st.sampled_from(defined))
                statements.append(f"{target} = {left} + {right} + [{k}]")
            if target not in defined:
                defined.append(target)
        cells_.append(statements)
    declared = draw(st.sets(st.sampled_from(NAMES), max_size=2))
    return cells_, declared


def _top_to_bottom(sources: list[str]) -> list[dict[str, Any]]:
    namespace: dict[str, Any] = {}
    snapshots = []
    for source in sources:
        exec(source, namespace)
        snapshots.append(copy.deepcopy({k: v for k, v in namespace.items() if k in NAMES}))
    return snapshots


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notebooks())
def test_every_output_is_the_value_a_top_to_bottom_run_gives(case):
    statements, declared = case
    sources = ["\n".join(cell) for cell in statements]
    snapshots = _top_to_bottom(sources)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nb.ipynb"
        nbformat.write(build_notebook([code(s, f"n{i}") for i, s in enumerate(sources)]), path)
        if declared:
            (Path(folder) / "catalog.yml").write_text(
                "".join(f"{name}:\n  type: MemoryDataset\n" for name in sorted(declared))
            )
        analysis = analyze_notebook(cells.read_notebook(path), catalog=declared)
        pipeline = notebook_pipeline(path)
        catalog = DataCatalog()
        for name in pipeline.all_outputs():
            catalog[name] = _Kept()
        SequentialRunner().run(pipeline, catalog)
    produced = {}
    for index, node in enumerate(analysis.nodes):
        for dataset, variable in node.output_variables.items():
            assert catalog.load(dataset) == snapshots[index][variable], (dataset, sources)
            produced[dataset] = index
    final = snapshots[-1]
    for name in declared:
        if name in produced:  # the catalog's dataset holds what the run leaves in the name
            assert catalog.load(name) == final[name], (name, sources)
    for index, node in enumerate(analysis.nodes):  # each reader saw the value above it
        for dataset, variable in node.input_variables.items():
            assert catalog.load(dataset) == snapshots[index - 1][variable], (dataset, sources)


class _Kept(AbstractDataset):
    """A dataset the runner never frees, so every output is still there after the run; each load
    is a copy, as from a file or a ``MemoryDataset``."""

    def __init__(self) -> None:
        self._data: Any = None

    def _load(self) -> Any:
        return copy.deepcopy(self._data)

    def _save(self, data: Any) -> None:
        self._data = data

    def _describe(self) -> dict[str, Any]:
        return {}
