"""The main job: the spaceflights example end to end, headless, in about a minute.

    bash .ci/setup && .venv/bin/python example_notebooks/run_example.py

What it does, printing each step as it goes:

1. executes the notebooks in a real Jupyter kernel (nbclient), as a user would run them top to
   bottom: ``quickstart.ipynb`` (no project), then the spaceflights project's
   ``01_explore.ipynb``, ``02_nodes.ipynb`` (node cells run with ``%run_pipeline --notebook``) and
   ``03_experiments.ipynb`` (runs with other parameters, compared);
2. converts ``02_nodes.ipynb`` into pipeline source in a scratch copy of the project and checks
   that it is the source committed under ``src/spaceflights/pipelines/`` (``kedro-nb convert
   --check`` in the project says the same);
3. runs the converted pipelines with ``kedro-nb run`` and with Kedro itself (``kedro run``), and
   checks that both write the same model input table, predictions and metrics as the notebook;
4. prints where the outputs, metrics and run records are.

Everything it writes is git-ignored: the executed notebooks under ``example_notebooks/build/``,
the data under the project's ``data/02_intermediate`` ... ``08_reporting``, the run records in
``.kedro_nb/``. It can run again at once; each run adds records and model versions.
Exit code 0 when every step passed, 1 when one failed (the step and its error are printed), 2
when a package it needs is missing.
"""

from __future__ import annotations

import filecmp
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "spaceflights"
BUILD = HERE / "build"
EXECUTED = BUILD / "executed"
BIN = Path(sys.executable).parent
#: the notebooks, in the order a new user opens them: (notebook, the folder its kernel starts in)
NOTEBOOKS = [
    HERE / "quickstart.ipynb",
    PROJECT / "notebooks" / "01_explore.ipynb",
    PROJECT / "notebooks" / "02_nodes.ipynb",
    PROJECT / "notebooks" / "03_experiments.ipynb",
]
CONVERTED = PROJECT / "notebooks" / "02_nodes.ipynb"
PIPELINES = PROJECT / "src" / "spaceflights" / "pipelines"
#: Kedro's telemetry plugin asks for consent and may call home; the example runs offline
OFFLINE = {"DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "true"}
STARTED = time.perf_counter()


class StepFailed(Exception):
    """A step of the example did not do what it should; the message says what and where."""

    exit_code = 1


class MissingPackages(StepFailed):
    """A package the example needs is not installed (raised before any step runs)."""

    exit_code = 2


def say(text: str) -> None:
    print(text, flush=True)


def _elapsed(since: float) -> str:
    return f"{time.perf_counter() - since:.1f} s"


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def command(name: str) -> list[str]:
    """The console script ``name`` of this interpreter's environment (``python -m`` if absent)."""
    script = BIN / name
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", {"kedro-nb": "kedro_nb", "kedro": "kedro"}[name]]


def run(args: list[str], cwd: Path, what: str) -> str:
    """Run a command; its output on success, :class:`StepFailed` with its output otherwise."""
    env = {**os.environ, **OFFLINE}
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise StepFailed(
            f"{what} failed (exit code {done.returncode}) in {_shown(cwd)}:\n"
            f"$ {' '.join(args)}\n{done.stdout}{done.stderr}"
        )
    return done.stdout


# -- 1. notebooks ------------------------------------------------------------------------------
def execute_notebook(notebook: Path) -> Path:
    """Run ``notebook`` top to bottom in a new kernel started in its folder, as Jupyter does;
    write the executed copy under build/executed/ and return its path."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(notebook, as_version=4)
    code_cells = sum(cell.cell_type == "code" for cell in nb.cells)
    done = 0

    live = sys.stdout.isatty()

    def progress(cell: Any, **_: Any) -> None:
        nonlocal done
        if cell.cell_type == "code":
            done += 1
            if live:
                print(f"\r    cell {done}/{code_cells}", end="", flush=True)

    # ipykernel's own spec, so the kernel is this interpreter even when another "python3"
    # kernel is installed for the user (`ipykernel install --user` from another Python)
    kernel = KernelManager(
        kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[])
    )
    client = NotebookClient(
        nb,
        km=kernel,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(notebook.parent)}},
        on_cell_executed=progress,
    )
    # JPY_SESSION_NAME is how Jupyter tells a kernel which notebook it runs: %run_pipeline
    # --notebook reads that file's node cells
    env = {**os.environ, **OFFLINE, "JPY_SESSION_NAME": str(notebook)}
    destination = EXECUTED / notebook.name
    destination.parent.mkdir(parents=True, exist_ok=True)
    log = destination.with_suffix(".kernel.log")
    try:
        # the kernel's own stderr (start-up notices) goes to a log beside the executed copy
        with log.open("w", encoding="utf-8") as kernel_stderr:
            client.execute(env=env, stderr=kernel_stderr)
    except CellExecutionError as exc:
        nbformat.write(nb, destination)
        raise StepFailed(
            f"{_shown(notebook)} failed (executed copy: {_shown(destination)}):\n{exc}"
        ) from exc
    except (OSError, RuntimeError, TimeoutError) as exc:  # no kernel, a dead one, a timeout
        raise StepFailed(
            f"{_shown(notebook)}: the kernel did not run it: {type(exc).__name__}: {exc} "
            f"(its output: {_shown(log)})"
        ) from exc
    finally:
        if live:
            print("\r", end="")
    nbformat.write(nb, destination)
    return destination


def cell_errors(executed: Path) -> list[str]:
    """Error outputs of an executed notebook (a %magic may report an error without raising)."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    return [
        f"cell {number}: {output.get('ename')}: {output.get('evalue')}"
        for number, cell in enumerate(nb["cells"], start=1)
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]


# -- 2. convert --------------------------------------------------------------------------------
def convert_in_scratch_copy() -> list[Path]:
    """Convert 02_nodes.ipynb in a copy of the project that has no generated pipelines, and
    check that every file it writes is the one committed. Returns the generated files."""
    scratch = BUILD / "convert"
    shutil.rmtree(scratch, ignore_errors=True)
    ignore = shutil.ignore_patterns("data", "build", ".kedro_nb", "__pycache__", "*.egg-info")
    shutil.copytree(PROJECT, scratch, ignore=ignore)
    for generated in (scratch / PIPELINES.relative_to(PROJECT)).iterdir():
        if generated.is_dir():
            shutil.rmtree(generated)
    notebook = CONVERTED.relative_to(PROJECT)
    run([*command("kedro-nb"), "convert", str(notebook)], scratch, "kedro-nb convert")
    made = sorted((scratch / PIPELINES.relative_to(PROJECT)).rglob("*.py"))
    made = [path for path in made if path.parent != scratch / PIPELINES.relative_to(PROJECT)]
    for path in made:
        committed = PROJECT / path.relative_to(scratch)
        if not committed.is_file() or not filecmp.cmp(path, committed, shallow=False):
            raise StepFailed(
                f"kedro-nb convert made {_shown(path)}, which differs from the committed "
                f"{_shown(committed)}: the notebook was edited since its last conversion. "
                f"Run `kedro-nb convert {notebook}` in {_shown(PROJECT)} and commit the result."
            )
    return [PROJECT / path.relative_to(scratch) for path in made]


# -- 3. runs and their outputs -----------------------------------------------------------------
def latest_version(path: Path) -> Path:
    """The file of the newest version of a versioned dataset (``path/<version>/<name>``)."""
    versions = sorted(p for p in path.iterdir() if (p / path.name).is_file())
    if not versions:
        raise StepFailed(f"no version of {_shown(path)} was written")
    return versions[-1] / path.name


def read_outputs() -> dict[str, Any]:
    """What the last run of the pipelines left in the catalog's files."""
    import pandas as pd

    data = PROJECT / "data"
    return {
        "model_input_table": pd.read_parquet(data / "03_primary" / "model_input_table.parquet"),
        "price_predictions": pd.read_csv(data / "07_model_output" / "price_predictions.csv"),
        "metrics": json.loads(latest_version(data / "08_reporting" / "metrics.json").read_text()),
    }


def assert_same(expected: dict[str, Any], got: dict[str, Any], who: str) -> None:
    import pandas as pd

    for name, value in expected.items():
        if isinstance(value, pd.DataFrame):
            try:
                pd.testing.assert_frame_equal(value, got[name], check_dtype=False)
            except AssertionError as exc:
                raise StepFailed(f"{who} wrote a different {name}: {exc}") from exc
        elif set(value) != set(got[name]) or any(
            not math.isclose(value[key], got[name][key], rel_tol=1e-9) for key in value
        ):
            raise StepFailed(f"{who} wrote metrics {got[name]}, expected {value}")


def records() -> list[dict[str, Any]]:
    """The project's run records, newest first (``kedro-nb runs --json``)."""
    listed = run([*command("kedro-nb"), "runs", "--json", "--limit", "50"], PROJECT, "runs")
    return json.loads(listed)


def _run_line(output: str) -> str:
    """The line of ``kedro-nb run``'s output that names the run."""
    lines = [line for line in output.splitlines() if line.startswith("Run ")]
    return lines[0] if lines else output.strip().splitlines()[0]


def check_installed() -> None:
    """Each package the example needs is installed, or :class:`MissingPackages` says how."""
    from importlib.util import find_spec

    missing = [
        name
        for name in ("kedro_nb", "nbclient", "matplotlib", "kedro", "kedro_datasets")
        if find_spec(name) is None
    ]
    if missing:
        raise MissingPackages(
            f"{', '.join(missing)} not installed in {sys.prefix}: install kedro-nb with its "
            "examples extra (`pip install -e '.[examples]'` in the repository, or `bash .ci/setup`)"
        )


def main() -> int:
    from importlib.metadata import version

    check_installed()
    say(
        f"kedro-nb example: Python {sys.version.split()[0]}, kedro-nb {version('kedro-nb')}, "
        f"kedro {version('kedro')}; project {_shown(PROJECT)}"
    )
    steps = 4 + len(NOTEBOOKS)
    step = 0

    def begin(text: str) -> float:
        nonlocal step
        step += 1
        say(f"[{step}/{steps}] {text}")
        return time.perf_counter()

    executed = {}
    for notebook in NOTEBOOKS:
        since = begin(f"execute {_shown(notebook)}")
        executed[notebook.name] = execute_notebook(notebook)
        errors = cell_errors(executed[notebook.name])
        if errors:
            raise StepFailed(f"{_shown(notebook)} shows errors: " + "; ".join(errors))
        say(f"    ok in {_elapsed(since)} -> {_shown(executed[notebook.name])}")
    by_notebook = [r for r in records() if r["pipeline_name"] == "notebook:02_nodes.ipynb"]
    if not by_notebook or by_notebook[0]["status"] != "success":
        raise StepFailed("02_nodes.ipynb's %run_pipeline --notebook left no successful record")
    notebook_run = by_notebook[0]

    since = begin(f"convert {_shown(CONVERTED)} (in a scratch copy) and compare with the source")
    generated = convert_in_scratch_copy()
    for path in generated:
        say(f"    {_shown(path)}: as committed")
    checked = [CONVERTED, HERE / "quickstart.ipynb"]
    for notebook in checked:
        run([*command("kedro-nb"), "convert", "--check", str(notebook)], notebook.parent, "check")
    say(f"    kedro-nb convert --check: in sync ({len(checked)} notebooks) in {_elapsed(since)}")

    since = begin("kedro-nb run (the converted pipelines, under kedro-nb)")
    output = run([*command("kedro-nb"), "run"], PROJECT, "kedro-nb run")
    say(f"    {_run_line(output)}")
    by_kedro_nb = read_outputs()
    kedro_nb_run = records()[0]
    say(f"    ok in {_elapsed(since)}")

    since = begin("kedro run (the same source, under Kedro itself)")
    run([*command("kedro"), "run"], PROJECT, "kedro run")
    by_kedro = read_outputs()
    say(f"    ok in {_elapsed(since)}")

    begin("compare the outputs of the notebook, kedro-nb run and kedro run")
    assert_same(by_kedro_nb, by_kedro, "kedro run")
    notebook_metrics = {
        key.removeprefix("metrics."): value
        for key, value in notebook_run["metrics"].items()
        if key.startswith("metrics.")
    }
    assert_same({"metrics": notebook_metrics}, by_kedro_nb, "kedro-nb run")
    say("    model input table, predictions and metrics: identical")

    metrics = by_kedro_nb["metrics"]
    data = PROJECT / "data"
    say(
        f"\nDone in {_elapsed(STARTED)}. What ran:\n"
        f"  notebooks        {len(NOTEBOOKS)} executed; with outputs in {_shown(EXECUTED)}/\n"
        f"  notebook run     {notebook_run['run_id']} (%run_pipeline --notebook in 02_nodes)\n"
        f"  kedro-nb run     {kedro_nb_run['run_id']} ({kedro_nb_run['pipeline_name']})\n"
        f"  kedro run        Kedro {version('kedro')}, same outputs\n"
        f"Model: r2 {metrics['r2']:.3f}, mean absolute error {metrics['mae']:.1f}, "
        f"max error {metrics['max_error']:.1f}\n"
        f"Where things are:\n"
        f"  pipeline source  {_shown(PIPELINES)}/ (generated from {CONVERTED.name})\n"
        f"  outputs          {_shown(data)}/02_intermediate ... 08_reporting\n"
        f"  model            {_shown(latest_version(data / '06_models' / 'regressor.pickle'))}\n"
        f"  metrics          {_shown(latest_version(data / '08_reporting' / 'metrics.json'))}\n"
        f"  run records      {_shown(PROJECT / '.kedro_nb' / 'runs.sqlite')}: "
        f"cd {_shown(PROJECT)} && kedro-nb runs"
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except StepFailed as failure:
        print(f"\nrun_example: {failure}", file=sys.stderr)
        sys.exit(failure.exit_code)
