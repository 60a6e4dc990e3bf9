"""Running code written for Kedro under kedro-nb.

Two situations:
  * Kedro is installed: project modules build ``kedro.pipeline`` objects; :func:`as_pipeline`
    converts them (node by node: function, inputs, outputs, name, tags, namespace, confirms).
  * Kedro is absent: :func:`kedro_shim` serves the handful of ``kedro`` modules that
    project code imports (``kedro.pipeline``, ``kedro.io``, ``kedro.config``,
    ``kedro.framework.project``, ``kedro.framework.hooks``) from kedro-nb's own objects, while
    kedro-nb imports the project's code (settings, hooks, pipelines, a run's dataset classes).
    Its finder sits in ``sys.meta_path`` only for that time, so the rest of the process is left
    as it was; the ``kedro`` modules it served stay in ``sys.modules`` (objects made from them
    keep working, and a project module imported again finds them). It is never installed when
    a real Kedro is importable, so it cannot shadow it.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import importlib.util
import sys
import threading
import types
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kedro_nb.pipeline import Pipeline

#: shim module -> {attribute: "kedro_nb.module:attribute"}
_SHIM_MODULES: dict[str, dict[str, str]] = {
    "kedro": {},
    "kedro.pipeline": {
        "node": "kedro_nb.pipeline:node",
        "Node": "kedro_nb.pipeline:Node",
        "Pipeline": "kedro_nb.pipeline:Pipeline",
        "pipeline": "kedro_nb.pipeline:pipeline",
    },
    "kedro.io": {
        "DataCatalog": "kedro_nb.io:DataCatalog",
        "AbstractDataset": "kedro_nb.io:AbstractDataset",
        "AbstractVersionedDataset": "kedro_nb.io:AbstractVersionedDataset",
        "MemoryDataset": "kedro_nb.io:MemoryDataset",
        "DatasetError": "kedro_nb.io:DatasetError",
        "DatasetNotFoundError": "kedro_nb.io:DatasetNotFoundError",
        "Version": "kedro_nb.io:Version",
    },
    "kedro.io.core": {
        "AbstractDataset": "kedro_nb.io:AbstractDataset",
        "AbstractVersionedDataset": "kedro_nb.io:AbstractVersionedDataset",
        "DatasetError": "kedro_nb.io:DatasetError",
        "Version": "kedro_nb.io:Version",
        "get_filepath_str": "kedro_nb.io:get_filepath_str",
        "get_protocol_and_path": "kedro_nb.io:get_protocol_and_path",
    },
    "kedro.config": {
        "OmegaConfigLoader": "kedro_nb.config:ConfigLoader",
        "MissingConfigException": "kedro_nb.config:MissingConfigError",
        "AbstractConfigLoader": "kedro_nb.config:AbstractConfigLoader",
    },
    "kedro.framework": {},
    "kedro.framework.project": {"find_pipelines": "kedro_nb.project.registry:find_pipelines"},
    "kedro.framework.hooks": {
        "hook_impl": "kedro_nb.hooks:hook_impl",
        "hook_spec": "kedro_nb.hooks:hook_spec",
    },
}
_SHIM_MODULES["kedro.pipeline.node"] = _SHIM_MODULES["kedro.pipeline"]
_SHIM_MODULES["kedro.pipeline.pipeline"] = _SHIM_MODULES["kedro.pipeline"]
_SHIM_MODULES["kedro.framework.hooks.markers"] = _SHIM_MODULES["kedro.framework.hooks"]
_PACKAGES = {"kedro", "kedro.io", "kedro.pipeline", "kedro.framework", "kedro.framework.hooks"}
SHIM_VERSION = "kedro-nb-shim"
_SHIM_ORIGIN = "kedro-nb-shim"


class _ShimModule(types.ModuleType):
    """A module whose attributes are fetched from kedro-nb on first access."""

    def __getattr__(self, attribute: str) -> Any:
        target = _SHIM_MODULES.get(self.__name__, {}).get(attribute)
        if target is None:
            raise AttributeError(
                f"module {self.__name__!r} has no attribute {attribute!r}: kedro-nb's "
                "compatibility layer provides only "
                f"{sorted(_SHIM_MODULES.get(self.__name__, {}))}. Install kedro to use more."
            )
        module_name, _, name = target.partition(":")
        value = getattr(importlib.import_module(module_name), name)
        setattr(self, attribute, value)
        return value


def _make_finder() -> Any:
    """The meta-path finder serving the shim modules. Built on first need: ``importlib.abc``
    is slow to import, and with Kedro installed the shim is never used."""
    import importlib.abc

    class _KedroShimFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
            if fullname not in _SHIM_MODULES:
                return None
            return importlib.machinery.ModuleSpec(
                fullname, self, is_package=fullname in _PACKAGES, origin=_SHIM_ORIGIN
            )

        def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
            module = _ShimModule(spec.name)
            if spec.name == "kedro":
                module.__version__ = SHIM_VERSION  # type: ignore[attr-defined]
            return module

        def exec_module(self, module: types.ModuleType) -> None:
            return None

    return _KedroShimFinder()


_FINDER: Any = None  # the finder, once made
_LOCK = threading.Lock()  # guards the finder's place in sys.meta_path, _DEPTH and _PERMANENT
_DEPTH = 0  # kedro_shim() blocks open that put the finder in place (they nest, across threads)
_PERMANENT = False  # install_kedro_shim() was called: the finder stays


def _shim_installed() -> bool:
    return _FINDER is not None and _FINDER in sys.meta_path


def real_kedro_available() -> bool:
    """True when an actual ``kedro`` distribution is importable (the shim excluded, also
    the ``kedro`` module it left in ``sys.modules``)."""
    if _shim_installed():
        return False
    try:
        spec = importlib.util.find_spec("kedro")
    except (ImportError, ValueError):
        return False
    return spec is not None and spec.origin != _SHIM_ORIGIN


@contextlib.contextmanager
def kedro_shim() -> Iterator[bool]:
    """Serve ``kedro.*`` imports from kedro-nb inside the block when Kedro is not installed,
    and take the finder out of ``sys.meta_path`` again when the last open block ends (unless
    :func:`install_kedro_shim` put it there for good). Yields whether the shim is active.

    kedro-nb opens it around every import of a project's own code (``settings.py``, hooks,
    pipeline modules and registry, a run's dataset classes): that code may import ``kedro``.
    """
    global _DEPTH
    with _LOCK:
        owned = not _PERMANENT and (_DEPTH > 0 or (not real_kedro_available() and _insert()))
        if owned:
            _DEPTH += 1
        active = _shim_installed()
    try:
        yield active
    finally:
        if owned:
            with _LOCK:
                _DEPTH -= 1
                if _DEPTH == 0 and not _PERMANENT and _FINDER in sys.meta_path:
                    sys.meta_path.remove(_FINDER)


def install_kedro_shim() -> bool:
    """Serve ``kedro.*`` imports from kedro-nb for the rest of the process when Kedro itself
    is not installed (kedro-nb itself only opens the scoped :func:`kedro_shim`). Returns True
    when the shim is active after the call (installed now or before)."""
    global _PERMANENT
    with _LOCK:
        if not _shim_installed() and (real_kedro_available() or not _insert()):
            return False
        _PERMANENT = True
        return True


def _insert() -> bool:
    """Put the finder first in ``sys.meta_path``; True (for use in a condition)."""
    global _FINDER
    if _FINDER is None:
        _FINDER = _make_finder()
    sys.meta_path.insert(0, _FINDER)
    return True


def _is_kedro_object(obj: Any, class_name: str) -> bool:
    cls = type(obj)
    return cls.__name__ == class_name and cls.__module__.split(".")[0] == "kedro"


def as_pipeline(obj: Any) -> Pipeline:
    """Return ``obj`` as a ``kedro_nb.pipeline.Pipeline``; a Kedro ``Pipeline`` is rebuilt
    from its nodes. Raises TypeError for anything else (the caller names the module)."""
    from kedro_nb.pipeline import Pipeline, node

    if isinstance(obj, Pipeline):
        return obj
    if not _is_kedro_object(obj, "Pipeline"):
        raise TypeError(f"expected a Pipeline, got {type(obj).__module__}.{type(obj).__qualname__}")
    converted = [
        node(
            kedro_node.func,
            kedro_node._inputs,
            kedro_node._outputs,
            name=kedro_node._name,
            tags=sorted(kedro_node.tags),
            confirms=kedro_node._confirms,
            namespace=kedro_node.namespace,
        )
        for kedro_node in obj.nodes
    ]
    return Pipeline(converted)
