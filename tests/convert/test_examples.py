"""Every loose notebook of tests/fixtures/loose_notebooks (on the embedded default), end to end,
with real tools only:

1. run it top to bottom in a real kernel (nbclient) and capture every node output;
2. convert it into a kedro-nb project with the real ``kedro-nb`` console script and run the
   generated pipeline with ``kedro-nb run``: every output equals the notebook's;
3. convert it with ``--target kedro`` into a Kedro project and run it with the real ``kedro run``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from convert_nbhelpers import RUFF_GENERATED, kernel_globals

from kedro_nb.convert.analysis import notebook_name
from kedro_nb.convert.build import notebook_pipeline

EXAMPLES = Path(__file__).parents[2] / "tests" / "fixtures" / "loose_notebooks"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
BIN = Path(sys.executable).parent


def _copy_inputs(destination: Path) -> None:
    shutil.copytree(EXAMPLES / "data", destination / "data")


def _notebook_outputs(notebook: Path, workdir: Path) -> dict:
    """Run the notebook in a kernel, then pickle every node output from the kernel's globals."""
    return kernel_globals(notebook, sorted(notebook_pipeline(notebook).all_outputs()), workdir)


def _assert_same(name: str, expected, got) -> None:
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(
            expected.reset_index(drop=True), got.reset_index(drop=True), check_dtype=False
        )
    elif isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(expected, got)
    else:
        assert expected == got, name


def _load_outputs(root: Path, names: list[str]) -> dict:
    from kedro_nb.io import DataCatalog

    config: dict = {}
    for path in sorted((root / "conf" / "base").glob("catalog*.yml")):
        config.update(yaml.safe_load(path.read_text()))
    catalog = DataCatalog.from_config(
        {k: {**v, "filepath": str(root / v["filepath"])} for k, v in config.items()}
    )
    return {name: catalog.load(name) for name in names}


def _project(root: Path, notebook: Path, pyproject: str, package: str, extra: dict) -> Path:
    (root / "src" / package).mkdir(parents=True)
    (root / "src" / package / "__init__.py").write_text("")
    for name, text in extra.items():
        (root / "src" / package / name).write_text(text)
    (root / "conf" / "base").mkdir(parents=True)
    (root / "conf" / "local").mkdir()
    shutil.copy(EXAMPLES / "catalog.yml", root / "conf" / "base")
    shutil.copy(EXAMPLES / "parameters.yml", root / "conf" / "base")
    (root / "pyproject.toml").write_text(pyproject)
    _copy_inputs(root)
    (root / "notebooks").mkdir()
    return Path(shutil.copy(notebook, root / "notebooks"))


def _run(command: list, cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def kernel_runs(tmp_path_factory):
    """Each example notebook run once in a real kernel: (notebook, outputs by name)."""
    runs = {}
    for notebook in NOTEBOOKS:
        workdir = tmp_path_factory.mktemp(notebook.stem)
        _copy_inputs(workdir)
        shutil.copy(EXAMPLES / "parameters.yml", workdir)
        runs[notebook.name] = _notebook_outputs(notebook, workdir)
    return runs


def test_there_are_example_notebooks():
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_converted_pipeline_reproduces_the_notebook_with_kedro_nb_run(
    notebook, kernel_runs, tmp_path
):
    expected = kernel_runs[notebook.name]
    copy = _project(
        tmp_path, notebook, '[tool.kedro_nb]\npackage_name = "examples"\n', "examples", {}
    )
    _run(
        [BIN / "kedro-nb", "convert", "--accept-catalog", str(copy.relative_to(tmp_path))], tmp_path
    )
    _run([BIN / "kedro-nb", "convert", "--check", str(copy.relative_to(tmp_path))], tmp_path)
    name = notebook_name(notebook.stem)
    assert (tmp_path / "src" / "examples" / "pipelines" / name / "nodes.py").is_file()
    _run([*RUFF_GENERATED, "src"], tmp_path)
    _run([BIN / "kedro-nb", "run", "--pipeline", name], tmp_path)
    for output, value in _load_outputs(tmp_path, sorted(expected)).items():
        _assert_same(output, expected[output], value)


REGISTRY = """from kedro.framework.project import find_pipelines


def register_pipelines():
    pipelines = find_pipelines()
    pipelines["__default__"] = sum(pipelines.values())
    return pipelines
"""


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_kedro_target_runs_under_real_kedro(notebook, kernel_runs, tmp_path):
    expected = kernel_runs[notebook.name]
    pyproject = (
        '[tool.kedro]\npackage_name = "examples_kedro"\nproject_name = "examples"\n'
        'kedro_init_version = "1.7.0"\nsource_dir = "src"\n'
    )
    copy = _project(
        tmp_path,
        notebook,
        pyproject,
        "examples_kedro",
        {"settings.py": "", "pipeline_registry.py": REGISTRY},
    )
    _run(
        [BIN / "kedro-nb", "convert", "--accept-catalog", "--target", "kedro", str(copy)], tmp_path
    )
    name = notebook_name(notebook.stem)
    _run([BIN / "kedro", "run", "--pipeline", name], tmp_path)
    for output, value in _load_outputs(tmp_path, sorted(expected)).items():
        _assert_same(output, expected[output], value)
