"""SequentialRunner on real pipelines with datasets on disk."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from kedro_nb.io import DataCatalog
from kedro_nb.io.datasets.pickle import PickleDataset
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.runner import MissingInputsError, RunResult, SequentialRunner

from ._helpers import ReleaseCountingDataset, add, double, increment


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    return df.dropna().assign(total=lambda d: d["a"] + d["b"])


def _summarise(df: pd.DataFrame, factor: int) -> dict:
    return {"rows": len(df), "total": int(df["total"].sum()) * factor}


@pytest.fixture
def csv_project(tmp_path):
    raw = tmp_path / "raw.csv"
    pd.DataFrame({"a": [1, 2, None, 4], "b": [10, 20, 30, 40]}).to_csv(raw, index=False)
    catalog = DataCatalog.from_config(
        {
            "raw": {"type": "pandas.CSVDataset", "filepath": str(raw)},
            "clean": {
                "type": "pandas.CSVDataset",
                "filepath": str(tmp_path / "clean.csv"),
                "save_args": {"index": False},
            },
            "summary": {"type": "json.JSONDataset", "filepath": str(tmp_path / "summary.json")},
        },
        parameters={"factor": 2},
    )
    pipeline = Pipeline(
        [
            node(_clean, "raw", "clean", name="clean"),
            node(_summarise, ["clean", "params:factor"], "summary", name="summarise"),
            node(len, "clean", "row_count", name="count"),
        ]
    )
    return pipeline, catalog, tmp_path


def test_runs_csv_pipeline_and_writes_every_persisted_output(csv_project):
    pipeline, catalog, root = csv_project
    result = SequentialRunner().run(pipeline, catalog)

    assert isinstance(result, RunResult)
    assert pd.read_csv(root / "clean.csv")["total"].tolist() == [11, 22, 44]
    assert catalog.load("summary") == {"rows": 3, "total": 154}
    assert sorted(result.saved) == ["clean", "summary"]
    assert set(result.node_timings) == {"clean", "summarise", "count"}
    assert next(iter(result.node_timings)) == "clean"
    assert all(seconds >= 0 for seconds in result.node_timings.values())
    assert result.duration >= sum(result.node_timings.values())
    # free outputs come back as datasets, Kedro 1.7 style; memory ones keep their data
    assert set(result) == {"summary", "row_count"}
    assert result.load("row_count") == 3
    assert result.run_id and result.skipped == []


def test_free_memory_outputs_are_kept_and_intermediates_released():
    counting = {name: ReleaseCountingDataset() for name in ("b", "c", "d")}
    catalog = DataCatalog({"a": 1, **counting})
    pipeline = Pipeline(
        [
            node(increment, "a", "b", name="make_b"),
            node(double, "b", "c", name="make_c"),
            node(add, ["b", "c"], "d", name="make_d"),
        ]
    )
    result = SequentialRunner().run(pipeline, catalog)

    assert result.load("d") == 6
    # b is read by make_c and make_d: released once, after its last reader
    assert counting["b"].releases == 1 and counting["b"].loads == 2
    assert counting["c"].releases == 1
    assert counting["d"].releases == 0  # free output: kept for the caller
    assert catalog.load("a") == 1  # free input: the caller's, never released


def test_release_happens_right_after_the_last_reader():
    events: list[str] = []

    class Tracking(ReleaseCountingDataset):
        def __init__(self, name):
            super().__init__()
            self.name = name

        def _release(self):
            events.append(f"release {self.name}")
            super()._release()

    def step(tag):
        def run(x):
            events.append(f"run {tag}")
            return x + 1

        return run

    catalog = DataCatalog({"x0": 0, **{f"x{i}": Tracking(f"x{i}") for i in range(1, 5)}})
    pipeline = Pipeline([node(step(i), f"x{i}", f"x{i + 1}", name=f"n{i}") for i in range(4)])
    SequentialRunner().run(pipeline, catalog)
    assert events == ["run 0", "run 1", "release x1", "run 2", "release x2", "run 3", "release x3"]


def test_undeclared_datasets_become_memory_datasets_in_the_catalog():
    catalog = DataCatalog({"a": 2})
    pipeline = Pipeline([node(double, "a", "b", name="n1"), node(double, "b", "c", name="n2")])
    result = SequentialRunner().run(pipeline, catalog)
    assert result.load("c") == 8
    assert "c" in catalog and catalog.is_ephemeral("c")


def test_missing_inputs_are_reported_before_anything_runs(tmp_path):
    catalog = DataCatalog({"companies": 1})
    ran = []
    pipeline = Pipeline([node(lambda x: ran.append(x) or x, "companys", "out", name="n")])
    with pytest.raises(MissingInputsError) as info:
        SequentialRunner().run(pipeline, catalog)
    assert "companys" in str(info.value) and "Did you mean: companies?" in str(info.value)
    assert ran == []


def test_async_mode_loads_and_saves_in_threads(tmp_path):
    catalog = DataCatalog.from_config(
        {
            name: {"type": "pickle.PickleDataset", "filepath": str(tmp_path / f"{name}.pkl")}
            for name in ("left", "right", "total", "diff")
        }
    )
    catalog.save("left", 5)
    catalog.save("right", 3)
    pipeline = Pipeline(
        [node(lambda a, b: (a + b, a - b), ["left", "right"], ["total", "diff"], name="both")]
    )
    result = SequentialRunner(is_async=True).run(pipeline, catalog)
    assert catalog.load("total") == 8 and catalog.load("diff") == 2
    assert sorted(result.saved) == ["diff", "total"]


def test_generator_node_saves_each_chunk(tmp_path):
    chunks: list[int] = []

    class Appending(ReleaseCountingDataset):
        def _save(self, data):
            chunks.append(data)
            super()._save(data)

    def produce(n):
        yield from range(n)

    catalog = DataCatalog({"n": 3, "numbers": Appending()})
    SequentialRunner().run(Pipeline([node(produce, "n", "numbers", name="gen")]), catalog)
    assert chunks == [0, 1, 2]


def test_confirms_are_called_after_the_node(tmp_path):
    confirmed = []

    class Confirmable(ReleaseCountingDataset):
        def confirm(self):
            confirmed.append("done")

    catalog = DataCatalog({"a": 1, "marker": Confirmable(data=0)})
    pipeline = Pipeline([node(increment, "a", "b", name="n", confirms="marker")])
    SequentialRunner().run(pipeline, catalog)
    assert confirmed == ["done"]


def test_logs_only_at_debug_and_info(caplog):
    catalog = DataCatalog({"a": 1})
    pipeline = Pipeline([node(increment, "a", "b", name="n")])
    with caplog.at_level(logging.DEBUG, logger="kedro_nb.runner"):
        SequentialRunner().run(pipeline, catalog)
    levels = {
        record.levelno for record in caplog.records if record.name.startswith("kedro_nb.runner")
    }
    assert levels and levels <= {logging.DEBUG, logging.INFO}


def test_empty_pipeline_runs(tmp_path):
    result = SequentialRunner().run(Pipeline([]), DataCatalog())
    assert result == {} and result.node_timings == {}


def test_transcoded_datasets_share_one_file_and_order_the_nodes(tmp_path):
    path = str(tmp_path / "shared.pkl")
    catalog = DataCatalog(
        {
            "a": 4,
            "shared@writer": PickleDataset(filepath=path),
            "shared@reader": PickleDataset(filepath=path),
        }
    )
    pipeline = Pipeline(
        [
            node(double, "shared@reader", "out", name="read"),
            node(increment, "a", "shared@writer", name="write"),
        ]
    )
    result = SequentialRunner().run(pipeline, catalog)
    assert list(result.node_timings) == ["write", "read"]
    assert result.load("out") == 10 and result.saved == ["shared@writer"]


def test_accepts_kedros_own_catalog_and_its_runtime_patterns():
    from kedro.io import DataCatalog as KedroCatalog

    catalog = KedroCatalog({})
    catalog["a"] = 2
    pipeline = Pipeline([node(double, "a", "b", name="n1"), node(double, "b", "c", name="n2")])
    result = SequentialRunner().run(pipeline, catalog)
    assert result.load("c") == 8
    assert type(result["c"]).__module__.startswith("kedro.io")
