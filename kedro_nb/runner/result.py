"""What a successful run returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RunResult:
    """The outcome of ``runner.run``.

    Attributes:
        outputs: the pipeline's free outputs (datasets no node of the run reads), name to
            dataset object as Kedro 1.7 returns them; memory ones still hold their data
            (``result.outputs["x"].load()``, or :meth:`load`).
        node_timings: seconds spent per node (load, run, save), in completion order.
        saved: persisted (non-memory) datasets written, in the order they were written.
        duration: wall-clock seconds of the whole run.
        run_id: the run's id, as passed to the hooks.
        skipped: nodes left out by ``only_missing_outputs`` (their outputs already existed).
    """

    outputs: dict[str, Any]
    node_timings: dict[str, float]
    saved: list[str]
    duration: float
    run_id: str
    skipped: list[str] = field(default_factory=list)

    def load(self, name: str) -> Any:
        """The data of free output ``name`` (loaded from its dataset)."""
        return self.outputs[name].load()
