"""Is every node cell isolated? Static warnings, and optionally a real run in clean namespaces.

Statically, the analysis' issues are the report (in-place mutation of inputs, names defined
nowhere, reads of exploration state). With ``execute=True`` the notebook's pipeline is run by a
kedro-nb runner: each node function sees only its declared inputs and the setup cells' globals,
so a node that leaned on hidden kernel state fails with ``NameError``, reported with its cell and
line. Node outputs go to memory during the check; nothing is written to the catalog's files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kedro_nb.convert.analysis import Issue
from kedro_nb.hooks import hook_impl

#: issue kinds that make ``kedro-nb check`` fail (the others are informational notes);
#: ``generated`` is a finding in the code convert would write that would fail when it runs
#: (convert refuses it); a harmless one is a ``lint`` note (convert warns)
PROBLEM_KINDS = frozenset(
    {"mutation", "undefined", "hidden-state", "shared-state", "syntax", "catalog", "generated"}
)


@dataclass(frozen=True)
class ExecutionFailure:
    """A node that failed when run in isolation."""

    node: str
    cell_index: int | None
    line: int | None
    hidden_state: bool
    message: str

    def __str__(self) -> str:
        where = f"cell {self.cell_index + 1}" if self.cell_index is not None else "cell ?"
        where += f", line {self.line}" if self.line else ""
        kind = "hidden-state" if self.hidden_state else "failed"
        return f"{where} (node {self.node!r}): {kind}: {self.message}"


@dataclass
class CheckReport:
    """The result of checking one notebook."""

    notebook: Path
    issues: list[Issue] = field(default_factory=list)
    failures: list[ExecutionFailure] = field(default_factory=list)
    executed: bool = False
    skipped_nodes: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.kind in PROBLEM_KINDS]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.failures

    def format(self) -> str:
        lines = [f"{self.notebook.name}: {issue}" for issue in self.issues]
        lines += [f"{self.notebook.name}: {failure}" for failure in self.failures]
        if self.skipped_nodes:
            lines.append(
                f"{self.notebook.name}: not run (downstream of a failure): "
                + ", ".join(self.skipped_nodes)
            )
        verdict = "ok" if self.ok else f"{len(self.problems) + len(self.failures)} problem(s)"
        mode = "static + isolated run" if self.executed else "static"
        lines.append(f"{self.notebook.name}: {verdict} ({mode})")
        return "\n".join(lines)


def check_notebook(
    path: str | os.PathLike[str],
    *,
    execute: bool = False,
    project: str | os.PathLike[str] | None = None,
    runner: str = "sequential",
) -> CheckReport:
    """Check ``path``; with ``execute``, also run each node in isolation (see module doc)."""
    from kedro_nb.convert.converter import plan_conversion

    notebook = Path(path).resolve()
    plan = plan_conversion(notebook, project=project, with_catalog=False)
    report = CheckReport(notebook, issues=[*plan.issues, *_generated_issues(plan)])
    if execute:
        cells = {node.name: node.cell_index for node in plan.analysis.nodes}
        _execute(report, project, runner, cells)
    return report


def _generated_issues(plan: Any) -> list[Issue]:
    """What convert would refuse (``generated``) or warn about (``lint``: an unused local,
    say) in the generated code, where the analysis does not report it already: one issue per
    pyflakes finding in a node's cell."""
    from kedro_nb.convert.verify import LINT_KIND, findings

    known = {(i.cell_index, i.line) for i in plan.issues if i.kind in PROBLEM_KINDS}
    return [
        Issue(
            "generated" if f.blocking else LINT_KIND,
            f.cell_index,
            f.cell_line,
            f.message if f.blocking else f"{f.message} ({f.code})",
            f.node,
        )
        for f in findings(plan)
        if f.cell_index is not None and (f.cell_index, f.cell_line) not in known
    ]


def _isolated(
    notebook: Path, project: str | os.PathLike[str] | None, pipeline_name: str | None = None
) -> tuple[Any, Any]:
    """The notebook's pipeline and the session's catalog with every node output in memory."""
    from kedro_nb.convert.build import notebook_pipeline
    from kedro_nb.io import MemoryDataset
    from kedro_nb.project import KedroNbSession

    pipeline = notebook_pipeline(notebook, project=project, pipeline=pipeline_name)
    catalog = KedroNbSession.create(project, start_dir=notebook.parent).catalog
    for node in pipeline.nodes:
        for output in node.outputs:
            catalog[output] = MemoryDataset()
    return pipeline, catalog


class _OutputCollector:
    """Hook implementation keeping every node output value as the runner hands it over."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    @hook_impl
    def after_node_run(self, outputs: dict[str, Any]) -> None:
        self.values.update(outputs)


def run_outputs(
    path: str | os.PathLike[str],
    *,
    project: str | os.PathLike[str] | None = None,
    pipeline: str | None = None,
) -> dict[str, Any]:
    """Run the notebook's pipeline in isolation (nothing saved) and return every node output.

    ``kedro-nb convert --execute`` uses the values to pick dataset types for the catalog.
    Raises the runner's errors (a failing node's own exception, with a ``NodeFailure``).
    """
    from kedro_nb.hooks import create_hook_manager, register_hooks
    from kedro_nb.runner import SequentialRunner

    to_run, catalog = _isolated(Path(path).resolve(), project, pipeline)
    collector = _OutputCollector()
    manager = create_hook_manager()
    register_hooks(manager, [collector])
    SequentialRunner().run(to_run, catalog, hook_manager=manager)
    return collector.values


def _execute(
    report: CheckReport,
    project: str | os.PathLike[str] | None,
    runner_name: str,
    cells: dict[str, int],
) -> None:
    from kedro_nb.convert.located import cell_location
    from kedro_nb.runner import RunnerError, node_failure, runner_from_name

    pipeline, catalog = _isolated(report.notebook, project)
    report.executed = True
    remaining = pipeline
    while remaining.nodes:
        try:
            runner_from_name(runner_name).run(remaining, catalog)
            return
        except Exception as exc:
            failure = node_failure(exc)
            if failure is None:
                if isinstance(exc, RunnerError):  # e.g. a missing input: no node can run
                    report.failures.append(
                        ExecutionFailure("(pipeline)", None, None, False, str(exc))
                    )
                    return
                raise
            name = failure.node_name
            location = cell_location(exc)
            where = (
                (location.cell_index, location.line)
                if location is not None
                else (cells.get(name), None)
            )
            _record(report, exc, name, where)
            downstream = remaining.from_nodes(name)
            report.skipped_nodes += sorted(n.name for n in downstream.nodes if n.name != name)
            remaining = remaining - downstream


def _record(
    report: CheckReport, exc: Exception, node: str, location: tuple[int | None, int | None]
) -> None:
    cause = exc
    hidden = isinstance(cause, NameError)
    message = f"{type(cause).__name__}: {cause}"
    if hidden:
        message += " (the cell relied on kernel state: declare it as an input)"
    report.failures.append(ExecutionFailure(node, *location, hidden, message))
