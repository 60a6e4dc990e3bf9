"""The graduation path end to end, with real tools only, on a realistic notebook (pandas,
parameters, a catalog with comments, rebinding within a cell and across cells, exploration
cells):

lone notebook in a real kernel -> ``kedro-nb run --notebook`` -> ``kedro-nb init --from`` ->
``kedro-nb run`` -> ``kedro-nb convert --target kedro`` -> the real ``kedro run`` (Kedro 1.7),
with the same outputs at every step.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from convert_nbhelpers import kernel_globals
from sales_notebook import BIN, OUTPUTS, make_folder, run


def _kernel_outputs(notebook: Path) -> dict:
    """Run the notebook top to bottom in a real kernel; the node outputs from its globals."""
    return kernel_globals(notebook, list(OUTPUTS))


def _report(folder: Path) -> dict:
    path = folder / "data" / "report.json"
    report = json.loads(path.read_text())
    path.unlink()  # the next step must write it again
    return report


def test_lone_notebook_to_project_to_kedro_with_the_same_outputs(tmp_path):
    notebook = make_folder(tmp_path)
    kernel = _kernel_outputs(notebook)
    assert kernel["report"]["rows"] == 4

    run([BIN / "kedro-nb", "run", "--notebook", notebook.name], tmp_path)
    assert _report(tmp_path) == kernel["report"]

    run([BIN / "kedro-nb", "init", "--from", notebook.name, "--target", "kedro_nb"], tmp_path)
    run([BIN / "kedro-nb", "run"], tmp_path)
    assert _report(tmp_path) == kernel["report"]

    converted = [BIN / "kedro-nb", "convert", "--target", "kedro", "--accept-catalog"]
    run([*converted, notebook.name], tmp_path)
    run([BIN / "kedro-nb", "convert", "--check", notebook.name], tmp_path)  # target remembered
    run([BIN / "kedro", "run"], tmp_path)
    assert _report(tmp_path) == kernel["report"]
    saved = tmp_path / "data" / "sales_analysis"
    # the df the kernel ends with is the one add_share rebound: its own dataset
    pd.testing.assert_frame_equal(pd.read_pickle(saved / "df__add_share.pkl"), kernel["df"])
    assert "share" in kernel["df"].columns
    pd.testing.assert_series_equal(pd.read_pickle(saved / "totals.pkl"), kernel["totals"])

    run([BIN / "kedro-nb", "run"], tmp_path)  # the Kedro-target code runs under kedro-nb too
    assert _report(tmp_path) == kernel["report"]
