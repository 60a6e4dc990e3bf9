"""``Task``: one node run against a catalog, Kedro's building block for custom runners."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from kedro_nb.runner._hooks import HookRelay
from kedro_nb.runner._local import is_generator_node, run_node

if TYPE_CHECKING:
    from pluggy import PluginManager

    from kedro_nb.io.protocol import CatalogProtocol
    from kedro_nb.pipeline import Node


class Task:
    """Run one ``node``: load its inputs from ``catalog``, call the node and dataset hooks of
    ``hook_manager``, save its outputs, confirm what it confirms. Kedro 1.7's signature, so a
    custom runner's ``_run`` can do ``Task(node=n, catalog=c, is_async=False,
    hook_manager=h, run_id=r).execute()`` or hand the task to an executor (it is callable).

    ``parallel`` is accepted for Kedro compatibility; kedro-nb's process runners ship nodes
    themselves.
    """

    def __init__(
        self,
        node: Node,
        catalog: CatalogProtocol,
        is_async: bool,
        hook_manager: PluginManager | None = None,
        run_id: str | None = None,
        parallel: bool = False,
    ) -> None:
        self.node = node
        self.catalog = catalog
        self.is_async = is_async
        self.hook_manager = hook_manager
        self.run_id = run_id
        self.parallel = parallel

    def execute(self) -> Node:
        """Run the node; return it (as Kedro's ``Task.execute`` does)."""
        node = self.node
        if self.is_async and is_generator_node(node):
            raise ValueError(
                f"Asynchronous loading and saving does not work with node {node.name!r}, "
                "whose function is a generator: run it without is_async."
            )
        hooks = HookRelay(self.hook_manager)
        inputs = tuple(node.inputs)
        if self.is_async:
            with ThreadPoolExecutor(thread_name_prefix="kedro_nb-io") as pool:
                run_node(node, inputs, self.catalog, hooks, self.run_id or "", pool)
        else:
            run_node(node, inputs, self.catalog, hooks, self.run_id or "")
        for name in getattr(node, "confirms", None) or ():
            self.catalog.confirm(name)
        return node

    def __call__(self) -> Node:
        """Run the node (so an executor can take the task itself)."""
        return self.execute()
