"""A catalog file that is not there: the advice fits the case. Input data no node makes is
missing at its path (check the entry's filepath or create the data); data a node makes is
made by running that node first."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.parametrize("runner", ["sequential", "parallel"])  # parallel: the error is pickled
def test_missing_input_data_says_no_node_produces_it_and_to_check_the_filepath(
    mini: Path, console, runner: str
) -> None:
    (mini / "data/numbers.json").unlink()
    done = console("run", "--pipeline", "scale", "--runner", runner, cwd=mini)
    assert done.returncode == 1, done.stderr
    first = done.stderr.splitlines()[0]
    path = mini / "data/numbers.json"
    assert first == (
        "kedro-nb run: node 'scale' failed: DatasetFileNotFoundError: Dataset 'numbers': "
        f"JSONDataset: no file at '{path}'. No node produces 'numbers': it is input data, "
        "missing at that path. Check 'filepath' in its catalog entry, or create the data there."
    )
    assert "run the node" not in done.stderr and "Traceback" not in done.stderr


def test_missing_data_a_node_makes_says_to_run_that_node_first(mini: Path, console) -> None:
    catalog = mini / "conf/base/catalog.yml"
    catalog.write_text(
        catalog.read_text() + "total:\n  type: json.JSONDataset\n  filepath: data/total.json\n"
    )
    done = console("run", "--pipeline", "report", cwd=mini)  # 'total' is made in 'scale'
    assert done.returncode == 1, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("kedro-nb run: node 'describe' failed: DatasetFileNotFoundError: ")
    assert first.endswith(
        f"no file at '{mini / 'data/total.json'}'. "
        "Hint: run the node that produces 'total' first ('total')."
    )
    assert console("run", "--pipeline", "scale", cwd=mini).returncode == 0
    assert console("run", "--pipeline", "report", cwd=mini).returncode == 0
