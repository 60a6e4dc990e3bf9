"""``session.runs``: a project's run records as a notebook user wants them.

Called, it lists records as before (``session.runs(limit=5)``). Shown in a notebook, it is the
comparison table of the latest runs (:mod:`kedro_nb.project.compare`). It also picks runs out
(``last``, ``best``, ``get``, ``[run_id]``), compares any of them, plots a metric across runs
with matplotlib, and turns params and metrics into a pandas DataFrame.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from kedro_nb.project.compare import Comparison, best_in_store, best_run, compare, flatten
from kedro_nb.project.records import RunRecord, RunStore

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SHOWN", "PlottingUnavailableError", "RunHistory"]

#: how many of the latest runs a notebook shows for ``session.runs``
SHOWN = 10


class PlottingUnavailableError(ImportError):
    """Raised by :meth:`RunHistory.plot` when matplotlib is not installed."""


class RunHistory:
    """The run records of one store, newest first."""

    def __init__(self, store: RunStore) -> None:
        self.store = store

    def __call__(self, limit: int | None = 20) -> list[RunRecord]:
        """The latest ``limit`` records (all when None), newest first."""
        return self.store.list(limit)

    def __iter__(self) -> Iterator[RunRecord]:
        return iter(self.store.list(None))

    def __len__(self) -> int:
        return len(self.store.list(None))

    def __getitem__(self, key: int | str) -> RunRecord:
        """``runs[0]`` the latest run, ``runs[-1]`` the oldest, ``runs["2026-01-15T10"]`` by
        id or unique prefix."""
        if isinstance(key, int):
            records = self.store.list(None if key < 0 else key + 1)
            try:
                return records[key]
            except IndexError:
                raise IndexError(f"run index {key} out of range ({len(records)} runs)") from None
        return self.store.get(key)

    def get(self, run_id: str) -> RunRecord:
        """The record of ``run_id`` (a unique prefix is enough)."""
        return self.store.get(run_id)

    def last(self, n: int = SHOWN) -> list[RunRecord]:
        """The latest ``n`` runs, oldest first (the order a comparison shows them in)."""
        return list(reversed(self.store.list(n)))

    def best(self, metric: str, *, minimize: bool = False, among: int | None = None) -> RunRecord:
        """The run with the highest ``metric`` (lowest with ``minimize``), among all runs or
        the latest ``among``."""
        return best_in_store(self.store, metric, minimize=minimize, among=among)[0]

    def compare(self, *runs: str | RunRecord) -> Comparison:
        """Runs side by side, the first as baseline; without arguments, the latest ten."""
        records = [r if isinstance(r, RunRecord) else self.store.get(r) for r in runs]
        return compare(records or self.last())

    def to_frame(self, limit: int | None = None) -> pd.DataFrame:
        """One row per run (newest first, indexed by run id): status, pipeline, start,
        seconds, git commit and dirty flag, then ``params.<key>`` and ``metrics.<name>``."""
        import pandas as pd

        rows = []
        for record in self.store.list(limit):
            row: dict[str, Any] = {
                "run_id": record.run_id,
                "status": record.status,
                "pipeline": record.pipeline_name,
                "started_at": pd.Timestamp(record.started_at),
                "seconds": record.duration,
                "git_sha": record.git_sha,
                "git_dirty": record.git_dirty,
            }
            row.update({f"params.{k}": _cell(v) for k, v in flatten(record.params).items()})
            row.update({f"metrics.{k}": v for k, v in record.metrics.items()})
            rows.append(row)
        frame = pd.DataFrame(rows)
        return frame.set_index("run_id") if rows else frame

    def plot(self, metric: str, *, last: int | None = None, ax: Any = None) -> Any:
        """Draw ``metric`` across runs (oldest to newest) with matplotlib; returns the Axes.
        Runs without the metric are left out."""
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise PlottingUnavailableError(
                "session.runs.plot needs matplotlib, which is not installed: "
                "pip install matplotlib (or use session.runs.to_frame() with another library)."
            ) from None
        records = list(reversed(self.store.list(last)))
        points = [(r, r.metric(metric)) for r in records]
        points = [(r, v) for r, v in points if v is not None]
        if not points:
            best_run(records, metric)  # raises, naming the metrics that do exist
        if ax is None:
            _, ax = plt.subplots()
        ax.plot(range(len(points)), [v for _, v in points], marker="o")
        ax.set_xticks(range(len(points)))
        ax.set_xticklabels([r.run_id[5:19] for r, _ in points], rotation=45, ha="right")
        ax.set_xlabel("run")
        ax.set_ylabel(metric)
        ax.set_title(f"{metric} across {len(points)} run(s)")
        return ax

    def _repr_html_(self) -> str:
        records = self.last()
        if not records:
            return f"<p>No runs recorded in <code>{self.store.path}</code> yet.</p>"
        return compare(records).to_html()

    def __repr__(self) -> str:
        records = self.last()
        if not records:
            return f"No runs recorded in {self.store.path} yet."
        return compare(records).to_text()


def _cell(value: Any) -> Any:
    return str(value) if isinstance(value, (list, dict)) else value
