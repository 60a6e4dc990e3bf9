"""The git filter with the real ``git``: set-up, committed blobs without outputs, diffs, removal."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kedro_nb.cli.strip import main
from kedro_nb.strip import GitError
from kedro_nb.strip._git import (
    ATTRIBUTES_LINE,
    CLEAN_KEY,
    PROCESS_KEY,
    REQUIRED_KEY,
    SMUDGE_KEY,
    TEXTCONV_KEY,
    install,
    status,
    uninstall,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh git repository, isolated from the user's and system git config."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Tester")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "tester@example.com")
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    monkeypatch.chdir(root)
    return root


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def test_install_writes_config_and_attributes_and_is_idempotent(repo: Path, kedro_nb: str):
    state = install(cwd=repo)
    assert state.installed
    config = (repo / ".git" / "config").read_text()
    assert '[filter "kedro-nb"]' in config and '[diff "ipynb"]' in config
    assert git(repo, "config", CLEAN_KEY).strip() == f"{kedro_nb} strip --stdin"
    assert git(repo, "config", SMUDGE_KEY).strip() == "cat"
    assert git(repo, "config", REQUIRED_KEY).strip() == "true"
    assert git(repo, "config", TEXTCONV_KEY).strip() == f"{kedro_nb} strip --textconv"
    install(cwd=repo)
    assert (repo / ".gitattributes").read_text() == ATTRIBUTES_LINE + "\n"
    assert "filter: kedro-nb" in git(repo, "check-attr", "filter", "--", "a.ipynb")


def test_committed_blob_has_no_outputs_working_copy_keeps_them(repo: Path):
    install(cwd=repo)
    notebook = repo / "analysis.ipynb"
    shutil.copyfile(FIXTURES / "outputs_and_counts.ipynb", notebook)
    git(repo, "add", ".gitattributes", "analysis.ipynb")
    git(repo, "commit", "-q", "-m", "add notebook")
    blob = subprocess.run(
        ["git", "show", "HEAD:analysis.ipynb"], cwd=repo, capture_output=True, check=True
    ).stdout
    assert blob == (FIXTURES / "outputs_and_counts.expected").read_bytes()
    assert notebook.read_bytes() == (FIXTURES / "outputs_and_counts.ipynb").read_bytes()
    assert git(repo, "status", "--porcelain") == ""

    # a re-run changes outputs and counts only: git sees no change at all
    text = notebook.read_text(encoding="utf-8")
    notebook.write_text(
        text.replace('"execution_count": 2', '"execution_count": 12'), encoding="utf-8"
    )
    assert git(repo, "diff", "--stat") == ""

    # a source edit shows as exactly that source line, nothing about outputs
    notebook.write_text(text.replace("6 * 7", "6 * 9"), encoding="utf-8")
    diff = git(repo, "diff", "-U0")
    changed = [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == ['-    "6 * 7"', '+    "6 * 9"']


def test_required_filter_refuses_to_stage_a_broken_notebook(repo: Path):
    install(cwd=repo)
    (repo / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    done = subprocess.run(["git", "add", "broken.ipynb"], cwd=repo, capture_output=True, text=True)
    assert done.returncode != 0
    assert "not valid JSON" in done.stderr
    assert git(repo, "diff", "--cached", "--name-only") == ""


def test_install_bakes_options_into_the_filter_command(repo: Path, capsys):
    assert main(["--install", "--keep-count", "--extra-keys", "metadata.toc"]) == 0
    assert (
        git(repo, "config", CLEAN_KEY)
        .strip()
        .endswith("strip --keep-count --extra-keys metadata.toc --stdin")
    )
    assert "installed the kedro-nb git filter (local)" in capsys.readouterr().out


def test_uninstall_removes_only_what_install_added(repo: Path):
    (repo / ".gitattributes").write_text("*.csv text\n", encoding="utf-8")
    git(repo, "config", "diff.ipynb.cachetextconv", "true")
    install(cwd=repo)
    state = uninstall(cwd=repo)
    assert not state.installed and all(value is None for value in state.config.values())
    assert (repo / ".gitattributes").read_text() == "*.csv text\n"
    assert git(repo, "config", "diff.ipynb.cachetextconv").strip() == "true"
    assert "kedro-nb" not in (repo / ".git" / "config").read_text()
    (repo / ".gitattributes").unlink()
    install(cwd=repo)
    uninstall(cwd=repo)
    assert not (repo / ".gitattributes").exists()
    uninstall(cwd=repo)  # nothing left to remove is fine


def test_custom_attributes_file(repo: Path):
    install(cwd=repo, attributes=".git/info/attributes")
    assert ATTRIBUTES_LINE in (repo / ".git" / "info" / "attributes").read_text()
    assert not (repo / ".gitattributes").exists()
    assert status(cwd=repo, attributes=".git/info/attributes").installed
    assert not status(cwd=repo).installed


def test_global_install_uses_global_config_and_attributes(repo: Path):
    home = Path(os.environ["HOME"])
    assert main(["--install", "--global"]) == 0
    assert "strip --stdin" in (home / ".gitconfig").read_text()
    assert (home / ".config" / "git" / "attributes").read_text() == ATTRIBUTES_LINE + "\n"
    assert main(["--status", "--global"]) == 0
    assert main(["--uninstall", "--global"]) == 0
    assert main(["--status", "--global"]) == 1


def test_status_reports(repo: Path, capsys):
    assert main(["--status"]) == 1
    assert "not installed" in capsys.readouterr().out
    main(["--install"])
    capsys.readouterr()
    assert main(["--status"]) == 0
    out = capsys.readouterr().out
    assert "installed" in out and f"{SMUDGE_KEY} = cat" in out and "present" in out


def test_outside_a_repository_is_a_clear_error(tmp_path: Path, monkeypatch, capsys):
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(outside)
    with pytest.raises(GitError, match="not inside a git repository"):
        install(cwd=outside)
    assert main(["--install"]) == 2
    assert "git init" in capsys.readouterr().err


def test_one_filter_process_cleans_every_notebook(repo: Path, monkeypatch):
    """git starts `strip --filter-process` once for all notebooks (long-running filter protocol)."""
    install(cwd=repo)
    assert git(repo, "config", PROCESS_KEY).strip().endswith("strip --filter-process")
    names = ["a.ipynb", "b.ipynb", "c.ipynb"]
    for name in names:
        shutil.copyfile(FIXTURES / "outputs_and_counts.ipynb", repo / name)
    trace = repo.parent / "trace.txt"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    git(repo, "add", *names)
    monkeypatch.delenv("GIT_TRACE")
    started = [line for line in trace.read_text().splitlines() if "--filter-process" in line]
    assert len(started) == 1, started
    assert not any("strip --stdin" in line for line in trace.read_text().splitlines())
    git(repo, "commit", "-q", "-m", "three notebooks")
    expected = (FIXTURES / "outputs_and_counts.expected").read_bytes()
    for name in names:
        blob = subprocess.run(
            ["git", "show", f"HEAD:{name}"], cwd=repo, capture_output=True, check=True
        ).stdout
        assert blob == expected
    # checkout goes through the same process (smudge passes content through)
    (repo / "a.ipynb").unlink()
    git(repo, "checkout", "--", "a.ipynb")
    assert (repo / "a.ipynb").read_bytes() == expected


def test_filter_process_refuses_a_broken_notebook_and_keeps_serving(repo: Path):
    install(cwd=repo)
    shutil.copyfile(FIXTURES / "keep_output.ipynb", repo / "good.ipynb")
    (repo / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    done = subprocess.run(
        ["git", "add", "good.ipynb", "broken.ipynb"], cwd=repo, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "broken.ipynb:1:12: not valid JSON" in done.stderr
    git(repo, "add", "good.ipynb")
    assert git(repo, "diff", "--cached", "--name-only").split() == ["good.ipynb"]


def test_filter_process_cut_off_during_the_handshake_says_so_in_one_line() -> None:
    """git (or anything) closing the pipe after its greeting, before naming the capabilities it
    wants: one line naming the protocol problem, exit code 2, no traceback."""
    import sys

    def pkt(line: bytes) -> bytes:
        return b"%04x" % (len(line) + 5) + line + b"\n"

    greeting = pkt(b"git-filter-client") + pkt(b"version=2") + b"0000"
    done = subprocess.run(
        [sys.executable, "-m", "kedro_nb", "strip", "--filter-process"],
        input=greeting,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    message = done.stderr.decode()
    assert "git closed the pipe before naming the capabilities" in message
    assert "Traceback" not in message and len(message.strip().splitlines()) == 1
