"""The summary shown after ``%run_pipeline``: nodes run, seconds per node, datasets written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kedro_nb.notebook.displays.tables import html_notes, html_table, text_table
from kedro_nb.notebook.progress import DONE, SKIPPED

HEADERS = ("node", "state", "seconds")


@dataclass
class RunSummary:
    """What one finished run did, in display terms."""

    title: str
    node_timings: dict[str, float]
    saved: Sequence[str]
    injected: Sequence[str] = field(default_factory=list)
    skipped: Sequence[str] = field(default_factory=list)
    #: outputs of the run the kernel keeps in memory for later runs
    kept: Sequence[str] = field(default_factory=list)
    #: the run's id as recorded (``session.runs()``, ``kedro-nb runs``), in full
    run_id: str = ""
    #: an incremental run: node to why it ran or was skipped ("runs: input `raw` changed")
    reasons: dict[str, str] = field(default_factory=dict)
    #: node to the bytes it pushed resident memory above its start (its peak)
    node_memory: dict[str, int] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.node_timings.values())

    def _caption(self) -> str:
        count = len(self.node_timings)
        return f"{self.title}: {count} node{'s' if count != 1 else ''} in {self.seconds:.2f} s"

    def _headers(self) -> tuple[str, ...]:
        headers = (*HEADERS, "peak MB") if self.node_memory else HEADERS
        return (*headers, "why") if self.reasons else headers

    def _rows(self) -> list[tuple[str, ...]]:
        done: list[tuple[str, ...]] = [
            (name, DONE, f"{seconds:.3f}") for name, seconds in self.node_timings.items()
        ]
        skipped: list[tuple[str, ...]] = [(name, SKIPPED, "") for name in self.skipped]
        if self.node_memory:
            memory = self.node_memory
            done = [
                (*row, f"+{memory[row[0]] / 2**20:.1f}" if row[0] in memory else "") for row in done
            ]
            skipped = [(*row, "") for row in skipped]
        rows = [*done, *skipped]
        if self.reasons:
            rows = [(*row, self.reasons.get(row[0], "")) for row in rows]
        return rows

    def _footer(self) -> list[str]:
        lines = [f"datasets written: {', '.join(self.saved) or 'none'}"]
        if self.run_id:
            lines.insert(0, f"run id: {self.run_id}")
        if self.reasons:
            ran = len(self.node_timings)
            lines.append(f"{ran} node(s) ran, {len(self.skipped)} skipped (incremental run)")
        elif self.skipped:
            lines.append(f"skipped, outputs already exist: {', '.join(self.skipped)}")
        if self.kept:
            lines.append(
                f"kept in memory for later runs: {', '.join(self.kept)} "
                "(catalog.release(name) frees one)"
            )
        if self.injected:
            lines.append(f"now in the notebook namespace: {', '.join(self.injected)}")
        return lines

    def html(self) -> str:
        """The ``text/html`` form."""
        table = html_table(self._caption(), self._headers(), self._rows())
        return table + html_notes(self._footer())

    def text(self) -> str:
        """The ``text/plain`` form."""
        table = text_table(self._caption(), self._headers(), self._rows())
        return "\n".join([table, *self._footer()])
