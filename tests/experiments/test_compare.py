"""Comparing runs: ``kedro-nb runs --compare/--last/--best``, and ``session.runs`` in Python."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from experiments_helpers import console

from kedro_nb.project import KedroNbSession, RunRecordError


def three_runs(project: Path) -> list:
    """Runs with alpha 0, 0.5 and 0.25: the first fits best (highest r2, lowest mae)."""
    return [
        KedroNbSession.create(project, runtime_params={"model.alpha": alpha}).run("train").record
        for alpha in (0.0, 0.5, 0.25)
    ]


def test_compare_two_runs_shows_what_differs_with_deltas(project: Path) -> None:
    first, second, _ = three_runs(project)
    done = console("runs", "--compare", first.run_id, second.run_id[:23], cwd=project)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == [first.run_id, second.run_id]
    assert "params that differ (2 identical not shown)" in done.stdout
    alpha = next(line for line in lines if line.strip().startswith("model.alpha"))
    assert alpha.split() == ["model.alpha", "0", "0.5"]
    r2 = next(line for line in lines if line.strip().startswith("metrics.r2")).split()
    delta = second.metrics["metrics.r2"] - first.metrics["metrics.r2"]
    assert float(r2[1]) == pytest.approx(first.metrics["metrics.r2"], rel=1e-5)
    assert r2[3] == f"({delta:+.4g})"
    assert "git commit" in done.stdout and "seed" not in done.stdout


def test_compare_json_is_for_scripts(project: Path) -> None:
    first, second, third = three_runs(project)
    done = console("runs", "--last", "3", "--json", cwd=project)
    data = json.loads(done.stdout)
    assert data["runs"] == [first.run_id, second.run_id, third.run_id]
    assert data["baseline"] == first.run_id
    assert data["params"] == {"model.alpha": [0.0, 0.5, 0.25]}
    r2 = data["metrics"]["metrics.r2"]
    assert r2["values"] == [r.metrics["metrics.r2"] for r in (first, second, third)]
    assert r2["deltas"][0] == 0
    assert r2["deltas"][1] == pytest.approx(r2["values"][1] - r2["values"][0])
    assert data["code"] == {"git commit": [None] * 3, "git dirty": [None] * 3}


def test_best_by_a_metric_highest_or_lowest(project: Path) -> None:
    first, _, third = three_runs(project)
    done = console("runs", "--best", "r2", cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Best run by r2 (highest): {first.run_id}")
    assert "compared with the latest run" in done.stdout
    lowest = json.loads(console("runs", "--best", "mae", "--min", "--json", cwd=project).stdout)
    assert lowest["best"]["run_id"] == first.run_id
    assert lowest["runs"] == [first.run_id, third.run_id]
    worst = json.loads(console("runs", "--best", "mae", "--json", cwd=project).stdout)
    assert worst["best"]["value"] == max(r.metrics["metrics.mae"] for r in three_runs(project))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--best", "r22"], "No recorded run has a metric 'r22'. Did you mean: metrics.r2?"),
        (["--compare", "1999"], "No run '1999'"),
        (["--compare", "x", "--last", "2"], "not both"),
        (["--min"], "--min goes with --best"),
        (["--prune"], "--prune needs --keep N"),
        (["a", "b"], "compare several: --compare a b"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(project: Path, args: list[str], message: str) -> None:
    three_runs(project)
    done = console("runs", *args, cwd=project)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_listing_shows_metrics_columns(project: Path) -> None:
    runs = three_runs(project)
    done = console("runs", cwd=project)
    header, *rows = done.stdout.splitlines()
    assert header.split()[:6] == ["RUN", "ID", "STATUS", "PIPELINE", "NODES", "SECONDS"]
    assert "metrics.mae" in header
    assert rows[0].split()[0] == runs[-1].run_id


def test_session_runs_lists_compares_and_picks(project: Path) -> None:
    first, second, third = three_runs(project)
    runs = KedroNbSession.create(project).runs
    assert [r.run_id for r in runs(limit=2)] == [third.run_id, second.run_id]
    assert runs[0] == third and runs[-1] == first and runs[first.run_id[:23]] == first
    assert len(runs) == 3
    assert runs.best("r2") == first and runs.best("mae", minimize=True) == first
    assert [r.run_id for r in runs.last(2)] == [second.run_id, third.run_id]
    comparison = runs.compare(first.run_id, third)
    assert [row.name for row in comparison.params] == ["model.alpha"]
    html = runs._repr_html_()
    assert html.startswith('<table class="kedro-nb-runs">')
    for record in (first, second, third):
        assert f"<th>{record.run_id}</th>" in html
    assert "model.alpha" in html and "metrics.r2" in html and "params that differ" in html
    assert repr(runs).splitlines()[0].split() == [first.run_id, second.run_id, third.run_id]
    with pytest.raises(RunRecordError, match=r"Did you mean: metrics\.r2"):
        runs.best("r2x")


def test_to_frame_has_params_and_metrics_columns(project: Path) -> None:
    first, second, third = three_runs(project)
    frame = KedroNbSession.create(project).runs.to_frame()
    assert list(frame.index) == [third.run_id, second.run_id, first.run_id]
    assert list(frame["params.model.alpha"]) == [0.25, 0.5, 0.0]
    assert frame.loc[first.run_id, "metrics.metrics.r2"] == first.metrics["metrics.r2"]
    assert {"status", "pipeline", "started_at", "seconds", "git_sha", "git_dirty"} <= set(frame)


def test_plot_draws_the_metric_across_runs(project: Path) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    runs = three_runs(project)
    ax = KedroNbSession.create(project).runs.plot("r2")
    _, ys = ax.lines[0].get_data()
    assert list(ys) == [r.metrics["metrics.r2"] for r in runs]
    assert ax.get_ylabel() == "r2"
    assert [t.get_text() for t in ax.get_xticklabels()] == [r.run_id[5:19] for r in runs]


def test_plot_without_matplotlib_says_how_to_get_it(project: Path) -> None:
    three_runs(project)
    probe = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from kedro_nb.project import KedroNbSession\n"
        f"KedroNbSession.create({str(project)!r}).runs.plot('r2')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("kedro_nb.project.history.PlottingUnavailableError: session.runs.plot")
    assert "pip install matplotlib" in last


def test_a_comparison_displays_as_its_table_in_ipython(project: Path) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    first, _, third = three_runs(project)
    comparison = KedroNbSession.create(project).runs.compare(first, third)
    shell = InteractiveShell.instance()
    try:
        data, _ = shell.display_formatter.format(comparison)
    finally:
        InteractiveShell.clear_instance()
    assert data["text/html"].startswith('<table class="kedro-nb-runs">')
    assert f"<th>{third.run_id}</th>" in data["text/html"]
    plain = data["text/plain"]
    assert plain.splitlines()[0].split() == [first.run_id, third.run_id]
    assert "params that differ" in plain and "RunRecord(" not in plain
