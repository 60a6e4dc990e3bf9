"""``kedro-nb run`` / ``kedro-nb runs``: the real console script and in-process calls."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kedro_nb.cli import main
from kedro_nb.cli.run import run_main
from kedro_nb.cli.runs import runs_main

SECRET = "FAKE-SECRET-4f1c9a"
CONSOLE_SCRIPT = Path(sys.executable).with_name("kedro-nb")


def test_console_script_runs_the_kedro_project_end_to_end(spaceflights: Path, console) -> None:
    done = console("run", cwd=spaceflights)
    assert done.returncode == 0, done.stderr
    assert "6 node(s)" in done.stdout
    assert (
        "evaluate_model_node" in done.stdout
        and "datasets written: preprocessed_companies" in done.stdout
    )
    assert json.loads((spaceflights / "data/08_reporting/metrics.json").read_text())["r2"] > 0.9
    listed = console("runs", cwd=spaceflights / "src")
    assert listed.returncode == 0 and "success" in listed.stdout and "__default__" in listed.stdout
    run_id = listed.stdout.splitlines()[1].split()[0]
    shown = console("runs", run_id[:16], "--json", cwd=spaceflights)
    assert json.loads(shown.stdout)["run_id"] == run_id
    assert SECRET not in done.stdout + done.stderr + listed.stdout + shown.stdout


def test_node_failure_prints_node_error_and_resume_command(spaceflights: Path, capsys) -> None:
    nodes = spaceflights / "src/spaceflights/pipelines/data_science/nodes.py"
    nodes.write_text(
        nodes.read_text().replace(
            '    """Coefficients', '    raise ValueError("singular")\n    """Coefficients'
        )
    )
    argv = ["--project", str(spaceflights), "--params", "model_options.seed=3"]
    assert run_main(argv) == 1
    err = capsys.readouterr().err
    assert "node 'train_model_node' failed: ValueError: singular" in err
    expected = (
        f"kedro-nb run --project {spaceflights} --params model_options.seed=3 "
        "--from-nodes split_data_node"
    )
    assert f"resume with: {expected}" in err
    assert "Traceback" not in err
    assert run_main([*argv, "--verbose"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_resume_command_after_a_fix_completes(spaceflights: Path, capsys) -> None:
    nodes = spaceflights / "src/spaceflights/pipelines/data_science/nodes.py"
    original = nodes.read_text()
    nodes.write_text(
        original.replace(
            '    """Coefficients', '    raise ValueError("singular")\n    """Coefficients'
        )
    )
    assert run_main(["--project", str(spaceflights)]) == 1
    nodes.write_text(original)
    for name in [m for m in sys.modules if m.startswith("spaceflights")]:
        del sys.modules[name]
    assert run_main(["--project", str(spaceflights), "--from-nodes", "split_data_node"]) == 0
    assert "3 node(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--pipeline", "data_sciense"], "Did you mean: data_science"),
        (["--nodes", "train_modle_node"], "train_model_node"),
        (["--params", "novalue"], "key=value"),
        (["--env", "prodd"], "'prodd' not found"),
        (["--load-versions", "regressor"], "dataset:version"),
        (["--runner", "sequentail"], "sequential"),
        (["--frm-nodes", "x"], "unrecognized arguments"),
        (["-p", "data_science", "--pipelines", "data_processing"], "not both"),
    ],
)
def test_usage_errors_exit_2_with_one_line(spaceflights: Path, capsys, argv, expected) -> None:
    assert run_main(["--project", str(spaceflights), *argv]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err


def test_config_errors_name_file_line_and_fix(spaceflights: Path, capsys, write) -> None:
    write(spaceflights, "conf/local/catalog.yml", "broken:\n  type: [pandas.CSVDataset\n")
    assert run_main(["--project", str(spaceflights)]) == 2
    err = capsys.readouterr().err
    assert "conf/local/catalog.yml, line 3" in err


@pytest.mark.parametrize(
    ("catalog_entry", "code", "expected"),
    [
        ("  type: pandas.CSVDatasett\n  filepath: data/01_raw/companies.csv\n", 2, "CSVDataset"),
        (
            "  type: pandas.CSVDataset\n  filepath: data/01_raw/companies.csv\n"
            "  credentials: nope\n",
            2,
            "nope",
        ),
        ("  type: pandas.CSVDataset\n  filepath: data/01_raw/missing.csv\n", 1, "missing.csv"),
    ],
)
def test_dataset_errors_surface_cleanly(
    spaceflights: Path, capsys, write, catalog_entry, code, expected
) -> None:
    catalog = spaceflights / "conf/base/catalog.yml"
    text = catalog.read_text()
    start = text.index("companies:\n") + len("companies:\n")
    end = text.index("\n\n", start) + 1
    catalog.write_text(text[:start] + catalog_entry + text[end:])
    assert run_main(["--project", str(spaceflights), "--pipeline", "data_processing"]) == code
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert SECRET not in err


def test_cycle_and_duplicate_outputs_are_usage_errors(mini: Path, write, capsys) -> None:
    write(
        mini,
        "src/mini/pipelines/loop/pipeline.py",
        """\
        from kedro_nb.pipeline import Pipeline, node

        def create_pipeline():
            return Pipeline([node(str, "a", "b", name="ab"), node(str, "b", "a", name="ba")])
        """,
    )
    assert run_main(["--project", str(mini), "--pipeline", "loop"]) == 2
    assert "ircular" in capsys.readouterr().err
    write(
        mini,
        "src/mini/pipelines/twice/pipeline.py",
        """\
        from kedro_nb.pipeline import Pipeline, node

        def create_pipeline():
            return Pipeline([node(str, "a", "b", name="one"), node(str, "c", "b", name="two")])
        """,
    )
    assert run_main(["--project", str(mini), "--pipeline", "twice"]) == 2
    assert "'b'" in capsys.readouterr().err


def test_native_project_with_params_and_runs_listing(mini: Path, capsys) -> None:
    assert (
        main(["run", "--project", str(mini), "--pipeline", "scale", "--params", "factor=10"]) == 0
    )
    out = capsys.readouterr().out
    assert "scale" in out and "total" in out
    assert runs_main(["--project", str(mini)]) == 0
    assert "scale" in capsys.readouterr().out
    assert runs_main(["--project", str(mini), "nope"]) == 2


def test_no_project_found(tmp_path: Path, capsys) -> None:
    assert run_main(["--project", str(tmp_path)]) == 2
    assert "[tool.kedro_nb]" in capsys.readouterr().err
    assert runs_main(["--project", str(tmp_path)]) == 0
    assert "No runs recorded" in capsys.readouterr().out


_STARTUP_PROBE = """
import sys
from kedro_nb.cli.run import run_main
code = run_main(["--project", sys.argv[1], "--pipeline", "data_processing"])
loaded = sorted(m for m in sys.modules if m.startswith("spaceflights.pipelines."))
print(code, ",".join(loaded))
"""


def test_run_imports_only_the_pipeline_it_runs(spaceflights: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _STARTUP_PROBE, str(spaceflights)],
        capture_output=True,
        text=True,
        check=False,
    )
    code, loaded = done.stdout.strip().splitlines()[-1].split(" ")
    assert code == "0", done.stderr
    assert "spaceflights.pipelines.data_science" not in loaded.split(",")
    assert "spaceflights.pipelines.data_processing" in loaded.split(",")


def test_async_and_runner_flags(spaceflights: Path, capsys) -> None:
    project = ["--project", str(spaceflights)]
    assert run_main([*project, "--async", "--pipeline", "data_processing"]) == 0
    assert "SequentialRunner" in capsys.readouterr().out
    assert run_main([*project, "-r", "thread", "--async", "-t", "science"]) == 0
    out = capsys.readouterr().out
    assert "ThreadRunner" in out and "train_model_node" in out


def test_several_pipelines_run_together(spaceflights: Path, capsys) -> None:
    argv = ["--project", str(spaceflights), "--pipelines", "data_processing,data_science"]
    assert run_main(argv) == 0
    assert "6 node(s)" in capsys.readouterr().out
    assert runs_main(["--project", str(spaceflights), "--limit", "1"]) == 0
    assert "data_processing,data_science" in capsys.readouterr().out


def test_a_broken_pipeline_warns_on_one_line_and_the_rest_runs(mini: Path, write, console) -> None:
    write(mini, "src/mini/pipelines/broken/pipeline.py", "import not_a_module_anywhere\n")
    done = console("run", "--project", str(mini), cwd=mini)
    assert done.returncode == 0, done.stderr
    warning_lines = [line for line in done.stderr.splitlines() if "PipelineImportWarning" in line]
    assert len(warning_lines) == 1 and "not_a_module_anywhere" in warning_lines[0]
    assert "3 node(s)" in done.stdout


_IMPORT_PROBE = """
import sys
import kedro_nb.project
from kedro_nb.cli.run import run_main
assert run_main(["--help"]) == 0
print(sorted({m.split(".")[0] for m in sys.modules} & {"pandas", "omegaconf", "kedro", "numpy"}))
"""


def test_import_and_help_stay_light() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_run_config_file_sets_defaults_and_flags_override(
    spaceflights: Path, capsys, write
) -> None:
    config = write(
        spaceflights,
        "run.yml",
        """\
        run:
          pipeline: data_processing
          tags: processing
          params:
            model_options:
              seed: 3
          only_missing_outputs: false
        """,
    )
    project = ["--project", str(spaceflights), "--config", str(config)]
    assert run_main(project) == 0
    assert "pipeline data_processing" in capsys.readouterr().out
    assert run_main([*project, "--pipeline", "__default__", "--tags", "science"]) == 0
    assert "train_model_node" in capsys.readouterr().out
    record = runs_main(["--project", str(spaceflights), "--json", "--limit", "1"])
    assert record == 0 and '"seed": 3' in capsys.readouterr().out
    write(spaceflights, "bad.yml", "run:\n  pipline: x\n")
    assert run_main(["--project", str(spaceflights), "-c", str(spaceflights / "bad.yml")]) == 2
    assert "Did you mean: pipeline?" in capsys.readouterr().err


def test_a_malformed_run_config_is_one_line_with_file_line_and_column(
    spaceflights: Path, capsys, write
) -> None:
    broken = write(spaceflights, "broken.yml", "run:\n  tags: [a\n")
    assert run_main(["--project", str(spaceflights), "--config", str(broken)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"kedro-nb run: Malformed YAML in {broken}, line 3, column 1: ")
    assert line.endswith("(check indentation, unclosed brackets or quotes, a missing ':').")
    missing = spaceflights / "missing.yml"
    assert run_main(["--project", str(spaceflights), "--config", str(missing)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"kedro-nb run: cannot read run config {missing}: No such file or directory"
    ]


def test_concurrent_runs_are_all_recorded(mini: Path, console) -> None:
    command = [str(CONSOLE_SCRIPT), "run", "--project", str(mini), "--pipeline", "scale"]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)
    ]
    outputs = [p.communicate(timeout=300) for p in processes]  # reads the pipes as they fill
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    done = console("runs", "--json", "--project", str(mini), cwd=mini)
    records = json.loads(done.stdout)
    assert len(records) == 3 and {r["status"] for r in records} == {"success"}
    assert len({r["run_id"] for r in records}) == 3


def test_verbose_failure_in_a_worker_shows_the_workers_traceback_and_the_note(
    spaceflights: Path, console
) -> None:
    """--verbose prints the traceback with its notes on every Python (3.10's traceback printing
    leaves notes out): the line in the worker process that raised, and the node's resume hint."""
    nodes = spaceflights / "src/spaceflights/pipelines/data_science/nodes.py"
    nodes.write_text(
        nodes.read_text().replace(
            '    """Coefficients', '    raise ValueError("singular")\n    """Coefficients'
        )
    )
    done = console("run", "--runner", "parallel", "--verbose", cwd=spaceflights)
    assert done.returncode == 1
    assert "Traceback in the worker process:" in done.stderr
    assert 'raise ValueError("singular")' in done.stderr
    assert "kedro-nb: node 'train_model_node' failed; 4 node(s) completed before it" in done.stderr
