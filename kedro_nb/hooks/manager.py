"""The plugin manager: one per session, holding the project's hooks and installed plugins."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pluggy

from kedro_nb.hooks.markers import HOOK_NAMESPACE
from kedro_nb.hooks.specs import ALL_SPECS
from kedro_nb.shared import did_you_mean

logger = logging.getLogger(__name__)

#: Entry-point group under which installed packages offer hooks
#: (``[project.entry-points."kedro_nb.hooks"]`` in their pyproject.toml).
PLUGIN_ENTRY_POINT_GROUP = "kedro_nb.hooks"


class HookRegistrationError(ValueError):
    """Raised by :func:`register_hooks` when an object implements a hook the specs do not define,
    or with arguments the spec does not have."""


def create_hook_manager() -> pluggy.PluginManager:
    """A plugin manager knowing every kedro-nb hook spec, with no implementation registered."""
    manager = pluggy.PluginManager(HOOK_NAMESPACE)
    for spec in ALL_SPECS:
        manager.add_hookspecs(spec)
    return manager


def register_hooks(manager: pluggy.PluginManager, hooks: Iterable[Any]) -> None:
    """Register hook objects (instances, as in Kedro's ``settings.HOOKS``) and verify them now,
    so a typo in a hook name fails at start-up, naming the object and the hook, not silently."""
    for hook in hooks:
        if isinstance(hook, type):
            raise HookRegistrationError(
                f"Hook {hook.__qualname__} is a class; register an instance: {hook.__qualname__}()."
            )
        if manager.is_registered(hook):
            continue
        name: str | None = f"{type(hook).__module__}.{type(hook).__qualname__}"
        if manager.has_plugin(name):  # type: ignore[arg-type]  # a str here, never None
            name = None  # a second instance of one class: pluggy picks a unique name
        try:
            manager.register(hook, name=name)
        except pluggy.PluginValidationError as exc:
            # pluggy's message names the plugin, the hook, the impl signature and the argument
            raise HookRegistrationError(
                f"Invalid hook in {type(hook).__qualname__}: {exc}"
            ) from exc
        unknown = _unknown_hooks(manager, hook)
        if unknown:
            manager.unregister(hook)
            raise HookRegistrationError(_unknown_message(manager, hook, unknown))


def _unknown_hooks(manager: pluggy.PluginManager, hook: Any) -> list[str]:
    return sorted(
        caller.name for caller in manager.get_hookcallers(hook) or [] if not caller.has_spec()
    )


def _unknown_message(manager: pluggy.PluginManager, hook: Any, unknown: list[str]) -> str:
    known = sorted(
        name
        for name in dir(manager.hook)
        if not name.startswith("_") and getattr(manager.hook, name).has_spec()
    )
    return (
        f"Hook class {type(hook).__qualname__} implements unknown hook(s) "
        f"{', '.join(map(repr, unknown))}.{did_you_mean(unknown, known, n=1)} "
        f"kedro-nb's hooks are: {', '.join(known)}."
    )


def register_plugins(
    manager: pluggy.PluginManager, disabled: Iterable[str] = (), *, offered: bool | None = None
) -> list[str]:
    """Load hooks offered by installed distributions, except those named in ``disabled``
    (distribution names, as Kedro's ``DISABLE_HOOKS_FOR_PLUGINS``). Returns the names loaded.

    ``importlib.metadata`` (slow to import, and parsing every distribution's metadata) is used
    only when a quick look at the installed distributions' ``entry_points.txt`` files finds
    the group named at all, which in most environments it is not. ``offered``: that look's
    answer when the caller kept it (:func:`may_offer_plugins` for :func:`plugin_scan_key`)."""
    if offered is None:
        key = plugin_scan_key()
        offered = True if key is None else may_offer_plugins(key)
    if not offered:
        return []
    from importlib.metadata import entry_points

    skipped = set(disabled)
    loaded: list[str] = []
    for entry_point in entry_points(group=PLUGIN_ENTRY_POINT_GROUP):
        dist = entry_point.dist.name if entry_point.dist else entry_point.name
        if dist in skipped:
            continue
        try:
            plugin = entry_point.load()
        except Exception as exc:  # a broken plugin must not stop the project
            logger.warning("Could not load hooks from %s (%s): %s", dist, entry_point.value, exc)
            continue
        register_hooks(manager, [plugin])
        loaded.append(dist)
    return loaded


# plugin_scan_key() -> whether a plugin may be offered
_scan_cache: dict[tuple[Any, ...], bool] = {}


def plugin_scan_key() -> tuple[Any, ...] | None:
    """What :func:`may_offer_plugins` depends on: ``sys.path`` and the modification time of
    each of its folders (installing or removing a distribution changes its folder's time).
    None when a quick look cannot answer: another distribution finder in ``sys.meta_path``, or
    a zip or egg entry in ``sys.path`` (then plugins are looked up with ``importlib.metadata``)."""
    import os
    import sys
    from importlib.machinery import PathFinder

    finders = tuple(
        finder for finder in sys.meta_path if getattr(finder, "find_distributions", None)
    )
    if finders != (PathFinder,):
        return None
    folders: list[tuple[str, int]] = []
    for entry in sys.path:
        try:
            found = os.stat(entry or ".")
        except (OSError, ValueError):
            continue  # missing entries hold no distribution
        if not os.path.isdir(entry or ".") or entry.endswith(".egg"):
            return None
        folders.append((entry or ".", found.st_mtime_ns))
    return (tuple(sys.path), tuple(folders))


def may_offer_plugins(key: tuple[Any, ...]) -> bool:
    """False only when no distribution ``importlib.metadata`` would find can declare the
    plugin group: every ``*.dist-info``/``*.egg-info`` folder directly in a ``sys.path``
    folder of ``key`` (from :func:`plugin_scan_key`) is checked for the group's name in its
    ``entry_points.txt``. Cached per process for the same key."""
    if key not in _scan_cache:
        _scan_cache.clear()
        _scan_cache[key] = any(_folder_offers_plugins(folder) for folder, _ in key[1])
    return _scan_cache[key]


def _folder_offers_plugins(folder: str) -> bool:
    import os

    try:
        names = os.listdir(folder)
    except OSError:
        return False
    for name in names:
        if not name.lower().endswith((".dist-info", ".egg-info")):
            continue
        try:
            with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8") as f:
                if PLUGIN_ENTRY_POINT_GROUP in f.read():
                    return True
        except (OSError, UnicodeDecodeError):
            continue  # no entry points (or an egg-info file): nothing offered
    return False
