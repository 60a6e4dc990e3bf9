"""``kedro-nb strip``'s argv reader in front of argparse, held to argparse itself.

``parse_fast`` exists because importing argparse is a third of a git filter's process time (see
bench/strip_bench.py). It must never read an argv differently from the argparse parser it stands
in for: on any argv it accepts, the result is ``vars(build_parser().parse_args(argv))``; it may
only decline (and leave the argv to argparse).
"""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kedro_nb.cli.strip import _FAST_OPTIONS, build_parser, parse_fast

WORDS = [
    *_FAST_OPTIONS,
    "--keep-output-tag=",
    "--keep-output-tag=x",
    "--extra-keys=metadata.toc cell.metadata.editable",
    "--keep-metadata=cell.metadata.scrolled",
    "--check=1",
    "--install",
    "--uninstall",
    "--status",
    "--global",
    "--attributes",
    "-h",
    "--help",
    "--",
    "-",
    "-qt",
    "-x",
    "--keep-c",
    "--text",
    "--stdin=",
    "-1",
    "",
    "a.ipynb",
    "dir/b c.ipynb",
    "metadata.toc",
    "keep",
]


def _argparse(argv: list[str]) -> dict | None:
    """argparse's reading of ``argv``, or None where it exits (help, a usage error)."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            return vars(build_parser().parse_args(argv))
        except SystemExit:
            return None


@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=8))
@example(["--stdin"])
@example(["--filter-process"])
@example(["--textconv", "a.ipynb"])
@example(["a.ipynb", "--check", "b.ipynb"])
@example(["--keep-output-tag", "", "a.ipynb"])
@example(["--stdin", "--keep-count", "--extra-keys", "metadata.toc", "--extra-keys", "x"])
@example(["--stdin", "--textconv"])
@example(["--keep-output-tag", "-x"])
@settings(max_examples=1500, deadline=None)
def test_parse_fast_reads_every_argv_as_argparse_does(argv: list[str]):
    fast = parse_fast(argv)
    if fast is not None:
        assert fast == _argparse(argv), argv


@pytest.mark.parametrize(
    "argv",
    [
        ["--stdin"],
        ["--filter-process"],
        ["--textconv", "a.ipynb"],
        ["-t", "a.ipynb"],
        ["a.ipynb", "b.ipynb"],
        ["-q", "a.ipynb"],
        ["--check", "a.ipynb", "b.ipynb"],
        ["--check", "-q", "a.ipynb"],
        # what --install bakes into the filter commands when given stripping options
        ["--stdin", "--keep-count", "--keep-output-tag", "show", "--extra-keys", "metadata.toc"],
        ["--filter-process", "--drop-empty-cells", "--keep-metadata", "cell.metadata.scrolled"],
        ["--textconv", "--keep-count", "a.ipynb"],
    ],
)
def test_the_commands_git_and_pre_commit_run_skip_argparse(argv: list[str]):
    assert parse_fast(argv) is not None
    assert parse_fast(argv) == _argparse(argv)


def test_defaults_are_argparse_defaults():
    assert parse_fast([]) == vars(build_parser().parse_args([]))
