"""What a run records beyond timings: parameter values, metrics, dataset versions, git state,
notebook cells and package versions, read back from the store as a user would."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from experiments_helpers import SECRET, console, git, write

from kedro_nb.project import KedroNbSession


def test_a_run_records_params_metrics_and_versions(project: Path) -> None:
    session = KedroNbSession.create(project)
    record = session.run("train").record
    again = session.store.get(record.run_id)
    assert again.params == {"model": {"degree": 1, "alpha": 0.0}, "seed": 3}
    assert set(again.metrics) == {"metrics.r2", "metrics.mae", "report.rows",
                                  "report.summary.max_error"}  # fmt: skip
    saved = json.loads((project / "data/metrics.json" / record.run_id / "metrics.json").read_text())
    assert again.metrics["metrics.r2"] == saved["r2"]
    assert again.metric("r2") == saved["r2"]
    assert again.metrics["report.rows"] == 5
    assert again.saved_versions == {"model": record.run_id, "metrics": record.run_id}
    assert again.versions["model"] == record.run_id
    assert again.input_fingerprints.keys() == {"raw"}
    assert again.git_dirty is None and again.git_sha is None  # not a git work tree
    assert again.notebook is None and again.cells == {}


def test_a_past_output_loads_by_the_recorded_version(project: Path) -> None:
    session = KedroNbSession.create(project)
    first = session.run("train").record
    second = KedroNbSession.create(project, runtime_params={"model.alpha": 0.5}).run("train").record
    assert second.params["model"]["alpha"] == 0.5
    catalog = session.build_catalog()
    old = catalog.load("model", version=first.versions["model"])
    new = catalog.load("model", version=second.versions["model"])
    assert new["coef"] == pytest.approx([c * 0.5 for c in old["coef"]])
    assert catalog.load("model") == new  # the newest


def test_reading_a_pinned_version_is_recorded_as_loaded(project: Path) -> None:
    session = KedroNbSession.create(project)
    trained = session.run("train").record
    session.run("train")  # a newer model exists now
    evaluated = session.run(
        "train", node_names=["evaluate"], load_versions={"model": trained.run_id}
    ).record
    assert evaluated.loaded_versions == {"model": trained.run_id}
    assert evaluated.saved_versions == {"metrics": evaluated.run_id}
    assert evaluated.versions == {"model": trained.run_id, "metrics": evaluated.run_id}


def test_the_input_fingerprint_changes_with_the_input(project: Path) -> None:
    session = KedroNbSession.create(project)
    first = session.run("train").record
    write(project, "data/raw.csv", "x,y\n0,1.0\n1,3.0\n2,5.0\n3,7.0\n4,9.0\n5,11.5\n")
    second = session.run("train").record
    assert first.input_fingerprints["raw"] != second.input_fingerprints["raw"]
    assert second.metrics["report.rows"] == 6


def test_package_versions_of_what_the_nodes_import(project: Path) -> None:
    record = KedroNbSession.create(project).run("train").record
    assert record.packages["numpy"] == np.__version__
    assert record.packages["pandas"] == pd.__version__
    assert record.packages["python"] == sys.version.split()[0]
    assert "kedro-nb" in record.packages
    assert not {"fit", "os", "kedro_nb"} & set(record.packages)


def test_git_dirty_follows_the_work_tree(committed: Path) -> None:
    session = KedroNbSession.create(committed)
    clean = session.run("train").record
    assert clean.git_sha == git(committed, "rev-parse", "HEAD")
    assert clean.git_dirty is False  # data/ is ignored, .kedro_nb ignores itself
    write(committed, "conf/base/parameters.yml", "model:\n  degree: 2\n  alpha: 0.0\nseed: 3\n")
    dirty = KedroNbSession.create(committed).run("train").record
    assert dirty.git_dirty is True
    assert dirty.params["model"]["degree"] == 2


def test_a_failed_run_keeps_the_metrics_saved_before_the_failure(project: Path) -> None:
    write(
        project,
        "src/fit/pipelines/broken/pipeline.py",
        """\
        from kedro_nb.pipeline import Pipeline, node


        def score():
            return {"r2": 0.25}


        def explode(metrics):
            raise ValueError("no more")


        def create_pipeline():
            return Pipeline([
                node(score, None, "metrics", name="score"),
                node(explode, "metrics", "report", name="explode"),
            ])
        """,
    )
    session = KedroNbSession.create(project)
    with pytest.raises(Exception, match="no more"):
        session.run("broken")
    failed = session.runs()[0]
    assert failed.status == "failed"
    assert failed.metrics == {"metrics.r2": 0.25}
    assert "report.rows" not in failed.metrics  # report.json was never written by this run


def test_credentials_never_reach_the_recorded_params(project: Path) -> None:
    write(
        project,
        "conf/base/parameters.yml",
        "model:\n  degree: 1\n  alpha: 0.0\nseed: 3\n"
        f"endpoint: https://user:{SECRET}@example.invalid/api\n",
    )
    record = KedroNbSession.create(project).run("train").record
    assert SECRET not in json.dumps(record.params)
    assert record.params["endpoint"] == "https://user:***@example.invalid/api"
    with sqlite3.connect(project / ".kedro_nb" / "runs.sqlite") as db:
        dump = "\n".join(db.iterdump())
    assert SECRET not in dump


def test_a_notebook_run_records_the_notebook_and_its_cell_ids(tmp_path: Path) -> None:
    import shutil

    examples = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "loose_notebooks"
    folder = tmp_path / "examples"
    shutil.copytree(examples, folder, ignore=shutil.ignore_patterns("output", ".kedro_nb"))
    done = console("run", "--notebook", "spaceflights.ipynb", cwd=folder)
    assert done.returncode == 0, done.stderr
    record = json.loads(console("runs", "--json", cwd=folder).stdout)[0]
    assert record["notebook"] == "spaceflights.ipynb"
    cells = json.loads((folder / "spaceflights.ipynb").read_text())["cells"]
    ids = {
        tag.removeprefix("node:"): cell["id"]
        for cell in cells
        for tag in cell.get("metadata", {}).get("tags", [])
        if tag.startswith("node:")
    }
    assert record["cells"] == ids and len(ids) == 6
