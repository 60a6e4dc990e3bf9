"""Fixture projects copied to tmp_path, and clean-up of their imported packages."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CONSOLE_SCRIPT = Path(sys.executable).with_name("kedro-nb")
SECRET = "FAKE-SECRET-4f1c9a"  # the value in tests/fixtures/spaceflights/conf/local/credentials.yml


def _forget(prefixes: tuple[str, ...]) -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in prefixes:
            del sys.modules[name]


@pytest.fixture(autouse=True)
def _isolate_imports() -> Iterator[None]:
    saved_path = list(sys.path)
    yield
    sys.path[:] = saved_path
    _forget(("spaceflights", "mini"))


@pytest.fixture
def spaceflights(tmp_path: Path) -> Path:
    """A fresh copy of the Kedro-layout spaceflights project."""
    target = tmp_path / "spaceflights"
    shutil.copytree(FIXTURES / "spaceflights", target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def write() -> Callable[[Path, str, str], Path]:
    """``write(root, relative_path, text)``: create a file (dedented) with its folders."""
    return _write


def _console(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture
def console() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``console(*args, cwd=folder)``: run the installed ``kedro-nb`` script, output captured."""
    return _console


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A kedro-nb native project (no registry: autodiscovery) with two pipelines."""
    root = tmp_path / "mini_project"
    _write(root, "pyproject.toml", "[tool.kedro_nb]\npackage_name = 'mini'\n")
    _write(root, "conf/base/parameters.yml", "factor: 3\nnested:\n  offset: 1\n")
    _write(
        root,
        "conf/base/catalog.yml",
        "numbers:\n  type: json.JSONDataset\n  filepath: data/numbers.json\n",
    )
    _write(root, "data/numbers.json", "[1, 2, 3]")
    _write(root, "src/mini/__init__.py", "")
    _write(root, "src/mini/pipelines/__init__.py", "")
    _write(
        root,
        "src/mini/pipelines/scale/pipeline.py",
        """\
        from kedro_nb.pipeline import Pipeline, node


        def scale(numbers, factor):
            return [n * factor for n in numbers]


        def total(scaled, offset):
            return sum(scaled) + offset


        def create_pipeline():
            return Pipeline([
                node(scale, ["numbers", "params:factor"], "scaled", name="scale"),
                node(total, ["scaled", "params:nested.offset"], "total", name="total"),
            ])
        """,
    )
    _write(
        root,
        "src/mini/pipelines/report/pipeline.py",
        """\
        from kedro_nb.pipeline import Pipeline, node


        def describe(total):
            return f"total={total}"


        def create_pipeline():
            return Pipeline([node(describe, "total", "report", name="describe")])
        """,
    )
    return root
