"""Fingerprints of code, parameters and data: what changes them and what does not.

Code lives in real modules written to a temporary folder and imported, as a project's nodes do.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kedro_nb.io.datasets.json import JSONDataset
from kedro_nb.io.datasets.partitions import PartitionedDataset
from kedro_nb.io.fingerprint import FileHashCache, data_fingerprint, file_digest
from kedro_nb.io.versioning import Version
from kedro_nb.pipeline import node
from kedro_nb.runner.fingerprint import code_fingerprint, params_fingerprint


@pytest.fixture
def module(tmp_path: Path) -> Iterator[Any]:
    """``module(source)``: the module ``nodes_under_test`` with that source, freshly imported
    (with a helper module ``helpers_under_test`` it may import)."""
    sys.path.insert(0, str(tmp_path))

    def load(source: str, helpers: str = "def tidy(x):\n    return x\n") -> Any:
        for name, text in (("helpers_under_test", helpers), ("nodes_under_test", source)):
            (tmp_path / f"{name}.py").write_text(textwrap.dedent(text))
            sys.modules.pop(name, None)
        importlib.invalidate_caches()
        return importlib.import_module("nodes_under_test")

    yield load
    sys.path.remove(str(tmp_path))
    for name in ("helpers_under_test", "nodes_under_test"):
        sys.modules.pop(name, None)


def fingerprint(func: Any, **kwargs: Any) -> dict[str, str]:
    return code_fingerprint(node(func, "x", "y", **kwargs))


BASE = '''
from helpers_under_test import tidy

LIMIT = 3

def _clean(x):
    return tidy(x)[:LIMIT]

def step(x):
    """Docstring."""
    return _clean(x)  # a comment
'''


def test_comments_docstrings_and_layout_do_not_count(module: Any) -> None:
    before = fingerprint(module(BASE).step)
    reformatted = BASE.replace('    """Docstring."""\n', "").replace("  # a comment", "")
    reformatted = reformatted.replace("def step(x):", "\n\ndef step(x):  # moved down")
    assert fingerprint(module(reformatted).step) == before


def test_helpers_constants_and_imported_helpers_count_transitively(module: Any) -> None:
    before = fingerprint(module(BASE).step)
    assert set(before) == {
        "function",
        "helper `_clean`",
        "global `LIMIT`",
        "helper `tidy`",
    }
    edited = fingerprint(module(BASE, helpers="def tidy(x):\n    return x.strip()\n").step)
    assert [k for k in before if before[k] != edited[k]] == ["helper `tidy`"]
    limit = fingerprint(module(BASE.replace("LIMIT = 3", "LIMIT = 4")).step)
    assert [k for k in before if before[k] != limit[k]] == ["global `LIMIT`"]


def test_closures_and_partial_arguments_count() -> None:
    def make(threshold: Any) -> Any:
        def above(x: Any) -> Any:
            return x > threshold

        return above

    def scale(x: Any, factor: Any) -> Any:
        return x * factor

    assert fingerprint(make(1)) != fingerprint(make(2))
    assert fingerprint(make(1)) == fingerprint(make(1))
    assert fingerprint(make(1)) != fingerprint(make("1"))
    assert fingerprint(functools.partial(scale, factor=2)) != fingerprint(
        functools.partial(scale, factor=3)
    )
    assert "partial `factor`" in fingerprint(functools.partial(scale, factor=2))


def test_a_code_version_tag_overrides_the_code(module: Any) -> None:
    pinned = fingerprint(module(BASE).step, tags=["code_version-7"])
    assert pinned == {"code_version": "7"}
    changed = module(BASE.replace("[:LIMIT]", "[LIMIT:]")).step
    assert fingerprint(changed, tags=["code_version-7"]) == pinned


def test_parameters_count_only_the_consumed_leaves_by_type_not_key_order() -> None:
    values = {
        "params:model": {"test_size": 0.2, "seed": 1},
        "params:other": {"a": 1},
    }
    prints = params_fingerprint(["params:model", "data"], values.__getitem__)
    assert set(prints) == {"model.test_size", "model.seed"}
    reordered = {"params:model": {"seed": 1, "test_size": 0.2}}
    assert params_fingerprint(["params:model"], reordered.__getitem__) == prints
    as_text = {"params:model": {"seed": "1", "test_size": 0.2}}
    text_prints = params_fingerprint(["params:model"], as_text.__getitem__)
    assert text_prints["model.seed"] != prints["model.seed"]
    assert text_prints["model.test_size"] == prints["model.test_size"]


def test_a_local_file_is_hashed_once_per_change(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text('{"a": 1}')
    cache = FileHashCache()
    first = file_digest(str(path), cache)
    assert first is not None and first.startswith("blake2b:")
    # same bytes rewritten: new mtime, a new read, the same digest
    stat = path.stat()
    path.write_text('{"a": 1}')
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert file_digest(str(path), cache) == first
    assert len(cache) == 2
    # the cache key is the stat: bytes changed behind an unchanged stat are not re-read
    stat = path.stat()
    path.write_text('{"a": 2}')
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    if path.stat().st_ino == stat.st_ino:
        assert file_digest(str(path), cache) == first
    # a real edit changes size or mtime, and the digest
    path.write_text('{"a": 22}')
    assert file_digest(str(path), cache) != first


def test_datasets_folders_and_versions(tmp_path: Path) -> None:
    plain = JSONDataset(filepath=str(tmp_path / "plain.json"))
    assert data_fingerprint(plain) is None  # nothing saved yet
    plain.save({"a": 1})
    saved = data_fingerprint(plain)
    assert saved is not None and saved.startswith("blake2b:")

    def versioned(save: str) -> JSONDataset:
        return JSONDataset(filepath=str(tmp_path / "model.json"), version=Version(None, save))

    versioned("2026-01-01T00.00.00.000Z").save({"w": 1})
    first = data_fingerprint(versioned("2026-01-01T00.00.00.001Z"))
    assert first == "version:2026-01-01T00.00.00.000Z"
    versioned("2026-01-01T00.00.00.001Z").save({"w": 1})
    assert data_fingerprint(versioned("x")) == "version:2026-01-01T00.00.00.001Z"  # same bytes

    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "a.json").write_text("1")
    parts = PartitionedDataset(path=str(folder), dataset="json.JSONDataset")
    listed = data_fingerprint(parts)
    assert listed is not None and listed.startswith("listing:")
    (folder / "b.json").write_text("2")
    assert data_fingerprint(parts) != listed
