"""Hook calls for one run, looked up once: a hook nobody implements costs one ``None`` test.

The relay holds, per spec name, pluggy's caller when at least one implementation is
registered and ``None`` otherwise, so the hot loop skips unimplemented hooks without building
keyword dictionaries. Hooks registered while a run is in flight are seen by the next run.

The progress hooks (``on_run_started``, ``on_node_started``, ``on_node_finished``, kedro-nb's
own) are called by the
scheduling loop of every runner, in the calling process; they are never shipped to workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kedro_nb.runner.errors import HookReturnError

if TYPE_CHECKING:
    from pluggy import HookCaller, PluginManager

    from kedro_nb.io.protocol import CatalogProtocol
    from kedro_nb.pipeline import Node

NODE_HOOKS = ("before_node_run", "after_node_run", "on_node_error")
DATASET_HOOKS = (
    "before_dataset_loaded",
    "after_dataset_loaded",
    "before_dataset_saved",
    "after_dataset_saved",
)
PIPELINE_HOOKS = ("before_pipeline_run", "after_pipeline_run", "on_pipeline_error")
PROGRESS_HOOKS = ("on_run_started", "on_node_started", "on_node_finished")


class HookRelay:
    """The registered implementations of the node, dataset, pipeline and progress hooks of one
    manager."""

    __slots__ = (
        *NODE_HOOKS,
        *DATASET_HOOKS,
        *PIPELINE_HOOKS,
        *PROGRESS_HOOKS,
        "any_node_or_dataset",
        "manager",
    )

    # each hook's caller, or None when no plugin implements it
    before_node_run: HookCaller | None
    after_node_run: HookCaller | None
    on_node_error: HookCaller | None
    before_dataset_loaded: HookCaller | None
    after_dataset_loaded: HookCaller | None
    before_dataset_saved: HookCaller | None
    after_dataset_saved: HookCaller | None
    before_pipeline_run: HookCaller | None
    after_pipeline_run: HookCaller | None
    on_pipeline_error: HookCaller | None
    on_run_started: HookCaller | None
    on_node_started: HookCaller | None
    on_node_finished: HookCaller | None

    def __init__(self, manager: PluginManager | None) -> None:
        self.manager = manager
        relay = manager.hook if manager is not None else None
        for name in (*NODE_HOOKS, *DATASET_HOOKS, *PIPELINE_HOOKS, *PROGRESS_HOOKS):
            caller = getattr(relay, name, None)
            setattr(self, name, caller if caller is not None and caller.get_hookimpls() else None)
        self.any_node_or_dataset = any(
            getattr(self, name) is not None for name in (*NODE_HOOKS, *DATASET_HOOKS)
        )

    def plugins(self) -> list[Any]:
        """The registered plugin objects implementing node or dataset hooks (to ship to
        worker processes)."""
        if self.manager is None:
            return []
        found: dict[int, Any] = {}
        for name in (*NODE_HOOKS, *DATASET_HOOKS):
            caller = getattr(self, name)
            if caller is not None:
                for impl in caller.get_hookimpls():
                    found.setdefault(id(impl.plugin), impl.plugin)
        return list(found.values())


def call_node(
    node: Node,
    data: dict[str, Any],
    hooks: HookRelay,
    catalog: CatalogProtocol | None,
    is_async: bool,
    run_id: str,
) -> dict[str, Any]:
    """Run ``node`` on its loaded inputs ``data`` between its node hooks, in Kedro's order:
    ``before_node_run`` (whose dicts replace inputs), the node, then ``after_node_run``, or
    ``on_node_error`` before the error propagates. Returns the node's outputs.

    Used in the calling process and in workers alike (there ``catalog`` is ``None``).
    """
    if hooks.before_node_run is not None:
        responses = hooks.before_node_run(
            node=node, catalog=catalog, inputs=dict(data), is_async=is_async, run_id=run_id
        )
        data = merge_hook_inputs(responses, data)
    try:
        outputs = node.run(data)
    except Exception as exc:
        if hooks.on_node_error is not None:
            hooks.on_node_error(
                error=exc, node=node, catalog=catalog, inputs=data, is_async=is_async, run_id=run_id
            )
        raise
    if hooks.after_node_run is not None:
        hooks.after_node_run(
            node=node,
            catalog=catalog,
            inputs=data,
            outputs=outputs,
            is_async=is_async,
            run_id=run_id,
        )
    return outputs


def merge_hook_inputs(responses: list[Any] | None, inputs: dict[str, Any]) -> dict[str, Any]:
    """Apply ``before_node_run`` answers: each is ``None`` or a dict replacing named inputs."""
    for response in responses or ():
        if response is None:
            continue
        if not isinstance(response, dict):
            raise HookReturnError(
                "A 'before_node_run' hook must return None or a dict mapping input names to "
                f"replacement values, got {type(response).__name__}."
            )
        inputs.update(response)
    return inputs
