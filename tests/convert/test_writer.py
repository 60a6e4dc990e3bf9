"""The multi-file writer: all files or none."""

from __future__ import annotations

import pytest

from kedro_nb.convert.errors import WriteError
from kedro_nb.convert.writer import write_files


def test_writes_all_and_reports_only_changed_files(tmp_path):
    a, b = tmp_path / "pkg" / "a.py", tmp_path / "pkg" / "deep" / "b.py"
    assert write_files({a: "A\n", b: "B\n"}) == [a, b]
    assert (a.read_text(), b.read_text()) == ("A\n", "B\n")
    assert write_files({a: "A\n", b: "B2\n"}) == [b]
    assert sorted(p.name for p in (tmp_path / "pkg").iterdir()) == ["a.py", "deep"]


def test_failure_while_replacing_restores_every_file(tmp_path):
    first, blocker = tmp_path / "first.py", tmp_path / "zz_dir"
    first.write_text("old\n")
    blocker.mkdir()
    (blocker / "keep").write_text("x")
    with pytest.raises(WriteError, match="restored"):
        write_files({first: "new\n", blocker: "cannot replace a folder\n"})
    assert first.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.py", "zz_dir"]


def test_failure_while_staging_writes_nothing(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    target = tmp_path / "new.py"
    with pytest.raises(WriteError, match="Nothing was written"):
        write_files({target: "x\n", tmp_path / "file" / "inside.py": "y\n"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
