"""The one option table of ``kedro-nb run`` and ``%run_pipeline``: same flags, same help, same
meaning (``--async`` is Kedro's in both), read into one ``SliceOptions``."""

from __future__ import annotations

import argparse

import pytest

from kedro_nb.cli.options import (
    RUN_OPTIONS,
    SLICE_OPTIONS,
    key_values,
    run_runner,
    slice_flags,
    slice_options,
)
from kedro_nb.cli.run import _run_parser
from kedro_nb.notebook.magics.base import magic_parser
from kedro_nb.notebook.magics.run import RunMagics
from kedro_nb.pipeline import SliceOptions


def _actions(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {action.option_strings[0]: action for action in parser._actions if action.option_strings}


def test_the_command_line_and_the_magic_print_the_same_help_for_every_shared_option() -> None:
    cli = _actions(_run_parser())
    magic = _actions(magic_parser(RunMagics.run_pipeline))
    for option in RUN_OPTIONS:
        flag = option.flags[0]
        assert cli[flag].help == magic[flag].help == option.help, flag
        assert cli[flag].option_strings == magic[flag].option_strings == list(option.flags)
        assert cli[flag].dest == magic[flag].dest == option.dest


def test_async_means_kedros_async_in_both_and_background_is_the_magics_own() -> None:
    magic = _actions(magic_parser(RunMagics.run_pipeline))
    assert magic["--async"].dest == "is_async"
    assert magic["--background"].dest == "in_background"
    assert "--background" not in _actions(_run_parser())
    runner = run_runner(None, True)
    assert type(runner).__name__ == "SequentialRunner" and runner._is_async is True
    assert run_runner("thread", False) == "thread"  # a name: the session keeps one per name
    assert type(run_runner("thread", True)).__name__ == "ThreadRunner"


def test_parsed_filters_become_one_slice_options_and_flags_again() -> None:
    args = _run_parser().parse_args(["-n", "a,b", "--tags", "y,x", "-ns", "ns"])
    options = slice_options(args)
    assert options == SliceOptions(node_names=["a", "b"], tags=["y", "x"], node_namespaces=["ns"])
    assert options.as_dict() == {
        "node_names": ["a", "b"],
        "tags": ["x", "y"],
        "node_namespaces": ["ns"],
    }
    assert slice_flags(options) == {"--nodes": "a,b", "--tags": "y,x", "--namespaces": "ns"}
    assert {option.dest for option in SLICE_OPTIONS} == set(SliceOptions.__dataclass_fields__)


def test_bad_params_are_an_argument_error_that_says_the_form() -> None:
    assert key_values("a=1,m.depth=3") == {"a": 1, "m": {"depth": 3}}
    with pytest.raises(argparse.ArgumentTypeError, match="key=value"):
        key_values("novalue")
