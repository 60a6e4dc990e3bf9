"""``kedro-nb runs --prune`` (records, and dataset versions only with --with-data after asking)
and ``kedro-nb runs show`` (what reproducing a run by hand takes)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from experiments_helpers import console, git, write

from kedro_nb.project import KedroNbSession


def versions(project: Path, dataset: str) -> set[str]:
    folder = project / "data" / dataset
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_prune_keeps_the_newest_records_and_all_data(project: Path) -> None:
    session = KedroNbSession.create(project)
    runs = [session.run("train").record for _ in range(4)]
    done = console("runs", "--prune", "--keep", "2", cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Deleted 2 run record(s); kept the newest 2."
    assert [r.run_id for r in session.runs()] == [runs[3].run_id, runs[2].run_id]
    assert versions(project, "model.pickle") == {r.run_id for r in runs}  # data untouched
    again = console("runs", "--prune", "--keep", "2", cwd=project)
    assert again.stdout.strip() == "Nothing to prune: 2 record(s), --keep 2."


def test_prune_with_data_asks_and_spares_versions_kept_runs_read(project: Path) -> None:
    session = KedroNbSession.create(project)
    oldest, middle = session.run("train").record, session.run("train").record
    pinned = session.run(
        "train", node_names=["evaluate"], load_versions={"model": oldest.run_id}
    ).record
    assert pinned.loaded_versions == {"model": oldest.run_id}
    refused = console("runs", "--prune", "--keep", "1", "--with-data", cwd=project, stdin="n\n")
    assert refused.returncode == 2
    assert "Nothing deleted." in refused.stdout
    assert f"model  {middle.run_id}" in refused.stdout
    assert f"model  {oldest.run_id}" not in refused.stdout  # the kept run read it
    assert len(session.runs()) == 3 and versions(project, "model.pickle") == {
        oldest.run_id,
        middle.run_id,
    }
    done = console("runs", "--prune", "--keep", "1", "--with-data", cwd=project, stdin="y\n")
    assert done.returncode == 0, done.stderr
    assert "Deleted 2 run record(s) and 3 dataset version(s); kept the newest 1." in done.stdout
    assert versions(project, "model.pickle") == {oldest.run_id}
    assert versions(project, "metrics.json") == {pinned.run_id}
    assert [r.run_id for r in session.runs()] == [pinned.run_id]
    catalog = session.build_catalog()
    assert catalog.load("model", version=pinned.versions["model"])["coef"]


def test_prune_yes_deletes_without_asking(project: Path) -> None:
    session = KedroNbSession.create(project)
    first, second = session.run("train").record, session.run("train").record
    done = console("runs", "--prune", "--keep", "1", "--with-data", "--yes", "--json", cwd=project)
    data = json.loads(done.stdout)
    assert data == {
        "deleted_runs": [first.run_id],
        "deleted_data": [f"model@{first.run_id}", f"metrics@{first.run_id}"],
        "kept": 1,
    }
    assert versions(project, "model.pickle") == {second.run_id}


def test_show_prints_how_to_reproduce_the_run(committed: Path) -> None:
    record = (
        KedroNbSession.create(committed, runtime_params={"model.alpha": 0.25})
        .run("train", node_names=["train", "evaluate"])
        .record
    )
    done = console("runs", "show", record.run_id, cwd=committed)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"git        {git(committed, 'rev-parse', 'HEAD')}" in out
    assert "  model.alpha   0.25" in out and "  metrics.r2  " in out
    assert f"  model    {record.run_id}" in out  # under "versions written"
    assert f"git checkout {record.git_sha}" in out
    assert "pip install numpy==" in out and " pandas==" in out
    command = next(line.strip() for line in out.splitlines() if "kedro-nb run --" in line)
    assert shlex.split(command) == [
        "kedro-nb", "run", "--pipeline", "train", "--nodes", "train,evaluate",
        "--env", "local", "--params", "model.degree=1,model.alpha=0.25,seed=3",
    ]  # fmt: skip
    assert out.rstrip().endswith(f"or: kedro-nb run --like {record.run_id}")
    data = json.loads(console("runs", "show", record.run_id, "--json", cwd=committed).stdout)
    assert data["versions"] == {"model": record.run_id, "metrics": record.run_id}
    assert data["command"][:4] == ["kedro-nb", "run", "--pipeline", "train"]


def test_the_command_show_prints_repeats_the_run(project: Path) -> None:
    write(project, "conf/base/parameters.yml", "model:\n  degree: 2\n  alpha: 0.1\nseed: 3\n")
    record = KedroNbSession.create(project).run("train").record
    write(project, "conf/base/parameters.yml", "model:\n  degree: 1\n  alpha: 0.0\nseed: 3\n")
    data = json.loads(console("runs", "show", record.run_id, "--json", cwd=project).stdout)
    again = console(*data["command"][1:], cwd=project)
    assert again.returncode == 0, again.stderr
    latest = KedroNbSession.create(project).runs[0]
    assert latest.params == record.params and latest.metrics == record.metrics
