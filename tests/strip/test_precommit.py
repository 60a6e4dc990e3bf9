"""The pre-commit hooks, run by the real ``pre-commit try-repo`` in a temporary git repository.

try-repo installs the hook repository at a commit, so the current stripper files (and the command
line package that starts it) are committed into a temporary clone of this repository first.
pre-commit then pip-installs that clone into its own virtualenv (``language: python``), once per
test module under a temporary PRE_COMMIT_HOME.

In the clone only, the dependency list is cut to what ``kedro_nb.strip`` imports (orjson): the full
list downloads ~100 MB (pyarrow, pandas, jupyterlab) and took 0.5 to 5 minutes here depending on the
network, which no test budget allows. The hook definitions, the install and the console script are
the real ones.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
PRE_COMMIT = str(Path(sys.executable).parent / "pre-commit")
OURS = ["kedro_nb/strip", "kedro_nb/nbfile", "kedro_nb/cli", ".pre-commit-hooks.yaml"]


def _run(args, cwd, env):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("pre-commit")
    environ = os.environ.copy()
    (base / "gitconfig").write_text("")
    environ.update(  # HOME stays as is, so pip finds its usual configuration
        PRE_COMMIT_HOME=str(base / "cache"),
        GIT_CONFIG_GLOBAL=str(base / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Tester",
        GIT_AUTHOR_EMAIL="tester@example.com",
        GIT_COMMITTER_NAME="Tester",
        GIT_COMMITTER_EMAIL="tester@example.com",
    )
    environ.pop("VIRTUAL_ENV", None)
    return environ


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory, env) -> Path:
    """A clone of this repository with the stripper's current files committed."""
    clone = tmp_path_factory.mktemp("hooks") / "kedro-nb"
    assert _run(["git", "clone", "-q", str(ROOT), str(clone)], None, env).returncode == 0
    for item in OURS:
        source, target = ROOT / item, clone / item
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(source, target)
    pyproject = clone / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text, count = re.subn(
        r"(?ms)^dependencies = \[.*?^\]", 'dependencies = ["orjson>=3.9"]', text, count=1
    )
    assert count == 1, "pyproject.toml has no dependencies list to trim"
    pyproject.write_text(text, encoding="utf-8")
    _run(["git", "add", "-A", "pyproject.toml", *OURS], clone, env)
    _run(["git", "commit", "-q", "-m", "current stripper", "--allow-empty"], clone, env)
    return clone


@pytest.fixture
def project(tmp_path, env) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    _run(["git", "init", "-q"], root, env)
    shutil.copyfile(FIXTURES / "outputs_and_counts.ipynb", root / "dirty.ipynb")
    shutil.copyfile(FIXTURES / "kedro_cells.expected", root / "clean.ipynb")
    (root / "script.py").write_text("x = 1\n")
    _run(["git", "add", "."], root, env)
    return root


def _try(hook_repo, hook, project, env):
    return _run([PRE_COMMIT, "try-repo", str(hook_repo), hook, "--all-files"], project, env)


def test_fixing_hook_strips_then_passes(hook_repo, project, env):
    first = _try(hook_repo, "kedro-nb-strip", project, env)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert "stripped dirty.ipynb" in first.stdout
    expected = (FIXTURES / "outputs_and_counts.expected").read_bytes()
    assert (project / "dirty.ipynb").read_bytes() == expected
    second = _try(hook_repo, "kedro-nb-strip", project, env)
    assert second.returncode == 0, second.stdout + second.stderr


def test_check_hook_fails_listing_files_and_changes_nothing(hook_repo, project, env):
    before = (project / "dirty.ipynb").read_bytes()
    done = _try(hook_repo, "kedro-nb-strip-check", project, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "would strip dirty.ipynb" in done.stdout
    assert "clean.ipynb" not in done.stdout and "script.py" not in done.stdout
    assert (project / "dirty.ipynb").read_bytes() == before
    (project / "dirty.ipynb").unlink()
    _run(["git", "add", "-A"], project, env)
    assert _try(hook_repo, "kedro-nb-strip-check", project, env).returncode == 0
