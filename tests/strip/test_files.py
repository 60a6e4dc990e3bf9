"""strip_file and strip_bytes on real files: layout, line endings, mtime, mode, safe errors."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import nbformat
import pytest

from kedro_nb.strip import (
    InvalidJSONError,
    NotANotebookError,
    NotebookChangedError,
    NotebookEncodingError,
    NotebookNotFoundError,
    NotebookReadError,
    NotebookReadOnlyError,
    NotebookValidationError,
    NotebookVanishedError,
    NotebookWriteError,
    UnsupportedFormatError,
    strip_bytes,
    strip_file,
    strip_notebook,
)
from kedro_nb.strip._files import _read, write_atomic


def test_strip_file_writes_what_nbformat_would_write(notebook_file: Path):
    original = notebook_file.read_bytes()
    assert strip_file(notebook_file) is True
    data = notebook_file.read_bytes()
    expected = (
        nbformat.writes(nbformat.from_dict(strip_notebook(nbformat.reads(original, 4)))) + "\n"
    )
    assert data == expected.encode("utf-8")
    assert "héllo wörld ✓" in data.decode("utf-8")  # non-ASCII written as is, not \\u escaped


def test_clean_file_is_not_touched(notebook_file: Path):
    strip_file(notebook_file)
    os.utime(notebook_file, ns=(1_000_000_000, 1_000_000_000))
    inode = notebook_file.stat().st_ino
    assert strip_file(notebook_file) is False
    assert notebook_file.stat().st_mtime_ns == 1_000_000_000
    assert notebook_file.stat().st_ino == inode


def test_mode_is_kept_and_no_temp_file_left(notebook_file: Path):
    notebook_file.chmod(0o640)
    strip_file(notebook_file)
    assert stat.S_IMODE(notebook_file.stat().st_mode) == 0o640
    assert sorted(p.name for p in notebook_file.parent.iterdir()) == ["analysis.ipynb"]


def test_crlf_and_bom_survive(notebook_file: Path):
    raw = b"\xef\xbb\xbf" + notebook_file.read_bytes().replace(b"\n", b"\r\n")
    notebook_file.write_bytes(raw)
    strip_file(notebook_file)
    data = notebook_file.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf{\r\n") and data.count(b"\n") == data.count(b"\r\n")
    assert strip_bytes(data) is data


def test_symlink_target_is_stripped_link_kept(notebook_file: Path):
    link = notebook_file.parent / "link.ipynb"
    link.symlink_to(notebook_file.name)
    assert strip_file(link) is True
    assert link.is_symlink() and b'"outputs": []' in notebook_file.read_bytes()


def test_minor_version_and_missing_ids_are_preserved(tmp_path: Path):
    path = tmp_path / "old.ipynb"
    path.write_text(
        '{"cells": [{"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],'
        ' "source": "x"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}',
        encoding="utf-8",
    )
    strip_file(path)
    nb = nbformat.reads(path.read_text(encoding="utf-8"), nbformat.NO_CONVERT)
    assert nb.nbformat_minor == 2 and "id" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b'{\n "cells": [\n  {,\n', InvalidJSONError, r"bad\.ipynb:3:4: not valid JSON"),
        (b'{"a": "\xff"}', InvalidJSONError, r"bad\.ipynb:1:8: not valid JSON \(not UTF-8"),
        (b"", InvalidJSONError, r"bad\.ipynb:1:1"),
        (b'{"cells": []}', NotANotebookError, r"bad\.ipynb: not a Jupyter notebook"),
        (b'{"nbformat": 3, "worksheets": []}', UnsupportedFormatError, "--nbformat 4"),
        (
            b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {"a": "\\ud800"}, "cells": []}',
            NotebookEncodingError,
            "lone surrogate",
        ),
    ],
)
def test_bad_input_is_a_specific_error_and_the_file_is_untouched(tmp_path, content, error, message):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(error, match=message):
        strip_file(path)
    assert path.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir()] == ["bad.ipynb"]


def test_missing_file_and_directory(tmp_path: Path):
    with pytest.raises(NotebookNotFoundError, match="no such file"):
        strip_file(tmp_path / "gone.ipynb")
    with pytest.raises(NotebookReadError, match="is a directory"):
        strip_file(tmp_path)


def test_read_only_file_is_refused_and_unchanged(notebook_file: Path):
    before = notebook_file.read_bytes()
    notebook_file.chmod(0o444)
    with pytest.raises(NotebookReadOnlyError, match="read-only"):
        strip_file(notebook_file)
    assert notebook_file.read_bytes() == before


def test_file_vanishing_before_the_write_is_not_recreated(notebook_file: Path):
    _, before = _read(str(notebook_file))
    notebook_file.unlink()
    with pytest.raises(NotebookVanishedError, match="vanished"):
        write_atomic(str(notebook_file), b"{}", before=before)
    assert not notebook_file.exists()


def test_file_edited_meanwhile_is_not_overwritten(notebook_file: Path):
    data, before = _read(str(notebook_file))
    notebook_file.write_bytes(data + b" ")
    with pytest.raises(NotebookChangedError, match="changed while"):
        write_atomic(str(notebook_file), b"{}", before=before)
    assert notebook_file.read_bytes() == data + b" "


def test_unwritable_folder_fails_cleanly(notebook_file: Path):
    """A folder we cannot create the temporary file in (root ignores modes: make it immutable)."""
    before = notebook_file.read_bytes()
    folder = notebook_file.parent
    lock = ["chattr", "+i", str(folder)] if os.geteuid() == 0 else None
    if lock:
        subprocess.run(lock, check=True)
    else:
        folder.chmod(0o555)
    try:
        with pytest.raises(NotebookWriteError, match="cannot write the stripped notebook"):
            strip_file(notebook_file)
    finally:
        if lock:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        else:
            folder.chmod(0o755)
    assert notebook_file.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["analysis.ipynb"]


def test_long_file_name_is_stripped(tmp_path: Path, notebook_file: Path):
    long_name = tmp_path / ("n" * 245 + ".ipynb")
    notebook_file.rename(long_name)
    assert strip_file(long_name) is True


def test_validate_flags_an_invalid_notebook(tmp_path: Path):
    path = tmp_path / "bad.ipynb"
    content = (
        b'{"cells": [{"cell_type": "nonsense", "id": "a", "metadata": {}, "source": []}],'
        b' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    path.write_bytes(content)
    with pytest.raises(NotebookValidationError, match="not a valid notebook"):
        strip_file(path, validate=True)
    assert path.read_bytes() == content
    assert strip_file(path) is True  # without validation the layout is still fixed


def test_numbers_survive_the_orjson_fast_path():
    """orjson (used for big files, or once imported) rounds integers beyond 64 bits to floats."""
    import orjson  # noqa: F401  - from now on strip_bytes parses with orjson first

    nb = {
        "cells": [],
        "metadata": {"big": 2**70, "neg": -(2**63) - 1, "small": 1e-05, "nan": float("nan")},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    raw = json.dumps(nb).encode()
    expected = json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False, separators=(",", ": "))
    assert strip_bytes(raw).decode() == expected + "\n"
    del nb["metadata"]["nan"]  # orjson rejects NaN outright; without it orjson parses the file
    assert '"big": 1180591620717411303424' in strip_bytes(json.dumps(nb).encode()).decode()


def test_outputs_cut_unparsed_keep_errors_positions_and_kept_outputs(notebook_file: Path):
    """Jupyter-layout outputs are cut out unparsed; errors still point into the file as it is."""
    text = notebook_file.read_text(encoding="utf-8")
    broken = text.replace('"cell_type": "raw"', '"cell_type" "raw"')
    notebook_file.write_text(broken, encoding="utf-8")
    line = broken[: broken.index('"cell_type" "raw"')].count("\n") + 1
    with pytest.raises(InvalidJSONError, match=rf"analysis\.ipynb:{line}:"):
        strip_file(notebook_file)
    tagged = text.replace('"node:area"', '"node:area",\n     "keep_output"')
    notebook_file.write_text(tagged, encoding="utf-8")
    strip_file(notebook_file)
    kept = json.loads(notebook_file.read_bytes())["cells"][1]["outputs"]
    assert [output["output_type"] for output in kept] == [
        "stream",
        "execute_result",
        "display_data",
    ]


def test_cut_outputs_leaves_the_notebook_without_its_outputs(notebook_file: Path):
    from kedro_nb.strip._layout import cut_outputs

    data = notebook_file.read_bytes()
    trimmed, cuts = cut_outputs(data)
    original = json.loads(data)
    assert [index for index, _, _ in cuts] == [1, 2]
    for index, start, end in cuts:
        assert json.loads(data[start:end]) == original["cells"][index]["outputs"]
        original["cells"][index]["outputs"] = []
    assert json.loads(trimmed) == original
    assert cut_outputs(data.replace(b"\n", b"\r\n")) is None
    assert cut_outputs(json.dumps(original).encode()) is None


def test_cut_outputs_finds_the_end_of_outputs_full_of_brackets(tmp_path: Path):
    """Outputs holding many ``]`` (JSON data, bracketed text) are cut where the array closes."""
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    nested = {"rows": [[i, [i, "]"]] for i in range(30)]}
    outputs = [
        new_output("stream", name="stdout", text="".join(f"[{i}] ]\n" for i in range(30))),
        new_output("display_data", data={"application/json": nested, "text/plain": "]" * 40}),
    ]
    nb = new_notebook(cells=[new_code_cell("x", execution_count=1, outputs=outputs) for _ in "abc"])
    path = tmp_path / "brackets.ipynb"
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    data = path.read_bytes()
    from kedro_nb.strip._layout import cut_outputs

    _, cuts = cut_outputs(data)
    assert [json.loads(data[start:end]) for _, start, end in cuts] == [
        json.loads(nbformat.writes(nb))["cells"][0]["outputs"]
    ] * 3
    assert strip_file(path) is True
    assert json.loads(path.read_bytes())["cells"][2]["outputs"] == []
    assert (
        path.read_text(encoding="utf-8")
        == nbformat.writes(nbformat.from_dict(strip_notebook(nbformat.reads(data, 4)))) + "\n"
    )


def test_temporary_names_taken_already_are_skipped_not_followed(notebook_file: Path):
    """A file or link squatting on the next temporary name is left alone; the next name serves."""
    from kedro_nb.strip import _files

    upcoming = _files._temp_serial[0] + 1
    folder, pid = notebook_file.parent, os.getpid()
    target = folder / "elsewhere.txt"
    target.write_text("keep me")
    squatters = [folder / f".analysis.ipynb.{pid}-{upcoming + i}.tmp" for i in range(3)]
    squatters[0].write_text("taken")
    squatters[1].symlink_to(target)
    squatters[2].symlink_to(folder / "dangling")
    assert strip_file(notebook_file) is True
    assert b'"outputs": []' in notebook_file.read_bytes()
    assert target.read_text() == "keep me" and squatters[0].read_text() == "taken"
    assert not (folder / "dangling").exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["analysis.ipynb", "elsewhere.txt", *(p.name for p in squatters)]
    )


@pytest.mark.parametrize("size", [0, 1, 65_535, 65_536, 300_001])
def test_read_returns_the_whole_file_and_its_status(tmp_path: Path, size: int):
    path = tmp_path / "any.ipynb"
    path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    data, info = _read(str(path))
    assert data == path.read_bytes() and len(data) == size
    assert (info.st_size, info.st_mtime_ns) == (size, path.stat().st_mtime_ns)


def _big_notebook(path: Path, megabytes: float, marker: str) -> bytes:
    """An executed notebook whose image output weighs about ``megabytes``."""
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    image = "A" * int(megabytes * (1 << 20))
    outputs = [new_output("display_data", data={"image/png": image, "text/plain": marker})]
    nb = new_notebook(cells=[new_code_cell(f"show({marker!r})", outputs=outputs)])
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path.read_bytes()


def test_big_files_in_a_row_read_through_one_buffer(tmp_path: Path, capsys):
    """Growing, shrinking and far smaller files in one run: each is read and stripped whole."""
    from kedro_nb.cli.strip import main
    from kedro_nb.strip._files import ReadBuffer

    sizes = [1.5, 3.0, 1.2, 3.1, 2.9, 0.5, 3.3]
    paths = [tmp_path / f"nb{i}.ipynb" for i in range(len(sizes))]
    originals = [
        _big_notebook(p, mb, f"m{i}") for i, (p, mb) in enumerate(zip(paths, sizes, strict=True))
    ]
    buffer = ReadBuffer()
    for path, original in zip(paths, originals, strict=True):
        data, info = _read(str(path), buffer)
        assert data == original and info.st_size == len(original)
    assert main(["-q", *map(str, paths)]) == 0
    for i, (path, original) in enumerate(zip(paths, originals, strict=True)):
        stripped = strip_notebook(nbformat.reads(original, 4))
        assert (
            path.read_text(encoding="utf-8") == nbformat.writes(nbformat.from_dict(stripped)) + "\n"
        )
        assert f"show('m{i}')" in path.read_text(encoding="utf-8")
    assert main(["--check", *map(str, paths)]) == 0 and capsys.readouterr().out == ""


def test_read_buffer_reads_to_the_end_whatever_the_status_said(tmp_path: Path):
    """A file that grew or shrank between its status and its read is read as it is."""
    from kedro_nb.strip._files import ReadBuffer

    path = tmp_path / "moving.ipynb"
    content = os.urandom(3 << 20)
    path.write_bytes(content)
    buffer = ReadBuffer()
    for claimed in (2 << 20, (3 << 20) - 1, 3 << 20, (3 << 20) + 1, 5 << 20):
        fd = os.open(path, os.O_RDONLY)
        try:
            assert bytes(buffer.fill(fd, claimed)) == content, claimed
        finally:
            os.close(fd)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert buffer.fill(fd, 1000) is None  # small files are read the ordinary way
    finally:
        os.close(fd)


@pytest.mark.parametrize("damage", [b"\xff", b"x", b"\x00"])
def test_a_damaged_end_of_outputs_is_refused_not_cut_past(damage: bytes):
    """The outputs cut looks for the line that closes the array; when that very line is damaged,
    it must not hop on to the next array at that indent (the cell's source) and drop it."""
    raw = (Path(__file__).parent / "fixtures" / "outputs_and_counts.ipynb").read_bytes()
    close = raw.index(b'\n   ],\n   "source"')
    for at in range(close + 1, close + 5):  # before, between and at the spaces of "   ]"
        broken = raw[:at] + damage + raw[at:]
        with pytest.raises(InvalidJSONError):
            strip_bytes(broken, source="analysis.ipynb")


@pytest.mark.parametrize("depth", [300, 5000])
def test_json_nested_too_deep_is_named_as_the_reader_names_it(depth):
    # 300 levels parse on every Python, 5000 only from 3.12 on (earlier: a RecursionError);
    # either way the stripper says what the notebook reader says, not "got a JSON array"
    data = b"[" * depth + b"]" * depth
    with pytest.raises(NotANotebookError) as caught:
        strip_bytes(data, source="deep.ipynb")
    assert str(caught.value).startswith(
        "deep.ipynb: not a Jupyter notebook: JSON nested more than 256"
    )


def test_write_behind_writes_in_order_reports_failures_and_raises_bugs(tmp_path: Path):
    """WriteBehind: each write as write_atomic does it, failures returned by close(), wait()
    returns once the writes put are done, and an error that is not a StripError reaches close()."""
    from kedro_nb.strip._files import WriteBehind

    paths = [tmp_path / f"{n}.ipynb" for n in range(3)]
    for path in paths:
        path.write_bytes(b"old")
    paths[1].chmod(0o444)
    before = [path.stat() for path in paths]
    writer = WriteBehind()
    for path, info in zip(paths, before, strict=True):
        writer.put(str(path), b"new " + path.name.encode(), info)
    assert writer.holds(before[2])  # the same file read again now must wait for its write
    writer.wait()
    assert not writer.holds(before[2])
    assert [p.read_bytes() for p in paths] == [b"new 0.ipynb", b"old", b"new 2.ipynb"]
    failed = writer.close()
    assert [(path, type(exc)) for path, exc in failed] == [(str(paths[1]), NotebookReadOnlyError)]

    crashing = WriteBehind()
    crashing.put(str(paths[0]), None, paths[0].stat())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        crashing.close()
    assert paths[0].read_bytes() == b"new 0.ipynb"
