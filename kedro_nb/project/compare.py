"""Runs side by side: the parameters that differ, metrics with deltas, code and inputs.

:func:`compare` turns run records into a :class:`Comparison` (plain data); the CLI prints its
:meth:`~Comparison.to_text`, ``--json`` its :meth:`~Comparison.to_dict`, and a notebook shows
its :meth:`~Comparison.to_html`, so the three always say the same thing. The first run is the
baseline: each metric's delta is the run's value minus the baseline's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kedro_nb.project.errors import RunRecordError
from kedro_nb.project.records import RunRecord, RunStore
from kedro_nb.shared import closest

__all__ = ["Comparison", "Row", "best_in_store", "best_run", "compare", "flatten"]

_MISSING = "-"


def flatten(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as one level of dotted keys (``model.alpha``); other values as they are."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


@dataclass
class Row:
    """One line of a comparison: a name and one value per run (None where a run has none)."""

    name: str
    values: list[Any]
    deltas: list[float | None] = field(default_factory=list)


@dataclass
class Comparison:
    """What differs between runs, section by section (each a list of :class:`Row`).

    Attributes:
        runs: the records compared, the baseline first.
        summary: status, pipeline, start, seconds, env and runner of each run.
        params: parameters whose values differ (``same_params`` counts the others).
        metrics: every metric any run has, with deltas against the baseline.
        code: git commit and whether the work tree was dirty.
        inputs: dataset versions read and input fingerprints that differ.
        environment: package versions that differ.
    """

    runs: list[RunRecord]
    summary: list[Row]
    params: list[Row]
    same_params: int
    metrics: list[Row]
    code: list[Row]
    inputs: list[Row]
    environment: list[Row]

    def sections(self) -> list[tuple[str, list[Row]]]:
        """``(title, rows)`` in display order."""
        same = f" ({self.same_params} identical not shown)" if self.same_params else ""
        return [
            ("run", self.summary),
            (f"params that differ{same}", self.params),
            ("metrics", self.metrics),
            ("code", self.code),
            ("inputs that differ", self.inputs),
            ("environment (packages that differ)", self.environment),
        ]

    def to_dict(self) -> dict[str, Any]:
        """The comparison as JSON-ready data (``kedro-nb runs --compare --json``)."""

        def rows(section: list[Row], with_deltas: bool = False) -> dict[str, Any]:
            if with_deltas:
                return {r.name: {"values": r.values, "deltas": r.deltas} for r in section}
            return {r.name: r.values for r in section}

        return {
            "runs": [r.run_id for r in self.runs],
            "baseline": self.runs[0].run_id if self.runs else None,
            "summary": rows(self.summary),
            "params": rows(self.params),
            "identical_params": self.same_params,
            "metrics": rows(self.metrics, with_deltas=True),
            "code": rows(self.code),
            "inputs": rows(self.inputs),
            "environment": rows(self.environment),
        }

    def _cells(self, row: Row) -> list[str]:
        cells = []
        for index, value in enumerate(row.values):
            text = _format(value)
            delta = row.deltas[index] if row.deltas else None
            if delta is not None and index > 0:
                text += f" ({_signed(delta)})"
            cells.append(text)
        return cells

    def to_text(self) -> str:
        """A plain-text table: one column per run, one line per row, grouped by section."""
        lines: list[list[str]] = [["", *(r.run_id for r in self.runs)]]
        for title, section in self.sections():
            if not section and title != "metrics":
                continue
            lines.append([title + ("" if section else ": none recorded")])
            lines += [[f"  {row.name}", *self._cells(row)] for row in section]
        columns = range(len(lines[0]))
        widths = [max(len(line[i]) for line in lines if len(line) > 1) for i in columns]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)).rstrip()
            for line in lines
        )

    def to_html(self) -> str:
        """The same table as HTML (what a notebook shows for ``session.runs``)."""
        import html

        head = "".join(f"<th>{html.escape(r.run_id)}</th>" for r in self.runs)
        body = []
        span = len(self.runs) + 1
        for title, section in self.sections():
            if not section and title != "metrics":
                continue
            body.append(
                f'<tr><th colspan="{span}" style="text-align:left">{html.escape(title)}'
                f"{'' if section else ': none recorded'}</th></tr>"
            )
            for row in section:
                cells = "".join(f"<td>{html.escape(c)}</td>" for c in self._cells(row))
                body.append(f"<tr><td>{html.escape(row.name)}</td>{cells}</tr>")
        return (
            '<table class="kedro-nb-runs"><thead><tr><th></th>'
            f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        """A notebook cell ending in ``session.runs.compare(...)`` shows the HTML table."""
        return self.to_html()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's plain-text display (a terminal, a text export) shows the text table, not
        the dataclass fields."""
        printer.text(self.to_text())


def _format(value: Any) -> str:
    if value is None:
        return _MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _signed(delta: float) -> str:
    return "0" if delta == 0 else f"{delta:+.4g}"


def _differing(columns: Sequence[Mapping[str, Any]]) -> tuple[list[Row], int]:
    names: dict[str, None] = {}
    for column in columns:
        names.update(dict.fromkeys(column))
    rows, same = [], 0
    for name in names:
        values = [column.get(name) for column in columns]
        if all(value == values[0] for value in values[1:]) and len(columns) > 1:
            same += 1
            continue
        rows.append(Row(name, values))
    return rows, same


def compare(records: Sequence[RunRecord]) -> Comparison:
    """The :class:`Comparison` of ``records`` (the first is the baseline). With one run, every
    parameter is shown."""
    runs = list(records)
    summary = [
        Row("status", [r.status for r in runs]),
        Row("pipeline", [r.pipeline_name for r in runs]),
        Row("started", [r.started_at[:19].replace("T", " ") for r in runs]),
        Row("seconds", [round(r.duration, 3) if r.duration is not None else None for r in runs]),
    ]
    for name, values in (
        ("env", [r.env for r in runs]),
        ("runner", [r.runner for r in runs]),
        ("slicing", [_slicing(r) for r in runs]),
        ("notebook", [r.notebook for r in runs]),
        ("like run", [r.like_run for r in runs]),
    ):
        if any(values):
            summary.append(Row(name, values))
    params, same = _differing([flatten(r.params) for r in runs])
    metric_names: dict[str, None] = {}
    for run in runs:
        metric_names.update(dict.fromkeys(run.metrics))
    metrics = []
    for name in metric_names:
        numbers = [r.metrics.get(name) for r in runs]
        base = numbers[0]
        deltas = [
            None if value is None or base is None else _delta(value, base) for value in numbers
        ]
        metrics.append(Row(name, numbers, deltas))
    code = [
        Row("git commit", [r.git_sha[:10] if r.git_sha else None for r in runs]),
        Row("git dirty", [r.git_dirty for r in runs]),
    ]
    inputs, _ = _differing([_inputs(r) for r in runs])
    environment, _ = _differing([r.packages for r in runs])
    if len(runs) == 1:
        inputs = [Row(name, [value]) for name, value in _inputs(runs[0]).items()]
        environment = [Row(name, [value]) for name, value in runs[0].packages.items()]
    return Comparison(runs, summary, params, same, metrics, code, inputs, environment)


def _delta(value: float, base: float) -> float:
    delta = value - base
    return 0.0 if math.isclose(value, base, rel_tol=1e-12, abs_tol=1e-15) else delta


def _slicing(record: RunRecord) -> str | None:
    parts = [
        f"{key}={','.join(map(str, value)) if isinstance(value, list) else value}"
        for key, value in record.slicing.items()
        if key != "load_versions"
    ]
    return " ".join(parts) or None


def _inputs(record: RunRecord) -> dict[str, str]:
    found = {f"{name} (version read)": v for name, v in record.loaded_versions.items()}
    found.update({f"{name} (file)": fp for name, fp in record.input_fingerprints.items()})
    return found


def best_run(records: Iterable[RunRecord], metric: str, *, minimize: bool = False) -> RunRecord:
    """The run with the highest ``metric`` (lowest with ``minimize``) among ``records``; a
    metric's unique last part is enough (``r2`` for ``metrics.r2``). Runs without it are
    skipped; RunRecordError when none has it, naming the metrics that exist."""
    scored: list[tuple[float, RunRecord]] = []
    known: dict[str, None] = {}
    for record in records:
        known.update(dict.fromkeys(record.metrics))
        value = record.metric(metric)
        if value is not None and not math.isnan(value):
            scored.append((value, record))
    if not scored:
        names = sorted(known)
        short: dict[str, list[str]] = {}
        for name in names:  # "r22" is close to "r2", the last part of "metrics.r2"
            short.setdefault(name.rsplit(".", 1)[-1], []).append(name)
        close = list(
            dict.fromkeys(
                [n for s in closest(metric, short) for n in short[s]] + closest(metric, names)
            )
        )[:3]
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        listed = ", ".join(names[:20]) or "none (save a tracking.MetricsDataset in a node)"
        raise RunRecordError(f"No recorded run has a metric {metric!r}.{hint} Metrics: {listed}.")
    pick = min if minimize else max
    return pick(scored, key=lambda pair: pair[0])[1]


def best_in_store(
    store: RunStore, metric: str, *, minimize: bool = False, among: int | None = None
) -> tuple[RunRecord, RunRecord | None]:
    """``(best, latest)``: the best run by ``metric`` among all runs of ``store`` (or the
    latest ``among``), read in full, and the latest run when it is another one. Only the
    metrics of the other runs are read, so this stays fast over a long history."""
    scored = store.metrics(among)
    light = [RunRecord(run_id=run_id, started_at="", metrics=m) for run_id, m in scored]
    best = store.get(best_run(light, metric, minimize=minimize).run_id)
    latest = scored[0][0]
    return best, (None if latest == best.run_id else store.get(latest))
