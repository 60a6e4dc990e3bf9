"""The configuration cache answers exactly what reading the file answers, sees every edit, and
never keeps credentials.

Each "fresh process" below is a new :class:`ParsedCache` on the same folder (what the next kernel
start builds); one test starts real processes to show a second load reads no YAML at all.
"""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from config_helpers import PROJECT_ARGS, write
from test_plain_path import SCALARS

from kedro_nb.config import ConfigLoader
from kedro_nb.config.parsed_cache import CACHE_FILE, ParsedCache
from kedro_nb.config.plain import read_plain

DOCUMENTS = [
    SCALARS,
    "",
    "# only a comment\n",
    "a: 1\r\nb: 'two'\r\nc: |\r\n  x\r\n  y\r\n",  # Windows line ends, in a block scalar too
    "a: 1\rb: 2\r",  # old Mac line ends
    "\ufeffa: 1\n",  # a byte-order mark
    '{"j": [1, {"k": null}], "f": 1.0, "i": 1, "t": true}',
    "a: &anchor {x: 1}\nb: *anchor\n",  # not plain: declined both ways
    "a: '${oc.env:HOME}'\n",  # not plain: declined both ways
    "a: [unclosed\n",  # malformed: declined both ways
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_a_cached_file_reads_as_the_file_does(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "conf/parameters.yml", text)
    (tmp_path / "state").mkdir()
    expected = read_plain(path)
    written = read_plain(path, ParsedCache(tmp_path / "state"))  # a miss: read and kept
    again = read_plain(path, ParsedCache(tmp_path / "state"))  # the next process: a hit
    assert repr(written) == repr(expected)
    assert repr(again) == repr(expected)
    assert (tmp_path / "state" / CACHE_FILE).exists() == (expected is not None)


def test_an_edit_is_seen_whatever_the_file_times_say(tmp_path: Path) -> None:
    path = write(tmp_path, "conf/parameters.yml", "rate: 1\n")
    (tmp_path / "state").mkdir()
    assert read_plain(path, ParsedCache(tmp_path / "state")) == {"rate": 1}
    times = os.stat(path)
    path.write_text("rate: 2\n")  # same size, and the same times put back below
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert read_plain(path, ParsedCache(tmp_path / "state")) == {"rate": 2}
    assert read_plain(path, ParsedCache(tmp_path / "state")) == {"rate": 2}


def test_what_a_caller_changes_does_not_change_the_cache(tmp_path: Path) -> None:
    path = write(tmp_path, "conf/parameters.yml", "model: {layers: [1, 2]}\n")
    (tmp_path / "state").mkdir()
    cache = ParsedCache(tmp_path / "state")
    read_plain(path, cache)["model"]["layers"].append(3)
    assert read_plain(path, cache) == {"model": {"layers": [1, 2]}}


@pytest.mark.parametrize("damage", [b"", b"not marshal at all", b"\xe9" * 40])
def test_a_damaged_cache_is_ignored_and_rewritten(tmp_path: Path, damage: bytes) -> None:
    path = write(tmp_path, "conf/parameters.yml", "a: 1\n")
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / CACHE_FILE).write_bytes(damage)
    assert read_plain(path, ParsedCache(tmp_path / "state")) == {"a": 1}
    assert (tmp_path / "state" / CACHE_FILE).read_bytes() != damage
    assert read_plain(path, ParsedCache(tmp_path / "state")) == {"a": 1}


def test_a_cache_folder_that_cannot_be_written_only_costs_the_parse(tmp_path: Path) -> None:
    path = write(tmp_path, "conf/parameters.yml", "a: 1\n")
    missing = tmp_path / "no" / "such" / "folder"
    assert read_plain(path, ParsedCache(missing)) == {"a": 1}
    assert not missing.exists()


def test_credentials_are_never_kept(tmp_path: Path) -> None:
    secret = "FAKE-SECRET-cache-7d2e"
    write(tmp_path, "conf/base/parameters.yml", "a: 1\n")
    write(tmp_path, "conf/base/catalog.yml", "x: {type: MemoryDataset}\n")
    write(tmp_path, "conf/local/credentials.yml", f"db: {{token: {secret}}}\n")
    # a custom pattern that also reads a credentials file under another key
    write(tmp_path, "conf/local/credentials_extra.yml", f"other: {{token: {secret}}}\n")
    (tmp_path / "state").mkdir()
    loader = ConfigLoader(
        tmp_path / "conf",
        config_patterns={"extra": ["credentials_extra*"]},
        **PROJECT_ARGS,
    )
    loader.parsed_cache = ParsedCache(tmp_path / "state")
    assert loader["credentials"] == {"db": {"token": secret}, "other": {"token": secret}}
    assert loader["extra"] == {"other": {"token": secret}}
    assert (loader["parameters"], loader["catalog"]) == ({"a": 1}, {"x": {"type": "MemoryDataset"}})
    kept = (tmp_path / "state" / CACHE_FILE).read_bytes()
    assert secret.encode() not in kept
    _, entries = marshal.loads(kept)
    assert sorted(Path(name).name for name in entries) == ["catalog.yml", "parameters.yml"]


_SECOND_LOAD = """
import sys
from kedro_nb.project import KedroNbSession
session = KedroNbSession.create(sys.argv[1])
print(repr((session.params, session.config_loader["catalog"])))
print("yaml" in sys.modules)
"""


def test_the_next_process_reads_the_project_without_yaml(tmp_path: Path) -> None:
    project = Path(__file__).parents[2] / "example_notebooks" / "spaceflights"
    copy = tmp_path / "spaceflights"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".kedro_nb", "__pycache__"))

    def load() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", _SECOND_LOAD, str(copy)],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip().splitlines()[-2:]

    first_values, first_yaml = load()
    second_values, second_yaml = load()
    assert (first_yaml, second_yaml) == ("True", "False")
    assert second_values == first_values
    assert (copy / ".kedro_nb" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_notebook_folder_gets_no_kedro_nb_folder_from_a_load(tmp_path: Path) -> None:
    write(tmp_path, "parameters.yml", "a: 1\n")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kedro_nb.project import KedroNbSession as S; print(S.create().params)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "{'a': 1}"
    assert not (tmp_path / ".kedro_nb").exists()
