"""The extension on a real Kedro-layout project: loading, reloading, running, loading a node."""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from IPython.core.error import UsageError

from kedro_nb.notebook.errors import PipelineRunFailed
from kedro_nb.notebook.names import INJECTED_VARS
from kedro_nb.project.registry import forget_package as purge_modules

FIXTURE = Path(__file__).parents[1] / "fixtures" / "spaceflights"
PACKAGE = "spaceflights"
SECRET = "FAKE-SECRET-4f1c9a"  # in the fixture's conf/local/credentials.yml


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "spaceflights"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(".kedro_nb", "__pycache__"))
    (root / "notebooks").mkdir()
    monkeypatch.chdir(root / "notebooks")
    purge_modules(PACKAGE)
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield root
    purge_modules(PACKAGE)


@pytest.fixture
def ip(shell, project, capsys):
    """The shell with the extension loaded from ``project/notebooks``."""
    shell.run_line_magic("load_ext", "kedro_nb")
    return shell


def test_load_finds_the_project_upward_and_injects_variables(ip, project, capsys) -> None:
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [
        f"kedro-nb: project 'spaceflights' (env 'local') from {project} -> "
        "catalog, params, session, pipelines"
    ]
    assert set(INJECTED_VARS) <= set(ip.user_ns)
    assert ip.user_ns["params"]["model_options"]["seed"] == 7
    # Kedro's %load_ext kedro.ipython injects `context` too: Kedro notebook code using it runs
    context = ip.user_ns["context"]
    assert context.params["model_options"]["seed"] == 7 and context.project_path == project
    assert "companies" in context.catalog
    assert "companies" in ip.user_ns["catalog"]
    assert set(ip.user_ns["pipelines"]) >= {"__default__", "data_processing", "data_science"}


def _in_fresh_process(project: Path, body: str) -> subprocess.CompletedProcess[str]:
    """Run ``body`` in a new Python process whose IPython shell has loaded kedro_nb in the
    project's notebooks folder (``ip`` and ``sys`` are defined for it)."""
    probe = (
        "import sys\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "ip = InteractiveShell.instance()\n"
        "ip.run_line_magic('load_ext', 'kedro_nb')\n"
    ) + body
    env = {"IPYTHONDIR": str(project / ".ipython"), "PATH": "", "DO_NOT_TRACK": "1"}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=project / "notebooks",
        env=env,
        capture_output=True,
        text=True,
    )
    return done


def test_load_imports_neither_pandas_nor_the_runner(project) -> None:
    done = _in_fresh_process(
        project,
        "heavy = [m for m in ('pandas', 'nbformat', 'kedro_nb.runner') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n",
    )
    assert "HEAVY []" in done.stdout, done.stdout + done.stderr


def test_reload_rereads_config_and_takes_params_and_env(ip, project, capsys) -> None:
    params_file = project / "conf" / "base" / "parameters.yml"
    params_file.write_text(params_file.read_text().replace("seed: 7", "seed: 11"))
    ip.run_line_magic("reload_project", "")
    assert ip.user_ns["params"]["model_options"]["seed"] == 11
    ip.run_line_magic("reload_project", "--params model_options.seed=3,extra=x")
    assert ip.user_ns["params"]["model_options"]["seed"] == 3
    assert ip.user_ns["params"]["extra"] == "x"
    (project / "conf" / "staging").mkdir()
    (project / "conf" / "staging" / "parameters.yml").write_text("model_options:\n  seed: 99\n")
    with pytest.raises(UsageError, match="raw_store"):  # staging has no credentials yet
        ip.run_line_magic("reload_project", "--env staging")
    assert ip.user_ns["session"].env == "local"  # the previous session stays
    shutil.copy(project / "conf" / "local" / "credentials.yml", project / "conf" / "staging")
    ip.run_line_magic("reload_project", "--env staging")
    assert ip.user_ns["session"].env == "staging"
    assert ip.user_ns["params"]["model_options"]["seed"] == 3  # runtime params still win
    assert "env 'staging'" in capsys.readouterr().out


def test_reload_picks_up_edited_node_code(ip, project) -> None:
    nodes = project / "src" / PACKAGE / "pipelines" / "data_processing" / "nodes.py"
    nodes.write_text(nodes.read_text() + "\n\ndef added_after_load():\n    return 1\n")
    ip.run_line_magic("reload_project", "")
    ip.run_cell("pipelines['data_processing']")
    module = sys.modules[f"{PACKAGE}.pipelines.data_processing.nodes"]
    assert hasattr(module, "added_after_load")


def test_run_pipeline_shows_progress_and_summary_and_outputs_are_loadable(ip, capsys) -> None:
    capsys.readouterr()
    ip.run_line_magic("run_pipeline", "data_processing")
    out = capsys.readouterr().out
    assert "\u2713 preprocess_companies_node done" in out
    assert "Run of pipeline 'data_processing': 3 nodes" in out
    assert "datasets written: " in out and "model_input_table" in out
    assert len(ip.user_ns["catalog"].load("model_input_table")) > 0
    assert ip.user_ns["session"].runs(limit=1)[0].status == "success"


def test_run_pipeline_in_worker_processes_shows_each_node_live(ip, capsys) -> None:
    capsys.readouterr()
    ip.run_line_magic("run_pipeline", "data_processing --runner parallel")
    lines = capsys.readouterr().out.splitlines()
    title = "Run of pipeline 'data_processing' (parallel runner): 3 nodes"
    summary = next(i for i, line in enumerate(lines) if line.startswith(title))
    events = [line for line in lines[:summary] if line.startswith("[")]
    assert len(events) == 6  # each node: running, then done, before the summary
    for name in (
        "preprocess_companies_node",
        "preprocess_shuttles_node",
        "create_model_input_table_node",
    ):
        running = events.index(next(e for e in events if e.endswith(f"{name} running")))
        done = events.index(next(e for e in events if f"\u2713 {name} done (" in e))
        assert running < done
    assert events[-1].startswith("[3/3] \u2713 create_model_input_table_node done")
    assert ip.user_ns["session"].runs(limit=1)[0].runner == "ParallelRunner"


def test_run_pipeline_slices_and_puts_memory_outputs_in_the_namespace(ip, capsys) -> None:
    ip.run_line_magic("run_pipeline", "data_processing")
    capsys.readouterr()
    ip.run_line_magic("run_pipeline", "--nodes split_data_node --into-namespace")
    out = capsys.readouterr().out
    assert "1 node in" in out
    assert {"X_train", "X_test", "y_train", "y_test"} <= set(ip.user_ns)
    assert "now in the notebook namespace: X_train, X_test, y_train, y_test" in out


def test_unknown_names_get_the_closest_ones(ip) -> None:
    with pytest.raises(
        UsageError, match=r"unknown pipeline 'data_procesing' in .* Did you mean: data_processing"
    ):
        ip.run_line_magic("run_pipeline", "data_procesing")
    # node, dataset and namespace names are checked once, by Pipeline.filter
    with pytest.raises(
        UsageError, match=r"nodes named \['split_data'\].*(?i:did you mean).*split_data_node"
    ):
        ip.run_line_magic("run_pipeline", "--nodes split_data")
    with pytest.raises(UsageError, match=r"datasets named \['companys'\].*companies"):
        ip.run_line_magic("run_pipeline", "--from-inputs companys")
    with pytest.raises(UsageError, match=r"namespaces: \['data'\]"):
        ip.run_line_magic("run_pipeline", "--namespaces data")
    with pytest.raises(UsageError, match="threads"):
        ip.run_line_magic("run_pipeline", "--runner threads")
    with pytest.raises(UsageError, match=r"unknown node 'train'"):
        ip.run_line_magic("load_node", "train")


def test_failing_node_names_node_code_and_resume_line(ip, capsys) -> None:
    ip.run_line_magic("run_pipeline", "data_processing")
    with pytest.raises(PipelineRunFailed) as caught:
        ip.run_line_magic("run_pipeline", "--params model_options.features=[nope]")
    report = caught.value.report
    assert report.startswith("Node 'split_data_node' failed: KeyError")
    assert "nodes.py" in report and "shuffled[options" in report  # the user's own line
    assert (
        "%run_pipeline --params 'model_options.features=[nope]' --from-nodes split_data_node"
        in report
    )
    assert ip.user_ns["session"].runs(limit=1)[0].status == "failed"
    assert SECRET not in report


def test_only_missing_outputs_skips_what_exists(ip, capsys) -> None:
    ip.run_line_magic("run_pipeline", "data_processing")
    capsys.readouterr()
    ip.run_line_magic("run_pipeline", "data_processing --only-missing-outputs")
    out = capsys.readouterr().out
    assert "Run of pipeline 'data_processing': 0 nodes" in out
    assert "skipped, outputs already exist: " in out and "preprocess_companies_node" in out


def test_failure_report_masks_credential_values(ip) -> None:
    ip.run_line_magic("run_pipeline", "data_processing")
    with pytest.raises(PipelineRunFailed) as caught:
        ip.run_line_magic("run_pipeline", f"--params model_options.features=[{SECRET}]")
    *error, resume = caught.value.report.splitlines()
    assert "KeyError" in error[0] and "***" in error[0]
    assert SECRET not in "\n".join(error)
    assert SECRET in resume  # the line repeats what was typed, so it still resumes


def test_background_run_returns_then_finishes(ip, capsys) -> None:
    ip.run_line_magic("run_pipeline", "data_processing --background")
    assert "started in the background" in capsys.readouterr().out
    project = next(m.project for m in ip.magics_manager.registry.values() if hasattr(m, "project"))
    project.background_run.join(timeout=60)
    out = capsys.readouterr().out
    assert "Run of pipeline 'data_processing': 3 nodes" in out


def test_async_loads_and_saves_in_threads_as_in_kedro_and_returns_when_done(ip, capsys) -> None:
    ip.run_line_magic("run_pipeline", "data_processing --async")
    out = capsys.readouterr().out
    assert "started in the background" not in out
    assert "Run of pipeline 'data_processing': 3 nodes" in out
    assert ip.user_ns["session"].last_record.status == "success"


def test_load_node_loads_inputs_and_writes_the_body(ip, capsys) -> None:
    ip.run_line_magic("run_pipeline", "data_processing")
    ip.run_line_magic("load_node", "split_data_node")
    cell = ip.rl_next_input
    assert cell.startswith("# %load_node split_data_node: inputs loaded: data, options")
    assert "shuffled = data.sample(frac=1.0" in cell
    assert "\nreturn " not in cell and "features[n_test:]" in cell
    assert ip.user_ns["options"]["seed"] == 7
    assert len(ip.user_ns["data"]) > 0


def test_displays_never_show_credentials(ip, capsys) -> None:
    for name in INJECTED_VARS:
        data, _ = ip.display_formatter.format(ip.user_ns[name])
        for text in data.values():
            assert SECRET not in text


def test_broken_pipeline_module_warns_only_when_used_and_others_load(shell, project) -> None:
    broken = project / "src" / PACKAGE / "pipelines" / "broken"
    broken.mkdir()
    (broken / "__init__.py").write_text("from .pipeline import create_pipeline\n")
    (broken / "pipeline.py").write_text("import no_such_module\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # loading must not touch pipeline modules
        shell.run_line_magic("load_ext", "kedro_nb")
    pipelines = shell.user_ns["pipelines"]
    assert len(pipelines["data_science"].nodes) == 3
    with pytest.warns(Warning, match="broken"):
        default = pipelines["__default__"]
    assert len(default.nodes) == 6  # both healthy pipelines


def test_broken_config_warns_and_keeps_the_magics(shell, project) -> None:
    (project / "conf" / "base" / "parameters.yml").write_text("model_options: [unclosed\n")
    with pytest.warns(UserWarning, match=r"could not load a project .*parameters.yml"):
        shell.run_line_magic("load_ext", "kedro_nb")
    assert "catalog" not in shell.user_ns
    with pytest.raises(UsageError, match="No project is loaded"):
        shell.run_line_magic("run_pipeline", "")
    (project / "conf" / "base" / "parameters.yml").write_text("model_options: {seed: 1}\n")
    shell.run_line_magic("reload_project", "")
    assert shell.user_ns["params"] == {"model_options": {"seed": 1}}


def test_unload_removes_the_variables(ip) -> None:
    ip.run_line_magic("unload_ext", "kedro_nb")
    assert not {*INJECTED_VARS, "context"} & set(ip.user_ns)
    ip.run_line_magic("load_ext", "kedro_nb")
    assert set(INJECTED_VARS) <= set(ip.user_ns)


def test_text_displays_survive_kedro_logging_import(project) -> None:
    """Project code importing Kedro's framework configures Kedro's logging, which swaps in
    rich's formatter (a custom pipeline registry does so through kedro.framework.project)."""
    done = _in_fresh_process(
        project,
        "ip.run_cell('import kedro.framework.project')\n"
        "assert 'kedro.logging' in sys.modules\n"
        "data, _ = ip.display_formatter.format(ip.user_ns['session'])\n"
        "print('TEXT', data['text/plain'].splitlines()[0])\n",
    )
    assert "TEXT KedroNbSession: project 'spaceflights'" in done.stdout, done.stdout + done.stderr


def test_pipelines_display_names_every_pipeline_loaded_or_not(ip) -> None:
    pipelines = ip.user_ns["pipelines"]
    data, _ = ip.display_formatter.format(pipelines)
    assert data["text/plain"].startswith("Pipelines: 3")
    assert "no (on first use)" in data["text/plain"]
    pipelines["data_processing"]
    data, _ = ip.display_formatter.format(pipelines)
    row = next(line for line in data["text/plain"].splitlines() if "data_processing" in line)
    assert row.split() == ["data_processing", "project", "3", "yes"]
    assert "<table" in data["text/html"] and "data_science" in data["text/html"]
