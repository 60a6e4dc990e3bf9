"""Finding project roots and reading pyproject metadata."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kedro_nb.project import ProjectMetadataError, find_project_root, read_metadata


def test_root_found_from_a_nested_folder(spaceflights: Path) -> None:
    nested = spaceflights / "src" / "spaceflights" / "pipelines"
    assert find_project_root(nested) == spaceflights
    assert find_project_root(spaceflights / "conf" / "base" / "catalog.yml") == spaceflights


def test_no_root_outside_projects(tmp_path: Path, write) -> None:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'other'\n")
    assert find_project_root(tmp_path) is None


def test_kedro_metadata(spaceflights: Path) -> None:
    meta = read_metadata(spaceflights)
    assert (meta.package_name, meta.flavour) == ("spaceflights", "kedro")
    assert meta.source_dir == spaceflights / "src"
    assert meta.conf_source == spaceflights / "conf"


def test_kedro_nb_metadata_guesses_the_package(mini: Path) -> None:
    (mini / "pyproject.toml").write_text("[tool.kedro_nb]\n")
    meta = read_metadata(mini)
    assert (meta.package_name, meta.flavour) == ("mini", "kedro_nb")


def test_project_without_code_has_no_package(tmp_path: Path, write) -> None:
    write(tmp_path, "pyproject.toml", "[tool.kedro_nb]\nconf_source = 'settings'\n")
    meta = read_metadata(tmp_path)
    assert meta.package_name is None
    assert meta.conf_source == tmp_path / "settings"


def test_missing_package_is_named(spaceflights: Path) -> None:
    text = (
        (spaceflights / "pyproject.toml")
        .read_text()
        .replace('"spaceflights"\nproject', '"rockets"\nproject')
    )
    (spaceflights / "pyproject.toml").write_text(text)
    with pytest.raises(ProjectMetadataError, match="rockets"):
        read_metadata(spaceflights)


def test_malformed_pyproject_is_reported(tmp_path: Path, write) -> None:
    write(tmp_path, "pyproject.toml", "[tool.kedro_nb\npackage_name = 'x'\n")
    with pytest.raises(ProjectMetadataError, match="line 1"):
        find_project_root(tmp_path)


def test_not_a_project(tmp_path: Path, write) -> None:
    with pytest.raises(ProjectMetadataError, match=r"\[tool.kedro_nb\]"):
        read_metadata(tmp_path)


def test_pyproject_values_kept_in_the_project_cache_follow_every_edit(tmp_path: Path) -> None:
    """With a .kedro_nb folder, pyproject.toml's tables are kept in the project's cache by the
    file's exact bytes: a later start reads them without the TOML parser, and an edit is read."""
    from kedro_nb.config.parsed_cache import CACHE_FILE

    (tmp_path / ".kedro_nb").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.kedro_nb]\n")
    assert read_metadata(tmp_path).incremental is False
    assert (
        str(tmp_path / "pyproject.toml").encode()
        in (tmp_path / ".kedro_nb" / CACHE_FILE).read_bytes()
    )
    code = (
        "import sys\n"
        "from kedro_nb.project.discovery import read_metadata\n"
        f"meta = read_metadata({str(tmp_path)!r})\n"
        "print(meta.incremental, bool({'tomllib', 'tomli'} & set(sys.modules)))\n"
    )
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert again.stdout.split() == ["False", "False"], again.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.kedro_nb.runner]\nincremental = true\n")
    edited = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert edited.stdout.split() == ["True", "True"], edited.stderr
