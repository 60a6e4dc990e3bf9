"""``kedro-nb run --like RUN``: the same pipeline, slice, parameters and versions, saying first
what differs now; ``catalog.load(name, version=run.versions[name])`` for past outputs."""

from __future__ import annotations

from pathlib import Path

from experiments_helpers import console, git, write

from kedro_nb.project import KedroNbSession, RunStore


def latest(root: Path):
    return RunStore.for_root(root).list(1)[0]


def test_like_repeats_params_slice_and_load_versions(committed: Path) -> None:
    first = console("run", "--pipeline", "train", "--params", "model.alpha=0.5", cwd=committed)
    assert first.returncode == 0, first.stderr
    trained = latest(committed)
    console("run", "--pipeline", "train", cwd=committed)  # a newer model, alpha 0
    pinned = console(
        "run", "--pipeline", "train", "--nodes", "evaluate", "--params", "model.alpha=0.5",
        "--load-versions", f"model:{trained.run_id}", cwd=committed,
    )  # fmt: skip
    assert pinned.returncode == 0, pinned.stderr
    evaluation = latest(committed)
    done = console("run", "--like", evaluation.run_id[:23], cwd=committed)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        f"Like run {evaluation.run_id}: pipeline train, 3 parameter(s), "
        f"load versions model@{trained.run_id}"
    )
    assert lines[1] == (
        "  differs now: params: model.alpha is 0.0 in the configuration, the run's 0.5 used"
    )
    again = latest(committed)
    assert again.like_run == evaluation.run_id
    assert list(again.node_timings) == ["evaluate"]
    assert again.loaded_versions == {"model": trained.run_id}
    assert again.params == evaluation.params
    assert again.metrics == evaluation.metrics
    assert again.slicing["node_names"] == ["evaluate"]


def test_like_says_the_code_and_packages_differ(committed: Path) -> None:
    console("run", "--pipeline", "train", cwd=committed)
    before = latest(committed)
    session = KedroNbSession.create(committed)
    before.packages["numpy"] = "1.0.0"  # as if recorded before an upgrade
    session.store.save(before)
    write(committed, "conf/base/parameters.yml", "model:\n  degree: 2\n  alpha: 0.0\nseed: 3\n")
    git(committed, "commit", "-qam", "degree 2")
    write(committed, "notes.txt", "uncommitted\n")
    done = console("run", "--like", before.run_id, cwd=committed)
    assert done.returncode == 0, done.stderr
    differs = [line for line in done.stdout.splitlines() if "differs now" in line]
    sha = git(committed, "rev-parse", "HEAD")
    assert differs[0] == (
        f"  differs now: code: the project is at commit {sha[:10]}, the run was at "
        f"{before.git_sha[:10]} (git checkout {before.git_sha[:10]} to match)"
    )
    assert "  differs now: code: the work tree has uncommitted changes now" in differs
    assert (
        "  differs now: params: model.degree is 2 in the configuration, the run's 1 used" in differs
    )
    import numpy

    assert f"  differs now: environment: numpy 1.0.0 then, {numpy.__version__} now" in differs
    again = latest(committed)
    assert again.params["model"]["degree"] == 1 and again.git_dirty is True
    assert again.metrics == before.metrics  # same data and parameters: the same model


def test_flags_given_with_like_win(project: Path) -> None:
    console("run", "--pipeline", "train", "--params", "model.alpha=0.5", cwd=project)
    recorded = latest(project)
    done = console("run", "--like", recorded.run_id, "--params", "model.alpha=0.25", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "  --params over the run's values: model.alpha=0.25" in done.stdout
    assert latest(project).params["model"]["alpha"] == 0.25


def test_like_an_unknown_run_is_one_line_and_exit_2(project: Path) -> None:
    done = console("run", "--like", "1999-01-01", cwd=project)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        f"kedro-nb run: No run '1999-01-01' in {project / '.kedro_nb' / 'runs.sqlite'}. "
        "'kedro-nb runs' lists the recorded runs."
    )


def test_like_a_notebook_run_runs_the_notebook_again(tmp_path: Path) -> None:
    import shutil

    examples = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "loose_notebooks"
    folder = tmp_path / "examples"
    shutil.copytree(examples, folder, ignore=shutil.ignore_patterns("output", ".kedro_nb"))
    assert console("run", "--notebook", "spaceflights.ipynb", cwd=folder).returncode == 0
    recorded = latest(folder)
    done = console("run", "--like", recorded.run_id, cwd=folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Like run {recorded.run_id}: notebook spaceflights.ipynb")
    again = latest(folder)
    assert again.pipeline_name == "notebook:spaceflights.ipynb" and again.cells == recorded.cells
    assert again.metrics == recorded.metrics


def test_run_pipeline_like_in_a_notebook(shell, project: Path, capsys) -> None:
    shell.run_line_magic("run_pipeline", "train --params model.alpha=0.5")
    trained = latest(project)
    shell.run_line_magic("run_pipeline", "train")
    shell.run_line_magic(
        "run_pipeline", f"--like {trained.run_id} --nodes evaluate"
    )  # the slice given here wins
    out = capsys.readouterr().out
    assert f"Like run {trained.run_id}: pipeline train, 3 parameter(s)" in out
    assert "differs now: params: model.alpha is 0.0 in the configuration" in out
    again = latest(project)
    assert again.like_run == trained.run_id
    assert list(again.node_timings) == ["evaluate"]
    assert again.params["model"]["alpha"] == 0.5
    runs = shell.user_ns["session"].runs
    assert runs[0].run_id == again.run_id
    assert "like run" in runs._repr_html_()


def test_run_pipeline_like_an_unknown_run_is_a_usage_error(shell, capsys) -> None:
    import pytest
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match="No run '1999'"):
        shell.run_line_magic("run_pipeline", "--like 1999")
