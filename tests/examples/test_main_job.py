"""The README's main job, ``.venv/bin/python example_notebooks/run_example.py``, from a fresh
``git clone`` of this repository, twice.

The clone is of the committed tree (uncommitted edits are not in it), run with this test's
interpreter and the clone's own ``kedro_nb`` first on the path. The job must pass, say what ran
and where things are, leave ``git status`` clean, and work again on its own outputs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: there is no repository to clone")
    target = tmp_path_factory.mktemp("clone") / "kedro-nb"
    _git("clone", "--quiet", "--no-hardlinks", str(REPO), str(target), cwd=REPO)
    return target


def _main_job(clone: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(clone), **extra_env}
    return subprocess.run(
        [sys.executable, "example_notebooks/run_example.py"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_main_job_runs_the_example_end_to_end_from_a_fresh_clone_twice(clone, tmp_path):
    assert _git("status", "--porcelain", cwd=clone) == ""
    # the second time, a user-level "python3" kernel of another interpreter is installed, as
    # `ipykernel install --user` from another Python leaves one: the job still uses its own
    other = tmp_path / "jupyter" / "kernels" / "python3"
    other.mkdir(parents=True)
    (other / "kernel.json").write_text(
        '{"argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],'
        ' "display_name": "Python 3 (elsewhere)", "language": "python"}'
    )
    for attempt, env in ((1, {}), (2, {"JUPYTER_PATH": str(tmp_path / "jupyter")})):
        done = _main_job(clone, **env)
        assert done.returncode == 0, f"run {attempt}:\n{done.stdout}\n{done.stderr}"
        out = done.stdout
        for step in (
            "execute example_notebooks/quickstart.ipynb",
            "execute example_notebooks/spaceflights/notebooks/02_nodes.ipynb",
            "kedro-nb convert --check: in sync (2 notebooks)",
            "kedro-nb run (the converted pipelines, under kedro-nb)",
            "kedro run (the same source, under Kedro itself)",
            "model input table, predictions and metrics: identical",
        ):
            assert step in out, f"run {attempt}: {step!r} missing from\n{out}"
        assert "[8/8]" in out and "Done in" in out
        for where in ("run records", "metrics", "model", "outputs", "pipeline source"):
            assert f"\n  {where} " in out
        metrics_line = next(line for line in out.splitlines() if line.startswith("Model: r2 "))
        assert 0.85 < float(metrics_line.split()[2].rstrip(",")) < 0.97
        assert _git("status", "--porcelain", cwd=clone) == "", f"run {attempt} left the tree dirty"
    records = clone / "example_notebooks" / "spaceflights" / ".kedro_nb" / "runs.sqlite"
    assert records.is_file()
    executed = clone / "example_notebooks" / "build" / "executed"
    assert sorted(p.name for p in executed.glob("*.ipynb")) == [
        "01_explore.ipynb",
        "02_nodes.ipynb",
        "03_experiments.ipynb",
        "quickstart.ipynb",
    ]


def test_the_main_job_without_its_packages_says_what_to_install_in_one_line():
    # -I -S: no site-packages and no PYTHONPATH, as in a bare interpreter
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(REPO / "example_notebooks" / "run_example.py")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "nbclient" in lines[0] and "pip install -e '.[examples]'" in lines[0]
