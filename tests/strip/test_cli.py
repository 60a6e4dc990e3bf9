"""``kedro-nb strip`` end to end: in place, --check, --stdin, --textconv, exit codes, messages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from kedro_nb.cli.strip import main
from kedro_nb.strip import strip_file
from kedro_nb.strip._clean import POSSESSIVE_QUANTIFIERS, CleanCheck
from kedro_nb.strip._core import StripOptions

FIXTURES = Path(__file__).parent / "fixtures"


def _copy(tmp_path: Path, *names: str) -> list[Path]:
    paths = []
    for name in names:
        shutil.copyfile(FIXTURES / f"{name}.ipynb", tmp_path / f"{name}.ipynb")
        paths.append(tmp_path / f"{name}.ipynb")
    return paths


def test_strips_in_place_and_lists_files(tmp_path, capsys):
    paths = _copy(tmp_path, "outputs_and_counts", "empty_notebook")
    assert main([str(p) for p in paths]) == 0
    out = capsys.readouterr().out
    assert out == f"stripped {paths[0]}\n"  # the clean one is not listed
    assert paths[0].read_bytes() == (FIXTURES / "outputs_and_counts.expected").read_bytes()
    assert main([str(p) for p in paths]) == 0 and capsys.readouterr().out == ""
    assert main(["-q", str(paths[0])]) == 0


def test_check_changes_nothing_and_exits_1_listing_files(tmp_path, capsys):
    dirty, clean = _copy(tmp_path, "keep_output", "empty_notebook")
    before = dirty.read_bytes()
    assert main(["--check", str(dirty), str(clean)]) == 1
    assert capsys.readouterr().out == f"would strip {dirty}\n"
    assert dirty.read_bytes() == before
    assert main(["--check", str(clean)]) == 0


def test_options_reach_the_stripper(tmp_path):
    (path,) = _copy(tmp_path, "volatile_metadata")
    assert (
        main(
            ["--keep-metadata", "cell.metadata.scrolled", "--extra-keys", "metadata.toc", str(path)]
        )
        == 0
    )
    text = path.read_text(encoding="utf-8")
    assert '"scrolled": "auto"' in text and '"toc"' not in text


def test_errors_exit_2_name_the_file_and_other_files_are_still_stripped(tmp_path, capsys):
    (good,) = _copy(tmp_path, "outputs_and_counts")
    broken = tmp_path / "broken.ipynb"
    broken.write_bytes(b'{"cells": [\n')
    old = tmp_path / "old.ipynb"
    old.write_bytes(b'{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}')
    missing = tmp_path / "missing.ipynb"
    assert main([str(broken), str(old), str(missing), str(good)]) == 2
    captured = capsys.readouterr()
    assert f"{broken}:2:1: not valid JSON" in captured.err
    assert "jupyter nbconvert --to notebook --nbformat 4" in captured.err
    assert f"{missing}: no such file" in captured.err
    assert captured.out == f"stripped {good}\n"
    assert broken.read_bytes() == b'{"cells": [\n'


def test_write_failures_are_reported_in_file_order_and_leave_the_file_as_it_was(tmp_path, capsys):
    """Writes happen in a second thread during a run over several files; a write that fails (a
    read-only file) is still reported in the order of the files given, among the read errors."""
    first, locked, last = _copy(tmp_path, "outputs_and_counts", "keep_output", "volatile_metadata")
    broken = tmp_path / "broken.ipynb"
    broken.write_bytes(b'{"cells": [\n')
    locked.chmod(0o444)
    locked_before = locked.read_bytes()
    assert main([str(first), str(locked), str(broken), str(last)]) == 2
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert [line.removeprefix("kedro-nb strip: ").split(":", 1)[0] for line in errors] == [
        str(locked),
        str(broken),
    ]
    assert "read-only" in errors[0]
    assert captured.out == f"stripped {first}\nstripped {last}\n"  # not the one that failed
    assert locked.read_bytes() == locked_before
    assert first.read_bytes() == (FIXTURES / "outputs_and_counts.expected").read_bytes()
    assert last.read_bytes() == (FIXTURES / "volatile_metadata.expected").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_the_same_notebook_named_twice_is_stripped_once(tmp_path, capsys):
    """The second name (the same path, or a link to the file) is read after the first one's write,
    which happens in another thread: it finds the file clean instead of 'changed meanwhile'."""
    (path,) = _copy(tmp_path, "outputs_and_counts")
    link = tmp_path / "link.ipynb"
    link.symlink_to(path.name)
    assert main([str(path), str(link), str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out == f"stripped {path}\n"
    assert path.read_bytes() == (FIXTURES / "outputs_and_counts.expected").read_bytes()
    assert link.is_symlink()


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main([]) == 2
    assert "no notebooks given" in capsys.readouterr().err
    assert main(["--stdin", "x.ipynb"]) == 2
    assert main(["--extra-keys", "bogus", "x.ipynb"]) == 2
    assert "expected 'metadata.<key>'" in capsys.readouterr().err
    assert main(["--no-such-flag"]) == 2
    assert main(["--stdin", "--install"]) == 2


def test_help_documents_the_options(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for flag in (
        "--check",
        "--stdin",
        "--keep-output-tag",
        "--keep-count",
        "--extra-keys",
        "--keep-metadata",
        "--drop-empty-cells",
        "--validate",
        "--install",
        "--status",
    ):
        assert flag in out


def test_console_script_stdin_mode_is_a_git_clean_filter(kedro_nb, sh):
    raw = (FIXTURES / "unicode_crlf.ipynb").read_bytes()
    done = sh([kedro_nb, "strip", "--stdin"], stdin=raw)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (FIXTURES / "unicode_crlf.expected").read_bytes()
    assert sh([kedro_nb, "strip", "--stdin", "--check"], stdin=raw).returncode == 1
    assert sh([kedro_nb, "strip", "--stdin", "--check"], stdin=done.stdout).returncode == 0


def test_console_script_stdin_error_writes_nothing_to_stdout(kedro_nb, sh):
    done = sh([kedro_nb, "strip", "--stdin"], stdin=b"[1, 2]")
    assert done.returncode == 2 and done.stdout == b""
    assert b"<stdin>: not a Jupyter notebook" in done.stderr


def test_textconv_prints_stripped_files_and_leaves_them(tmp_path, kedro_nb, sh):
    (path,) = _copy(tmp_path, "keep_output")
    before = path.read_bytes()
    done = sh([kedro_nb, "strip", "--textconv", str(path)])
    assert done.returncode == 0
    assert done.stdout == (FIXTURES / "keep_output.expected").read_bytes()
    assert path.read_bytes() == before


def test_strip_imports_no_heavy_modules(sh):
    import sys

    code = (
        "import sys; from kedro_nb.cli import main; main(['strip', '--check', sys.argv[1]]);"
        "heavy = {'nbformat', 'jsonschema', 'fastjsonschema', 'orjson', 'pandas', 'dataclasses',"
        " 'subprocess', 'difflib'} & set(sys.modules); print(sorted(heavy))"
    )
    done = sh([sys.executable, "-c", code, str(FIXTURES / "empty_notebook.expected")])
    assert done.stdout.decode().strip() == "[]", done.stderr


def test_git_filter_command_skips_argparse(sh):
    import sys

    code = (
        "import sys; from kedro_nb.cli import main; code = main(['strip', '--stdin']);"
        "print(code, 'argparse' in sys.modules, file=sys.stderr)"
    )
    raw = (FIXTURES / "keep_output.ipynb").read_bytes()
    done = sh([sys.executable, "-c", code], stdin=raw)
    assert done.stderr.decode().strip() == "0 False"
    assert done.stdout == (FIXTURES / "keep_output.expected").read_bytes()


def test_plain_file_lists_skip_argparse_and_read_as_argparse_would(tmp_path, sh, capsys):
    import gc
    import sys

    dirty, clean = _copy(tmp_path, "keep_output", "empty_notebook")
    code = (
        "import sys; from kedro_nb.cli import main; code = main(['strip', *sys.argv[1:]]);"
        "print(code, 'argparse' in sys.modules, file=sys.stderr)"
    )
    done = sh([sys.executable, "-c", code, "--check", "-q", str(dirty), str(clean)])
    assert done.stderr.decode().strip() == "1 False"
    assert done.stdout.decode() == f"would strip {dirty}\n"
    done = sh([sys.executable, "-c", code, "--quiet", str(dirty)])
    assert (done.stderr.decode().strip(), done.stdout) == ("0 False", b"")
    assert dirty.read_bytes() == (FIXTURES / "keep_output.expected").read_bytes()
    # a flag after a file, or a name starting with "-": argparse decides, as it always did
    assert main([str(clean), "-q", str(dirty)]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err
    assert main(["-q", "--", str(clean)]) == 0
    assert main([str(clean), "--check"]) == 0
    assert gc.isenabled()  # the run turned collection off for itself only


def test_run_over_many_files_strips_as_one_file_at_a_time(tmp_path: Path):
    """The command over many files (where it uses the quick clean check, tests/strip/test_clean.py;
    none on Python 3.10) writes and reports what the full path gives for each file on its own."""
    assert (CleanCheck.for_options(StripOptions()) is not None) == POSSESSIVE_QUANTIFIERS
    sources = sorted(FIXTURES.glob("*.ipynb")) + sorted(FIXTURES.glob("*.expected"))
    many, single = tmp_path / "many", tmp_path / "single"
    names = [f"{copy}-{path.name}.ipynb" for copy in range(5) for path in sources]
    assert len(names) >= 64  # enough files for the command to use the check
    for folder in (many, single):
        folder.mkdir()
        for name in names:
            shutil.copyfile(FIXTURES / name.split("-", 1)[1].removesuffix(".ipynb"), folder / name)
    batch = subprocess.run(
        [sys.executable, "-m", "kedro_nb", "strip", *(str(many / name) for name in names)],
        capture_output=True,
        text=True,
    )
    assert batch.returncode == 0, batch.stderr
    for name in names:
        changed = strip_file(single / name)
        assert (many / name).read_bytes() == (single / name).read_bytes(), name
        assert (f"stripped {many / name}\n" in batch.stdout) == changed, name
