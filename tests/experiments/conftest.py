"""Fixtures of the experiments tests (the helper module beside them is made importable)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from experiments_helpers import CATALOG, PIPELINE, SECRET, git, write


@pytest.fixture(autouse=True)
def _isolate_imports() -> Iterator[None]:
    saved_path = list(sys.path)
    yield
    sys.path[:] = saved_path
    for name in list(sys.modules):
        if name.split(".")[0] == "fit":
            del sys.modules[name]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project ``fit``: ``kedro-nb run`` trains, evaluates and records metrics."""
    root = tmp_path / "fit_project"
    write(root, "pyproject.toml", "[tool.kedro_nb]\npackage_name = 'fit'\n")
    write(root, "conf/base/catalog.yml", CATALOG)
    write(root, "conf/base/parameters.yml", "model:\n  degree: 1\n  alpha: 0.0\nseed: 3\n")
    write(root, "conf/local/credentials.yml", f"store:\n  token: {SECRET}\n")
    write(root, "data/raw.csv", "x,y\n0,1.0\n1,2.9\n2,5.2\n3,7.1\n4,8.8\n")
    write(root, "src/fit/__init__.py", "")
    write(root, "src/fit/pipelines/__init__.py", "")
    write(root, "src/fit/pipelines/train/pipeline.py", PIPELINE)
    return root


@pytest.fixture
def committed(project: Path) -> Path:
    """``project`` as a git work tree with everything committed but data and records."""
    write(project, ".gitignore", "data/\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "first")
    return project


@pytest.fixture
def shell(project: Path, make_shell: Callable[..., Any]) -> Any:
    """A real IPython shell with kedro_nb loaded in ``project/notebooks``."""
    (project / "notebooks").mkdir()
    return make_shell(project / "notebooks", load=True, ipython_dir=project / ".ipython")
