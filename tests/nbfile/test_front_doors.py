"""Every command that reads a notebook, on bad notebooks, as a user (or git) runs it.

The real ``kedro-nb`` console script in a subprocess: one line on stderr naming the file (and line
and column), exit code 2, no traceback, and the file byte-identical afterwards. Through git: the
clean filter refuses to stage a broken notebook with that one line; ``git diff``'s textconv shows
it unchanged so the diff still works.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEDRO_NB = str(Path(sys.executable).parent / "kedro-nb")
NOTEBOOK = ROOT / "tests" / "fixtures" / "loose_notebooks" / "spaceflights.ipynb"

_DATA = NOTEBOOK.read_bytes()
_NO_NBFORMAT = {k: v for k, v in json.loads(_DATA).items() if k != "nbformat"}
_DEEP = json.loads(_DATA)
BAD = {
    "truncated": (_DATA[: len(_DATA) // 2], "truncated"),
    "conflict": (
        _DATA.replace(b'   "source": [\n', b'<<<<<<< HEAD\n   "source": [\n=======\n', 1),
        "merge conflict",
    ),
    "not-utf8": (_DATA.replace(b"spaceflights", b"space\xffflights", 1), "not UTF-8"),
    "no-nbformat": (json.dumps(_NO_NBFORMAT).encode(), "without 'nbformat'"),
    "nbformat-3": (b'{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}', "--nbformat 4"),
    "deep": (
        b'{"nbformat": 4, "cells": [], "metadata": {"x": ' + b"[" * 3000 + b"]" * 3000 + b"}}",
        "nested more than",
    ),
    "wrong-type": (
        json.dumps({**json.loads(_DATA), "cells": [{"cell_type": "code", "source": 7}]}).encode(),
        "cell 0 'source' is a number",
    ),
}


def _run(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "true"}
    return subprocess.run(args, cwd=cwd, input=stdin, capture_output=True, env=env, check=False)


def _one_error_line(done: subprocess.CompletedProcess, says: str) -> str:
    err = done.stderr.decode()
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert says in lines[0], err
    return lines[0]


@pytest.mark.parametrize("kind", sorted(BAD))
@pytest.mark.parametrize(
    "command",
    [
        ["strip"],
        ["strip", "--check"],
        ["strip", "--keep-count"],
        ["convert"],
        ["check"],
        ["sync"],
        ["run", "--notebook"],
    ],
    ids=" ".join,
)
def test_commands_reading_a_bad_notebook_exit_2_with_one_line(
    tmp_path: Path, command: list[str], kind: str
):
    data, says = BAD[kind]
    path = tmp_path / "analysis.ipynb"
    path.write_bytes(data)
    done = _run([KEDRO_NB, *command, path.name], tmp_path)
    assert done.returncode == 2, done.stderr
    line = _one_error_line(done, says)
    assert "analysis.ipynb" in line
    assert path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analysis.ipynb"]


@pytest.mark.parametrize("kind", sorted(BAD))
def test_stdin_filter_writes_nothing_and_exits_2(tmp_path: Path, kind: str):
    data, says = BAD[kind]
    done = _run([KEDRO_NB, "strip", "--stdin"], tmp_path, stdin=data)
    assert done.returncode == 2
    assert done.stdout == b""
    assert _one_error_line(done, says).startswith("kedro-nb strip: <stdin>")


@pytest.mark.parametrize("kind", sorted(BAD))
def test_textconv_shows_a_bad_notebook_unchanged_with_a_warning(tmp_path: Path, kind: str):
    data, says = BAD[kind]
    path = tmp_path / "analysis.ipynb"
    path.write_bytes(data)
    done = _run([KEDRO_NB, "strip", "--textconv", path.name], tmp_path)
    assert done.returncode == 0  # git stops the whole diff when a textconv fails
    assert done.stdout == data
    assert _one_error_line(done, says).startswith("kedro-nb strip: warning: analysis.ipynb")
    assert path.read_bytes() == data


def test_textconv_of_a_missing_file_is_exit_2(tmp_path: Path):
    done = _run([KEDRO_NB, "strip", "--textconv", "gone.ipynb"], tmp_path)
    assert done.returncode == 2
    _one_error_line(done, "no such file")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    os.environ.update(GIT_CONFIG_NOSYSTEM="1")
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com"]
    for args in (["init", "-q", "-b", "main"],):
        subprocess.run([*git, *args], cwd=root, check=True, env={**os.environ, "HOME": str(home)})
    done = _run([KEDRO_NB, "strip", "--install"], root)
    assert done.returncode == 0, done.stderr
    (root / "analysis.ipynb").write_bytes(_DATA)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "first"], cwd=root, check=True)
    return root


@pytest.mark.parametrize("process", [True, False], ids=["filter-process", "clean-per-file"])
@pytest.mark.parametrize("kind", ["truncated", "conflict", "no-nbformat"])
def test_git_add_refuses_a_broken_notebook_with_one_line(repo: Path, process: bool, kind: str):
    data, says = BAD[kind]
    (repo / "analysis.ipynb").write_bytes(data)
    if not process:  # git before 2.11, or a set-up without the process key: one run per file
        subprocess.run(
            ["git", "config", "--unset", "filter.kedro-nb.process"], cwd=repo, check=True
        )
    done = _run(["git", "add", "analysis.ipynb"], repo)
    assert done.returncode != 0
    err = done.stderr.decode()
    assert "Traceback" not in err
    ours = [line for line in err.splitlines() if line.startswith("kedro-nb strip:")]
    assert len(ours) == 1 and says in ours[0], err
    # the filter process is told the path; a per-file clean reads stdin, and git names the file
    assert "analysis.ipynb" in (ours[0] if process else err)
    assert _run(["git", "diff", "--cached", "--name-only"], repo).stdout == b""
    assert (repo / "analysis.ipynb").read_bytes() == data


def test_git_diff_of_a_broken_notebook_shows_it_when_the_filter_is_not_required(repo: Path):
    """The documented way to look at a broken notebook's diff: git then skips the failed clean,
    and the textconv shows the raw text."""
    data, _ = BAD["conflict"]
    (repo / "analysis.ipynb").write_bytes(data)
    done = _run(["git", "-c", "filter.kedro-nb.required=false", "diff"], repo)
    assert done.returncode == 0, done.stderr
    assert b"+<<<<<<< HEAD" in done.stdout


@pytest.mark.parametrize("kind", sorted(BAD))
@pytest.mark.parametrize(
    ("magic", "line"),
    [("run_pipeline", "--notebook analysis.ipynb"), ("strip", "analysis.ipynb")],
    ids=["run_pipeline", "strip"],
)
def test_magics_reading_a_bad_notebook_raise_one_usage_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, magic: str, line: str
):
    """The magics read through the same reader: a ``UsageError`` (IPython shows no traceback)
    whose one line is the reader's, and the file left as it was."""
    from IPython.core.error import UsageError
    from IPython.core.interactiveshell import InteractiveShell

    data, says = BAD[kind]
    path = tmp_path / "analysis.ipynb"
    path.write_bytes(data)
    monkeypatch.chdir(tmp_path)
    shell = InteractiveShell.instance()
    try:
        shell.run_line_magic("load_ext", "kedro_nb")
        with pytest.raises(UsageError) as caught:
            shell.run_line_magic(magic, line)
    finally:
        shell.run_line_magic("unload_ext", "kedro_nb")
        InteractiveShell.clear_instance()
    message = str(caught.value)
    assert "\n" not in message and says in message and "analysis.ipynb" in message
    assert path.read_bytes() == data
