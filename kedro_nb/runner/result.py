"""What a successful run returns: Kedro's mapping of free outputs, with kedro-nb's extras."""

from __future__ import annotations

from typing import Any


class RunResult(dict[str, Any]):
    """The free outputs of a run (datasets no node of the run reads), name to dataset object,
    exactly what Kedro 1.7's ``runner.run`` and ``session.run`` return: a ``dict``, so
    ``result["x"].load()``, ``result.items()``, iteration and ``dict(result)`` work as there.
    Memory datasets still hold their data.

    kedro-nb's extras are attributes, so they never show up as outputs:

    Attributes:
        node_timings: seconds spent per node (load, run, save), in completion order.
        node_memory: bytes each node pushed its process's resident memory above where it
            started (load, run, save; see :mod:`kedro_nb.runner.memory`); empty where memory
            cannot be read.
        saved: persisted (non-memory) datasets written, in the order they were written.
        duration: wall-clock seconds of the whole run.
        run_id: the run's id, as passed to the hooks.
        skipped: nodes left out by ``only_missing_outputs`` (their outputs already existed)
            or by an incremental run (unchanged).
        decisions: for an incremental run, node name to its
            :class:`~kedro_nb.runner.incremental.Decision` (``.text()``: "skipped: unchanged"
            or "runs: <why>"), in the order they were decided; empty otherwise.
        record: the session's :class:`~kedro_nb.project.records.RunRecord` of the run, when
            the run came from ``session.run`` (None from a bare ``runner.run``).
    """

    def __init__(
        self,
        outputs: dict[str, Any] | None = None,
        *,
        node_timings: dict[str, float] | None = None,
        saved: list[str] | None = None,
        duration: float = 0.0,
        run_id: str = "",
        skipped: list[str] | None = None,
        node_memory: dict[str, int] | None = None,
    ) -> None:
        super().__init__(outputs or {})
        self.node_timings: dict[str, float] = dict(node_timings or {})
        self.saved: list[str] = list(saved or [])
        self.duration = duration
        self.run_id = run_id
        self.skipped: list[str] = list(skipped or [])
        self.node_memory: dict[str, int] = dict(node_memory or {})
        self.decisions: dict[str, Any] = {}
        # the session's RunRecord; not imported, even for typing: the runner sits below the session
        self.record: Any = None

    def load(self, name: str) -> Any:
        """The data of free output ``name``: ``result[name].load()``."""
        return self[name].load()
