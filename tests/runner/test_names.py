"""``runner_from_name``: aliases, class paths, Dask addresses and did-you-mean errors."""

from __future__ import annotations

import pytest

from kedro_nb.runner import (
    DaskRunner,
    ParallelRunner,
    RunnerOptionError,
    SequentialRunner,
    ThreadRunner,
    UnknownRunnerError,
    runner_from_name,
)


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("sequential", SequentialRunner),
        ("Thread", ThreadRunner),
        ("parallel", ParallelRunner),
        ("dask", DaskRunner),
        ("ThreadRunner", ThreadRunner),
        ("sequential_runner", SequentialRunner),
        ("kedro_nb.runner.ParallelRunner", ParallelRunner),
    ],
)
def test_known_names(name, cls):
    assert type(runner_from_name(name)) is cls


def test_options_reach_the_constructor():
    runner = runner_from_name("thread", max_workers=3)
    assert runner._max_workers == 3
    with pytest.raises(RunnerOptionError):
        runner_from_name("parallel", max_workers=0)


def test_dask_address():
    runner = runner_from_name("dask://127.0.0.1:8786")
    assert isinstance(runner, DaskRunner) and runner._address == "tcp://127.0.0.1:8786"
    assert runner_from_name("tcp://127.0.0.1:9999")._address == "tcp://127.0.0.1:9999"


def test_kedro_runner_by_dotted_path():
    runner = runner_from_name("kedro.runner.SequentialRunner")
    assert type(runner).__module__.startswith("kedro.runner")


def test_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownRunnerError, match=r"Did you mean: parallel\?"):
        runner_from_name("paralel")


def test_bad_dotted_paths():
    with pytest.raises(UnknownRunnerError, match="Cannot import module"):
        runner_from_name("no_such_module_xyz.Runner")
    with pytest.raises(UnknownRunnerError, match=r"Did you mean: kedro_nb\.runner\.ThreadRunner\?"):
        runner_from_name("kedro_nb.runner.ThredRunner")
    with pytest.raises(UnknownRunnerError, match="not a runner class"):
        runner_from_name("kedro_nb.runner.RUNNER_ALIASES")
