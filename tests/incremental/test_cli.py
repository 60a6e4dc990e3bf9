"""``kedro-nb run --incremental`` on the spaceflights project, as a user edits it: each
decision and its reason, the run summary's counts, ``kedro-nb runs --explain``, ``--dry-run``,
a crash mid-run, and outputs always equal to a full run's."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.incremental.conftest import edit, kedro_nb

NODES = (
    "preprocess_companies_node",
    "preprocess_shuttles_node",
    "create_model_input_table_node",
    "split_data_node",
    "train_model_node",
    "evaluate_model_node",
)
OUTPUTS = (
    "data/02_intermediate/preprocessed_companies.csv",
    "data/02_intermediate/preprocessed_shuttles.csv",
    "data/03_primary/model_input_table.csv",
    "data/06_models/regressor.pickle",
    "data/08_reporting/metrics.json",
)


def decisions(stdout: str) -> dict[str, str]:
    """Node name to the decision text of each summary line."""
    found = {}
    for line in stdout.splitlines():
        parts = line.split()
        if parts and parts[0] in NODES:
            at = line.find("runs:") if "runs:" in line else line.find("skipped:")
            found[parts[0]] = line[at:].strip()
    return found


def run(root: Path, *extra: str, env: dict[str, str] | None = None) -> dict[str, str]:
    done = kedro_nb("run", "--incremental", *extra, cwd=root, env=env)
    assert done.returncode == 0, done.stderr
    return decisions(done.stdout) | {"_stdout": done.stdout}


def same_outputs(root: Path, tmp_path: Path) -> None:
    """The outputs of ``root`` equal those of a full (not incremental) run of a copy."""
    full = tmp_path / "full"
    shutil.rmtree(full, ignore_errors=True)
    shutil.copytree(root, full, ignore=shutil.ignore_patterns(".kedro_nb", "__pycache__"))
    for output in OUTPUTS:
        (full / output).unlink(missing_ok=True)
    done = kedro_nb("run", cwd=full)
    assert done.returncode == 0, done.stderr
    for output in OUTPUTS:
        assert (root / output).read_bytes() == (full / output).read_bytes(), output


def test_each_edit_runs_what_it_changed_and_says_why(spaceflights: Path, tmp_path: Path) -> None:
    root = spaceflights
    nodes_py = root / "src/spaceflights/pipelines/data_processing/nodes.py"

    first = run(root)
    assert all(first[name] == "runs: no successful run recorded" for name in NODES)
    assert "6 node(s) ran, 0 skipped" in first["_stdout"]

    second = run(root)
    assert all(second[name] == "skipped: unchanged" for name in NODES)
    assert "0 node(s) ran, 6 skipped" in second["_stdout"]

    # comments and docstrings are not code
    edit(
        nodes_py,
        '"""Ratings as fractions, approval flags as booleans."""',
        "# ratings as fractions",
    )
    assert all(v == "skipped: unchanged" for k, v in run(root).items() if k in NODES)

    # a helper's code changed: its node and everything reading what changed re-run
    edit(nodes_py, ".astype(float) / 100", ".astype(float) / 10")
    helper = run(root)
    assert helper["preprocess_companies_node"] == "runs: code of helper `_percentage` changed"
    assert helper["preprocess_shuttles_node"] == "skipped: unchanged"
    assert helper["create_model_input_table_node"] == (
        "runs: upstream `preprocess_companies_node` re-ran"
    )
    assert helper["split_data_node"] == "runs: upstream `create_model_input_table_node` re-ran"
    assert helper["train_model_node"] == "runs: upstream `split_data_node` re-ran"
    same_outputs(root, tmp_path)

    # a consumed parameter changed
    edit(root / "conf/base/parameters.yml", "test_size: 0.25", "test_size: 0.3")
    params = run(root)
    assert params["split_data_node"] == "runs: parameter `model_options.test_size` changed"
    assert params["create_model_input_table_node"] == "skipped: unchanged"
    assert params["evaluate_model_node"] == (  # in the order of its inputs
        "runs: upstream `train_model_node` re-ran, upstream `split_data_node` re-ran"
    )

    # an input file changed
    companies = root / "data/01_raw/companies.csv"
    companies.write_text(companies.read_text().replace("101,78%", "101,79%"))
    changed = run(root)
    assert changed["preprocess_companies_node"] == "runs: input `companies` changed"
    assert changed["preprocess_shuttles_node"] == "skipped: unchanged"
    same_outputs(root, tmp_path)

    # a deleted output is made again, and nothing else runs when it comes out the same
    (root / "data/03_primary/model_input_table.csv").unlink()
    deleted = run(root)
    assert deleted["create_model_input_table_node"] == "runs: output `model_input_table` is missing"
    assert deleted["split_data_node"] == "skipped: unchanged"  # early cut-off
    assert "1 node(s) ran, 5 skipped" in deleted["_stdout"]

    explained = kedro_nb("runs", "--explain", "create_model_input_table_node", cwd=root)
    assert explained.returncode == 0, explained.stderr
    assert "runs: output `model_input_table` is missing" in explained.stdout
    unknown = kedro_nb("runs", "--explain", "create_model_input_table", cwd=root)
    assert unknown.returncode == 2
    assert "Did you mean: create_model_input_table_node?" in unknown.stderr


def test_an_edit_that_changes_no_output_stops_at_the_node(spaceflights: Path) -> None:
    nodes_py = spaceflights / "src/spaceflights/pipelines/data_processing/nodes.py"
    run(spaceflights)
    edit(nodes_py, 'return column == "t"', 'return "t" == column')
    after = run(spaceflights)
    assert after["preprocess_companies_node"] == "runs: code of helper `_is_true` changed"
    assert after["preprocess_shuttles_node"] == "runs: code of helper `_is_true` changed"
    assert after["create_model_input_table_node"] == "skipped: unchanged"
    assert "2 node(s) ran, 4 skipped" in after["_stdout"]


def test_dry_run_says_what_would_run_and_runs_nothing(spaceflights: Path) -> None:
    run(spaceflights)
    edit(spaceflights / "conf/base/parameters.yml", "seed: 7", "seed: 8")
    before = {p: (spaceflights / p).stat().st_mtime_ns for p in OUTPUTS}
    listed = kedro_nb("runs", "--json", cwd=spaceflights).stdout
    dry = kedro_nb("run", "--incremental", "--dry-run", cwd=spaceflights)
    assert dry.returncode == 0, dry.stderr
    said = decisions(dry.stdout)
    assert said["split_data_node"] == "runs: parameter `model_options.seed` changed"
    assert said["train_model_node"] == "runs: upstream `split_data_node` re-runs"
    assert said["preprocess_companies_node"] == "skipped: unchanged"
    assert "3 node(s) would run, 3 would be skipped" in dry.stdout
    assert {p: (spaceflights / p).stat().st_mtime_ns for p in OUTPUTS} == before
    assert kedro_nb("runs", "--json", cwd=spaceflights).stdout == listed
    refused = kedro_nb("run", "--dry-run", cwd=spaceflights)
    assert refused.returncode == 2
    assert "--dry-run needs --incremental" in refused.stderr


def test_a_node_that_crashed_runs_again_and_finished_ones_do_not(
    spaceflights: Path, tmp_path: Path
) -> None:
    nodes_py = spaceflights / "src/spaceflights/pipelines/data_processing/nodes.py"
    edit(
        nodes_py,
        '    table = shuttles.merge(reviews, left_on="id", right_on="shuttle_id")',
        '    import os\n\n    if os.environ.get("SPACEFLIGHTS_CRASH"):\n        os._exit(3)\n'
        '    table = shuttles.merge(reviews, left_on="id", right_on="shuttle_id")',
    )
    run(spaceflights)
    companies = spaceflights / "data/01_raw/companies.csv"
    companies.write_text(companies.read_text().replace("102,82%", "102,83%"))
    crashed = kedro_nb("run", "--incremental", cwd=spaceflights, env={"SPACEFLIGHTS_CRASH": "1"})
    assert crashed.returncode == 3  # the process died inside the node: nothing cleaned up
    after = run(spaceflights)
    assert after["preprocess_companies_node"] == "skipped: unchanged"  # finished before
    assert after["create_model_input_table_node"] == "runs: input `preprocessed_companies` changed"
    same_outputs(spaceflights, tmp_path)


def test_dask_workers_run_incrementally(spaceflights: Path, tmp_path: Path) -> None:
    first = run(spaceflights, "--runner", "dask")
    assert "6 node(s) ran, 0 skipped" in first["_stdout"]
    assert "0 node(s) ran, 6 skipped" in run(spaceflights, "--runner", "dask")["_stdout"]
    edit(spaceflights / "conf/base/parameters.yml", "test_size: 0.25", "test_size: 0.2")
    edited = run(spaceflights, "--runner", "dask")
    assert edited["split_data_node"] == "runs: parameter `model_options.test_size` changed"
    assert "3 node(s) ran, 3 skipped" in edited["_stdout"]
    same_outputs(spaceflights, tmp_path)


def test_the_project_setting_makes_every_run_incremental(spaceflights: Path) -> None:
    pyproject = spaceflights / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.kedro_nb.runner]\nincremental = true\n")
    assert kedro_nb("run", cwd=spaceflights).returncode == 0
    second = kedro_nb("run", cwd=spaceflights)
    assert second.returncode == 0, second.stderr
    assert "0 node(s) ran, 6 skipped" in second.stdout

    pyproject.write_text(pyproject.read_text().replace("incremental = true", 'incremental = "yes"'))
    refused = kedro_nb("run", cwd=spaceflights)
    assert refused.returncode == 2
    assert "runner.incremental in [tool.kedro_nb] of" in refused.stderr
    assert "must be true or false, got 'yes'" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_first_incremental_run_after_plain_runs_says_they_recorded_no_fingerprints(
    spaceflights: Path,
) -> None:
    """Plain runs do not fingerprint, so every node runs on the first ``--incremental`` run:
    the reason says that, not that the nodes never ran."""
    root = spaceflights
    plain = kedro_nb("run", cwd=root)
    assert plain.returncode == 0, plain.stderr

    first = run(root)
    assert {first[name] for name in NODES} == {
        "runs: no fingerprints recorded yet (the last runs were not incremental)"
    }
    assert "6 node(s) ran, 0 skipped" in first["_stdout"]
    assert {v for k, v in run(root).items() if k in NODES} == {"skipped: unchanged"}


def test_a_failed_plain_run_is_not_a_successful_run(spaceflights: Path) -> None:
    """Only a successful plain run changes the reason: nodes that finished in a plain run
    that failed later have no successful run at all."""
    root = spaceflights
    nodes_py = root / "src/spaceflights/pipelines/data_processing/nodes.py"
    merge = '    table = shuttles.merge(reviews, left_on="id", right_on="shuttle_id")'
    edit(nodes_py, merge, '    raise ValueError("broken on purpose")\n' + merge)
    failed = kedro_nb("run", cwd=root)
    assert failed.returncode != 0
    assert "broken on purpose" in failed.stderr
    edit(nodes_py, '    raise ValueError("broken on purpose")\n', "")
    first = run(root)
    assert {first[name] for name in NODES} == {"runs: no successful run recorded"}
