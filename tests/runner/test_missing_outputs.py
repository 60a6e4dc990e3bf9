"""``only_missing_outputs``: which nodes are skipped, checked against Kedro 1.7 itself."""

from __future__ import annotations

import logging
import pickle

import pytest
from kedro.runner import SequentialRunner as KedroSequentialRunner

from kedro_nb.io import DataCatalog
from kedro_nb.io.datasets.pickle import PickleDataset
from kedro_nb.pipeline import Pipeline, node
from kedro_nb.runner import SequentialRunner

from ._helpers import build_kedro, build_ours, double, increment, random_spec


def test_skips_nodes_whose_persisted_outputs_exist(tmp_path):
    calls = []

    def tracked(name, func):
        def run(x):
            calls.append(name)
            return func(x)

        return run

    catalog = DataCatalog(
        {"a": 1, **{n: PickleDataset(filepath=str(tmp_path / f"{n}.pkl")) for n in ("b", "d")}}
    )
    pipeline = Pipeline(
        [
            node(tracked("n1", increment), "a", "b", name="n1"),
            node(tracked("n2", double), "b", "c", name="n2"),
            node(tracked("n3", increment), "c", "d", name="n3"),
        ]
    )
    SequentialRunner().run(pipeline, catalog)
    assert calls == ["n1", "n2", "n3"]

    calls.clear()
    result = SequentialRunner().run(pipeline, catalog, only_missing_outputs=True)
    assert calls == [] and sorted(result.skipped) == ["n1", "n2", "n3"]

    (tmp_path / "d.pkl").unlink()
    calls.clear()
    result = SequentialRunner().run(pipeline, catalog, only_missing_outputs=True)
    # d is missing: n3 runs, and n2 too since its output c lives in memory only
    assert calls == ["n2", "n3"] and result.skipped == ["n1"]
    assert pickle.loads((tmp_path / "d.pkl").read_bytes()) == 5


@pytest.mark.parametrize("seed", range(8))
def test_selection_matches_kedro_on_generated_pipelines(tmp_path, seed):
    import random

    spec = random_spec(100 + seed)
    ours_dir, kedro_dir = tmp_path / "ours", tmp_path / "kedro"
    ours_dir.mkdir()
    kedro_dir.mkdir()
    rng = random.Random(seed)
    existing = {name for name in spec.persisted if rng.random() < 0.6}
    for root in (ours_dir, kedro_dir):
        for name in existing:
            (root / f"{name}.pkl").write_bytes(pickle.dumps(0))

    pipeline, catalog = build_ours(spec, ours_dir)
    result = SequentialRunner().run(pipeline, catalog, only_missing_outputs=True)

    kedro_pipeline, kedro_catalog = build_kedro(spec, kedro_dir)
    logging.getLogger("kedro").setLevel(logging.WARNING)
    kept = KedroSequentialRunner()._filter_pipeline_for_missing_outputs(
        kedro_pipeline, kedro_catalog
    )
    assert sorted(result.node_timings) == sorted(n.name for n in kept.nodes)
    assert sorted(result.skipped) == sorted(
        {n.name for n in kedro_pipeline.nodes} - {n.name for n in kept.nodes}
    )
