"""Exceptions raised by the runners, all under :class:`RunnerError`."""

from __future__ import annotations

from collections.abc import Sequence


class RunnerError(Exception):
    """Base class of every error a kedro-nb runner raises on its own account."""


class RunnerOptionError(RunnerError, ValueError):
    """Raised by a runner's constructor when an option is out of range (e.g. ``max_workers=0``)."""


class UnknownRunnerError(RunnerError, ValueError):
    """Raised by :func:`~kedro_nb.runner.runner_from_name` for a name that is neither a known
    runner alias nor an importable runner class."""


class MissingInputsError(RunnerError, ValueError):
    """Raised by ``run`` before any node runs, when pipeline inputs are absent from the catalog."""


class HookReturnError(RunnerError, TypeError):
    """Raised while running a node when a ``before_node_run`` hook returns something other
    than ``None`` or a dict of replacement inputs (the node then fails with NodeRunError)."""


class NodeNotPicklableError(RunnerError):
    """Raised by the process and Dask runners when a node cannot be serialised with
    cloudpickle (e.g. its function closes over a lock or an open file; checked before any
    node runs), or when its in-memory input data cannot (then it is the ``__cause__`` of
    that node's :class:`NodeRunError`)."""


class NodeRunError(RunnerError):
    """Raised by ``run`` when a node fails (loading its inputs, running, or saving its outputs).

    The original exception is the ``__cause__``. Everything saved before the failure stays saved;
    ``resume_from`` holds the node names to pass to ``--from-nodes`` to continue the run (empty
    when no node had completed: then the same command is simply repeated).

    Attributes:
        node_name: the failing node.
        resume_from: sorted node names for ``--from-nodes``, Kedro's suggestion.
        completed: node names that completed, in completion order.
        saved: persisted dataset names written before the failure.
        node_timings: seconds per completed node, in completion order.
        run_id: the id of the failed run.
    """

    def __init__(
        self,
        node_name: str,
        error: BaseException,
        *,
        resume_from: Sequence[str],
        completed: Sequence[str],
        remaining: int,
        saved: Sequence[str] = (),
        node_timings: dict[str, float] | None = None,
        run_id: str | None = None,
    ) -> None:
        self.node_name = node_name
        self.resume_from = list(resume_from)
        self.completed = list(completed)
        self.remaining = remaining
        self.saved = list(saved)
        self.node_timings = dict(node_timings or {})
        self.run_id = run_id
        super().__init__(self._message(error))

    @property
    def resume_argument(self) -> str:
        """The ``--from-nodes "a,b"`` argument resuming the run, or ``""`` to rerun it all."""
        if not self.resume_from:
            return ""
        return f'--from-nodes "{",".join(self.resume_from)}"'

    def _message(self, error: BaseException) -> str:
        head = (
            f"Node '{self.node_name}' failed: {type(error).__name__}: {error}\n"
            f"{len(self.completed)} node(s) completed, {self.remaining} did not run or failed."
        )
        if not self.resume_from:
            return f"{head}\nNo node completed: fix the error and repeat the same run."
        argument = self.resume_argument
        return (
            f"{head}\nTo resume from the nearest nodes whose inputs are persisted, add "
            f"{argument} to the same run (kedro-nb run {argument}, "
            f"or %run_pipeline {argument})."
        )

    def __reduce__(self):  # keep the attributes when the error crosses a process boundary
        return (_rebuild_node_run_error, (self.args[0], self.__dict__))


def _rebuild_node_run_error(message: str, state: dict) -> NodeRunError:
    error = NodeRunError.__new__(NodeRunError)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error
