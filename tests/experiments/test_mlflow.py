"""kedro-nb's MLflow hooks against real MLflow stores (a SQLite file, and ``mlflow server`` on
127.0.0.1), read back with MLflow's own client; and runs that go on when MLflow is missing or
its server is down."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from experiments_helpers import console, git, write

from kedro_nb.project import KedroNbSession, RunStore

mlflow = pytest.importorskip("mlflow", reason="the [mlflow] extra (installed by .ci/setup)")
from mlflow.tracking import MlflowClient  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_server(folder: Path, port: int) -> subprocess.Popen[bytes] | None:
    """``mlflow server`` on ``port``, once it answers; None if it exited first (port taken)."""
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("mlflow")), "server", "--host", "127.0.0.1",
            "--port", str(port), "--workers", "1",
            "--backend-store-uri", f"sqlite:///{folder / 'server.db'}",
            "--artifacts-destination", str(folder / "artifacts"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=folder,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                if answer.status == 200 and process.poll() is None:
                    return process
        except OSError:
            pass
        if process.poll() is not None:
            return None
        if time.monotonic() > deadline:
            process.terminate()
            process.wait(timeout=30)
            raise RuntimeError("mlflow server did not answer within 120 s")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``mlflow server`` on loopback, for the whole module.

    The free port is found before the server binds it, so another process may take it meanwhile:
    the server then exits at once, and it is started again on another port.
    """
    folder = tmp_path_factory.mktemp("mlflow_server")
    for _attempt in range(5):
        port = free_port()
        process = _start_server(folder, port)
        if process is not None:
            break
    else:
        raise RuntimeError("mlflow server exited at start on five free ports in a row")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def only_run(uri: str, experiment: str) -> object:
    client = MlflowClient(tracking_uri=uri)
    found = client.get_experiment_by_name(experiment)
    assert found is not None
    runs = client.search_runs([found.experiment_id])
    assert len(runs) == 1
    return runs[0]


def test_runs_go_to_the_projects_sqlite_store_by_default(committed: Path) -> None:
    write(committed, "conf/base/mlflow.yml", "artifacts: [model, metrics]\n")
    git(committed, "add", ".")
    git(committed, "commit", "-qm", "mlflow")
    done = console("run", "--pipeline", "train", "--params", "model.alpha=0.5", cwd=committed)
    assert done.returncode == 0, done.stderr
    assert "mlflow" not in (done.stdout + done.stderr).lower()  # nothing to say: it worked
    record = RunStore.for_root(committed).list(1)[0]
    uri = f"sqlite:///{committed / '.kedro_nb' / 'mlflow.db'}"
    run = only_run(uri, "fit")
    assert run.info.run_name == record.run_id and run.info.status == "FINISHED"
    assert run.data.params == {"model.degree": "1", "model.alpha": "0.5", "seed": "3"}
    assert run.data.metrics == pytest.approx(record.metrics)
    tags = run.data.tags
    assert tags["kedro_nb.run_id"] == record.run_id
    assert tags["kedro_nb.pipeline"] == "train"
    assert tags["mlflow.source.git.commit"] == git(committed, "rev-parse", "HEAD")
    assert tags["kedro_nb.git_dirty"] == "false"
    client = MlflowClient(tracking_uri=uri)
    assert {a.path for a in client.list_artifacts(run.info.run_id)} == {"model", "metrics"}
    assert [a.path for a in client.list_artifacts(run.info.run_id, "model")] == [
        "model/model.pickle"
    ]
    assert not (committed / "mlruns").exists()  # artifacts stay in .kedro_nb


def test_a_failed_run_is_logged_as_failed(project: Path) -> None:
    write(project, "conf/base/mlflow.yml", "experiment: broken-runs\n")
    write(project, "src/fit/pipelines/train/pipeline.py", "raise_here = 1\n" + _failing_pipeline())
    session = KedroNbSession.create(project)
    with pytest.raises(ValueError, match="diverged"):
        session.run("train")
    run = only_run(f"sqlite:///{project / '.kedro_nb' / 'mlflow.db'}", "broken-runs")
    assert run.info.status == "FAILED"
    assert run.data.tags["kedro_nb.status"] == "failed"
    assert run.data.metrics == {"metrics.r2": 0.1}  # saved before the failure


def _failing_pipeline() -> str:
    return (
        "from kedro_nb.pipeline import Pipeline, node\n\n"
        "def score():\n    return {'r2': 0.1}\n\n"
        "def fail(metrics):\n    raise ValueError('diverged')\n\n"
        "def create_pipeline():\n"
        "    return Pipeline([node(score, None, 'metrics', name='score'),\n"
        "                     node(fail, 'metrics', 'report', name='fail')])\n"
    )


def test_settings_hooks_point_at_a_real_server(project: Path, server: str) -> None:
    write(
        project,
        "src/fit/settings.py",
        "from kedro_nb.project.mlflow_hooks import MlflowHooks\n\n"
        f"HOOKS = (MlflowHooks(tracking_uri={server!r}, experiment='served',"
        " artifacts=['model']),)\n",
    )
    done = console("run", "--pipeline", "train", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "View run" not in done.stdout + done.stderr
    record = RunStore.for_root(project).list(1)[0]
    run = only_run(server, "served")
    assert run.info.run_name == record.run_id
    assert run.data.metrics["metrics.r2"] == pytest.approx(record.metrics["metrics.r2"])
    assert run.data.params["model.alpha"] == "0.0"
    artifacts = MlflowClient(tracking_uri=server).list_artifacts(run.info.run_id, "model")
    assert [a.path for a in artifacts] == ["model/model.pickle"]


def test_a_server_that_is_down_is_reported_once_and_runs_go_on(project: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    write(project, "conf/base/mlflow.yml", f"tracking_uri: {url}\n")
    session = KedroNbSession.create(project)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = session.run("train").record
        second = session.run("train").record
    messages = [str(w.message) for w in caught if "MLflow" in str(w.message)]
    assert messages == [
        f"MLflow tracking server {url} does not answer: run {first.run_id} and later ones are "
        "recorded locally only (kedro-nb runs) until it does."
    ]
    assert [r.run_id for r in session.runs(limit=2)] == [second.run_id, first.run_id]
    assert second.metrics == first.metrics


def test_without_mlflow_installed_runs_go_on_with_one_line(project: Path) -> None:
    write(project, "conf/base/mlflow.yml", "experiment: none\n")
    probe = (
        "import sys; sys.modules['mlflow'] = None\n"  # as if it were not installed
        "from kedro_nb.cli import main\n"
        "sys.exit(main(['run', '--pipeline', 'train']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=project, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == (
        "kedro-nb run: MlflowTrackingWarning: MLflow hooks are on (mlflow.yml or settings "
        'HOOKS) but mlflow is not installed: pip install "kedro-nb[mlflow]". Runs are '
        "recorded locally only (kedro-nb runs)."
    )
    assert RunStore.for_root(project).list(1)[0].status == "success"


def test_enabled_false_and_a_misspelt_key(project: Path) -> None:
    write(project, "conf/base/mlflow.yml", "enabled: false\n")
    assert console("run", "--pipeline", "train", cwd=project).returncode == 0
    assert not (project / ".kedro_nb" / "mlflow.db").exists()
    write(project, "conf/base/mlflow.yml", "tracking_url: http://127.0.0.1:1\n")
    done = console("run", "--pipeline", "train", cwd=project)
    assert done.returncode == 0
    assert "unknown key 'tracking_url' in mlflow.yml. Did you mean 'tracking_uri'?" in done.stderr
