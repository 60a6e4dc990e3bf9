"""The summary shown after ``%run_pipeline``: nodes run, seconds per node, datasets written."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from kedro_nb.notebook.displays.tables import html_table, text_table


@dataclass
class RunSummary:
    """What one finished run did, in display terms."""

    title: str
    node_timings: dict[str, float]
    saved: Sequence[str]
    injected: Sequence[str] = field(default_factory=list)
    skipped: Sequence[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(self.node_timings.values())

    def _caption(self) -> str:
        count = len(self.node_timings)
        return f"{self.title}: {count} node{'s' if count != 1 else ''} in {self.seconds:.2f} s"

    def _rows(self) -> list[tuple[str, str]]:
        return [(name, f"{seconds:.3f}") for name, seconds in self.node_timings.items()]

    def _footer(self) -> list[str]:
        lines = [f"datasets written: {', '.join(self.saved) or 'none'}"]
        if self.skipped:
            lines.append(f"skipped, outputs already exist: {', '.join(self.skipped)}")
        if self.injected:
            lines.append(f"now in the notebook namespace: {', '.join(self.injected)}")
        return lines

    def html(self) -> str:
        """The ``text/html`` form."""
        table = html_table(self._caption(), ("node", "seconds"), self._rows())
        footer = "".join(f"<div>{html.escape(line)}</div>" for line in self._footer())
        return table + footer

    def text(self) -> str:
        """The ``text/plain`` form."""
        table = text_table(self._caption(), ("node", "seconds"), self._rows())
        return "\n".join([table, *self._footer()])
