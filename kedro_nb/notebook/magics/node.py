"""``%load_node``: a node's inputs as variables and its code in a new cell, ready to debug."""

from __future__ import annotations

import shlex
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import line_magic, magics_class
from IPython.core.magic_arguments import argument

from kedro_nb.notebook.magics.base import (
    KedroNbMagics,
    lazy_magic_arguments,
    parse_line,
    unknown_names,
)
from kedro_nb.notebook.names import LOAD_NODE_MAGIC, RUN_PIPELINE_MAGIC

if TYPE_CHECKING:
    from kedro_nb.convert.node_source import DebugCell
    from kedro_nb.io.protocol import CatalogProtocol
    from kedro_nb.project import KedroNbSession

M = LOAD_NODE_MAGIC


@magics_class
class NodeMagics(KedroNbMagics):
    """Magics that bring one node into the notebook."""

    @lazy_magic_arguments
    @argument("-h", "--help", action="store_true", help="show this help")
    @argument("node", nargs="?", default=None, help="the node's name")
    @argument(
        "--notebook",
        nargs="?",
        const="",
        default=None,
        metavar="PATH",
        help="look in this notebook's node cells (or PATH's) instead of the project pipelines",
    )
    @line_magic(M)  # type: ignore[arg-type, unused-ignore]  # IPython 9 types the magic as Never
    def load_node(self, line: str) -> None:
        """Load a node's inputs from the catalog into variables and put its code in a new cell
        below, to run and debug step by step. Project nodes give their function's body (the
        parameters bound to the inputs, the final return shown as the cell's result); notebook
        nodes give their cell. Without --notebook, the project's pipelines are searched first,
        then this notebook's node cells."""
        args = parse_line(self.load_node, M, line)
        if args is None:
            return
        if not args.node:
            raise UsageError(f"%{M}: name the node to load, e.g. %{M} preprocess_companies")
        from kedro_nb.convert.node_source import notebook_node_cell, notebook_node_names

        session = self.session()
        cell = None if args.notebook is not None else self._project_cell(session, args.node)
        known = [] if args.notebook is not None else self._project_node_names(session)
        notebook = self._notebook(args.notebook)
        run_line = f"%{RUN_PIPELINE_MAGIC}"
        if cell is None and notebook is not None:
            cell = notebook_node_cell(notebook, args.node)
            known += notebook_node_names(notebook)
            run_line += " --notebook" + (f" {shlex.quote(args.notebook)}" if args.notebook else "")
        if cell is None:
            where = "the project's pipelines" + (f" or {notebook.name}" if notebook else "")
            message = f"%{M}: {unknown_names('node', [args.node], known, where)}"
            if notebook is None:
                message += self._notebook_suggestion(args.node)
            raise UsageError(message)
        values, missing = self._load_inputs(self._catalog(session), cell)
        header = f"# %{M} {cell.node_name}: inputs loaded: {', '.join(values) or 'none'}"
        if cell.bound:
            self.shell.push(cell.bound)
            header += f"\n# set as functools.partial fixes them: {', '.join(cell.bound)}"
        if missing:
            datasets = ",".join(missing.values())
            header += (
                f"\n# not loaded, no data yet: {', '.join(missing)}; produce them, then "
                f"%{M} again:\n#   {run_line} --to-outputs {shlex.quote(datasets)}"
            )
        print(self._report(cell, values, missing))
        self.shell.set_next_input(f"{header}\n{cell.source}", replace=False)

    def _catalog(self, session: KedroNbSession) -> Any:
        """The kernel's catalog (the injected one, which runs use), else the session's."""
        from kedro_nb.notebook.names import CATALOG_VAR

        injected = self.shell.user_ns.get(CATALOG_VAR)
        return injected if callable(getattr(injected, "load", None)) else session.catalog

    @staticmethod
    def _report(cell: DebugCell, values: dict[str, Any], missing: dict[str, str]) -> str:
        """What the magic did, in its own output: headless runners drop the proposed cell."""
        from kedro_nb.notebook.displays.values import value_summary

        loaded = ", ".join(f"{name} ({value_summary(v)})" for name, v in values.items())
        lines = [f"%{M} {cell.node_name}: loaded {loaded or 'no inputs'} into variables."]
        if cell.bound:
            lines.append(f"  set from functools.partial: {', '.join(cell.bound)}")
        if missing:
            lines.append(f"  no data yet for: {', '.join(missing)}")
        lines.append("The node's code, also in a new cell below:")
        lines += ["    " + row for row in cell.source.splitlines()]
        return "\n".join(lines)

    @staticmethod
    def _notebook_suggestion(name: str) -> str:
        """When the kernel does not know its notebook: the notebooks here with that node."""
        from kedro_nb.convert.node_source import notebook_node_names

        found = []
        for path in sorted(Path.cwd().glob("*.ipynb")):
            try:
                if name in notebook_node_names(path):
                    found.append(path.name)
            except Exception:  # not a readable notebook: not a candidate
                continue
        if not found:
            return ""
        return (
            f"; it is a node cell of {', '.join(found)} (this kernel cannot tell its notebook): "
            f"%{M} {name} --notebook {shlex.quote(found[0])}"
        )

    def _project_node_names(self, session: KedroNbSession) -> list[str]:
        return sorted({n.name for pipeline in self._pipelines(session) for n in pipeline.nodes})

    @staticmethod
    def _pipelines(session: KedroNbSession) -> list[Any]:
        found = []
        with warnings.catch_warnings():  # a broken pipeline module was reported at load
            warnings.simplefilter("ignore")
            for name in list(session.pipelines):
                try:
                    found.append(session.pipelines[name])
                except Exception:
                    continue
        return found

    def _project_cell(self, session: KedroNbSession, name: str) -> DebugCell | None:
        from kedro_nb.convert.errors import NodeSourceError
        from kedro_nb.convert.node_source import project_node_cell

        for pipeline in self._pipelines(session):
            for node in pipeline.nodes:
                if node.name == name:
                    try:
                        return project_node_cell(node)
                    except NodeSourceError as exc:
                        raise UsageError(f"%{M}: {exc}") from None
        return None

    def _notebook(self, given: str | None) -> Path | None:
        if given:
            path = Path(given).expanduser()
            if not path.is_file():
                raise UsageError(f"%{M}: notebook {given!r} not found (from {Path.cwd()}).")
            return path.resolve()
        found = self.project.notebook_path()
        if found is None and given is not None:
            raise UsageError(
                f"%{M}: cannot tell which notebook this kernel runs; "
                f"name it: %{M} NODE --notebook analysis.ipynb"
            )
        return found

    def _load_inputs(
        self, catalog: CatalogProtocol, cell: DebugCell
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Push the inputs that load; returns them by variable name, and the others
        (variable -> dataset): in-memory data no run has kept."""
        values, missing = {}, {}
        for variable, dataset in cell.inputs.items():
            try:
                values[variable] = catalog.load(dataset)
            except Exception:
                missing[variable] = dataset
        self.shell.push(values)
        return values, missing
