"""Hook specifications (pluggy): Kedro's, with its names, plus kedro-nb's own run-progress hooks."""

from kedro_nb.hooks.manager import (
    PLUGIN_ENTRY_POINT_GROUP,
    HookRegistrationError,
    create_hook_manager,
    may_offer_plugins,
    plugin_scan_key,
    register_hooks,
    register_plugins,
)
from kedro_nb.hooks.markers import HOOK_NAMESPACE, hook_impl, hook_spec

__all__ = [
    "HOOK_NAMESPACE",
    "PLUGIN_ENTRY_POINT_GROUP",
    "HookRegistrationError",
    "create_hook_manager",
    "hook_impl",
    "hook_spec",
    "may_offer_plugins",
    "plugin_scan_key",
    "register_hooks",
    "register_plugins",
]
