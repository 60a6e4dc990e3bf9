"""The ``kedro-nb`` dispatcher: every subcommand resolves, and bad commands get a clear answer."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from kedro_nb import __version__
from kedro_nb.cli import SUBCOMMANDS, main

CONSOLE_SCRIPT = Path(sys.executable).with_name("kedro-nb")


@pytest.mark.parametrize("command", sorted(SUBCOMMANDS))
def test_every_subcommand_resolves_to_a_function_and_has_help(command: str, capsys) -> None:
    module_name, function_name, _ = SUBCOMMANDS[command]
    assert callable(getattr(import_module(module_name), function_name))
    try:
        code = main([command, "--help"])
    except SystemExit as exit_:  # argparse's --help
        code = exit_.code
    assert code == 0
    assert capsys.readouterr().out.strip()


def test_usage_lists_every_command(capsys) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(f"  {name} " in out for name in SUBCOMMANDS)
    assert main([]) == 2


def test_unknown_command_suggests_the_closest(capsys) -> None:
    assert main(["strp"]) == 2
    assert "unknown command 'strp'. Did you mean: strip?" in capsys.readouterr().err


def test_console_script_reports_its_version() -> None:
    done = subprocess.run(
        [str(CONSOLE_SCRIPT), "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == f"kedro-nb {__version__}"


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    """`kedro-nb run | head -1`: the rest of the summary has nowhere to go; no traceback."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    for i in range(1500):  # a summary well past a pipe's 64 KB buffer
        source = "v0 = 0" if i == 0 else f"v{i} = v{i - 1} + 1"
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = [f"node:step_with_a_rather_long_name_{i}"]
        nb.cells.append(cell)
    nbformat.write(nb, tmp_path / "many.ipynb")
    process = subprocess.Popen(
        [sys.executable, "-m", "kedro_nb", "run", "--notebook", "many.ipynb"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(3) == b"Run"
    process.stdout.close()
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=120) == 1
    assert err == ""
    assert (tmp_path / ".kedro_nb" / "runs.sqlite").exists()  # the run itself was recorded
