"""Concurrent runs into one store: two ``kedro-nb run`` processes and a notebook, at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from experiments_helpers import CONSOLE_SCRIPT

from kedro_nb.project import RunStore

RUNS_EACH = 3
NOTEBOOK = f"""
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
ip.run_line_magic("load_ext", "kedro_nb")
for alpha in range({RUNS_EACH}):
    ip.run_line_magic("run_pipeline", f"train --params model.alpha=0.{{alpha}}")
print("NOTEBOOK DONE", len(ip.user_ns["session"].runs(limit=None)))
"""


def test_two_cli_processes_and_a_notebook_lose_no_record(project: Path) -> None:
    (project / "notebooks").mkdir()
    loop = f"for i in $(seq {RUNS_EACH}); do {CONSOLE_SCRIPT} run --pipeline train || exit 1; done"
    workers = [
        subprocess.Popen(["sh", "-c", loop], cwd=project, stdout=subprocess.PIPE, text=True),
        subprocess.Popen(["sh", "-c", loop], cwd=project, stdout=subprocess.PIPE, text=True),
        subprocess.Popen(
            [sys.executable, "-c", NOTEBOOK],
            cwd=project / "notebooks",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={"IPYTHONDIR": str(project / ".ipython"), "DO_NOT_TRACK": "1", "PATH": ""},
        ),
    ]
    outputs = [worker.communicate(timeout=600) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0], outputs
    assert "NOTEBOOK DONE" in outputs[2][0]
    records = RunStore.for_root(project).list(None)
    assert len(records) == 3 * RUNS_EACH
    assert len({r.run_id for r in records}) == 3 * RUNS_EACH
    assert {r.status for r in records} == {"success"}
    assert sorted(r.params["model"]["alpha"] for r in records) == sorted(
        [0.0] * 2 * RUNS_EACH + [i / 10 for i in range(RUNS_EACH)]
    )
    for record in records:  # every run's record names the versions it wrote, and they exist
        assert set(record.metrics) >= {"metrics.r2", "metrics.mae"}
        model = project / "data" / "model.pickle" / record.versions["model"] / "model.pickle"
        assert model.is_file()
