"""Bad arguments to any ``kedro-nb`` command: one line naming the command, argparse's own
message, a "did you mean" where one is close, the pointer to ``--help``; exit code 2 and no
usage block or traceback. The run options shared with ``%run_pipeline`` stay one-line
``UsageError``s in a real IPython shell."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from IPython.core.error import UsageError


def _kedro_nb(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kedro_nb", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["run", "--params", "divisor"],
            "kedro-nb run: argument --params: Invalid parameter 'divisor' in --params 'divisor': "
            "expected key=value pairs",
        ),
        (
            ["convert", "a.ipynb", "--target", "kedo"],
            "kedro-nb convert: argument --target: invalid choice: 'kedo' (choose from 'kedro', "
            "'kedro_nb'). Did you mean: kedro? (see kedro-nb convert --help)",
        ),
        (
            ["run", "--fro-nodes", "a"],
            "kedro-nb run: unrecognized arguments: --fro-nodes a. Did you mean: --from-nodes? "
            "(see kedro-nb run --help)",
        ),
        (
            ["runs", "--no-such-option"],
            "kedro-nb runs: unrecognized arguments: --no-such-option (see kedro-nb runs --help)",
        ),
        (
            ["check"],
            "kedro-nb check: the following arguments are required: NOTEBOOK "
            "(see kedro-nb check --help)",
        ),
        (
            ["sync", "a.ipynb", "--target", "kedro-nb"],
            "kedro-nb sync: argument --target: invalid choice: 'kedro-nb'",
        ),
        (
            ["init", "--no-such-option"],
            "kedro-nb init: unrecognized arguments: --no-such-option (see kedro-nb init --help)",
        ),
        (
            ["jupyter", "setup", "--nme", "x"],
            "kedro-nb jupyter: unrecognized arguments: --nme x. Did you mean: --name? "
            "(see kedro-nb jupyter --help)",
        ),
        # strip: argparse reads what the git filter's fast reader declines ...
        (
            ["strip", "--no-such-option"],
            "kedro-nb strip: unrecognized arguments: --no-such-option (see kedro-nb strip --help)",
        ),
        # ... and the errors found after parsing read the same way
        (
            ["strip", "--stdin", "a.ipynb"],
            "kedro-nb strip: --stdin reads no FILES (see kedro-nb strip --help)",
        ),
        (
            ["strip", "--status", "a.ipynb"],
            "kedro-nb strip: --install/--uninstall/--status take no FILES or --check "
            "(see kedro-nb strip --help)",
        ),
    ],
)
def test_a_bad_argument_is_one_line_and_exit_code_2(
    tmp_path: Path, args: list[str], line: str
) -> None:
    done = _kedro_nb(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    errors = done.stderr.splitlines()
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith(line), errors[0]
    assert errors[0].endswith(f"(see kedro-nb {args[0]} --help)")
    assert "usage:" not in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_command_is_one_line_with_the_closest_command(tmp_path: Path) -> None:
    done = _kedro_nb("strp", "a.ipynb", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        "kedro-nb: unknown command 'strp'. Did you mean: strip? (see kedro-nb --help)\n"
    )


def test_help_still_prints_the_usage_and_exits_0(tmp_path: Path) -> None:
    done = _kedro_nb("convert", "--help", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("usage: kedro-nb convert")


def test_the_run_options_shared_with_the_magic_stay_one_line_usage_errors(
    make_shell, tmp_path: Path
) -> None:
    ip = make_shell(tmp_path, load=True)
    with pytest.raises(UsageError) as caught:
        ip.run_line_magic("run_pipeline", "--params divisor")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(
        "%run_pipeline: argument --params: Invalid parameter 'divisor' in --params 'divisor'"
    )
    assert message.endswith("(see %run_pipeline --help)")
    with pytest.raises(UsageError) as caught:
        ip.run_line_magic("run_pipeline", "--fro-nodes a")
    assert str(caught.value) == (
        "%run_pipeline: unrecognized arguments: --fro-nodes. Did you mean: --from-nodes? "
        "(see %run_pipeline --help)"
    )
