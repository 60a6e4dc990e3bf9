"""``%load_node``: a node's inputs as variables and its code in a new cell, ready to debug."""

from __future__ import annotations

import shlex
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from kedro_nb.convert.errors import NodeSourceError
from kedro_nb.notebook.magics.base import KedroNbMagics, parse_line, unknown_names
from kedro_nb.notebook.names import LOAD_NODE_MAGIC, RUN_PIPELINE_MAGIC

if TYPE_CHECKING:
    from kedro_nb.convert.node_source import DebugCell

M = LOAD_NODE_MAGIC


@magics_class
class NodeMagics(KedroNbMagics):
    """Magics that bring one node into the notebook."""

    @magic_arguments()
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
    @line_magic(M)
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
            raise UsageError(f"%{M}: {unknown_names('node', [args.node], known, where)}")
        loaded, missing = self._load_inputs(session.catalog, cell)
        header = f"# %{M} {cell.node_name}: inputs loaded: {', '.join(loaded) or 'none'}"
        if cell.bound:
            self.shell.push(cell.bound)
            header += f"\n# set as functools.partial fixes them: {', '.join(cell.bound)}"
        if missing:
            datasets = ",".join(missing.values())
            header += (
                f"\n# not loaded, no data yet: {', '.join(missing)}; produce them, then "
                f"%{M} again:\n#   {run_line} --to-outputs {shlex.quote(datasets)}"
            )
        self.shell.set_next_input(f"{header}\n{cell.source}", replace=False)

    def _project_node_names(self, session: Any) -> list[str]:
        return sorted({n.name for pipeline in self._pipelines(session) for n in pipeline.nodes})

    @staticmethod
    def _pipelines(session: Any) -> list[Any]:
        found = []
        with warnings.catch_warnings():  # a broken pipeline module was reported at load
            warnings.simplefilter("ignore")
            for name in list(session.pipelines):
                try:
                    found.append(session.pipelines[name])
                except Exception:
                    continue
        return found

    def _project_cell(self, session: Any, name: str) -> DebugCell | None:
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

    def _load_inputs(self, catalog: Any, cell: DebugCell) -> tuple[list[str], dict[str, str]]:
        """Push the inputs that load; returns their variable names, and the others
        (variable -> dataset): in-memory data no run has kept."""
        values, missing = {}, {}
        for variable, dataset in cell.inputs.items():
            try:
                values[variable] = catalog.load(dataset)
            except Exception:
                missing[variable] = dataset
        self.shell.push(values)
        return list(values), missing
