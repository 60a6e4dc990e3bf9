"""``RunnerProtocol``: what a session needs of a runner, so Kedro's own runners (``kedro.runner``)
type-check where kedro-nb's do; the session turns their plain dict into a ``RunResult``."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

__all__ = ["RunnerProtocol"]


@runtime_checkable
class RunnerProtocol(Protocol):
    """Runs a pipeline against a catalog: kedro-nb's :class:`~kedro_nb.runner.AbstractRunner`
    subclasses (which return a :class:`~kedro_nb.runner.RunResult`) or Kedro's runners (which
    return a dict of free outputs)."""

    def run(
        self,
        pipeline: Any,
        catalog: Any,
        hook_manager: Any = None,
        run_id: str | None = None,
        only_missing_outputs: bool = False,
    ) -> Any: ...
