"""The hook markers, created once from one namespace.

The namespace is Kedro's (``"kedro"``), so a hook class written for Kedro with
``kedro.framework.hooks.hook_impl`` is recognised here unchanged, and ours are recognised by Kedro:
projects move between the two without touching their hooks.
"""

from __future__ import annotations

import pluggy

HOOK_NAMESPACE = "kedro"

hook_spec = pluggy.HookspecMarker(HOOK_NAMESPACE)
hook_impl = pluggy.HookimplMarker(HOOK_NAMESPACE)
