"""Incremental runs under every runner: the same decisions whether nodes run in this process,
in threads, in worker processes or on Dask workers (which fingerprint the outputs they save and
send the fingerprints back: only this process writes the run store)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kedro_nb.io import DataCatalog
from kedro_nb.io.datasets.pickle import PickleDataset
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.project.records import RunStore
from kedro_nb.runner import DaskRunner, ParallelRunner, SequentialRunner, ThreadRunner
from kedro_nb.runner.incremental import Incremental


def clip(values: list[int]) -> list[int]:
    return [min(v, 10) for v in values]


def total(values: list[int]) -> int:
    return sum(values)


def halve(values: list[int]) -> list[int]:
    return [v // 2 for v in values]


RUNNERS = {
    "sequential": SequentialRunner,
    "thread": lambda: ThreadRunner(max_workers=2),
    "parallel": lambda: ParallelRunner(max_workers=2),
    "dask": lambda: DaskRunner(n_workers=2, processes=True),
}


@pytest.mark.parametrize("runner_name", list(RUNNERS))
def test_every_runner_makes_the_same_decisions(runner_name: str, tmp_path: Path) -> None:
    def dataset(name: str) -> PickleDataset:
        return PickleDataset(filepath=str(tmp_path / f"{name}.pkl"))

    def catalog() -> DataCatalog:
        return DataCatalog({name: dataset(name) for name in ("raw", "clipped", "sum", "half")})

    pipeline = Pipeline(
        [
            node(clip, "raw", "clipped", name="clip"),
            node(total, "clipped", "sum", name="total"),
            node(halve, "raw", "half", name="halve"),
        ]
    )
    store = RunStore(tmp_path / "runs.sqlite")
    runner = RUNNERS[runner_name]()

    def run() -> dict[str, Any]:
        options = Incremental(store=store)
        runner.run(pipeline, catalog(), incremental=options)
        return {name: decision.text() for name, decision in options.decisions.items()}

    try:
        dataset("raw").save([1, 20, 3])
        assert set(run().values()) == {"runs: no successful run recorded"}
        assert set(run().values()) == {"skipped: unchanged"}
        dataset("raw").save([1, 30, 3])  # clipped comes out the same: total stays skipped
        assert run() == {
            "clip": "runs: input `raw` changed",
            "halve": "runs: input `raw` changed",
            "total": "skipped: unchanged",
        }
        assert dataset("half").load() == [0, 15, 1]
        assert dataset("sum").load() == 14
        assert set(run().values()) == {"skipped: unchanged"}
    finally:
        getattr(runner, "close", lambda: None)()


def test_a_runner_without_incremental_support_is_refused_plainly(tmp_path: Path) -> None:
    from kedro.runner import SequentialRunner as KedroSequentialRunner

    from kedro_nb.project.errors import SessionError
    from kedro_nb.project.session import KedroNbSession

    (tmp_path / "catalog.yml").write_text("")
    session = KedroNbSession.create(start_dir=tmp_path)
    pipeline = Pipeline([node(halve, "raw", "half", name="halve")])
    with pytest.raises(SessionError, match="SequentialRunner cannot run incrementally"):
        session.run(pipeline=pipeline, runner=KedroSequentialRunner(), incremental=True)
