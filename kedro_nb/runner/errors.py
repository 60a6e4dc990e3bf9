"""Exceptions raised by the runners, all under :class:`RunnerError`."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    than ``None`` or a dict of replacement inputs (that node's failure)."""


class NodeNotPicklableError(RunnerError):
    """Raised by the process and Dask runners when a node cannot be serialised with
    cloudpickle (e.g. its function closes over a lock or an open file; checked before any
    node runs), or when its in-memory input data cannot (then it is that node's failure,
    with a :class:`NodeFailure` attached)."""


FAILURE_ATTRIBUTE = "kedro_nb_failure"


@dataclass(frozen=True)
class NodeFailure:
    """What a run left behind when one of its nodes failed.

    A failing node's own exception propagates unchanged (``except ValueError:`` catches it,
    as under Kedro); the runner attaches this record to it as ``error.kedro_nb_failure``
    (read it with :func:`node_failure`) and, on Python 3.11+, a note saying which node failed
    and how to resume, shown under the traceback. Everything saved before the failure stays
    saved.

    Attributes:
        node_name: the failing node.
        resume_from: sorted node names for ``--from-nodes``, Kedro's suggestion (empty when no
            node had completed: then the same command is simply repeated).
        completed: node names that completed, in completion order.
        remaining: how many nodes did not run or failed.
        saved: persisted dataset names written before the failure.
        node_timings: seconds per completed node, in completion order.
        run_id: the id of the failed run.
        location: ``"file", line`` of the innermost frame of the user's code that raised
            (for a notebook node the file is ``<notebook NAME cell N>``), or None.
    """

    node_name: str
    resume_from: tuple[str, ...] = ()
    completed: tuple[str, ...] = ()
    remaining: int = 0
    saved: tuple[str, ...] = ()
    node_timings: dict[str, float] = field(default_factory=dict)
    run_id: str | None = None
    location: tuple[str, int] | None = None

    @property
    def resume_argument(self) -> str:
        """The ``--from-nodes "a,b"`` argument resuming the run, or ``""`` to rerun it all."""
        if not self.resume_from:
            return ""
        return f'--from-nodes "{",".join(self.resume_from)}"'

    def describe(self, error: BaseException) -> str:
        """The failure in words: node, error, where, what completed, how to resume."""
        where = f" ({self.location[0]}, line {self.location[1]})" if self.location else ""
        head = (
            f"Node '{self.node_name}' failed{where}: {type(error).__name__}: {error}\n"
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


def node_failure(error: BaseException) -> NodeFailure | None:
    """The :class:`NodeFailure` a runner attached to ``error``, or None when ``error`` did not
    come out of a node (a missing input, a bad option, an interrupt)."""
    failure = getattr(error, FAILURE_ATTRIBUTE, None)
    return failure if isinstance(failure, NodeFailure) else None


def attach_failure(error: BaseException, failure: NodeFailure) -> BaseException:
    """Attach ``failure`` to the node's own ``error``, as an attribute and as a one-line note;
    returns ``error``, for ``raise``."""
    setattr(error, FAILURE_ATTRIBUTE, failure)
    where = f" ({failure.location[0]}, line {failure.location[1]})" if failure.location else ""
    then = (
        f"resume with {failure.resume_argument}"
        if failure.resume_from
        else "fix it and repeat the same run"
    )
    add_note(
        error,
        f"kedro-nb: node '{failure.node_name}' failed{where}; "
        f"{len(failure.completed)} node(s) completed before it; {then}.",
    )
    return error


def format_error(error: BaseException) -> str:
    """``error``'s traceback as Python prints it, with the notes added to it on every Python:
    3.10's traceback printing leaves ``__notes__`` out, and with them the worker process's
    traceback and the failed node's note. Notes of chained exceptions are not added there."""
    import traceback

    formatted = traceback.TracebackException(type(error), error, error.__traceback__)
    lines = list(formatted.format())
    if not hasattr(formatted, "__notes__"):  # 3.10 (the exceptiongroup backport sets it too)
        notes = getattr(error, "__notes__", None) or ()
        lines += [f"{note}\n" for note in notes if isinstance(note, str)]
    return "".join(lines)


def add_note(error: BaseException, note: str) -> None:
    """``error.add_note(note)``; on Python 3.10 the same ``__notes__`` list 3.11's traceback
    printing shows (3.10 prints nothing, the notes stay readable)."""
    if hasattr(error, "add_note"):
        error.add_note(note)
    else:
        error.__notes__ = [*getattr(error, "__notes__", []), note]  # type: ignore[attr-defined]
