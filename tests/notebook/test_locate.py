"""Finding the notebook a kernel runs, from what Jupyter and VS Code tell it."""

from __future__ import annotations

from pathlib import Path

from kedro_nb.notebook.locate import notebook_path, start_dir


def _notebook(folder: Path, name: str = "analysis.ipynb") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    return path


def test_jupyter_session_name_absolute(tmp_path: Path) -> None:
    path = _notebook(tmp_path / "project" / "notebooks")
    environ = {"JPY_SESSION_NAME": str(path)}
    assert notebook_path({}, environ, cwd=tmp_path) == path.resolve()
    assert start_dir({}, environ, cwd=tmp_path) == path.parent.resolve()


def test_jupyter_session_name_relative_to_the_kernel_folder(tmp_path: Path) -> None:
    path = _notebook(tmp_path / "nb")
    environ = {"JPY_SESSION_NAME": "some/server/root/nb/analysis.ipynb"}
    assert notebook_path({}, environ, cwd=path.parent) == path.resolve()


def test_vscode_variable_wins(tmp_path: Path) -> None:
    jupyter, vscode = _notebook(tmp_path / "a"), _notebook(tmp_path / "b")
    found = notebook_path(
        {"__vsc_ipynb_file__": str(vscode)}, {"JPY_SESSION_NAME": str(jupyter)}, cwd=tmp_path
    )
    assert found == vscode.resolve()


def test_no_notebook_falls_back_to_the_working_directory(tmp_path: Path) -> None:
    environ = {"JPY_SESSION_NAME": "Untitled-1a2b3c"}  # a session id, not a file
    assert notebook_path({}, environ, cwd=tmp_path) is None
    assert start_dir({}, environ, cwd=tmp_path) == tmp_path.resolve()
    assert notebook_path({"__vsc_ipynb_file__": 3}, {}, cwd=tmp_path) is None
