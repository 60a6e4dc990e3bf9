"""``kedro-nb run --notebook``: a notebook's node cells run as a pipeline from the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.convert.convert_nbhelpers import build_notebook, code

EXAMPLES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "loose_notebooks"


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("output", ".kedro_nb"))
    return folder


def test_notebook_pipeline_runs_on_the_embedded_default_and_is_recorded(
    examples: Path, console
) -> None:
    done = console("run", "--notebook", "spaceflights.ipynb", cwd=examples)
    assert done.returncode == 0, done.stderr
    assert "6 node(s)" in done.stdout and "embedded default config" in done.stdout
    assert "datasets written: metrics" in done.stdout
    metrics = json.loads((examples / "data/output/metrics.json").read_text())
    assert set(metrics) >= {"r2"}
    listed = console("runs", "--json", cwd=examples)
    records = json.loads(listed.stdout)
    assert records[0]["pipeline_name"] == "notebook:spaceflights.ipynb"
    assert records[0]["status"] == "success"


def test_notebook_run_from_another_folder_reads_the_catalog_beside_the_notebook(
    examples: Path, tmp_path: Path, console
) -> None:
    done = console("run", "--notebook", str(examples / "support_tickets.ipynb"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (examples / "data/output/channel_summary.csv").is_file()


@pytest.mark.parametrize("runner", ["sequential", "parallel"])
def test_failing_notebook_node_names_the_node_cell_line_and_the_resume_command(
    examples: Path, console, runner: str
) -> None:
    path = examples / "spaceflights.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(nb["cells"]):
        if "node:evaluate_model" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = ["x = 1\n", 'raise RuntimeError("broken metric")\n', *cell["source"]]
            where = f"cell {index + 1} (id {cell['id']}) of spaceflights.ipynb, line 2"
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    done = console("run", "--notebook", "spaceflights.ipynb", "--runner", runner, cwd=examples)
    assert done.returncode == 1
    first = done.stderr.splitlines()[0]
    assert (
        first
        == f"kedro-nb run: node 'evaluate_model' failed in {where}: RuntimeError: broken metric"
    )
    resume = (
        f"resume with: kedro-nb run --notebook spaceflights.ipynb --runner {runner} --from-nodes "
    )
    assert resume in done.stderr
    assert not (examples / "data/output/metrics.json").exists()


def test_missing_notebook_is_a_one_line_usage_error(examples: Path, console) -> None:
    done = console("run", "--notebook", "missing.ipynb", cwd=examples)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["kedro-nb run: --notebook missing.ipynb: no such file."]


def test_a_misspelt_notebook_is_one_line_with_the_closest_names(examples: Path, console) -> None:
    done = console("run", "--notebook", "spaceflight.ipynb", cwd=examples)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "kedro-nb run: --notebook spaceflight.ipynb: no such file. "
        "Did you mean: spaceflights.ipynb?"
    ]


def test_an_unknown_node_is_one_line_without_the_traceback_hint(examples: Path, console) -> None:
    done = console("run", "--notebook", "spaceflights.ipynb", "--nodes", "split_dat", cwd=examples)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("kedro-nb run: ") and "split_data" in line


def test_a_misspelt_pipeline_of_a_notebook_is_refused_not_ignored(examples: Path, console) -> None:
    # Cells naming no pipeline belong to any, so '--pipeline spaceflight' used to run them all.
    done = console(
        "run", "--notebook", "spaceflights.ipynb", "--pipeline", "spaceflight", cwd=examples
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "kedro-nb run: spaceflights.ipynb has no pipeline 'spaceflight' (its pipelines: "
        "spaceflights). Did you mean: spaceflights?"
    ]
    assert not (examples / "data/output/metrics.json").exists()
    named = console(
        "run", "--notebook", "spaceflights.ipynb", "--pipeline", "spaceflights", cwd=examples
    )
    assert named.returncode == 0, named.stderr
    assert "6 node(s)" in named.stdout


def test_a_notebook_without_node_cells_is_refused_as_the_magic_refuses_it(
    tmp_path: Path, console
) -> None:
    cell = {
        "cell_type": "code",
        "metadata": {},
        "source": "x = 1",
        "outputs": [],
        "execution_count": None,
    }
    nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "untagged.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    done = console("run", "--notebook", "untagged.ipynb", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "kedro-nb run: untagged.ipynb has no node cells; tag a code cell 'node:<name>' to make "
        "it a node (and save the notebook)."
    ]
    assert not (tmp_path / ".kedro_nb" / "runs.sqlite").exists()  # nothing ran, nothing recorded


def test_a_parameter_read_with_a_default_may_be_absent_as_in_the_kernel(
    tmp_path: Path, console
) -> None:
    nb = build_notebook(
        [
            code("xs = [1, 2, 3]", "make"),
            code(
                "limit = params.get('limit', 2)\n"
                "out = [x * params.scale for x in xs if x <= limit]",
                "use",
            ),
        ]
    )
    nbformat.write(nb, tmp_path / "defaults.ipynb")
    (tmp_path / "parameters.yml").write_text("scale: 10\n")
    (tmp_path / "catalog.yml").write_text("out:\n  type: json.JSONDataset\n  filepath: out.json\n")
    done = console("run", "--notebook", "defaults.ipynb", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "out.json").read_text()) == [10, 20]  # the default, 2
    again = console("run", "--notebook", "defaults.ipynb", "--params", "limit=3", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads((tmp_path / "out.json").read_text()) == [10, 20, 30]


def test_async_loads_a_csv_and_a_parameter_together_in_a_fresh_process(
    tmp_path: Path, console
) -> None:
    # The CSV load imports pandas in one thread while the parameter's MemoryDataset, in
    # another, looked for pandas.DataFrame in the half-imported module: AttributeError.
    (tmp_path / "raw.csv").write_text("a\n1\n2\n3\n")
    (tmp_path / "catalog.yml").write_text(
        "raw:\n  type: pandas.CSVDataset\n  filepath: raw.csv\n"
        "out:\n  type: json.JSONDataset\n  filepath: out.json\n"
    )
    (tmp_path / "parameters.yml").write_text("scale: 10\n")
    cell = {
        "cell_type": "code",
        "metadata": {"tags": ["node:scale"]},
        "source": "out = [int(a) * params['scale'] for a in raw['a']]",
        "outputs": [],
        "execution_count": None,
    }
    nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "scaled.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    for _ in range(3):  # a race: it failed every time on a 2-core machine
        done = console("run", "--notebook", "scaled.ipynb", "--async", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert json.loads((tmp_path / "out.json").read_text()) == [10, 20, 30]
