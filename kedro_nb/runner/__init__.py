"""Runners: execute a ``Pipeline`` against a ``DataCatalog`` (in order, in threads, in
processes, or on Dask), releasing memory early, calling hooks, and reporting where to resume
after a failure (a failing node's own exception, with a NodeFailure attached)."""

from kedro_nb.runner.base import AbstractRunner, RunState
from kedro_nb.runner.dask_runner import DaskRunner
from kedro_nb.runner.errors import (
    HookReturnError,
    MissingInputsError,
    NodeFailure,
    NodeNotPicklableError,
    RunnerError,
    RunnerOptionError,
    UnknownRunnerError,
    node_failure,
)
from kedro_nb.runner.names import RUNNER_ALIASES, runner_from_name
from kedro_nb.runner.parallel import ParallelRunner
from kedro_nb.runner.protocol import RunnerProtocol
from kedro_nb.runner.result import RunResult
from kedro_nb.runner.sequential import SequentialRunner
from kedro_nb.runner.task import Task
from kedro_nb.runner.thread import ThreadRunner

__all__ = [
    "RUNNER_ALIASES",
    "AbstractRunner",
    "DaskRunner",
    "HookReturnError",
    "MissingInputsError",
    "NodeFailure",
    "NodeNotPicklableError",
    "ParallelRunner",
    "RunResult",
    "RunState",
    "RunnerError",
    "RunnerOptionError",
    "RunnerProtocol",
    "SequentialRunner",
    "Task",
    "ThreadRunner",
    "UnknownRunnerError",
    "node_failure",
    "runner_from_name",
]
